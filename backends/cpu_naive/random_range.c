/* random_range.c - LINSPACE and LOGSPACE (ops/random.def): evenly spaced sequences, computed
 * the way PyTorch's CPU kernels compute them (each half counted from its own end, so both ends
 * are exact), so that the values agree to the last bit where the arithmetic allows. */
#include <math.h>

#include "dtype_dispatch.h"
#include "random_naive.h"

typedef void (*range_fn)(const oz_view *o, const oz_scalar *s);

/* Floating T: start, end and step in T; integral T: start and end in T, the step in double. */
#define DEFINE_LINSPACE_FLT(DT, SFX, T, W, KIND)                                                 \
  static void linspace_##SFX(const oz_view *o, const oz_scalar *s) {                             \
    const int64_t n = o->shape[0], half = n / 2, st = o->strides[0];                             \
    const T start = (T)s[0].f, end = (T)s[1].f, step = (end - start) / (T)(n - 1);               \
    T *p = (T *)o->data;                                                                         \
    for (int64_t i = 0; i < n; i++)                                                              \
      p[i * st] = i < half ? start + step * (T)i : end - step * (T)(n - 1 - i);                  \
  }
#define DEFINE_LINSPACE_INT(DT, SFX, T, W, KIND)                                                 \
  static void linspace_##SFX(const oz_view *o, const oz_scalar *s) {                             \
    const int64_t n = o->shape[0], half = n / 2, st = o->strides[0];                             \
    const T start = (T)s[0].i, end = (T)s[1].i;                                                  \
    const double step = ((double)end - (double)start) / (double)(n - 1);                         \
    T *p = (T *)o->data;                                                                         \
    for (int64_t i = 0; i < n; i++)                                                              \
      p[i * st] = naive_float_to_##SFX(i < half ? (double)start + step * (double)i               \
                                                : (double)end - step * (double)(n - 1 - i));     \
  }
NAIVE_FLOATING_TYPES(DEFINE_LINSPACE_FLT)
NAIVE_INTEGRAL_TYPES(DEFINE_LINSPACE_INT)

/* Both kinds: the exponent in double from the ends converted to T; pow in double. */
#define LOGSPACE_START_FLT(T, s) ((T)(s).f)
#define LOGSPACE_START_INT(T, s) ((T)(s).i)
#define DEFINE_LOGSPACE(DT, SFX, T, W, KIND)                                                     \
  static void logspace_##SFX(const oz_view *o, const oz_scalar *s) {                             \
    const int64_t n = o->shape[0], half = n / 2, st = o->strides[0];                             \
    const T start = LOGSPACE_START_##KIND(T, s[0]), end = LOGSPACE_START_##KIND(T, s[1]);        \
    const double base = s[2].f, step = ((double)end - (double)start) / (double)(n - 1);          \
    T *p = (T *)o->data;                                                                         \
    for (int64_t i = 0; i < n; i++) {                                                            \
      const double x = i < half ? (double)start + step * (double)i                               \
                                : (double)end - step * (double)(n - 1 - i);                      \
      p[i * st] = NAIVE_CONVERT(FLT, KIND, T, SFX, pow(base, x));                                \
    }                                                                                            \
  }
NAIVE_NUMERIC_TYPES(DEFINE_LOGSPACE)

#define LINSPACE_ENTRY(DT, SFX, T, W, KIND) [DT] = linspace_##SFX,
#define LOGSPACE_ENTRY(DT, SFX, T, W, KIND) [DT] = logspace_##SFX,
static const range_fn linspace_table[OZ_NUM_DTYPES] = {NAIVE_NUMERIC_TYPES(LINSPACE_ENTRY)};
static const range_fn logspace_table[OZ_NUM_DTYPES] = {NAIVE_NUMERIC_TYPES(LOGSPACE_ENTRY)};

static int run_range(const oz_call *c, const range_fn *table, int n_scalars) {
  int rc = naive_check_call(c, 0, 1, n_scalars);
  if (rc) return rc;
  const oz_view *o = &c->out[0];
  if (!table[o->dtype]) return naive_unsupported(c, o->dtype);
  if (o->ndim != 1 || o->shape[0] < 2)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s writes a 1-d tensor of at least 2 elements",
                      naive_host->op_name(c->op));
  table[o->dtype](o, c->scalars);
  return OZ_OK;
}

int naive_linspace(void *ctx, const oz_call *c) {
  (void)ctx;
  return run_range(c, linspace_table, 2);
}

int naive_logspace(void *ctx, const oz_call *c) {
  (void)ctx;
  return run_range(c, logspace_table, 3);
}
