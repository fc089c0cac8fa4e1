/* nn_loss.c - NLL_LOSS and the elementwise losses (POINTWISE_LOSS), with their backward ops.
 *
 * The elementwise losses are one table: each loss is a pair of scalar formulas (the loss, and
 * its derivatives with respect to input and target), evaluated in double; the X-macro below
 * expands every (dtype, loss) pair into a loop over the operands. The formulas are PyTorch
 * 1.13's (aten/src/ATen/native/Loss.cpp, BinaryOps.cpp, FunctionsManual.cpp), including its
 * tie-breaking at the kinks (e.g. smooth L1's gradient at |x - t| == beta is sign(x - t)). */
#include <math.h>

#include "dtype_dispatch.h"
#include "nn_kernels.h"
#include "nn_walk.h"

/* ============================ elementwise losses ============================ */

/* x input, t target, p pos_weight (BCE with logits only), a = scalars[0] (beta / delta). */
static inline double sgn(double v) { return (v > 0) - (v < 0); }
/* log(sigmoid(z)), stable for large |z| */
static inline double log_sigmoid(double z) { return fmin(z, 0) - log1p(exp(-fabs(z))); }

static inline double mse_loss(double x, double t, double p, double a) {
  (void)p, (void)a;
  return (x - t) * (x - t);
}
static inline void mse_grad(double x, double t, double p, double a, double *dx, double *dt) {
  (void)p, (void)a;
  *dx = 2 * (x - t), *dt = -2 * (x - t);
}
static inline double l1_loss(double x, double t, double p, double a) {
  (void)p, (void)a;
  return fabs(x - t);
}
static inline void l1_grad(double x, double t, double p, double a, double *dx, double *dt) {
  (void)p, (void)a;
  *dx = sgn(x - t), *dt = -sgn(x - t);
}
static inline double smooth_l1_loss(double x, double t, double p, double beta) {
  (void)p;
  const double z = fabs(x - t);
  return z < beta ? 0.5 * z * z / beta : z - 0.5 * beta;
}
static inline void smooth_l1_grad(double x, double t, double p, double beta, double *dx,
                                  double *dt) {
  (void)p;
  const double d = x - t;
  *dx = d <= -beta ? -1 : d >= beta ? 1 : d / beta;
  *dt = -*dx;
}
static inline double huber_loss(double x, double t, double p, double delta) {
  (void)p;
  const double z = fabs(x - t);
  return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
}
static inline void huber_grad(double x, double t, double p, double delta, double *dx,
                              double *dt) {
  (void)p;
  const double d = x - t;
  *dx = d <= -delta ? -delta : d >= delta ? delta : d;
  *dt = -*dx;
}
/* PyTorch clamps both logs at -100 so that x = 0 or 1 gives a finite loss. */
static inline double bce_loss(double x, double t, double p, double a) {
  (void)p, (void)a;
  return (t - 1) * fmax(log1p(-x), -100) - t * fmax(log(x), -100);
}
static inline void bce_grad(double x, double t, double p, double a, double *dx, double *dt) {
  (void)p, (void)a;
  *dx = (x - t) / fmax((1 - x) * x, 1e-12);
  *dt = log1p(-x) - log(x); /* -logit(x), unclamped as in PyTorch */
}
static inline double bce_logits_loss(double x, double t, double p, double a) {
  (void)a;
  const double m = fmax(-x, 0);
  return (1 - t) * x + (1 + (p - 1) * t) * (log(exp(-m) + exp(-x - m)) + m);
}
static inline void bce_logits_grad(double x, double t, double p, double a, double *dx,
                                   double *dt) {
  (void)a;
  const double s = 1 / (1 + exp(-x));
  *dx = (p * t + 1 - t) * s - p * t;
  *dt = log_sigmoid(-x) - p * log_sigmoid(x);
}

/* The losses in ints[0] order: X(name, id). Inputs a loss refuses are reported by
 * `valid_<name>`. */
#define NN_LOSSES(X, ...)                                                                        \
  X(__VA_ARGS__, mse, 0)                                                                         \
  X(__VA_ARGS__, l1, 1)                                                                          \
  X(__VA_ARGS__, smooth_l1, 2)                                                                   \
  X(__VA_ARGS__, huber, 3)                                                                       \
  X(__VA_ARGS__, bce, 4)                                                                         \
  X(__VA_ARGS__, bce_logits, 5)
