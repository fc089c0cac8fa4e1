/* nn_softmax.c - SOFTMAX, LOG_SOFTMAX and their backward ops: independent "lines" along one dim.
 *
 * Every dim but ints[0] is walked with a naive_iter (so any strides work and lines start in the
 * output's memory order); each line is then a 1-d strided run of n elements. Sums are kept in
 * double and exp/log evaluated in double, so the reference is at least as exact as any backend
 * it checks. Softmax subtracts the line's max first (no overflow); a NaN anywhere in a line makes
 * the whole line NaN, and a line of -inf gives NaN, as in PyTorch. */
#include <math.h>

#include "dtype_dispatch.h"
#include "iter.h"
#include "nn_kernels.h"

/* One line: o[i*so] from a[i*sa] (and b[i*sb] for the backward ops), i < n. */
typedef void (*line_fn)(char *o, int64_t so, const char *a, int64_t sa, const char *b, int64_t sb,
                        int64_t n);

#define DEFINE_SOFTMAX_LINES(DT, SFX, T, W, KIND)                                                \
  static double line_max_##SFX(const T *x, int64_t sx, int64_t n) {                              \
    double m = -INFINITY;                                                                        \
    for (int64_t i = 0; i < n; i++) {                                                            \
      double v = (double)x[i * sx];                                                              \
      if (v > m || isnan(v)) m = v;                                                              \
      if (isnan(m)) break;                                                                       \
    }                                                                                            \
    return m;                                                                                    \
  }                                                                                              \
  static void softmax_##SFX(char *o_, int64_t so, const char *a_, int64_t sa, const char *b_,    \
                            int64_t sb, int64_t n) {                                             \
    (void)b_, (void)sb;                                                                          \
    T *o = (T *)o_;                                                                              \
    const T *x = (const T *)a_;                                                                  \
    const double m = line_max_##SFX(x, sa, n);                                                   \
    double sum = 0;                                                                              \
    for (int64_t i = 0; i < n; i++) sum += exp((double)x[i * sa] - m);                           \
    for (int64_t i = 0; i < n; i++) o[i * so] = (T)(exp((double)x[i * sa] - m) / sum);           \
  }                                                                                              \
  static void log_softmax_##SFX(char *o_, int64_t so, const char *a_, int64_t sa,                \
                                const char *b_, int64_t sb, int64_t n) {                         \
    (void)b_, (void)sb;                                                                          \
    T *o = (T *)o_;                                                                              \
    const T *x = (const T *)a_;                                                                  \
    const double m = line_max_##SFX(x, sa, n);                                                   \
    double sum = 0;                                                                              \
    for (int64_t i = 0; i < n; i++) sum += exp((double)x[i * sa] - m);                           \
    const double shift = m + log(sum);                                                           \
    for (int64_t i = 0; i < n; i++) o[i * so] = (T)((double)x[i * sa] - shift);                  \
  }                                                                                              \
  /* a = grad of the output g, b = softmax output y: y * (g - sum(g * y)) */                     \
  static void softmax_backward_##SFX(char *o_, int64_t so, const char *a_, int64_t sa,           \
                                     const char *b_, int64_t sb, int64_t n) {                    \
    T *o = (T *)o_;                                                                              \
    const T *g = (const T *)a_, *y = (const T *)b_;                                              \
    double dot = 0;                                                                              \
    for (int64_t i = 0; i < n; i++) dot += (double)g[i * sa] * (double)y[i * sb];                \
    for (int64_t i = 0; i < n; i++)                                                              \
      o[i * so] = (T)((double)y[i * sb] * ((double)g[i * sa] - dot));                            \
  }                                                                                              \
  /* a = g, b = log_softmax output y: g - exp(y) * sum(g) */                                     \
  static void log_softmax_backward_##SFX(char *o_, int64_t so, const char *a_, int64_t sa,       \
                                         const char *b_, int64_t sb, int64_t n) {                \
    T *o = (T *)o_;                                                                              \
    const T *g = (const T *)a_, *y = (const T *)b_;                                              \
    double sum = 0;                                                                              \
    for (int64_t i = 0; i < n; i++) sum += (double)g[i * sa];                                    \
    for (int64_t i = 0; i < n; i++)                                                              \
      o[i * so] = (T)((double)g[i * sa] - exp((double)y[i * sb]) * sum);                         \
  }
NAIVE_FLOATING_TYPES(DEFINE_SOFTMAX_LINES)

