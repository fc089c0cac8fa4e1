/* reduce_scan.c - kernels that walk lines along one dim: MAX_DIM / MIN_DIM (extreme value and its
 * index), CUMSUM / CUMPROD (running sum and product) and CUMPROD_BACKWARD.
 *
 * Each line is loaded into a buffer of the compute type (double or int64, see reduce_walk.h),
 * worked on there and stored back, so an output may be its input (in-place cumsum_). */
#include <inttypes.h>
#include <math.h>

#include "reduce_walk.h"

/* ---- MAX_DIM / MIN_DIM: the first extreme, or the first NaN (NaN beats every number) ---- */

static int64_t extreme_index_f(const double *x, int64_t n, bool is_max) {
  int64_t best = 0;
  for (int64_t j = 1; j < n && !isnan(x[best]); j++)
    if (isnan(x[j]) || (is_max ? x[j] > x[best] : x[j] < x[best])) best = j;
  return best;
}

static int64_t extreme_index_i(const int64_t *x, int64_t n, bool is_max) {
  int64_t best = 0;
  for (int64_t j = 1; j < n; j++)
    if (is_max ? x[j] > x[best] : x[j] < x[best]) best = j;
  return best;
}

int naive_max_dim(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 2, 0);
  if (rc) return rc;
  const oz_view *in = &call->in[0];
  const int dtype = in->dtype;
  if (call->out[0].dtype != dtype || call->out[1].dtype != OZ_INT64)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s writes (%s, int64), got (%s, %s)",
                      naive_host->op_name(call->op), naive_host->dtype_name(dtype),
                      naive_host->dtype_name(call->out[0].dtype),
                      naive_host->dtype_name(call->out[1].dtype));
  line_walk w;
  rc = line_walk_init(&w, call, 3, (const oz_view *[]){&call->out[0], &call->out[1], in},
                      call->n_ints > 0 ? call->ints[0] : -1);
  if (rc) return rc;
  const int64_t n = w.len[2];
  if (w.len[0] != 1 || w.len[1] != 1)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: outputs have size 1 along the dim",
                      naive_host->op_name(call->op));
  if (n == 0 && naive_numel(&call->out[0]) > 0)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s over an empty dim has no value",
                      naive_host->op_name(call->op));
  char *buf = red_scratch(call, n);
  if (!buf) return OZ_ERR_NOMEM;
  const bool is_max = call->op == OZ_OP_MAX_DIM, f = red_is_float(dtype);
  LINE_WALK_FOR(w, line, {
    red_load[dtype](line[2], w.stride[2], n, buf);
    int64_t best = f ? extreme_index_f((const double *)buf, n, is_max)
                     : extreme_index_i((const int64_t *)buf, n, is_max);
    red_store[dtype](buf + best * RED_CSIZE, line[0], 1, 1);
    *(int64_t *)line[1] = best;
  })
  red_scratch_free(buf);
  return OZ_OK;
}

/* ---- CUMSUM / CUMPROD: floating runs accumulate in double, integral ones wrap in uint64 ---- */

static void scan_f(double *x, int64_t n, bool product, bool reverse) {
  double acc = product ? 1.0 : 0.0;
  for (int64_t k = 0; k < n; k++) {
    int64_t j = reverse ? n - 1 - k : k;
    acc = product ? acc * x[j] : acc + x[j];
    x[j] = acc;
  }
}

static void scan_i(int64_t *x, int64_t n, bool product, bool reverse) {
  uint64_t acc = product ? 1 : 0;
  for (int64_t k = 0; k < n; k++) {
    int64_t j = reverse ? n - 1 - k : k;
    acc = product ? acc * (uint64_t)x[j] : acc + (uint64_t)x[j];
    x[j] = (int64_t)acc;
  }
}

int naive_cumulative(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 1, 0);
  if (rc) return rc;
  const int dtype = call->in[0].dtype;
  if (call->out[0].dtype != dtype)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s writes its input's dtype",
                      naive_host->op_name(call->op));
  line_walk w;
  rc = line_walk_init(&w, call, 2, (const oz_view *[]){&call->out[0], &call->in[0]},
                      call->n_ints > 0 ? call->ints[0] : -1);
  if (rc) return rc;
  const int64_t n = w.len[0];
  const bool product = call->op == OZ_OP_CUMPROD;
  const bool reverse = !product && call->n_ints > 1 && call->ints[1] == 1;
  const bool f = red_is_float(dtype);
  char *buf = red_scratch(call, n);
  if (!buf) return OZ_ERR_NOMEM;
  LINE_WALK_FOR(w, line, {
    red_load[dtype](line[1], w.stride[1], n, buf);
    if (f)
      scan_f((double *)buf, n, product, reverse);
    else
      scan_i((int64_t *)buf, n, product, reverse);
    red_store[dtype](buf, line[0], w.stride[0], n);
  })
  red_scratch_free(buf);
  return OZ_OK;
}

/* ---- CUMPROD_BACKWARD ----
 * d cumprod(x)[j] / d x[k] = prod(x[i] for i <= j, i != k) for j >= k, so
 *   gin[k] = P[k] * S[k],  P[k] = x[0] ... x[k-1] (exclusive prefix product),
 *   S[k] = sum over j >= k of g[j] * x[k+1] ... x[j] = g[k] + x[k+1] * S[k+1].
 * No division by x: zeros in x need no special case (PyTorch divides when x has none). */
int naive_cumprod_backward(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 2, 1, 0);
  if (rc) return rc;
  const int dtype = call->out[0].dtype;
  if (!red_is_float(dtype) || call->in[0].dtype != dtype || call->in[1].dtype != dtype)
    return naive_unsupported(call, call->in[0].dtype);
  line_walk w;
  rc = line_walk_init(&w, call, 3, (const oz_view *[]){&call->out[0], &call->in[0], &call->in[1]},
                      call->n_ints > 0 ? call->ints[0] : -1);
  if (rc) return rc;
  const int64_t n = w.len[0];
  if (w.len[1] != n || w.len[2] != n)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: cumprod_backward operands differ in shape");
  double *x = red_scratch(call, 2 * n);
  if (!x) return OZ_ERR_NOMEM;
  double *s = x + n;
  LINE_WALK_FOR(w, line, {
    red_load[dtype](line[1], w.stride[1], n, x);
    red_load[dtype](line[2], w.stride[2], n, s);
    for (int64_t k = n - 2; k >= 0; k--) s[k] += x[k + 1] * s[k + 1];
    double prefix = 1.0;
    for (int64_t k = 0; k < n; k++) {
      double xk = x[k];
      x[k] = prefix * s[k]; /* x[k] is not needed after this */
      prefix *= xk;
    }
    red_store[dtype](x, line[0], w.stride[0], n);
  })
  red_scratch_free(x);
  return OZ_OK;
}
