/* reductions_grad.c - backward formulas of the reductions and sorting ops, as PyTorch 1.13's
 * derivatives.yaml defines them. They compute with core ops (so most of them can themselves be
 * differentiated when create_graph is on), except where PyTorch's formula needs exp/pow/sign, a
 * scatter or a reverse running sum: those go through the helper kernels LOGSUMEXP_BACKWARD,
 * NORM_BACKWARD, CUMPROD_BACKWARD, SCATTER_INTO_ZEROS and CUMSUM (ops/reduce.def), which record
 * nothing. During a create_graph backward (grad mode on, and the gradient or a saved tensor
 * requires grad) those formulas take their recording form instead (reductions_grad_graph.c), so
 * that second derivatives flow through them.
 *
 * A node's ints hold the reduce mask of its input's dims (oz_red_node_set_mask) and, for ops
 * along one dim, the dim at OZ_RED_INT_DIM; in_meta[0] has the input's shape. Gradients of
 * results computed without keepdim are first viewed in keepdim form, so broadcasting lines them
 * up with the input. */
#include <math.h>

#include "core/oz_ops_index.h"
#include "core/oz_views_grad.h"
#include "core/reductions_internal.h"

/* ---------------------------------------------------------------- helpers */

/* The reduced dims of the node's input (from its mask); returns how many. */
static int masked_dims(const oz_node *n, int64_t *dims) {
  int k = 0;
  for (int d = 0; d < n->in_meta[0].ndim; d++)
    if (n->ints[d]) dims[k++] = d;
  return k;
}

/* Elements reduced into each result element. */
static int64_t reduced_count(const oz_node *n) {
  int64_t c = 1;
  for (int d = 0; d < n->in_meta[0].ndim; d++)
    if (n->ints[d]) c *= n->in_meta[0].shape[d];
  return c;
}

/* t (a result, or its gradient) viewed in keepdim form: size 1 in the reduced dims. */
static oz_tensor *keepdim_form(const oz_node *n, const oz_tensor *t) {
  const oz_input_meta *im = &n->in_meta[0];
  int64_t kept[OZ_MAX_DIMS];
  for (int d = 0; d < im->ndim; d++) kept[d] = n->ints[d] ? 1 : im->shape[d];
  return oz_ad_reshape(t, im->ndim, kept);
}

static oz_tensor *scalar_f(double v) { return oz_wrapped_scalar(v, (int64_t)v, OZ_FLOAT64); }

/* a * b and a / b with a wrapped double, consuming nothing. */
static oz_tensor *mul_scalar(const oz_tensor *a, double v) {
  oz_tensor *s = scalar_f(v);
  oz_tensor *r = s ? oz_mul(a, s, NULL) : NULL;
  oz_tensor_decref(s);
  return r;
}

/* Stores r into *gin and returns OZ_OK, or the last error when r is NULL. */
static int give(oz_tensor **gin, oz_tensor *r) {
  *gin = r;
  return r ? OZ_OK : oz_last_error_code();
}

/* ---------------------------------------------------------------- mean */

/* MeanBackward0/1: g / N spread over the reduced dims. */
int oz_rg_mean_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (!oz_node_needs_grad(n, 0) || !g[0]) return OZ_OK;
  const oz_input_meta *im = &n->in_meta[0];
  oz_tensor *gk = keepdim_form(n, g[0]);
  oz_tensor *ge = gk ? oz_ad_expand(gk, im->ndim, im->shape) : NULL;
  oz_tensor *count = ge ? oz_wrapped_scalar((double)reduced_count(n), reduced_count(n), OZ_INT64)
                        : NULL;
  int rc = give(&gin[0], count ? oz_div(ge, count, NULL) : NULL);
  oz_tensor_decref(gk), oz_tensor_decref(ge), oz_tensor_decref(count);
  return rc;
}

/* ---------------------------------------------------------------- prod */

/* ProdBackward0/1 (saved: x). prod over a dim is the last element of cumprod along it, so its
 * gradient is cumprod's for a gradient that is g at the last position and 0 elsewhere: exact
 * when x has zeros, where PyTorch's g * prod / x needs special cases. A product over all dims
 * is taken along the flattened input. */
