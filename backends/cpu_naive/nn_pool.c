/* nn_pool.c - 2-d max, average and adaptive average pooling over planes x [B, H, W], and their
 * backward ops. The window arithmetic is PyTorch's CPU kernels' (MaxPoolKernel.cpp,
 * AvgPoolKernel.cpp, AdaptivePooling.h) so indices, tie-breaking and divisors agree exactly. The
 * core passes contiguous planes and decides the output sizes (ceil_mode); backward kernels write
 * the whole gradient plane (zeros where nothing flows). */
#include <math.h>

#include "dtype_dispatch.h"
#include "nn_kernels.h"

typedef struct pool_geom {
  int64_t B, H, W, Ho, Wo;
  int64_t kH, kW, sh, sw, ph, pw;
  int64_t dh, dw;                /* max pool */
  int64_t count_include_pad, divisor; /* avg pool (divisor 0: none) */
} pool_geom;

/* ---- max pooling ---- */

/* The window of output (oh, ow): rows ih0, ih0+dh, ... < ih1, likewise columns. */
static void max_window(const pool_geom *g, int64_t oh, int64_t ow, int64_t *ih0, int64_t *ih1,
                       int64_t *iw0, int64_t *iw1) {
  *ih0 = oh * g->sh - g->ph;
  *iw0 = ow * g->sw - g->pw;
  *ih1 = *ih0 + (g->kH - 1) * g->dh + 1;
  *iw1 = *iw0 + (g->kW - 1) * g->dw + 1;
  if (*ih1 > g->H) *ih1 = g->H;
  if (*iw1 > g->W) *iw1 = g->W;
  while (*ih0 < 0) *ih0 += g->dh;
  while (*iw0 < 0) *iw0 += g->dw;
}

#define DEFINE_MAX_POOL(DT, SFX, T, W_, KIND)                                                    \
  static void max_pool_##SFX(const pool_geom *g, const void *x_, void *y_, int64_t *idx) {       \
    const T *x = (const T *)x_;                                                                  \
    T *y = (T *)y_;                                                                              \
    for (int64_t b = 0; b < g->B; b++) {                                                         \
      const T *xp = x + b * g->H * g->W;                                                         \
      for (int64_t oh = 0; oh < g->Ho; oh++) {                                                   \
        for (int64_t ow = 0; ow < g->Wo; ow++) {                                                 \
          int64_t ih0, ih1, iw0, iw1;                                                            \
          max_window(g, oh, ow, &ih0, &ih1, &iw0, &iw1);                                         \
          int64_t best = ih0 * g->W + iw0;                                                       \
          T m = (T)-INFINITY;                                                                    \
          for (int64_t ih = ih0; ih < ih1; ih += g->dh) {                                        \
            for (int64_t iw = iw0; iw < iw1; iw += g->dw) {                                      \
              const T v = xp[ih * g->W + iw];                                                    \
              if (v > m || isnan(v)) m = v, best = ih * g->W + iw;                               \
            }                                                                                    \
          }                                                                                      \
          const int64_t o = (b * g->Ho + oh) * g->Wo + ow;                                       \
          y[o] = m;                                                                              \
          idx[o] = best;                                                                         \
        }                                                                                        \
      }                                                                                          \
    }                                                                                            \
  }                                                                                              \
  static void max_pool_bw_##SFX(const pool_geom *g, const void *gy_, const int64_t *idx,         \
                                void *gx_) {                                                     \
    const T *gy = (const T *)gy_;                                                                \
    T *gx = (T *)gx_;                                                                            \
    const int64_t plane_in = g->H * g->W, plane_out = g->Ho * g->Wo;                             \
    for (int64_t i = 0; i < g->B * plane_in; i++) gx[i] = 0;                                     \
    for (int64_t b = 0; b < g->B; b++)                                                           \
      for (int64_t o = 0; o < plane_out; o++) {                                                  \
        const int64_t i = idx[b * plane_out + o];                                                \
        if (i >= 0 && i < plane_in) gx[b * plane_in + i] += gy[b * plane_out + o];              \
      }                                                                                          \
  }
NAIVE_FLOATING_TYPES(DEFINE_MAX_POOL)

/* ---- average pooling ---- */

/* The window of output (oh, ow) clipped to the input, and its divisor; 0 when the window lies
 * entirely in the padding (PyTorch writes 0 there). */
