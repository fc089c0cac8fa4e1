/* reduce_fold.c - keepdim-form reductions that fold each output element's inputs into one value:
 * PROD, AMAX, AMIN, ALL, ANY, VAR_MEAN, LOGSUMEXP, NORM.
 *
 * red_walk gathers the inputs of one output element into a buffer of the compute type (double
 * for floating dtypes, int64 for integral and bool ones); each op below is a function of that
 * buffer, written once per compute type it needs. The semantics are PyTorch 1.13's; where its
 * own formula is particular (logsumexp's treatment of an infinite maximum) it is followed
 * exactly. */
#include <math.h>

#include "reduce_walk.h"

/* ---- PROD: empty is 1; integers wrap (uint64 arithmetic); bool is logical and (0/1) ---- */

static void prod_f(const void *buf, int64_t n, char *const *outs, const oz_call *call) {
  const double *x = buf;
  double acc = 1.0;
  for (int64_t i = 0; i < n; i++) acc *= x[i];
  red_store_f64(call->out[0].dtype, outs[0], acc);
}

static void prod_i(const void *buf, int64_t n, char *const *outs, const oz_call *call) {
  const int64_t *x = buf;
  uint64_t acc = 1;
  for (int64_t i = 0; i < n; i++) acc *= (uint64_t)x[i];
  red_store_i64(call->out[0].dtype, outs[0], (int64_t)acc);
}

/* Runs a reduction whose output has its input's dtype, picking the fold by compute type. */
static int run_same_dtype(const oz_call *call, red_fold_fn fold_f, red_fold_fn fold_i,
                          bool needs_elements) {
  red_walk w;
  int rc = red_walk_init(&w, call, 1);
  if (rc) return rc;
  if (call->out[0].dtype != w.in_dtype)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s writes its input's dtype (%s), got %s",
                      naive_host->op_name(call->op), naive_host->dtype_name(w.in_dtype),
                      naive_host->dtype_name(call->out[0].dtype));
  if (needs_elements && w.extent == 0 && naive_numel(&call->out[0]) > 0)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s of an empty extent has no value",
                      naive_host->op_name(call->op));
  bool f = red_is_float(w.in_dtype);
  if (!f && !fold_i) return naive_unsupported(call, w.in_dtype);
  return red_walk_run(&w, call, f ? fold_f : fold_i);
}

int naive_prod(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_same_dtype(call, prod_f, prod_i, false);
}

/* ---- AMAX / AMIN: NaN wins; never empty ---- */

static void amax_f(const void *buf, int64_t n, char *const *outs, const oz_call *call) {
  const double *x = buf;
  const bool is_max = call->op == OZ_OP_AMAX;
  double m = x[0];
  for (int64_t i = 1; i < n && !isnan(m); i++)
    if (isnan(x[i]) || (is_max ? x[i] > m : x[i] < m)) m = x[i];
  red_store_f64(call->out[0].dtype, outs[0], m);
}

static void amax_i(const void *buf, int64_t n, char *const *outs, const oz_call *call) {
  const int64_t *x = buf;
  const bool is_max = call->op == OZ_OP_AMAX;
  int64_t m = x[0];
  for (int64_t i = 1; i < n; i++)
    if (is_max ? x[i] > m : x[i] < m) m = x[i];
  red_store_i64(call->out[0].dtype, outs[0], m);
}

int naive_amax(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_same_dtype(call, amax_f, amax_i, true);
}

/* ---- ALL / ANY: nonzero is true (NaN too); the answer is settled by the first element that
 * disagrees with the identity ---- */

#define DEFINE_ALL_ANY(SFX, CT)                                                                  \
  static void all_any_##SFX(const void *buf, int64_t n, char *const *outs,                       \
                            const oz_call *call) {                                               \
    const CT *x = buf;                                                                           \
    const bool is_all = call->op == OZ_OP_ALL;                                                   \
    bool r = is_all;                                                                             \
    for (int64_t i = 0; i < n; i++)                                                              \
      if ((x[i] != 0) != is_all) {                                                               \
        r = !is_all;                                                                             \
        break;                                                                                   \
      }                                                                                          \
    red_store_i64(call->out[0].dtype, outs[0], r);                                               \
  }
DEFINE_ALL_ANY(f, double)
DEFINE_ALL_ANY(i, int64_t)

