/* nn_norm.c - batch normalization (statistics, normalization, backward) and layer normalization
 * (forward, backward). Everything is computed in double: two-pass mean and variance, so the
 * reference stays exact where a one-pass formula would cancel.
 *
 * Batch norm sees x as [N, C, K] (channel c is the N*K values x[:, c, :]); layer norm sees x as
 * [M, N] (each row normalized on its own). Operands are contiguous (ops/nn.def). */
#include <math.h>

#include "dtype_dispatch.h"
#include "nn_kernels.h"

typedef void (*bn_stats_fn)(int64_t N, int64_t C, int64_t K, const void *x, void *stats);
typedef void (*bn_fn)(int64_t N, int64_t C, int64_t K, const void *x, const void *stats,
                      const void *w, const void *b, double eps, void *y);
typedef void (*bn_bw_fn)(int64_t N, int64_t C, int64_t K, const void *g, const void *x,
                         const void *stats, const void *w, double eps, int training, void *gx,
                         void *gwb);
typedef void (*ln_fn)(int64_t M, int64_t N, const void *x, const void *w, const void *b,
                      double eps, void *y, void *stats);
typedef void (*ln_bw_fn)(int64_t M, int64_t N, const void *g, const void *x, const void *stats,
                         const void *w, void *gx, void *gwb, double *acc);

#define DEFINE_NORM(DT, SFX, T, W_, KIND)                                                        \
  static void bn_stats_##SFX(int64_t N, int64_t C, int64_t K, const void *x_, void *stats_) {    \
    const T *x = (const T *)x_;                                                                  \
    T *stats = (T *)stats_;                                                                      \
    const double count = (double)(N * K);                                                        \
    for (int64_t c = 0; c < C; c++) {                                                            \
      double s = 0, ss = 0;                                                                      \
      for (int64_t n = 0; n < N; n++)                                                            \
        for (int64_t k = 0; k < K; k++) s += (double)x[(n * C + c) * K + k];                     \
      const double mean = s / count;                                                             \
      for (int64_t n = 0; n < N; n++)                                                            \
        for (int64_t k = 0; k < K; k++) {                                                        \
          const double d = (double)x[(n * C + c) * K + k] - mean;                                \
          ss += d * d;                                                                           \
        }                                                                                        \
      stats[c] = (T)mean;                                                                        \
      stats[C + c] = (T)(ss / count);                                                            \
    }                                                                                            \
  }                                                                                              \
  static void bn_##SFX(int64_t N, int64_t C, int64_t K, const void *x_, const void *stats_,      \
                       const void *w_, const void *b_, double eps, void *y_) {                   \
    const T *x = (const T *)x_, *stats = (const T *)stats_, *w = (const T *)w_;                  \
    const T *b = (const T *)b_;                                                                  \
    T *y = (T *)y_;                                                                              \
    for (int64_t c = 0; c < C; c++) {                                                            \
      const double mean = (double)stats[c];                                                      \
      const double scale = (double)w[c] / sqrt((double)stats[C + c] + eps);                      \
      const double shift = (double)b[c] - mean * scale;                                          \
      for (int64_t n = 0; n < N; n++) {                                                          \
        const T *xr = x + (n * C + c) * K;                                                       \
        T *yr = y + (n * C + c) * K;                                                             \
        for (int64_t k = 0; k < K; k++) yr[k] = (T)((double)xr[k] * scale + shift);              \
      }                                                                                          \
    }                                                                                            \
  }                                                                                              \
  static void bn_bw_##SFX(int64_t N, int64_t C, int64_t K, const void *g_, const void *x_,       \
                          const void *stats_, const void *w_, double eps, int training,          \
                          void *gx_, void *gwb_) {                                               \
    const T *g = (const T *)g_, *x = (const T *)x_, *stats = (const T *)stats_;                  \
    const T *w = (const T *)w_;                                                                  \
    T *gx = (T *)gx_, *gwb = (T *)gwb_;                                                          \
    const double count = (double)(N * K);                                                        \
    for (int64_t c = 0; c < C; c++) {                                                            \
      const double mean = (double)stats[c];                                                      \
      const double invstd = 1 / sqrt((double)stats[C + c] + eps);                                \
      double sum_g = 0, dot = 0; /* sum of g, sum of g * (x - mean) */                           \
      for (int64_t n = 0; n < N; n++)                                                            \
        for (int64_t k = 0; k < K; k++) {                                                        \
          const int64_t i = (n * C + c) * K + k;                                                 \
          sum_g += (double)g[i];                                                                 \
          dot += (double)g[i] * ((double)x[i] - mean);                                           \
        }                                                                                        \
      const double scale = invstd * (double)w[c];                                                \
      /* training: the batch statistics depend on x, which adds two terms */                     \
      const double g_mean = training ? sum_g / count : 0;                                        \
      const double proj = training ? dot * invstd * invstd / count : 0;                          \
      for (int64_t n = 0; n < N; n++)                                                            \
        for (int64_t k = 0; k < K; k++) {                                                        \
          const int64_t i = (n * C + c) * K + k;                                                 \
          gx[i] = (T)(((double)g[i] - g_mean - ((double)x[i] - mean) * proj) * scale);           \
        }                                                                                        \
      gwb[c] = (T)(dot * invstd);                                                                \
      gwb[C + c] = (T)sum_g;                                                                     \
    }                                                                                            \
  }                                                                                              \
  static void ln_##SFX(int64_t M, int64_t N, const void *x_, const void *w_, const void *b_,     \
                       double eps, void *y_, void *stats_) {                                     \
    const T *x = (const T *)x_, *w = (const T *)w_, *b = (const T *)b_;                          \
    T *y = (T *)y_, *stats = (T *)stats_;                                                        \
    for (int64_t m = 0; m < M; m++) {                                                            \
      const T *xr = x + m * N;                                                                   \
      T *yr = y + m * N;                                                                         \
      double s = 0, ss = 0;                                                                      \
      for (int64_t j = 0; j < N; j++) s += (double)xr[j];                                        \
      const double mean = s / (double)N;                                                         \
      for (int64_t j = 0; j < N; j++) ss += ((double)xr[j] - mean) * ((double)xr[j] - mean);     \
      const double rstd = 1 / sqrt(ss / (double)N + eps);                                        \
      for (int64_t j = 0; j < N; j++)                                                            \
        yr[j] = (T)(((double)xr[j] - mean) * rstd * (double)w[j] + (double)b[j]);                \
      stats[2 * m] = (T)mean;                                                                    \
      stats[2 * m + 1] = (T)rstd;                                                                \
    }                                                                                            \
  }                                                                                              \
  /* acc: 2*N doubles of scratch for the weight and bias gradients */                            \
  static void ln_bw_##SFX(int64_t M, int64_t N, const void *g_, const void *x_,                  \
                          const void *stats_, const void *w_, void *gx_, void *gwb_,             \
                          double *acc) {                                                         \
    const T *g = (const T *)g_, *x = (const T *)x_, *stats = (const T *)stats_;                  \
    const T *w = (const T *)w_;                                                                  \
    T *gx = (T *)gx_, *gwb = (T *)gwb_;                                                          \
    for (int64_t j = 0; j < 2 * N; j++) acc[j] = 0;                                              \
    for (int64_t m = 0; m < M; m++) {                                                            \
      const T *gr = g + m * N, *xr = x + m * N;                                                  \
      T *gxr = gx + m * N;                                                                       \
      const double mean = (double)stats[2 * m], rstd = (double)stats[2 * m + 1];                \
      double s1 = 0, s2 = 0; /* sums of dxhat and dxhat * xhat */                                \
      for (int64_t j = 0; j < N; j++) {                                                          \
        const double xhat = ((double)xr[j] - mean) * rstd, dxhat = (double)gr[j] * (double)w[j]; \
        s1 += dxhat;                                                                             \
        s2 += dxhat * xhat;                                                                      \
        acc[j] += (double)gr[j] * xhat;                                                          \
        acc[N + j] += (double)gr[j];                                                             \
      }                                                                                          \
      s1 /= (double)N, s2 /= (double)N;                                                          \
      for (int64_t j = 0; j < N; j++) {                                                          \
        const double xhat = ((double)xr[j] - mean) * rstd, dxhat = (double)gr[j] * (double)w[j]; \
        gxr[j] = (T)(rstd * (dxhat - s1 - xhat * s2));                                           \
      }                                                                                          \
    }                                                                                            \
    for (int64_t j = 0; j < 2 * N; j++) gwb[j] = (T)acc[j];                                      \
  }
