/* nn_conv.c - CONV2D and its two backward ops as matrix products over patch matrices
 * ("im2col"), in double accumulators so the reference is at least as exact as any backend it
 * checks.
 *
 * For one image and group, the K = Cg*kH*kW input values each output position p reads form
 * column p of a patch matrix col [K, P] (zeros where the window hangs over the padding). Then
 *   forward:      y[o][p]    = sum_k W[o][k] col[k][p]        (+ bias)
 *   grad input:   gcol[k][p] = sum_o W[o][k] gy[o][p], scattered back onto the image (col2im)
 *   grad weight:  gW[o][k]  += sum_p gy[o][p] col[k][p]       (col stored transposed)
 * each one loop nest whose innermost loop walks two contiguous rows (i-k-j order), which the
 * compiler vectorizes. Building the patches costs K*P copies against K*P*Og multiply-adds. The
 * range of output positions whose input lies inside the image is computed once per kernel tap
 * (`tap_range`), so no loop tests bounds per element. */
#include "dtype_dispatch.h"
#include "nn_kernels.h"

typedef struct conv_geom {
  int64_t N, C, H, W;   /* input */
  int64_t O, Cg, Og;    /* output channels, input/output channels per group */
  int64_t groups;
  int64_t kH, kW, Ho, Wo;
  int64_t sh, sw, pt, pl, dh, dw;
} conv_geom;

/* Output positions o in [*lo, *hi) whose input position o*stride - pad + k*dil is in [0, in). */
static void tap_range(int64_t k, int64_t dil, int64_t pad, int64_t stride, int64_t in,
                      int64_t out, int64_t *lo, int64_t *hi) {
  const int64_t first = pad - k * dil;            /* o*stride >= first */
  const int64_t last = in - 1 + pad - k * dil;    /* o*stride <= last */
  int64_t l = first > 0 ? (first + stride - 1) / stride : 0;
  int64_t h = last >= 0 ? last / stride + 1 : 0;
  if (h > out) h = out;
  if (l > h) l = h;
  *lo = l, *hi = h;
}

/* Accumulators: double for floating types; uint64_t for integral ones, so products and sums wrap
 * around as PyTorch's integer convolution does, without C's signed-overflow undefined behaviour. */
#define CONV_ACC_FLT double
#define CONV_ACC_INT uint64_t
_Static_assert(sizeof(double) == 8 && sizeof(uint64_t) == 8, "accumulators are 8 bytes");

/* The patch matrix of one image and group ("im2col"): col[k][p] for k = (cc*kH + kh)*kW + kw
 * and p = oh*Wo + ow is x[c0+cc, oh*sh - pt + kh*dh, ow*sw - pl + kw*dw], 0 in the padding.
 * `transposed` stores it as colT[p][k] instead. One image's patches are small (K*P elements)
 * next to the K*P*Og multiply-adds that use them. */