#define NN_N_LOSSES 6
static inline int valid_input(int loss, double x) {
  return loss != 4 || (x >= 0 && x <= 1); /* BCE: probabilities (NaN fails, as in PyTorch) */
}

/* ops: out, x, t, p (forward); gx, gt, x, t, p, g (backward). Returns 0, or 1 when an input is
 * out of the loss's domain. */
typedef int (*loss_fn)(nn_walk *w, int loss, double a);
typedef void (*loss_bw_fn)(nn_walk *w, double a);

#define DEFINE_ONE_LOSS(SFX, T, NAME, ID)                                                        \
  static int NAME##_fw_##SFX(nn_walk *w, int loss, double a) {                                   \
    while (nn_walk_next(w)) {                                                                    \
      T *o = (T *)w->row[0];                                                                     \
      const T *x = (const T *)w->row[1], *t = (const T *)w->row[2], *p = (const T *)w->row[3];   \
      for (int64_t i = 0; i < w->n; i++) {                                                       \
        const double xv = (double)x[i * w->step[1]];                                             \
        if (!valid_input(loss, xv)) return 1;                                                    \
        o[i * w->step[0]] =                                                                      \
            (T)NAME##_loss(xv, (double)t[i * w->step[2]], (double)p[i * w->step[3]], a);         \
      }                                                                                          \
    }                                                                                            \
    return 0;                                                                                    \
  }                                                                                              \
  static void NAME##_bw_##SFX(nn_walk *w, double a) {                                            \
    while (nn_walk_next(w)) {                                                                    \
      T *gx = (T *)w->row[0], *gt = (T *)w->row[1];                                              \
      const T *x = (const T *)w->row[2], *t = (const T *)w->row[3];                              \
      const T *p = (const T *)w->row[4], *g = (const T *)w->row[5];                              \
      for (int64_t i = 0; i < w->n; i++) {                                                       \
        double dx, dt;                                                                           \
        NAME##_grad((double)x[i * w->step[2]], (double)t[i * w->step[3]],                        \
                    (double)p[i * w->step[4]], a, &dx, &dt);                                     \
        const double gv = (double)g[i * w->step[5]];                                             \
        gx[i * w->step[0]] = (T)(gv * dx);                                                       \
        gt[i * w->step[1]] = (T)(gv * dt);                                                       \
      }                                                                                          \
    }                                                                                            \
  }
#define DEFINE_LOSSES(DT, SFX, T, W_, KIND) NN_LOSSES(DEFINE_ONE_LOSS, SFX, T)
NAIVE_FLOATING_TYPES(DEFINE_LOSSES)

#define FW_ROW(DT, SFX, T, W_, KIND) NN_LOSSES(LOSS_FW_ENTRY_S, SFX, DT)
#define BW_ROW(DT, SFX, T, W_, KIND) NN_LOSSES(LOSS_BW_ENTRY_S, SFX, DT)
#define LOSS_FW_ENTRY_S(SFX, DT, NAME, ID) [DT][ID] = NAME##_fw_##SFX,
#define LOSS_BW_ENTRY_S(SFX, DT, NAME, ID) [DT][ID] = NAME##_bw_##SFX,
static const loss_fn loss_fw_table[OZ_NUM_DTYPES][NN_N_LOSSES] = {NAIVE_FLOATING_TYPES(FW_ROW)};
static const loss_bw_fn loss_bw_table[OZ_NUM_DTYPES][NN_N_LOSSES] = {
    NAIVE_FLOATING_TYPES(BW_ROW)};

/* Checks n operands (outputs first) against out[0]'s shape and in[0]'s dtype; returns the loss
 * id or -1 with the error set. */
