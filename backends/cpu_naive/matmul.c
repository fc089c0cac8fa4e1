/* matmul.c - MATMUL: out[M,N] = a[M,K] @ b[K,N], all three of one numeric dtype, any strides.
 *
 * The loop order is i, k, j: for each output row, add a[i,k] * (row k of b) into a row of
 * accumulators. The innermost loop then walks a row of b and the accumulator row in step, which
 * is contiguous for row-major b and vectorizes. Accumulators are wider than the elements where
 * that makes the reference more exact than any backend it checks: double for float32 (and
 * float64), uint64_t for integral types (wrapping, as PyTorch's integer mm does). Each output
 * row is written once, after its accumulators are complete. K == 0 gives zeros.
 */
#include "dtype_dispatch.h"
#include "naive.h"

typedef void (*matmul_fn)(const oz_view *out, const oz_view *a, const oz_view *b, void *scratch);

/* Accumulator type per kind: FLT -> double, INT -> uint64_t. */
#define NAIVE_ACC_FLT double
#define NAIVE_ACC_INT uint64_t
#define NAIVE_ACC(KIND) NAIVE_ACC_##KIND
_Static_assert(sizeof(double) == 8 && sizeof(uint64_t) == 8, "accumulators are 8 bytes");

#define DEFINE_MATMUL(DT, SFX, T, W, KIND)                                                       \
  static void matmul_##SFX(const oz_view *out, const oz_view *a, const oz_view *b,               \
                           void *scratch) {                                                      \
    typedef NAIVE_ACC(KIND) acc_t;                                                               \
    acc_t *acc = (acc_t *)scratch;                                                               \
    const int64_t M = a->shape[0], K = a->shape[1], N = b->shape[1];                             \
    const int64_t sam = a->strides[0], sak = a->strides[1];                                      \
    const int64_t sbk = b->strides[0], sbn = b->strides[1];                                      \
    const int64_t som = out->strides[0], son = out->strides[1];                                  \
    const T *pa = (const T *)a->data, *pb = (const T *)b->data;                                  \
    T *po = (T *)out->data;                                                                      \
    for (int64_t i = 0; i < M; i++) {                                                            \
      for (int64_t j = 0; j < N; j++) acc[j] = 0;                                                \
      for (int64_t k = 0; k < K; k++) {                                                          \
        const acc_t aik = (acc_t)pa[i * sam + k * sak];                                          \
        const T *brow = pb + k * sbk;                                                            \
        if (sbn == 1) {                                                                          \
          for (int64_t j = 0; j < N; j++) acc[j] += aik * (acc_t)brow[j];                        \
        } else {                                                                                 \
          for (int64_t j = 0; j < N; j++) acc[j] += aik * (acc_t)brow[j * sbn];                  \
        }                                                                                        \
      }                                                                                          \
      for (int64_t j = 0; j < N; j++) po[i * som + j * son] = (T)acc[j];                         \
    }                                                                                            \
  }
NAIVE_NUMERIC_TYPES(DEFINE_MATMUL)

#define MATMUL_ENTRY(DT, SFX, T, W, KIND) [DT] = matmul_##SFX,
static const matmul_fn matmul_table[OZ_NUM_DTYPES] = {NAIVE_NUMERIC_TYPES(MATMUL_ENTRY)};

int naive_matmul(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 2, 1, 0);
  if (rc) return rc;
  const oz_view *a = &call->in[0], *b = &call->in[1], *out = &call->out[0];
  const int dtype = a->dtype;
  if (!matmul_table[dtype]) return naive_unsupported(call, dtype);
  if (b->dtype != dtype || out->dtype != dtype)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: matmul needs one dtype, got %s @ %s -> %s",
                      naive_host->dtype_name(dtype), naive_host->dtype_name(b->dtype),
                      naive_host->dtype_name(out->dtype));
  if (a->ndim != 2 || b->ndim != 2 || out->ndim != 2 || a->shape[1] != b->shape[0] ||
      out->shape[0] != a->shape[0] || out->shape[1] != b->shape[1])
    return NAIVE_FAIL(OZ_ERR_RUNTIME,
                      "cpu_naive: matmul takes [M,K] @ [K,N] -> [M,N], got %d-d @ %d-d -> %d-d "
                      "(the core reduces other cases to 2-d)",
                      (int)a->ndim, (int)b->ndim, (int)out->ndim);
  const int64_t M = a->shape[0], N = b->shape[1];
  if (M == 0 || N == 0) return OZ_OK; /* nothing to write */

  /* one row of 8-byte accumulators (both accumulator types are 8 bytes) */
  const size_t nbytes = (size_t)N * 8;
  void *scratch = naive_host->host_alloc(nbytes);
  if (!scratch)
    return NAIVE_FAIL(OZ_ERR_NOMEM, "cpu_naive: matmul could not allocate %zu bytes of scratch",
                      nbytes);
  matmul_table[dtype](out, a, b, scratch);
  naive_host->host_free(scratch);
  return OZ_OK;
}