#define DEFINE_CONV_GEMM(DT, SFX, T, W_, KIND)                                                   \
  static void im2col_##SFX(const conv_geom *g, const T *x, T *col, int transposed) {             \
    const int64_t P = g->Ho * g->Wo, K = g->Cg * g->kH * g->kW;                                  \
    for (int64_t i = 0; i < K * P; i++) col[i] = 0;                                              \
    for (int64_t cc = 0; cc < g->Cg; cc++)                                                       \
      for (int64_t kh = 0; kh < g->kH; kh++) {                                                   \
        int64_t oh_lo, oh_hi;                                                                    \
        tap_range(kh, g->dh, g->pt, g->sh, g->H, g->Ho, &oh_lo, &oh_hi);                         \
        for (int64_t kw = 0; kw < g->kW; kw++) {                                                 \
          int64_t lo, hi;                                                                        \
          tap_range(kw, g->dw, g->pl, g->sw, g->W, g->Wo, &lo, &hi);                             \
          const int64_t k = (cc * g->kH + kh) * g->kW + kw, col0 = kw * g->dw - g->pl;           \
          for (int64_t oh = oh_lo; oh < oh_hi; oh++) {                                           \
            const int64_t row = (cc * g->H + oh * g->sh - g->pt + kh * g->dh) * g->W + col0;     \
            const int64_t p0 = oh * g->Wo;                                                       \
            if (transposed)                                                                      \
              for (int64_t ow = lo; ow < hi; ow++) col[(p0 + ow) * K + k] = x[row + ow * g->sw]; \
            else                                                                                 \
              for (int64_t ow = lo; ow < hi; ow++) col[k * P + p0 + ow] = x[row + ow * g->sw];   \
          }                                                                                      \
        }                                                                                        \
      }                                                                                          \
  }                                                                                              \
  /* acc[M][N] += A[M][K] B[K][N], A's element (i, k) at a[i*sa + k*sk], B row-major. The     \
   * innermost loop runs along a row of B and a row of acc, both contiguous; it is unrolled by  \
   * 4 so that the SLP vectorizer packs it even at -O2 (3x faster than the plain loop there). */ \
  static void gemm_##SFX(CONV_ACC_##KIND *acc, const T *a, int64_t sa, int64_t sk, const T *b,  \
                         int64_t M, int64_t K, int64_t N) {                                      \
    typedef CONV_ACC_##KIND acc_t;                                                               \
    for (int64_t i = 0; i < M; i++) {                                                            \
      acc_t *c = acc + i * N;                                                                    \
      for (int64_t k = 0; k < K; k++) {                                                          \
        const acc_t av = (acc_t)a[i * sa + k * sk];                                              \
        const T *br = b + k * N;                                                                 \
        int64_t j = 0;                                                                           \
        for (; j + 4 <= N; j += 4) {                                                             \
          c[j] += av * (acc_t)br[j];                                                             \
          c[j + 1] += av * (acc_t)br[j + 1];                                                     \
          c[j + 2] += av * (acc_t)br[j + 2];                                                     \
          c[j + 3] += av * (acc_t)br[j + 3];                                                     \
        }                                                                                        \
        for (; j < N; j++) c[j] += av * (acc_t)br[j];                                            \
      }                                                                                          \
    }                                                                                            \
  }                                                                                              \
  /* scratch: col [K*P] of T, acc [Og*P] accumulators */                                         \
  static void conv2d_##SFX(const conv_geom *g, const void *x_, const void *w_, const void *b_,   \
                           void *y_, void *acc_, void *col_) {                                   \
    typedef CONV_ACC_##KIND acc_t;                                                               \
    const T *x = (const T *)x_, *w = (const T *)w_, *b = (const T *)b_;                          \
    T *y = (T *)y_, *col = (T *)col_;                                                            \
    acc_t *acc = (acc_t *)acc_;                                                                  \
    const int64_t P = g->Ho * g->Wo, K = g->Cg * g->kH * g->kW, groups = g->groups;           \
    for (int64_t n = 0; n < g->N; n++)                                                           \
      for (int64_t grp = 0; grp < groups; grp++) {                                               \
        im2col_##SFX(g, x + (n * g->C + grp * g->Cg) * g->H * g->W, col, 0);                     \
        for (int64_t i = 0; i < g->Og * P; i++) acc[i] = 0;                                      \
        /* y[o][p] = W[o][k] col[k][p] */                                                        \
        gemm_##SFX(acc, w + grp * g->Og * K, K, 1, col, g->Og, K, P);                            \
        for (int64_t o = 0; o < g->Og; o++) {                                                    \
          const int64_t oc = grp * g->Og + o;                                                    \
          T *yp = y + (n * g->O + oc) * P;                                                       \
          const acc_t bias = (acc_t)b[oc];                                                       \
          for (int64_t p = 0; p < P; p++) yp[p] = (T)(acc[o * P + p] + bias);                    \
        }                                                                                        \
      }                                                                                          \
  }