int oz_rg_prod_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (!oz_node_needs_grad(n, 0) || !g[0]) return OZ_OK;
  const oz_input_meta *im = &n->in_meta[0];
  oz_tensor *x = oz_node_saved(n, 0);
  if (!x) return oz_last_error_code();
  int64_t dims[OZ_MAX_DIMS];
  bool along_dim = masked_dims(n, dims) == 1 && im->ndim > 1;
  if (oz_red_graph_wanted(x, g[0])) {
    oz_tensor *gk = keepdim_form(n, g[0]);
    int rc = give(&gin[0], gk ? oz_rgg_prod_backward(x, gk, along_dim ? dims[0] : 0, !along_dim)
                              : NULL);
    oz_tensor_decref(x), oz_tensor_decref(gk);
    return rc;
  }
  int64_t numel = oz_numel(x);
  oz_tensor *line = along_dim ? (oz_tensor_incref(x), x) : oz_reshape(x, 1, &numel);
  int d = along_dim ? (int)dims[0] : 0;
  int64_t size = line ? line->shape[d] : 0;
  oz_tensor *gcum = line ? oz_full(line->ndim, line->shape, oz_make_scalar_i(0), g[0]->dtype,
                                   oz_tensor_device(x))
                         : NULL;
  oz_tensor *last = gcum && size > 0 ? oz_slice(gcum, d, size - 1, size, 1) : NULL;
  oz_tensor *gk = last ? oz_reshape(g[0], last->ndim, last->shape) : NULL;
  int rc = gcum ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK && size > 0) rc = gk ? oz_copy_(last, gk) : oz_last_error_code();
  oz_tensor *r = rc == OZ_OK ? oz_red_cumprod_backward(line, gcum, d) : NULL;
  oz_tensor *shaped = r ? oz_reshape(r, im->ndim, im->shape) : NULL;
  rc = give(&gin[0], shaped);
  oz_tensor_decref(x), oz_tensor_decref(line), oz_tensor_decref(gcum), oz_tensor_decref(last);
  oz_tensor_decref(gk), oz_tensor_decref(r);
  return rc;
}

/* ---------------------------------------------------------------- max, min, amax, amin */

/* MaxBackward1/MinBackward1 (saved: x, result): PyTorch's evenly_distribute_backward: the
 * gradient is shared by every element equal to the result (every NaN when it is NaN). */
int oz_rg_extreme_all_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (!oz_node_needs_grad(n, 0) || !g[0]) return OZ_OK;
  oz_tensor *x = oz_node_saved(n, 0), *res = x ? oz_node_saved(n, 1) : NULL;
  oz_tensor *host = res ? oz_operand_as(res, OZ_FLOAT64, OZ_CPU) : NULL;
  double v = 0;
  int64_t unused;
  int rc = host ? oz_read_element(host, 0, &v, &unused) : oz_last_error_code();
  oz_tensor *mask = NULL, *count = NULL, *share = NULL;
  if (rc == OZ_OK)
    mask = isnan(v) ? oz_compare(OZ_OP_NE, x, x, NULL) : oz_compare(OZ_OP_EQ, x, res, NULL);
  count = mask ? oz_sum(mask, NULL, 0, false, OZ_INT64, NULL) : NULL;
  share = count ? oz_div(g[0], count, NULL) : NULL;
  rc = give(&gin[0], share ? oz_mul(mask, share, NULL) : NULL);
  oz_tensor_decref(x), oz_tensor_decref(res), oz_tensor_decref(host);
  oz_tensor_decref(mask), oz_tensor_decref(count), oz_tensor_decref(share);
  return rc;
}

/* AmaxBackward0/AminBackward0 (saved: x, result): the gradient is shared by the elements equal
 * to their result (PyTorch's scale_grad_by_count; a NaN result gets none). */
int oz_rg_amax_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (!oz_node_needs_grad(n, 0) || !g[0]) return OZ_OK;
  int64_t dims[OZ_MAX_DIMS];
  int nd = masked_dims(n, dims);
  oz_tensor *x = oz_node_saved(n, 0), *res = x ? oz_node_saved(n, 1) : NULL;
  oz_tensor *rk = res ? keepdim_form(n, res) : NULL;
  oz_tensor *mask = rk ? oz_compare(OZ_OP_EQ, x, rk, NULL) : NULL;
  oz_tensor *count = mask ? oz_sum(mask, dims, nd, true, OZ_INT64, NULL) : NULL;
  oz_tensor *gk = count ? keepdim_form(n, g[0]) : NULL;
  oz_tensor *share = gk ? oz_div(gk, count, NULL) : NULL;
  int rc = give(&gin[0], share ? oz_mul(mask, share, NULL) : NULL);
  oz_tensor_decref(x), oz_tensor_decref(res), oz_tensor_decref(rk), oz_tensor_decref(mask);
  oz_tensor_decref(count), oz_tensor_decref(gk), oz_tensor_decref(share);
  return rc;
}

/* MaxBackward0/MinBackward0, SortBackward0, TopkBackward0 (saved: the indices, in the shape of
 * the gradient's keepdim form): each gradient element goes back to where its value came from. */