/* [op - OZ_OP_SOFTMAX][dtype] */
#define LINE_ENTRY(DT, SFX, T, W, KIND, NAME) [DT] = NAME##_##SFX,
#define SOFTMAX_ENTRY(DT, SFX, T, W, KIND) LINE_ENTRY(DT, SFX, T, W, KIND, softmax)
#define LOG_SOFTMAX_ENTRY(DT, SFX, T, W, KIND) LINE_ENTRY(DT, SFX, T, W, KIND, log_softmax)
#define SOFTMAX_BW_ENTRY(DT, SFX, T, W, KIND) LINE_ENTRY(DT, SFX, T, W, KIND, softmax_backward)
#define LOG_SOFTMAX_BW_ENTRY(DT, SFX, T, W, KIND)                                                \
  LINE_ENTRY(DT, SFX, T, W, KIND, log_softmax_backward)
static const line_fn line_table[4][OZ_NUM_DTYPES] = {
    [OZ_OP_SOFTMAX - OZ_OP_SOFTMAX] = {NAIVE_FLOATING_TYPES(SOFTMAX_ENTRY)},
    [OZ_OP_LOG_SOFTMAX - OZ_OP_SOFTMAX] = {NAIVE_FLOATING_TYPES(LOG_SOFTMAX_ENTRY)},
    [OZ_OP_SOFTMAX_BACKWARD - OZ_OP_SOFTMAX] = {NAIVE_FLOATING_TYPES(SOFTMAX_BW_ENTRY)},
    [OZ_OP_LOG_SOFTMAX_BACKWARD - OZ_OP_SOFTMAX] = {NAIVE_FLOATING_TYPES(LOG_SOFTMAX_BW_ENTRY)},
};

/* Runs `fn` over every line along `dim` of the operands (out, in[0][, in[1]]). */
static int run_lines(const oz_call *call, int n_in) {
  const oz_view *out = &call->out[0];
  const int dtype = out->dtype;
  const int nops = 1 + n_in;
  const oz_view *ops[3] = {out, &call->in[0], n_in > 1 ? &call->in[1] : NULL};
  for (int k = 1; k < nops; k++) {
    int rc = naive_nn_check_shape(call, ops[k], k == 1 ? "in[0]" : "in[1]", out->ndim, out->shape);
    if (!rc) rc = naive_nn_check_dtype(call, ops[k], k == 1 ? "in[0]" : "in[1]", dtype);
    if (rc) return rc;
  }
  const line_fn fn = line_table[call->op - OZ_OP_SOFTMAX][dtype];
  if (!fn) return naive_unsupported(call, dtype);
  const int64_t dim = call->n_ints > 0 ? call->ints[0] : -1;
  if (dim < 0 || dim >= (out->ndim ? out->ndim : 1))
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: dim %lld out of range for %d-d operands",
                      naive_host->op_name(call->op), (long long)dim, (int)out->ndim);

  /* The loop nest over every dim except `dim`; a 0-d tensor is one line of one element. */
  const int64_t n = out->ndim ? out->shape[dim] : 1;
  int64_t line_strides[3] = {0, 0, 0};
  int64_t shape[OZ_MAX_DIMS], strides[3][OZ_MAX_DIMS], elsize[3];
  char *data[3];
  int nd = 0;
  for (int d = 0; d < out->ndim; d++) {
    for (int k = 0; k < nops; k++) {
      if (d == dim)
        line_strides[k] = ops[k]->strides[d];
      else
        strides[k][nd] = ops[k]->strides[d];
    }
    if (d != dim) shape[nd++] = out->shape[d];
  }
  for (int k = 0; k < nops; k++) {
    elsize[k] = (int64_t)naive_dtype_size(dtype);
    data[k] = (char *)ops[k]->data;
  }
  naive_iter it;
  naive_iter_init_raw(&it, nops, nd, shape, (const int64_t(*)[OZ_MAX_DIMS])strides, elsize, data);
  if (n == 0) return OZ_OK;
  while (naive_iter_next(&it)) {
    for (int64_t i = 0; i < it.n; i++) {
      char *p[3];
      for (int k = 0; k < nops; k++) p[k] = it.row[k] + i * it.step[k] * elsize[k];
      fn(p[0], line_strides[0], p[1], line_strides[1], nops > 2 ? p[2] : NULL, line_strides[2], n);
    }
  }
  return OZ_OK;
}

int naive_nn_softmax(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 1, 0);
  return rc ? rc : run_lines(call, 1);
}

int naive_nn_softmax_backward(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 2, 1, 0);
  return rc ? rc : run_lines(call, 2);
}