NAIVE_NUMERIC_TYPES(DEFINE_CONV_GEMM)

/* x[c0+cc, ...] += gcol[k][p]: the adjoint of im2col, into one plane of doubles per channel. */
static void col2im(const conv_geom *g, const double *gcol, double *gx) {
  const int64_t P = g->Ho * g->Wo;
  for (int64_t cc = 0; cc < g->Cg; cc++)
    for (int64_t kh = 0; kh < g->kH; kh++) {
      int64_t oh_lo, oh_hi;
      tap_range(kh, g->dh, g->pt, g->sh, g->H, g->Ho, &oh_lo, &oh_hi);
      for (int64_t kw = 0; kw < g->kW; kw++) {
        int64_t lo, hi;
        tap_range(kw, g->dw, g->pl, g->sw, g->W, g->Wo, &lo, &hi);
        const double *src = gcol + ((cc * g->kH + kh) * g->kW + kw) * P;
        const int64_t col0 = kw * g->dw - g->pl;
        for (int64_t oh = oh_lo; oh < oh_hi; oh++) {
          const int64_t row = (cc * g->H + oh * g->sh - g->pt + kh * g->dh) * g->W + col0;
          for (int64_t ow = lo; ow < hi; ow++) gx[row + ow * g->sw] += src[oh * g->Wo + ow];
        }
      }
    }
}

/* The backward ops (floating types). grad_input scratch: gcol [K*P] and gx [Cg*H*W] doubles;
 * grad_weight scratch: colT [P*K] of T, acc [O*K] doubles. */
#define DEFINE_CONV_BACKWARD(DT, SFX, T, W_, KIND)                                               \
  static void conv2d_bw_input_##SFX(const conv_geom *g, const void *gy_, const void *w_,         \
                                    void *gx_, void *gcol_, void *gxa_) {                        \
    const T *gy = (const T *)gy_, *w = (const T *)w_;                                            \
    T *gx = (T *)gx_;                                                                            \
    double *gcol = (double *)gcol_, *gxa = (double *)gxa_;                                       \
    const int64_t P = g->Ho * g->Wo, K = g->Cg * g->kH * g->kW, groups = g->groups;           \
    const int64_t plane = g->H * g->W;                                                           \
    for (int64_t n = 0; n < g->N; n++)                                                           \
      for (int64_t grp = 0; grp < groups; grp++) {                                               \
        for (int64_t i = 0; i < K * P; i++) gcol[i] = 0;                                         \
        for (int64_t i = 0; i < g->Cg * plane; i++) gxa[i] = 0;                                  \
        /* gcol[k][p] = sum over o of W[o][k] gy[o][p]: A is W transposed */                     \
        gemm_##SFX(gcol, w + grp * g->Og * K, 1, K, gy + (n * g->O + grp * g->Og) * P, K, g->Og, \
                   P);                                                                           \
        col2im(g, gcol, gxa);                                                                    \
        T *gxp = gx + (n * g->C + grp * g->Cg) * plane;                                          \
        for (int64_t i = 0; i < g->Cg * plane; i++) gxp[i] = (T)gxa[i];                          \
      }                                                                                          \
  }                                                                                              \
  static void conv2d_bw_weight_##SFX(const conv_geom *g, const void *gy_, const void *x_,        \
                                     void *gw_, void *acc_, void *colt_) {                       \
    const T *gy = (const T *)gy_, *x = (const T *)x_;                                            \
    T *gw = (T *)gw_, *colt = (T *)colt_;                                                        \
    double *acc = (double *)acc_;                                                                \
    const int64_t P = g->Ho * g->Wo, K = g->Cg * g->kH * g->kW, groups = g->groups;           \
    for (int64_t i = 0; i < g->O * K; i++) acc[i] = 0;                                           \
    for (int64_t n = 0; n < g->N; n++)                                                           \
      for (int64_t grp = 0; grp < groups; grp++) {                                               \
        im2col_##SFX(g, x + (n * g->C + grp * g->Cg) * g->H * g->W, colt, 1);                    \
        /* gW[o][k] += gy[o][p] colT[p][k] */                                                    \
        gemm_##SFX(acc + grp * g->Og * K, gy + (n * g->O + grp * g->Og) * P, P, 1, colt, g->Og,  \
                   P, K);                                                                        \
      }                                                                                          \
    for (int64_t i = 0; i < g->O * K; i++) gw[i] = (T)acc[i];                                    \
  }