int oz_rg_index_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (!oz_node_needs_grad(n, 0) || !g[0]) return OZ_OK;
  const oz_input_meta *im = &n->in_meta[0];
  int d = (int)n->ints[OZ_RED_INT_DIM];
  oz_tensor *idx = oz_node_saved(n, 0);
  const bool graph = oz_red_graph_wanted(g[0], NULL);
  oz_tensor *gk = !idx ? NULL
                  : graph ? oz_ad_reshape(g[0], idx->ndim, idx->shape)
                          : oz_reshape(g[0], idx->ndim, idx->shape);
  int64_t size = im->ndim ? im->shape[d] : 1;
  int rc = give(&gin[0], !gk    ? NULL
                         : graph ? oz_rgg_scatter_into_zeros(gk, idx, d, size)
                                 : oz_scatter_into_zeros(gk, idx, d, size, false));
  oz_tensor_decref(idx), oz_tensor_decref(gk);
  return rc;
}

/* ---------------------------------------------------------------- var, std, *_mean */

/* VarBackward0, StdBackward0, VarMeanBackward0, StdMeanBackward0 (saved: x, result; scalars[0]
 * the correction; ints[OZ_RED_INT_DIM] 1 for std):
 *   var:  g * 2 (x - mean) / (N - correction)
 *   std:  the var formula for g / (2 std), with 0 where std is 0 (PyTorch masks it)
 *   mean: g / N, added when the node also returned the mean. */
int oz_rg_var_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (!oz_node_needs_grad(n, 0)) return OZ_OK;
  const oz_input_meta *im = &n->in_meta[0];
  int64_t dims[OZ_MAX_DIMS];
  int nd = masked_dims(n, dims);
  const double N = (double)reduced_count(n);
  int rc = OZ_OK;
  oz_tensor *total = NULL;
  if (g[0]) {
    oz_tensor *x = oz_node_saved(n, 0), *gv = x ? keepdim_form(n, g[0]) : NULL;
    if (gv && n->ints[OZ_RED_INT_DIM]) { /* std: the gradient of the variance is g / (2 std) */
      /* masked after the division, as torch does: a create_graph backward then gets torch's
       * NaN second derivatives where std is 0 */
      oz_tensor *res = oz_node_saved(n, 1), *rk = res ? keepdim_form(n, res) : NULL;
      oz_tensor *zero = rk ? oz_wrapped_scalar(0.0, 0, OZ_INT64) : NULL;
      oz_tensor *is0 = zero ? oz_compare(OZ_OP_EQ, rk, zero, NULL) : NULL;
      oz_tensor *two_r = is0 ? mul_scalar(rk, 2.0) : NULL;
      oz_tensor *q = two_r ? oz_div(gv, two_r, NULL) : NULL;
      oz_tensor *safe = q ? oz_masked_fill(q, is0, zero, NULL) : NULL;
      oz_tensor_decref(res), oz_tensor_decref(rk), oz_tensor_decref(zero), oz_tensor_decref(is0);
      oz_tensor_decref(two_r), oz_tensor_decref(q), oz_tensor_decref(gv);
      gv = safe;
    }
    oz_tensor *mean = gv ? oz_mean(x, dims, nd, true, -1, NULL) : NULL;
    oz_tensor *diff = mean ? oz_sub(x, mean, oz_make_scalar_i(1), NULL) : NULL;
    oz_tensor *scaled = diff ? mul_scalar(diff, 2.0 / (N - n->scalars[0].f)) : NULL;
    total = scaled ? oz_mul(scaled, gv, NULL) : NULL;
    if (!total) rc = oz_last_error_code();
    oz_tensor_decref(x), oz_tensor_decref(gv), oz_tensor_decref(mean), oz_tensor_decref(diff);
    oz_tensor_decref(scaled);
  }
  if (rc == OZ_OK && n->n_outputs > 1 && g[1]) { /* the mean's share: g / N everywhere */
    oz_tensor *gk = keepdim_form(n, g[1]);
    oz_tensor *ge = gk ? oz_ad_expand(gk, im->ndim, im->shape) : NULL;
    oz_tensor *gm = ge ? mul_scalar(ge, 1.0 / N) : NULL;
    oz_tensor *sum = gm && total ? oz_add(total, gm, oz_make_scalar_i(1), NULL) : NULL;
    if (gm && total) {
      oz_tensor_decref(total);
      total = sum;
    } else if (gm) {
      total = gm, gm = NULL;
    }
    if (!total) rc = oz_last_error_code();
    oz_tensor_decref(gk), oz_tensor_decref(ge), oz_tensor_decref(gm);
  }
  if (rc != OZ_OK) {
    oz_tensor_decref(total);
    return rc;
  }
  gin[0] = total;
  return OZ_OK;
}

/* ---------------------------------------------------------------- logsumexp, norm */

