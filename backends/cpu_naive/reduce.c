/* reduce.c - SUM over some dims, output in keepdim form.
 *
 * out[0] has in[0]'s ndim with size 1 in each reduced dim, and in[0]'s dtype (the core has
 * already cast the input: integral and bool inputs arrive as int64 unless the user asked for a
 * dtype). The input's dims split in two loop nests: the kept dims, walked in lockstep with the
 * output, and the reduced dims, walked for each output element to add up its inputs.
 * Accumulators: double for floating types (float32 sums stay close to PyTorch's, which are more
 * exact than naive float accumulation), uint64_t for integral types (wrapping), logical or for
 * bool (PyTorch's sum(dtype=torch.bool)). An empty reduction gives 0.
 */
#include <inttypes.h>

#include "dtype_dispatch.h"
#include "iter.h"
#include "naive.h"

typedef void (*sum_fn)(naive_iter *kept, naive_iter *reduced);

#define NAIVE_SUM_ACC_FLT double
#define NAIVE_SUM_ACC_INT uint64_t
#define NAIVE_SUM_ACC_BOOL unsigned
#define NAIVE_SUM_ADD_FLT(acc, x) ((acc) += (x))
#define NAIVE_SUM_ADD_INT(acc, x) ((acc) += (uint64_t)(x))
#define NAIVE_SUM_ADD_BOOL(acc, x) ((acc) |= ((x) != 0))

/* kept: operands (out, in) over the kept dims; reduced: operand (in) over the reduced dims,
 * rewound to each output element's first input. */
#define DEFINE_SUM(DT, SFX, T, W, KIND)                                                          \
  static void sum_##SFX(naive_iter *kept, naive_iter *reduced) {                                 \
    while (naive_iter_next(kept)) {                                                              \
      for (int64_t i = 0; i < kept->n; i++) {                                                    \
        T *o = (T *)kept->row[0] + i * kept->step[0];                                            \
        char *first = (char *)((const T *)kept->row[1] + i * kept->step[1]);                     \
        NAIVE_SUM_ACC_##KIND acc = 0;                                                            \
        naive_iter_rewind(reduced, &first);                                                      \
        while (naive_iter_next(reduced)) {                                                       \
          const T *x = (const T *)reduced->row[0];                                               \
          const int64_t s = reduced->step[0];                                                    \
          for (int64_t j = 0; j < reduced->n; j++) NAIVE_SUM_ADD_##KIND(acc, x[j * s]);          \
        }                                                                                        \
        *o = (T)acc;                                                                             \
      }                                                                                          \
    }                                                                                            \
  }
NAIVE_ALL_TYPES(DEFINE_SUM)

#define SUM_ENTRY(DT, SFX, T, W, KIND) [DT] = sum_##SFX,
static const sum_fn sum_table[OZ_NUM_DTYPES] = {NAIVE_ALL_TYPES(SUM_ENTRY)};

int naive_sum(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 1, 0);
  if (rc) return rc;
  const oz_view *in = &call->in[0], *out = &call->out[0];
  const int dtype = in->dtype;
  if (out->dtype != dtype)
    return NAIVE_FAIL(OZ_ERR_RUNTIME,
                      "cpu_naive: sum writes its input's dtype (%s), got out[0] of %s (the core "
                      "casts the input first)",
                      naive_host->dtype_name(dtype), naive_host->dtype_name(out->dtype));
  if (out->ndim != in->ndim)
    return NAIVE_FAIL(OZ_ERR_RUNTIME,
                      "cpu_naive: sum's out[0] has in[0]'s ndim (keepdim form): %d != %d",
                      (int)out->ndim, (int)in->ndim);

  /* Split in's dims: out size == in size is kept, out size 1 is reduced. */
  const int64_t elsize = (int64_t)naive_dtype_size(dtype);
  int64_t kept_shape[OZ_MAX_DIMS], kept_strides[2][OZ_MAX_DIMS];
  int64_t red_shape[OZ_MAX_DIMS], red_strides[1][OZ_MAX_DIMS];
  int n_kept = 0, n_red = 0;
  for (int d = 0; d < in->ndim; d++) {
    if (out->shape[d] == in->shape[d]) {
      kept_shape[n_kept] = in->shape[d];
      kept_strides[0][n_kept] = out->strides[d];
      kept_strides[1][n_kept] = in->strides[d];
      n_kept++;
    } else if (out->shape[d] == 1) {
      red_shape[n_red] = in->shape[d];
      red_strides[0][n_red] = in->strides[d];
      n_red++;
    } else {
      return NAIVE_FAIL(OZ_ERR_RUNTIME,
                        "cpu_naive: sum's out[0] has size %" PRId64 " in dim %d where in[0] has %"
                        PRId64 " (must be equal, or 1 where the dim is reduced)",
                        out->shape[d], d, in->shape[d]);
    }
  }

  naive_iter kept, reduced;
  naive_iter_init_raw(&kept, 2, n_kept, kept_shape, (const int64_t(*)[OZ_MAX_DIMS])kept_strides,
                      (const int64_t[]){elsize, elsize},
                      (char *const[]){(char *)out->data, (char *)in->data});
  naive_iter_init_raw(&reduced, 1, n_red, red_shape, (const int64_t(*)[OZ_MAX_DIMS])red_strides,
                      (const int64_t[]){elsize}, (char *const[]){(char *)in->data});
  sum_table[dtype](&kept, &reduced);
  return OZ_OK;
}