static int64_t avg_window(const pool_geom *g, int64_t oh, int64_t ow, int64_t *ih0, int64_t *ih1,
                          int64_t *iw0, int64_t *iw1) {
  int64_t h0 = oh * g->sh - g->ph, w0 = ow * g->sw - g->pw;
  int64_t h1 = h0 + g->kH, w1 = w0 + g->kW;
  if (h1 > g->H + g->ph) h1 = g->H + g->ph;
  if (w1 > g->W + g->pw) w1 = g->W + g->pw;
  const int64_t pool_size = (h1 - h0) * (w1 - w0);
  if (h0 < 0) h0 = 0;
  if (w0 < 0) w0 = 0;
  if (h1 > g->H) h1 = g->H;
  if (w1 > g->W) w1 = g->W;
  *ih0 = h0, *ih1 = h1, *iw0 = w0, *iw1 = w1;
  if (h0 >= h1 || w0 >= w1) return 0;
  if (g->divisor) return g->divisor;
  return g->count_include_pad ? pool_size : (h1 - h0) * (w1 - w0);
}

/* PyTorch averages int64 planes too, with integer division (truncation); the sum wraps. */
#define AVG_POOL_TYPES(X) NAIVE_FLOATING_TYPES(X) X(OZ_INT64, i64, int64_t, uint64_t, INT)
#define AVG_SUM_FLT double
#define AVG_SUM_INT uint64_t
#define AVG_DIV_FLT(s, d) ((s) / (double)(d))
#define AVG_DIV_INT(s, d) ((int64_t)(s) / (d))

#define DEFINE_AVG_POOL(DT, SFX, T, W_, KIND)                                                    \
  static void avg_pool_##SFX(const pool_geom *g, const void *x_, void *y_) {                     \
    const T *x = (const T *)x_;                                                                  \
    T *y = (T *)y_;                                                                              \
    for (int64_t b = 0; b < g->B; b++) {                                                         \
      const T *xp = x + b * g->H * g->W;                                                         \
      for (int64_t oh = 0; oh < g->Ho; oh++) {                                                   \
        for (int64_t ow = 0; ow < g->Wo; ow++) {                                                 \
          int64_t ih0, ih1, iw0, iw1;                                                            \
          const int64_t div = avg_window(g, oh, ow, &ih0, &ih1, &iw0, &iw1);                     \
          AVG_SUM_##KIND s = 0;                                                                  \
          for (int64_t ih = ih0; ih < ih1; ih++)                                                 \
            for (int64_t iw = iw0; iw < iw1; iw++) s += (AVG_SUM_##KIND)xp[ih * g->W + iw];      \
          y[(b * g->Ho + oh) * g->Wo + ow] = div ? (T)AVG_DIV_##KIND(s, div) : (T)0;             \
        }                                                                                        \
      }                                                                                          \
    }                                                                                            \
  }
AVG_POOL_TYPES(DEFINE_AVG_POOL)

#define DEFINE_AVG_POOL_BW(DT, SFX, T, W_, KIND)                                                 \
  static void avg_pool_bw_##SFX(const pool_geom *g, const void *gy_, void *gx_) {                \
    const T *gy = (const T *)gy_;                                                                \
    T *gx = (T *)gx_;                                                                            \
    for (int64_t i = 0; i < g->B * g->H * g->W; i++) gx[i] = 0;                                  \
    for (int64_t b = 0; b < g->B; b++) {                                                         \
      T *gp = gx + b * g->H * g->W;                                                              \
      for (int64_t oh = 0; oh < g->Ho; oh++) {                                                   \
        for (int64_t ow = 0; ow < g->Wo; ow++) {                                                 \
          int64_t ih0, ih1, iw0, iw1;                                                            \
          const int64_t div = avg_window(g, oh, ow, &ih0, &ih1, &iw0, &iw1);                     \
          if (!div) continue;                                                                    \
          const T v = (T)((double)gy[(b * g->Ho + oh) * g->Wo + ow] / (double)div);              \
          for (int64_t ih = ih0; ih < ih1; ih++)                                                 \
            for (int64_t iw = iw0; iw < iw1; iw++) gp[ih * g->W + iw] += v;                      \
        }                                                                                        \
      }                                                                                          \
    }                                                                                            \
  }
NAIVE_FLOATING_TYPES(DEFINE_AVG_POOL_BW)

/* ---- adaptive average pooling: output cell i covers [start(i), end(i)) ---- */
static int64_t adaptive_start(int64_t i, int64_t out, int64_t in) {
  return (i / out) * in + ((i % out) * in) / out;
}
static int64_t adaptive_end(int64_t i, int64_t out, int64_t in) {
  return 1 + ((i + 1) * in - 1) / out;
}