NAIVE_FLOATING_TYPES(DEFINE_NORM)

#define BN_STATS_ENTRY(DT, SFX, T, W, KIND) [DT] = bn_stats_##SFX,
#define BN_ENTRY(DT, SFX, T, W, KIND) [DT] = bn_##SFX,
#define BN_BW_ENTRY(DT, SFX, T, W, KIND) [DT] = bn_bw_##SFX,
#define LN_ENTRY(DT, SFX, T, W, KIND) [DT] = ln_##SFX,
#define LN_BW_ENTRY(DT, SFX, T, W, KIND) [DT] = ln_bw_##SFX,
static const bn_stats_fn bn_stats_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(BN_STATS_ENTRY)};
static const bn_fn bn_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(BN_ENTRY)};
static const bn_bw_fn bn_bw_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(BN_BW_ENTRY)};
static const ln_fn ln_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(LN_ENTRY)};
static const ln_bw_fn ln_bw_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(LN_BW_ENTRY)};

/* Checks each of `n` views: shape (-1: any size), contiguous, in[0]'s dtype. */
typedef struct operand_spec {
  const oz_view *v;
  const char *name;
  int ndim;
  int64_t shape[3];
} operand_spec;
static int check_operands(const oz_call *call, const operand_spec *specs, int n) {
  for (int k = 0; k < n; k++) {
    int rc = naive_nn_check_shape(call, specs[k].v, specs[k].name, specs[k].ndim, specs[k].shape);
    if (!rc) rc = naive_nn_check_contiguous(call, specs[k].v, specs[k].name);
    if (!rc) rc = naive_nn_check_dtype(call, specs[k].v, specs[k].name, call->in[0].dtype);
    if (rc) return rc;
  }
  return OZ_OK;
}