NAIVE_FLOATING_TYPES(DEFINE_CONV_BACKWARD)

/* Every conv function takes (geometry, in0, in1, [in2,] out, scratch a, scratch b). */
typedef void (*conv_fw_fn)(const conv_geom *, const void *, const void *, const void *, void *,
                           void *, void *);
typedef void (*conv_bw_fn)(const conv_geom *, const void *, const void *, void *, void *, void *);
#define FW_ENTRY(DT, SFX, T, W, KIND) [DT] = conv2d_##SFX,
#define BWI_ENTRY(DT, SFX, T, W, KIND) [DT] = conv2d_bw_input_##SFX,
#define BWW_ENTRY(DT, SFX, T, W, KIND) [DT] = conv2d_bw_weight_##SFX,
static const conv_fw_fn fw_table[OZ_NUM_DTYPES] = {NAIVE_NUMERIC_TYPES(FW_ENTRY)};
static const conv_bw_fn bwi_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(BWI_ENTRY)};
static const conv_bw_fn bww_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(BWW_ENTRY)};

/* Reads the geometry from x [N,C,H,W], weight [O,Cg,kH,kW], y [N,O,Ho,Wo] (whichever of them
 * are operands or outputs of this op) and ints, and checks that everything agrees. */
static int conv_geometry(const oz_call *call, const oz_view *x, const oz_view *w,
                         const oz_view *y, conv_geom *g) {
  const int dtype = call->in[0].dtype;
  const oz_view *views[3] = {x, w, y};
  static const char *const names[3] = {"input", "weight", "output"};
  for (int k = 0; k < 3; k++) {
    int rc = naive_nn_check_shape(call, views[k], names[k], 4, (const int64_t[]){-1, -1, -1, -1});
    if (!rc) rc = naive_nn_check_contiguous(call, views[k], names[k]);
    if (!rc) rc = naive_nn_check_dtype(call, views[k], names[k], dtype);
    if (rc) return rc;
  }
  if (call->n_ints < 7)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s takes 7 ints, got %d",
                      naive_host->op_name(call->op), (int)call->n_ints);
  const int64_t *p = call->ints;
  *g = (conv_geom){.N = x->shape[0], .C = x->shape[1], .H = x->shape[2], .W = x->shape[3],
                   .O = w->shape[0], .Cg = w->shape[1], .kH = w->shape[2], .kW = w->shape[3],
                   .Ho = y->shape[2], .Wo = y->shape[3], .sh = p[0], .sw = p[1], .pt = p[2],
                   .pl = p[3], .dh = p[4], .dw = p[5]};
  const int64_t groups = p[6];
  if (groups <= 0 || g->sh <= 0 || g->sw <= 0 || g->dh <= 0 || g->dw <= 0 || g->pt < 0 ||
      g->pl < 0 || g->O % groups != 0 || g->Cg * groups != g->C || y->shape[0] != g->N ||
      y->shape[1] != g->O)
    return NAIVE_FAIL(OZ_ERR_RUNTIME,
                      "cpu_naive: %s: inconsistent geometry (input [%lld, %lld, ...], weight "
                      "[%lld, %lld, ...], output [%lld, %lld, ...], groups %lld)",
                      naive_host->op_name(call->op), (long long)g->N, (long long)g->C,
                      (long long)g->O, (long long)g->Cg, (long long)y->shape[0],
                      (long long)y->shape[1], (long long)groups);
  g->Og = g->O / groups;
  g->groups = groups;
  return OZ_OK;
}