int naive_all_any(void *ctx, const oz_call *call) {
  (void)ctx;
  red_walk w;
  int rc = red_walk_init(&w, call, 1);
  if (rc) return rc;
  int od = call->out[0].dtype;
  if (od != OZ_BOOL && !(od == OZ_UINT8 && w.in_dtype == OZ_UINT8))
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s writes bool (uint8 for uint8 input), got %s",
                      naive_host->op_name(call->op), naive_host->dtype_name(od));
  return red_walk_run(&w, call, red_is_float(w.in_dtype) ? all_any_f : all_any_i);
}

/* ---- VAR_MEAN: two passes in double (mean, then squared deviations), which is at least as
 * exact as PyTorch's Welford update; std is the square root of the same ---- */

static void var_mean_f(const void *buf, int64_t n, char *const *outs, const oz_call *call) {
  const double *x = buf;
  double sum = 0.0, m2 = 0.0;
  for (int64_t i = 0; i < n; i++) sum += x[i];
  const double mean = sum / (double)n; /* NaN when empty, as torch */
  for (int64_t i = 0; i < n; i++) m2 += (x[i] - mean) * (x[i] - mean);
  const double dof = fmax(0.0, (double)n - call->scalars[0].f);
  double var = m2 / dof;
  if (call->ints[0] == 1) var = sqrt(var);
  red_store_f64(call->out[0].dtype, outs[0], var);
  red_store_f64(call->out[1].dtype, outs[1], mean);
}

int naive_var_mean(void *ctx, const oz_call *call) {
  (void)ctx;
  red_walk w;
  int rc = red_walk_init(&w, call, 2);
  if (rc) return rc;
  if (call->n_scalars < 1 || call->n_ints < 1)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: var_mean takes scalars[0] (correction) and "
                      "ints[0] (std)");
  if (!red_is_float(w.in_dtype) || call->out[0].dtype != w.in_dtype ||
      call->out[1].dtype != w.in_dtype)
    return naive_unsupported(call, w.in_dtype);
  return red_walk_run(&w, call, var_mean_f);
}

/* ---- LOGSUMEXP: PyTorch's formula: m = amax (NaN propagates), an infinite m counts as 0, then
 * log(sum(exp(x - m))) + m ---- */

static void logsumexp_f(const void *buf, int64_t n, char *const *outs, const oz_call *call) {
  const double *x = buf;
  double m = -INFINITY;
  for (int64_t i = 0; i < n && !isnan(m); i++)
    if (isnan(x[i]) || x[i] > m) m = x[i];
  if (isinf(m)) m = 0.0;
  double s = 0.0;
  for (int64_t i = 0; i < n; i++) s += exp(x[i] - m);
  red_store_f64(call->out[0].dtype, outs[0], log(s) + m);
}

int naive_logsumexp(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_same_dtype(call, logsumexp_f, NULL, false);
}

/* ---- NORM: vector p-norms; the special p's are PyTorch's (count of nonzeros, max/min of |x|
 * with NaN propagating) ---- */

static void norm_f(const void *buf, int64_t n, char *const *outs, const oz_call *call) {
  const double *x = buf;
  const double p = call->scalars[0].f;
  double r = 0.0;
  if (p == 0.0) {
    for (int64_t i = 0; i < n; i++) r += x[i] != 0.0;
  } else if (isinf(p)) {
    r = n ? fabs(x[0]) : 0.0;
    for (int64_t i = 1; i < n && !isnan(r); i++) {
      double a = fabs(x[i]);
      if (isnan(a) || (p > 0 ? a > r : a < r)) r = a;
    }
  } else if (p == 1.0) {
    for (int64_t i = 0; i < n; i++) r += fabs(x[i]);
  } else if (p == 2.0) {
    for (int64_t i = 0; i < n; i++) r += x[i] * x[i];
    r = sqrt(r);
  } else {
    for (int64_t i = 0; i < n; i++) r += pow(fabs(x[i]), p);
    r = pow(r, 1.0 / p);
  }
  red_store_f64(call->out[0].dtype, outs[0], r);
}

int naive_norm(void *ctx, const oz_call *call) {
  (void)ctx;
  if (call->n_scalars < 1)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: norm takes scalars[0] (p)");
  return run_same_dtype(call, norm_f, NULL, false);
}