/* LogsumexpBackward0 (saved: x, result): g * exp(x - result). */
int oz_rg_logsumexp_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (!oz_node_needs_grad(n, 0) || !g[0]) return OZ_OK;
  oz_tensor *x = oz_node_saved(n, 0), *res = x ? oz_node_saved(n, 1) : NULL;
  oz_tensor *rk = res ? keepdim_form(n, res) : NULL, *e = NULL, *gk = NULL;
  int rc;
  if (rk && oz_red_graph_wanted(x, g[0])) {
    gk = keepdim_form(n, g[0]);
    rc = give(&gin[0], gk ? oz_rgg_logsumexp_backward(x, rk, gk) : NULL);
  } else {
    e = rk ? oz_red_elementwise_grad(OZ_OP_LOGSUMEXP_BACKWARD, x, rk, 0.0) : NULL;
    gk = e ? keepdim_form(n, g[0]) : NULL;
    rc = give(&gin[0], gk ? oz_mul(e, gk, NULL) : NULL);
  }
  oz_tensor_decref(x), oz_tensor_decref(res), oz_tensor_decref(rk), oz_tensor_decref(e);
  oz_tensor_decref(gk);
  return rc;
}

/* NormBackward1/3 (saved: x, result; scalars[0] = p): g * d norm / dx (NORM_BACKWARD); for
 * p = +-inf the gradient is shared by the elements that reach the norm. */
int oz_rg_norm_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (!oz_node_needs_grad(n, 0) || !g[0]) return OZ_OK;
  const double p = n->scalars[0].f;
  if (p == 0.0) return OZ_OK; /* as torch: no gradient at all (the count of nonzeros is flat) */
  oz_tensor *x = oz_node_saved(n, 0), *res = x ? oz_node_saved(n, 1) : NULL;
  oz_tensor *rk = res ? keepdim_form(n, res) : NULL;
  if (rk && oz_red_graph_wanted(x, g[0])) {
    int64_t dims[OZ_MAX_DIMS];
    int nd = masked_dims(n, dims);
    oz_tensor *gk = keepdim_form(n, g[0]);
    int rc = give(&gin[0], gk ? oz_rgg_norm_backward(x, rk, gk, p, dims, nd) : NULL);
    oz_tensor_decref(x), oz_tensor_decref(res), oz_tensor_decref(rk), oz_tensor_decref(gk);
    return rc;
  }
  oz_tensor *d = rk ? oz_red_elementwise_grad(OZ_OP_NORM_BACKWARD, x, rk, p) : NULL;
  if (d && isinf(p)) { /* divide by how many elements share the norm (at least 1) */
    int64_t dims[OZ_MAX_DIMS];
    int nd = masked_dims(n, dims);
    oz_tensor *zero = oz_wrapped_scalar(0.0, 0, OZ_INT64);
    oz_tensor *hit = zero ? oz_compare(OZ_OP_NE, d, zero, NULL) : NULL;
    oz_tensor *count = hit ? oz_sum(hit, dims, nd, true, OZ_INT64, NULL) : NULL;
    oz_tensor *none = count ? oz_compare(OZ_OP_EQ, count, zero, NULL) : NULL;
    oz_tensor *safe = none ? oz_add(count, none, oz_make_scalar_i(1), NULL) : NULL;
    oz_tensor *shared = safe ? oz_div(d, safe, NULL) : NULL;
    oz_tensor_decref(zero), oz_tensor_decref(hit), oz_tensor_decref(count);
    oz_tensor_decref(none), oz_tensor_decref(safe), oz_tensor_decref(d);
    d = shared;
  }
  oz_tensor *gk = d ? keepdim_form(n, g[0]) : NULL;
  int rc = give(&gin[0], gk ? oz_mul(d, gk, NULL) : NULL);
  oz_tensor_decref(x), oz_tensor_decref(res), oz_tensor_decref(rk), oz_tensor_decref(d);
  oz_tensor_decref(gk);
  return rc;
}

/* ---------------------------------------------------------------- cumsum, cumprod */

/* CumsumBackward0: the running sum of g taken from the end. */
int oz_rg_cumsum_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (!oz_node_needs_grad(n, 0) || !g[0]) return OZ_OK;
  const int64_t d = n->ints[OZ_RED_INT_DIM];
  return give(&gin[0], oz_red_graph_wanted(g[0], NULL) ? oz_rgg_cumsum_reverse(g[0], d)
                                                      : oz_red_cumsum_reverse(g[0], d));
}

/* CumprodBackward0 (saved: x): see CUMPROD_BACKWARD. */
int oz_rg_cumprod_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (!oz_node_needs_grad(n, 0) || !g[0]) return OZ_OK;
  oz_tensor *x = oz_node_saved(n, 0);
  const int64_t d = n->ints[OZ_RED_INT_DIM];
  int rc = give(&gin[0], !x                              ? NULL
                         : oz_red_graph_wanted(x, g[0]) ? oz_rgg_cumprod_backward(x, g[0], d)
                                                        : oz_red_cumprod_backward(x, g[0], d));
  oz_tensor_decref(x);
  return rc;
}