int naive_nn_batch_norm_stats(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 1, 0);
  if (rc) return rc;
  const oz_view *x = &call->in[0];
  const operand_spec specs[] = {{x, "input", 3, {-1, -1, -1}},
                                {&call->out[0], "stats", 2, {2, x->ndim == 3 ? x->shape[1] : -1}}};
  if ((rc = check_operands(call, specs, 2))) return rc;
  const bn_stats_fn fn = bn_stats_table[x->dtype];
  if (!fn) return naive_unsupported(call, x->dtype);
  fn(x->shape[0], x->shape[1], x->shape[2], x->data, call->out[0].data);
  return OZ_OK;
}

int naive_nn_batch_norm(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 4, 1, 1);
  if (rc) return rc;
  const oz_view *x = &call->in[0];
  const int64_t C = x->ndim == 3 ? x->shape[1] : -1;
  const operand_spec specs[] = {{x, "input", 3, {-1, -1, -1}},
                                {&call->in[1], "stats", 2, {2, C}},
                                {&call->in[2], "weight", 1, {C}},
                                {&call->in[3], "bias", 1, {C}},
                                {&call->out[0], "output", 3, {x->shape[0], C, x->shape[2]}}};
  if ((rc = check_operands(call, specs, 5))) return rc;
  const bn_fn fn = bn_table[x->dtype];
  if (!fn) return naive_unsupported(call, x->dtype);
  fn(x->shape[0], x->shape[1], x->shape[2], x->data, call->in[1].data, call->in[2].data,
     call->in[3].data, call->scalars[0].f, call->out[0].data);
  return OZ_OK;
}

int naive_nn_batch_norm_backward(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 4, 2, 1);
  if (rc) return rc;
  const oz_view *g = &call->in[0];
  const int64_t N = g->ndim == 3 ? g->shape[0] : -1, C = g->ndim == 3 ? g->shape[1] : -1;
  const int64_t K = g->ndim == 3 ? g->shape[2] : -1;
  const operand_spec specs[] = {{g, "grad", 3, {-1, -1, -1}},
                                {&call->in[1], "input", 3, {N, C, K}},
                                {&call->in[2], "stats", 2, {2, C}},
                                {&call->in[3], "weight", 1, {C}},
                                {&call->out[0], "grad_input", 3, {N, C, K}},
                                {&call->out[1], "grad_weight_bias", 2, {2, C}}};
  if ((rc = check_operands(call, specs, 6))) return rc;
  const bn_bw_fn fn = bn_bw_table[g->dtype];
  if (!fn) return naive_unsupported(call, g->dtype);
  fn(N, C, K, g->data, call->in[1].data, call->in[2].data, call->in[3].data, call->scalars[0].f,
     call->n_ints > 0 && call->ints[0] != 0, call->out[0].data, call->out[1].data);
  return OZ_OK;
}

int naive_nn_layer_norm(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 3, 2, 1);
  if (rc) return rc;
  const oz_view *x = &call->in[0];
  const int64_t M = x->ndim == 2 ? x->shape[0] : -1, N = x->ndim == 2 ? x->shape[1] : -1;
  const operand_spec specs[] = {{x, "input", 2, {-1, -1}},
                                {&call->in[1], "weight", 1, {N}},
                                {&call->in[2], "bias", 1, {N}},
                                {&call->out[0], "output", 2, {M, N}},
                                {&call->out[1], "stats", 2, {M, 2}}};
  if ((rc = check_operands(call, specs, 5))) return rc;
  const ln_fn fn = ln_table[x->dtype];
  if (!fn) return naive_unsupported(call, x->dtype);
  fn(M, N, x->data, call->in[1].data, call->in[2].data, call->scalars[0].f, call->out[0].data,
     call->out[1].data);
  return OZ_OK;
}

int naive_nn_layer_norm_backward(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 4, 2, 0);
  if (rc) return rc;
  const oz_view *g = &call->in[0];
  const int64_t M = g->ndim == 2 ? g->shape[0] : -1, N = g->ndim == 2 ? g->shape[1] : -1;
  const operand_spec specs[] = {{g, "grad", 2, {-1, -1}},
                                {&call->in[1], "input", 2, {M, N}},
                                {&call->in[2], "stats", 2, {M, 2}},
                                {&call->in[3], "weight", 1, {N}},
                                {&call->out[0], "grad_input", 2, {M, N}},
                                {&call->out[1], "grad_weight_bias", 2, {2, N}}};
  if ((rc = check_operands(call, specs, 6))) return rc;
  const ln_bw_fn fn = ln_bw_table[g->dtype];
  if (!fn) return naive_unsupported(call, g->dtype);
  double *acc = naive_nn_scratch(call, 2 * N, sizeof(double));
  if (!acc) return OZ_ERR_NOMEM;
  fn(M, N, g->data, call->in[1].data, call->in[2].data, call->in[3].data, call->out[0].data,
     call->out[1].data, acc);
  naive_host->host_free(acc);
  return OZ_OK;
}