#define DEFINE_ADAPTIVE_POOL(DT, SFX, T, W_, KIND)                                               \
  static void adaptive_pool_##SFX(const pool_geom *g, const void *x_, void *y_) {                \
    const T *x = (const T *)x_;                                                                  \
    T *y = (T *)y_;                                                                              \
    for (int64_t b = 0; b < g->B; b++) {                                                         \
      const T *xp = x + b * g->H * g->W;                                                         \
      for (int64_t oh = 0; oh < g->Ho; oh++) {                                                   \
        const int64_t h0 = adaptive_start(oh, g->Ho, g->H), h1 = adaptive_end(oh, g->Ho, g->H);  \
        for (int64_t ow = 0; ow < g->Wo; ow++) {                                                 \
          const int64_t w0 = adaptive_start(ow, g->Wo, g->W);                                    \
          const int64_t w1 = adaptive_end(ow, g->Wo, g->W);                                      \
          double s = 0;                                                                          \
          for (int64_t ih = h0; ih < h1; ih++)                                                   \
            for (int64_t iw = w0; iw < w1; iw++) s += (double)xp[ih * g->W + iw];                \
          y[(b * g->Ho + oh) * g->Wo + ow] = (T)(s / (double)((h1 - h0) * (w1 - w0)));           \
        }                                                                                        \
      }                                                                                          \
    }                                                                                            \
  }                                                                                              \
  static void adaptive_pool_bw_##SFX(const pool_geom *g, const void *gy_, void *gx_) {           \
    const T *gy = (const T *)gy_;                                                                \
    T *gx = (T *)gx_;                                                                            \
    for (int64_t i = 0; i < g->B * g->H * g->W; i++) gx[i] = 0;                                  \
    for (int64_t b = 0; b < g->B; b++) {                                                         \
      T *gp = gx + b * g->H * g->W;                                                              \
      for (int64_t oh = 0; oh < g->Ho; oh++) {                                                   \
        const int64_t h0 = adaptive_start(oh, g->Ho, g->H), h1 = adaptive_end(oh, g->Ho, g->H);  \
        for (int64_t ow = 0; ow < g->Wo; ow++) {                                                 \
          const int64_t w0 = adaptive_start(ow, g->Wo, g->W);                                    \
          const int64_t w1 = adaptive_end(ow, g->Wo, g->W);                                      \
          const T v = (T)((double)gy[(b * g->Ho + oh) * g->Wo + ow] /                            \
                          (double)((h1 - h0) * (w1 - w0)));                                      \
          for (int64_t ih = h0; ih < h1; ih++)                                                   \
            for (int64_t iw = w0; iw < w1; iw++) gp[ih * g->W + iw] += v;                        \
        }                                                                                        \
      }                                                                                          \
    }                                                                                            \
  }
NAIVE_FLOATING_TYPES(DEFINE_ADAPTIVE_POOL)

typedef void (*pool_fn)(const pool_geom *, const void *, void *);
typedef void (*max_fw_fn)(const pool_geom *, const void *, void *, int64_t *);
typedef void (*max_bw_fn)(const pool_geom *, const void *, const int64_t *, void *);
#define MAX_ENTRY(DT, SFX, T, W, KIND) [DT] = max_pool_##SFX,
#define MAX_BW_ENTRY(DT, SFX, T, W, KIND) [DT] = max_pool_bw_##SFX,
#define AVG_ENTRY(DT, SFX, T, W, KIND) [DT] = avg_pool_##SFX,
#define AVG_BW_ENTRY(DT, SFX, T, W, KIND) [DT] = avg_pool_bw_##SFX,
#define ADAPTIVE_ENTRY(DT, SFX, T, W, KIND) [DT] = adaptive_pool_##SFX,
#define ADAPTIVE_BW_ENTRY(DT, SFX, T, W, KIND) [DT] = adaptive_pool_bw_##SFX,
static const max_fw_fn max_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(MAX_ENTRY)};
static const max_bw_fn max_bw_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(MAX_BW_ENTRY)};
static const pool_fn avg_table[OZ_NUM_DTYPES] = {AVG_POOL_TYPES(AVG_ENTRY)};
static const pool_fn avg_bw_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(AVG_BW_ENTRY)};
static const pool_fn adaptive_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(ADAPTIVE_ENTRY)};
static const pool_fn adaptive_bw_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(ADAPTIVE_BW_ENTRY)};

/* Geometry from the input planes x [B,H,W], the output planes y [B,Ho,Wo] and `n_ints` ints
 * (0 for adaptive pooling, 8 for the others); checks the views. */