/* Runs a conv function with two scratch buffers of n_a and n_b elements of size_a/size_b. */
static int with_scratch(const oz_call *call, int64_t n_a, size_t size_a, int64_t n_b,
                        size_t size_b, void (*run)(const oz_call *, const conv_geom *, void *,
                                                   void *),
                        const conv_geom *g) {
  void *a = naive_nn_scratch(call, n_a, size_a);
  void *b = a ? naive_nn_scratch(call, n_b, size_b) : NULL;
  if (b) run(call, g, a, b);
  if (a) naive_host->host_free(a);
  if (b) naive_host->host_free(b);
  return b ? OZ_OK : OZ_ERR_NOMEM;
}

static void run_forward(const oz_call *call, const conv_geom *g, void *acc, void *col) {
  fw_table[call->in[0].dtype](g, call->in[0].data, call->in[1].data, call->in[2].data,
                              call->out[0].data, acc, col);
}
static void run_backward_input(const oz_call *call, const conv_geom *g, void *gcol, void *gx) {
  bwi_table[call->in[0].dtype](g, call->in[0].data, call->in[1].data, call->out[0].data, gcol,
                               gx);
}
static void run_backward_weight(const oz_call *call, const conv_geom *g, void *acc, void *colt) {
  bww_table[call->in[0].dtype](g, call->in[0].data, call->in[1].data, call->out[0].data, acc,
                               colt);
}

int naive_nn_conv2d(void *ctx, const oz_call *call) {
  (void)ctx;
  conv_geom g;
  int rc = naive_check_call(call, 3, 1, 0);
  if (!rc) rc = conv_geometry(call, &call->in[0], &call->in[1], &call->out[0], &g);
  if (!rc) rc = naive_nn_check_shape(call, &call->in[2], "bias", 1, (const int64_t[]){g.O});
  if (!rc) rc = naive_nn_check_dtype(call, &call->in[2], "bias", call->in[0].dtype);
  if (rc) return rc;
  const int dt = call->in[0].dtype;
  if (!fw_table[dt]) return naive_unsupported(call, dt);
  const int64_t P = g.Ho * g.Wo, K = g.Cg * g.kH * g.kW;
  return with_scratch(call, g.Og * P, 8, K * P, naive_dtype_size(dt), run_forward, &g);
}

int naive_nn_conv2d_backward_input(void *ctx, const oz_call *call) {
  (void)ctx;
  conv_geom g;
  int rc = naive_check_call(call, 2, 1, 0);
  if (!rc) rc = conv_geometry(call, &call->out[0], &call->in[1], &call->in[0], &g);
  if (rc) return rc;
  if (!bwi_table[call->in[0].dtype]) return naive_unsupported(call, call->in[0].dtype);
  const int64_t P = g.Ho * g.Wo, K = g.Cg * g.kH * g.kW;
  return with_scratch(call, K * P, sizeof(double), g.Cg * g.H * g.W, sizeof(double),
                      run_backward_input, &g);
}

int naive_nn_conv2d_backward_weight(void *ctx, const oz_call *call) {
  (void)ctx;
  conv_geom g;
  int rc = naive_check_call(call, 2, 1, 0);
  if (!rc) rc = conv_geometry(call, &call->in[1], &call->out[0], &call->in[0], &g);
  if (rc) return rc;
  const int dt = call->in[0].dtype;
  if (!bww_table[dt]) return naive_unsupported(call, dt);
  const int64_t P = g.Ho * g.Wo, K = g.Cg * g.kH * g.kW;
  return with_scratch(call, g.O * K, sizeof(double), P * K, naive_dtype_size(dt),
                      run_backward_weight, &g);
}