static int check_loss_call(const oz_call *call, const oz_view *const *ops, int nops) {
  static const char *const names[6] = {"operand 0", "operand 1", "operand 2",
                                       "operand 3", "operand 4", "operand 5"};
  for (int k = 0; k < nops; k++) {
    if (naive_nn_check_shape(call, ops[k], names[k], ops[0]->ndim, ops[0]->shape) ||
        naive_nn_check_dtype(call, ops[k], names[k], call->in[0].dtype))
      return -1;
  }
  const int loss = call->n_ints > 0 ? (int)call->ints[0] : -1;
  if (loss < 0 || loss >= NN_N_LOSSES) {
    naive_host->set_error(OZ_ERR_RUNTIME, "cpu_naive: %s: unknown loss %d",
                          naive_host->op_name(call->op), loss);
    return -1;
  }
  return loss;
}

int naive_nn_pointwise_loss(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 3, 1, 1);
  if (rc) return rc;
  const oz_view *ops[4] = {&call->out[0], &call->in[0], &call->in[1], &call->in[2]};
  const int loss = check_loss_call(call, ops, 4);
  if (loss < 0) return OZ_ERR_RUNTIME;
  const loss_fn fn = loss_fw_table[call->in[0].dtype][loss];
  if (!fn) return naive_unsupported(call, call->in[0].dtype);
  nn_walk w;
  nn_walk_init(&w, 4, ops);
  if (fn(&w, loss, call->scalars[0].f))
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "all elements of input should be between 0 and 1");
  return OZ_OK;
}

int naive_nn_pointwise_loss_backward(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 4, 2, 1);
  if (rc) return rc;
  const oz_view *ops[6] = {&call->out[0], &call->out[1], &call->in[0],
                           &call->in[1],  &call->in[2],  &call->in[3]};
  const int loss = check_loss_call(call, ops, 6);
  if (loss < 0) return OZ_ERR_RUNTIME;
  const loss_bw_fn fn = loss_bw_table[call->in[0].dtype][loss];
  if (!fn) return naive_unsupported(call, call->in[0].dtype);
  nn_walk w;
  nn_walk_init(&w, 6, ops);
  fn(&w, call->scalars[0].f);
  return OZ_OK;
}

/* ================================ NLL loss ================================ */

#define DEFINE_NLL(DT, SFX, T, W_, KIND)                                                         \
  /* x [N,C,K], t [N,K], w [C] contiguous; loss and wsum [N,K] contiguous. Returns 1 with the  \
   * target in *bad when one is out of range, else 0. */                                        \
  static int64_t nll_##SFX(int64_t N, int64_t C, int64_t K, const void *x_, const int64_t *t,   \
                           const void *w_, int64_t ignore, void *loss_, void *wsum_,            \
                           int64_t *bad) {                                                      \
    const T *x = (const T *)x_, *w = (const T *)w_;                                             \
    T *loss = (T *)loss_, *wsum = (T *)wsum_;                                                   \
    for (int64_t n = 0; n < N; n++)                                                             \
      for (int64_t k = 0; k < K; k++) {                                                         \
        const int64_t c = t[n * K + k];                                                         \
        if (c == ignore) {                                                                      \
          loss[n * K + k] = 0, wsum[n * K + k] = 0;                                             \
          continue;                                                                             \
        }                                                                                       \
        if (c < 0 || c >= C) {                                                                  \
          *bad = c;                                                                             \
          return 1;                                                                             \
        }                                                                                       \
        wsum[n * K + k] = w[c];                                                                 \
        loss[n * K + k] = -w[c] * x[(n * C + c) * K + k];                                       \
      }                                                                                         \
    return 0;                                                                                   \
  }                                                                                             \
  /* g [N,K] with strides gs0, gs1; gx [N,C,K] contiguous */                                    \
  static void nll_bw_##SFX(int64_t N, int64_t C, int64_t K, const void *g_, int64_t gs0,        \
                           int64_t gs1, const int64_t *t, const void *w_, int64_t ignore,       \
                           void *gx_) {                                                         \
    const T *g = (const T *)g_, *w = (const T *)w_;                                             \
    T *gx = (T *)gx_;                                                                           \
    for (int64_t i = 0; i < N * C * K; i++) gx[i] = 0;                                          \
    for (int64_t n = 0; n < N; n++)                                                             \
      for (int64_t k = 0; k < K; k++) {                                                         \
        const int64_t c = t[n * K + k];                                                         \
        if (c == ignore || c < 0 || c >= C) continue;                                           \
        gx[(n * C + c) * K + k] = -w[c] * g[n * gs0 + k * gs1];                                 \
      }                                                                                         \
  }