static int pool_geometry(const oz_call *call, const oz_view *x, const oz_view *y, int n_ints,
                         pool_geom *g) {
  const oz_view *views[2] = {x, y};
  static const char *const names[2] = {"input planes", "output planes"};
  for (int k = 0; k < 2; k++) {
    int rc = naive_nn_check_shape(call, views[k], names[k], 3, (const int64_t[]){-1, -1, -1});
    if (!rc) rc = naive_nn_check_contiguous(call, views[k], names[k]);
    if (!rc) rc = naive_nn_check_dtype(call, views[k], names[k], call->in[0].dtype);
    if (rc) return rc;
  }
  if (x->shape[0] != y->shape[0])
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: input and output plane counts differ",
                      naive_host->op_name(call->op));
  if (call->n_ints < n_ints)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s takes %d ints, got %d",
                      naive_host->op_name(call->op), n_ints, (int)call->n_ints);
  *g = (pool_geom){.B = x->shape[0], .H = x->shape[1], .W = x->shape[2], .Ho = y->shape[1],
                   .Wo = y->shape[2]};
  if (n_ints == 0) {
    if ((g->H == 0 || g->W == 0) && g->Ho * g->Wo > 0 && g->B > 0)
      return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: empty input planes",
                        naive_host->op_name(call->op));
    return OZ_OK;
  }
  const int64_t *p = call->ints;
  g->kH = p[0], g->kW = p[1], g->sh = p[2], g->sw = p[3], g->ph = p[4], g->pw = p[5];
  if (call->op == OZ_OP_MAX_POOL2D || call->op == OZ_OP_MAX_POOL2D_BACKWARD)
    g->dh = p[6], g->dw = p[7];
  else
    g->dh = g->dw = 1, g->count_include_pad = p[6], g->divisor = p[7];
  if (g->kH <= 0 || g->kW <= 0 || g->sh <= 0 || g->sw <= 0 || g->ph < 0 || g->pw < 0 ||
      g->dh <= 0 || g->dw <= 0)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: invalid window",
                      naive_host->op_name(call->op));
  return OZ_OK;
}

int naive_nn_max_pool2d(void *ctx, const oz_call *call) {
  (void)ctx;
  pool_geom g;
  int rc = naive_check_call(call, 1, 2, 0);
  if (!rc) rc = pool_geometry(call, &call->in[0], &call->out[0], 8, &g);
  if (!rc) rc = naive_nn_check_shape(call, &call->out[1], "indices", 3, call->out[0].shape);
  if (!rc) rc = naive_nn_check_contiguous(call, &call->out[1], "indices");
  if (!rc) rc = naive_nn_check_dtype(call, &call->out[1], "indices", OZ_INT64);
  if (rc) return rc;
  const max_fw_fn fn = max_table[call->in[0].dtype];
  if (!fn) return naive_unsupported(call, call->in[0].dtype);
  fn(&g, call->in[0].data, call->out[0].data, (int64_t *)call->out[1].data);
  return OZ_OK;
}

int naive_nn_max_pool2d_backward(void *ctx, const oz_call *call) {
  (void)ctx;
  pool_geom g;
  int rc = naive_check_call(call, 2, 1, 0);
  if (!rc) rc = pool_geometry(call, &call->out[0], &call->in[0], 8, &g);
  if (!rc) rc = naive_nn_check_shape(call, &call->in[1], "indices", 3, call->in[0].shape);
  if (!rc) rc = naive_nn_check_contiguous(call, &call->in[1], "indices");
  if (!rc) rc = naive_nn_check_dtype(call, &call->in[1], "indices", OZ_INT64);
  if (rc) return rc;
  const max_bw_fn fn = max_bw_table[call->in[0].dtype];
  if (!fn) return naive_unsupported(call, call->in[0].dtype);
  fn(&g, call->in[0].data, (const int64_t *)call->in[1].data, call->out[0].data);
  return OZ_OK;
}

/* AVG_POOL2D, ADAPTIVE_AVG_POOL2D and their backward ops: one input, one output. */
static int run_plane_op(const oz_call *call, const pool_fn *table, bool backward, int n_ints) {
  pool_geom g;
  int rc = naive_check_call(call, 1, 1, 0);
  if (!rc)
    rc = backward ? pool_geometry(call, &call->out[0], &call->in[0], n_ints, &g)
                  : pool_geometry(call, &call->in[0], &call->out[0], n_ints, &g);
  if (rc) return rc;
  const pool_fn fn = table[call->in[0].dtype];
  if (!fn) return naive_unsupported(call, call->in[0].dtype);
  fn(&g, call->in[0].data, call->out[0].data);
  return OZ_OK;
}

int naive_nn_avg_pool2d(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_plane_op(call, avg_table, false, 8);
}
int naive_nn_avg_pool2d_backward(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_plane_op(call, avg_bw_table, true, 8);
}
int naive_nn_adaptive_avg_pool2d(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_plane_op(call, adaptive_table, false, 0);
}
int naive_nn_adaptive_avg_pool2d_backward(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_plane_op(call, adaptive_bw_table, true, 0);
}
