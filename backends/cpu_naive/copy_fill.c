/* copy_fill.c - the ops that write memory without arithmetic between operands:
 * FILL (out[...] = value), COPY (any dtype to any dtype, any strides on both sides) and ARANGE.
 * Value conversions follow PyTorch's casts; the rules live in dtype_dispatch.h. */
#include "dtype_dispatch.h"
#include "iter.h"
#include "naive.h"

/* ---- FILL: out[0][...] = scalars[0], read as .f for floating and .i for integral/bool ---- */

typedef void (*fill_fn)(naive_iter *it, oz_scalar value);

#define DEFINE_FILL(DT, SFX, T, W, KIND)                                                         \
  static void fill_##SFX(naive_iter *it, oz_scalar value) {                                      \
    const T v = NAIVE_SCALAR(KIND, T, value);                                                    \
    while (naive_iter_next(it)) {                                                                \
      T *o = (T *)it->row[0];                                                                    \
      const int64_t s = it->step[0];                                                             \
      for (int64_t i = 0; i < it->n; i++) o[i * s] = v;                                          \
    }                                                                                            \
  }
NAIVE_ALL_TYPES(DEFINE_FILL)

#define FILL_ENTRY(DT, SFX, T, W, KIND) [DT] = fill_##SFX,
static const fill_fn fill_table[OZ_NUM_DTYPES] = {NAIVE_ALL_TYPES(FILL_ENTRY)};

int naive_fill(void *ctx, const oz_call *call) {
  (void)ctx;
  if (call->n_out == 1 && naive_is_half(call->out[0].dtype)) return naive_fill_half(call);
  int rc = naive_check_call(call, 0, 1, 1);
  if (rc) return rc;
  naive_iter it;
  naive_iter_init(&it, 1, (const oz_view *[]){&call->out[0]});
  fill_table[call->out[0].dtype](&it, call->scalars[0]);
  return OZ_OK;
}

/* ---- COPY: out[0] = in[0] converted to out[0]'s dtype ----
 * One function per (src, dst) pair, 8 x 8, from the type table expanded inside itself. */

typedef void (*copy_fn)(naive_iter *it);

#define DEFINE_COPY(SDT, SSFX, ST, SW, SKIND, DDT, DSFX, DT_, DW, DKIND)                          \
  static void copy_##SSFX##_to_##DSFX(naive_iter *it) {                                          \
    NAIVE_UNARY_LOOP(*it, DT_, ST, NAIVE_CONVERT(SKIND, DKIND, DT_, DSFX, a));                   \
  }
#define DEFINE_COPIES_FROM(DT, SFX, T, W, KIND)                                                  \
  NAIVE_ALL_TYPES_INNER(DEFINE_COPY, DT, SFX, T, W, KIND)
NAIVE_ALL_TYPES(DEFINE_COPIES_FROM)

/* copy_table[src dtype][dst dtype] */
#define COPY_ENTRY(SDT, SSFX, ST, SW, SKIND, DDT, DSFX, DT_, DW, DKIND)                           \
  [SDT][DDT] = copy_##SSFX##_to_##DSFX,
#define COPY_ENTRIES_FROM(DT, SFX, T, W, KIND)                                                   \
  NAIVE_ALL_TYPES_INNER(COPY_ENTRY, DT, SFX, T, W, KIND)
static const copy_fn copy_table[OZ_NUM_DTYPES][OZ_NUM_DTYPES] = {
    NAIVE_ALL_TYPES(COPY_ENTRIES_FROM)};

/* The dispatcher picks COPY by the source dtype; this also turns away destinations we have no
 * kernel for, so a backend that has them can take the call. */
int naive_copy_supports(void *ctx, const oz_call *call) {
  (void)ctx;
  const int src = call->in[0].dtype, dst = call->out[0].dtype;
  return (naive_dtype_size(src) != 0 || naive_is_half(src)) &&
         (naive_dtype_size(dst) != 0 || naive_is_half(dst));
}

int naive_copy(void *ctx, const oz_call *call) {
  (void)ctx;
  if (call->n_in == 1 && call->n_out == 1 &&
      (naive_is_half(call->in[0].dtype) || naive_is_half(call->out[0].dtype)))
    return naive_copy_half(call); /* copy_half.c */
  int rc = naive_check_call(call, 1, 1, 0);
  if (rc) return rc;
  rc = naive_check_elementwise(call, -1, call->out[0].dtype);
  if (rc) return rc;
  naive_iter it;
  naive_iter_init(&it, 2, (const oz_view *[]){&call->out[0], &call->in[0]});
  copy_table[call->in[0].dtype][call->out[0].dtype](&it);
  return OZ_OK;
}

/* ---- ARANGE: 1-d out[0][k] = start + k * step ----
 * Floating: computed in double, then rounded once to the element type (PyTorch's CPU kernel
 * does the same). Integral: int64 arithmetic, wrapping like the other integer ops. */

typedef void (*arange_fn)(const oz_view *out, oz_scalar start, oz_scalar step);

#define DEFINE_ARANGE_FLT(DT, SFX, T, W, KIND)                                                   \
  static void arange_##SFX(const oz_view *out, oz_scalar start, oz_scalar step) {                \
    T *o = (T *)out->data;                                                                       \
    for (int64_t k = 0; k < out->shape[0]; k++)                                                  \
      o[k * out->strides[0]] = (T)(start.f + (double)k * step.f);                                \
  }
#define DEFINE_ARANGE_INT(DT, SFX, T, W, KIND)                                                   \
  static void arange_##SFX(const oz_view *out, oz_scalar start, oz_scalar step) {                \
    T *o = (T *)out->data;                                                                       \
    for (int64_t k = 0; k < out->shape[0]; k++)                                                  \
      o[k * out->strides[0]] = (T)((uint64_t)start.i + (uint64_t)k * (uint64_t)step.i);          \
  }
NAIVE_FLOATING_TYPES(DEFINE_ARANGE_FLT)
NAIVE_INTEGRAL_TYPES(DEFINE_ARANGE_INT)

#define ARANGE_ENTRY(DT, SFX, T, W, KIND) [DT] = arange_##SFX,
static const arange_fn arange_table[OZ_NUM_DTYPES] = {NAIVE_NUMERIC_TYPES(ARANGE_ENTRY)};

int naive_arange(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 0, 1, 2);
  if (rc) return rc;
  const oz_view *out = &call->out[0];
  if (!arange_table[out->dtype]) return naive_unsupported(call, out->dtype);
  if (out->ndim != 1)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: arange writes a 1-d tensor, got %d dims",
                      (int)out->ndim);
  arange_table[out->dtype](out, call->scalars[0], call->scalars[1]);
  return OZ_OK;
}