NAIVE_FLOATING_TYPES(DEFINE_NLL)

typedef int64_t (*nll_fn)(int64_t, int64_t, int64_t, const void *, const int64_t *, const void *,
                          int64_t, void *, void *, int64_t *);
typedef void (*nll_bw_fn)(int64_t, int64_t, int64_t, const void *, int64_t, int64_t,
                          const int64_t *, const void *, int64_t, void *);
#define NLL_ENTRY(DT, SFX, T, W, KIND) [DT] = nll_##SFX,
#define NLL_BW_ENTRY(DT, SFX, T, W, KIND) [DT] = nll_bw_##SFX,
static const nll_fn nll_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(NLL_ENTRY)};
static const nll_bw_fn nll_bw_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(NLL_BW_ENTRY)};

/* Checks x [N,C,K] (or grad_input), target [N,K], weight [C]. */
static int nll_check(const oz_call *call, const oz_view *x, const oz_view *target,
                     const oz_view *weight) {
  const int dtype = call->in[0].dtype;
  int rc = naive_nn_check_shape(call, x, "input", 3, (const int64_t[]){-1, -1, -1});
  if (!rc) rc = naive_nn_check_contiguous(call, x, "input");
  if (!rc) rc = naive_nn_check_dtype(call, x, "input", dtype);
  if (!rc)
    rc = naive_nn_check_shape(call, target, "target", 2,
                              (const int64_t[]){x->shape[0], x->shape[2]});
  if (!rc) rc = naive_nn_check_contiguous(call, target, "target");
  if (!rc) rc = naive_nn_check_dtype(call, target, "target", OZ_INT64);
  if (!rc) rc = naive_nn_check_shape(call, weight, "weight", 1, (const int64_t[]){x->shape[1]});
  if (!rc) rc = naive_nn_check_contiguous(call, weight, "weight");
  if (!rc) rc = naive_nn_check_dtype(call, weight, "weight", dtype);
  if (!rc && call->n_ints < 1)
    rc = NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s takes ignore_index in ints[0]",
                    naive_host->op_name(call->op));
  return rc;
}

int naive_nn_nll_loss(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 3, 2, 0);
  if (!rc) rc = nll_check(call, &call->in[0], &call->in[1], &call->in[2]);
  for (int k = 0; !rc && k < 2; k++) {
    rc = naive_nn_check_shape(call, &call->out[k], "output", 2, call->in[1].shape);
    if (!rc) rc = naive_nn_check_contiguous(call, &call->out[k], "output");
    if (!rc) rc = naive_nn_check_dtype(call, &call->out[k], "output", call->in[0].dtype);
  }
  if (rc) return rc;
  const nll_fn fn = nll_table[call->in[0].dtype];
  if (!fn) return naive_unsupported(call, call->in[0].dtype);
  const oz_view *x = &call->in[0];
  int64_t bad = 0;
  if (fn(x->shape[0], x->shape[1], x->shape[2], x->data, (const int64_t *)call->in[1].data,
         call->in[2].data, call->ints[0], call->out[0].data, call->out[1].data, &bad))
    return NAIVE_FAIL(OZ_ERR_INDEX, "Target %lld is out of bounds.", (long long)bad);
  return OZ_OK;
}

int naive_nn_nll_loss_backward(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 3, 1, 0);
  if (!rc) rc = nll_check(call, &call->out[0], &call->in[1], &call->in[2]);
  if (!rc) rc = naive_nn_check_shape(call, &call->in[0], "grad", 2, call->in[1].shape);
  if (!rc) rc = naive_nn_check_dtype(call, &call->in[0], "grad", call->in[0].dtype);
  if (rc) return rc;
  const nll_bw_fn fn = nll_bw_table[call->in[0].dtype];
  if (!fn) return naive_unsupported(call, call->in[0].dtype);
  const oz_view *gx = &call->out[0], *g = &call->in[0];
  fn(gx->shape[0], gx->shape[1], gx->shape[2], g->data, g->strides[0], g->strides[1],
     (const int64_t *)call->in[1].data, call->in[2].data, call->ints[0], gx->data);
  return OZ_OK;
}
