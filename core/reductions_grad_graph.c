/* reductions_grad_graph.c - the reductions' backward formulas written with recording core ops,
 * for a create_graph backward (grad mode on): their results carry a graph, so second (and
 * higher) derivatives flow through them. reductions_grad.c calls these instead of its helper
 * kernels (CUMPROD_BACKWARD, SCATTER_INTO_ZEROS, LOGSUMEXP_BACKWARD, NORM_BACKWARD, the reverse
 * CUMSUM), which give the same values but record nothing.
 *
 * The formulas are PyTorch's (FunctionsManual.cpp): any differentiable expression of the right
 * first derivative has the right second derivative, except where the op is not smooth (norm at
 * 0, ties), where following PyTorch's expression gives PyTorch's choices. The one exception is
 * cumprod's gradient for an input with zeros: the O(n^2) product matrix below instead of
 * PyTorch's loop over the dim, with the same values. */
#include <math.h>

#include "core/oz_ops_binary.h"
#include "core/oz_ops_index.h"
#include "core/oz_ops_unary.h"
#include "core/oz_views_grad.h"
#include "core/reductions_internal.h"

/* ---------------------------------------------------------------- temporaries */

/* The tensors a formula makes, released together at the end. STEP runs an op only while every
 * earlier one succeeded, so a formula reads as a list of statements without error checks. Its
 * operands must be variables set by earlier statements, never a nested STEP: the op would run
 * (with a NULL operand) before the inner failure is seen. The helpers taking a scope check it
 * themselves and may be nested. */
#define SCOPE_MAX 40
typedef struct scope {
  oz_tensor *held[SCOPE_MAX];
  int n;
  bool failed;
} scope;

static oz_tensor *hold(scope *s, oz_tensor *t) {
  if (!t || s->n == SCOPE_MAX) {
    if (t) oz_set_error(OZ_ERR_RUNTIME, "reductions_grad_graph: too many temporaries");
    oz_tensor_decref(t);
    s->failed = true;
    return NULL;
  }
  return s->held[s->n++] = t;
}
#define STEP(s, expr) ((s)->failed ? NULL : hold((s), (expr)))

/* Releases the temporaries and returns a new reference to `result` (held or borrowed), or NULL
 * when a step failed. */
static oz_tensor *finish(scope *s, const oz_tensor *result) {
  if (s->failed) result = NULL;
  if (result) oz_tensor_incref((oz_tensor *)result);
  for (int i = 0; i < s->n; i++) oz_tensor_decref(s->held[i]);
  s->n = 0;
  return (oz_tensor *)result;
}

static oz_tensor *wrapped(double v) { return oz_wrapped_scalar(v, (int64_t)v, OZ_FLOAT64); }

/* t flipped along dim. */
static oz_tensor *flip1(scope *s, const oz_tensor *t, int64_t dim) {
  return STEP(s, oz_flip(t, 1, &dim));
}

/* t (floating) with `value` where mask is set (torch's masked_fill). */
static oz_tensor *fill_where(scope *s, const oz_tensor *t, const oz_tensor *mask, double value) {
  oz_tensor *v = STEP(s, wrapped(value));
  return STEP(s, oz_masked_fill(t, mask, v, NULL));
}

/* a op b for a comparison with a wrapped number b. */
static oz_tensor *compare_with(scope *s, int op, const oz_tensor *a, double b) {
  oz_tensor *v = STEP(s, wrapped(b));
  return STEP(s, oz_compare(op, a, v, NULL));
}

/* a ** e for a wrapped exponent e. */
static oz_tensor *pow_scalar(scope *s, const oz_tensor *a, double e) {
  oz_tensor *v = STEP(s, wrapped(e));
  return STEP(s, oz_pow(a, v, NULL));
}

/* a * b and sgn(a) (torch's sgn is sign for real dtypes). */
static oz_tensor *mul(scope *s, const oz_tensor *a, const oz_tensor *b) {
  return STEP(s, oz_mul(a, b, NULL));
}
static oz_tensor *sgn(scope *s, const oz_tensor *a) { return STEP(s, oz_sign(a, NULL)); }

/* Whether x has an element equal to 0 (read on the host). */
static int has_zero(const oz_tensor *x, bool *found) {
  scope s = {0};
  oz_tensor *is0 = compare_with(&s, OZ_OP_EQ, x, 0.0);
  oz_tensor *any = STEP(&s, oz_any(is0, NULL, 0, false, NULL));
  oz_tensor *host = STEP(&s, oz_operand_as(any, OZ_INT64, OZ_CPU));
  double unused;
  int64_t v = 0;
  int rc = host ? oz_read_element(host, 0, &unused, &v) : oz_last_error_code();
  finish(&s, NULL);
  *found = v != 0;
  return rc;
}

/* ---------------------------------------------------------------- cumsum, cumprod */

oz_tensor *oz_rgg_cumsum_reverse(const oz_tensor *g, int64_t dim) {
  scope s = {0};
  if (g->ndim == 0) return finish(&s, g); /* a 0-d cumsum is the identity */
  oz_tensor *flipped = flip1(&s, g, dim);
  oz_tensor *sums = STEP(&s, oz_cumsum(flipped, dim, -1, NULL));
  return finish(&s, flip1(&s, sums, dim));
}

/* cumprod's gradient when x has zeros, without dividing by x: with x moved to [.., n] and
 *   C[.., k, j] = prod_{i <= j, i != k} x_i   (cumprod along j of x with x_k replaced by 1),
 * grad_k = sum_{j >= k} g_j C[.., k, j]. */
static oz_tensor *cumprod_grad_with_zeros(const oz_tensor *x, const oz_tensor *g, int64_t dim) {
  scope s = {0};
  const int64_t n = x->shape[dim], last = -1;
  /* [.., k, i]: x's other dims, then n rows of n */
  int64_t square[OZ_MAX_DIMS + 1];
  int nd = 0;
  for (int d = 0; d < x->ndim; d++)
    if (d != dim) square[nd++] = x->shape[d];
  square[nd++] = n;
  square[nd++] = n;
  const int64_t column[2] = {n, 1};
  oz_tensor *iota = STEP(&s, oz_arange(0, (double)n, 1, true, OZ_INT64, oz_tensor_device(x)));
  oz_tensor *k = STEP(&s, oz_reshape(iota, 2, column));
  oz_tensor *diagonal = STEP(&s, oz_compare(OZ_OP_EQ, k, iota, NULL));
  oz_tensor *before_k = STEP(&s, oz_compare(OZ_OP_LT, iota, k, NULL));
  oz_tensor *xm = STEP(&s, oz_movedim(x, 1, &dim, &last));
  oz_tensor *gm = STEP(&s, oz_movedim(g, 1, &dim, &last));
  oz_tensor *x_row = STEP(&s, oz_ad_unsqueeze(xm, -2));
  oz_tensor *g_row = STEP(&s, oz_ad_unsqueeze(gm, -2));
  oz_tensor *rows = STEP(&s, oz_ad_expand(x_row, nd, square));
  oz_tensor *omitted = fill_where(&s, rows, diagonal, 1.0);
  oz_tensor *c = STEP(&s, oz_cumprod(omitted, -1, -1, NULL));
  oz_tensor *terms = fill_where(&s, mul(&s, c, g_row), before_k, 0.0);
  oz_tensor *grad = STEP(&s, oz_sum(terms, &last, 1, false, -1, NULL));
  return finish(&s, STEP(&s, oz_movedim(grad, 1, &last, &dim)));
}

oz_tensor *oz_rgg_cumprod_backward(const oz_tensor *x, const oz_tensor *g, int64_t dim) {
  scope s = {0};
  /* as torch: the gradient in the input's dtype */
  oz_tensor *gx = (oz_tensor *)g;
  if (g->dtype != x->dtype) gx = STEP(&s, oz_ad_to(g, x->dtype, oz_tensor_device(g), false));
  if (oz_numel(x) <= 1 || x->ndim == 0 || x->shape[dim] == 1) return finish(&s, gx);
  bool zeros = false;
  if (!s.failed && has_zero(x, &zeros) != OZ_OK) s.failed = true;
  if (!s.failed && zeros) return finish(&s, STEP(&s, cumprod_grad_with_zeros(x, gx, dim)));
  /* no zeros: sum_{j >= k} g_j y_j / x_k with y = cumprod(x) */
  oz_tensor *y = STEP(&s, oz_cumprod(x, dim, -1, NULL));
  oz_tensor *weighted = mul(&s, y, gx);
  oz_tensor *sums = STEP(&s, oz_rgg_cumsum_reverse(weighted, dim));
  return finish(&s, STEP(&s, oz_div(sums, x, NULL)));
}

/* ---------------------------------------------------------------- prod */

oz_tensor *oz_rgg_prod_backward(const oz_tensor *x, const oz_tensor *gk, int64_t dim, bool all) {
  scope s = {0};
  if (x->ndim == 0) /* x itself is the product */
    return finish(&s, STEP(&s, oz_ad_expand(gk, 0, x->shape)));
  const int64_t numel = oz_numel(x);
  if (numel == 0) /* an empty x: any product with it is its (empty) gradient, and depends on x
                   * as torch's g * result / x does */
    return finish(&s, mul(&s, gk, x));
  /* a product over every dim is taken along the flattened input */
  oz_tensor *line = all ? STEP(&s, oz_ad_reshape(x, 1, &numel)) : (oz_tensor *)x;
  if (all) dim = 0;
  if (!line) return finish(&s, NULL);
  /* grad_k = g * prod_{i < k} x_i * prod_{i > k} x_i: two exclusive running products, safe
   * with zeros (torch's prod_safe_zeros_backward) */
  const int64_t size = line->shape[dim];
  int64_t one_shape[OZ_MAX_DIMS];
  memcpy(one_shape, line->shape, sizeof one_shape);
  one_shape[dim] = 1;
  oz_tensor *ones = STEP(&s, oz_full(line->ndim, one_shape, oz_make_scalar_i(1), line->dtype,
                                     oz_tensor_device(line)));
  oz_tensor *head = STEP(&s, oz_ad_slice(line, dim, 0, size - 1, 1));
  oz_tensor *tail = STEP(&s, oz_ad_slice(line, dim, 1, size, 1));
  const oz_tensor *before_parts[2] = {ones, head}, *after_parts[2] = {ones, flip1(&s, tail, dim)};
  oz_tensor *before_cat = STEP(&s, oz_cat(2, before_parts, dim, NULL));
  oz_tensor *after_cat = STEP(&s, oz_cat(2, after_parts, dim, NULL));
  oz_tensor *before = STEP(&s, oz_cumprod(before_cat, dim, -1, NULL));
  oz_tensor *after_flipped = STEP(&s, oz_cumprod(after_cat, dim, -1, NULL));
  oz_tensor *others = mul(&s, before, flip1(&s, after_flipped, dim));
  oz_tensor *shaped = all ? STEP(&s, oz_ad_reshape(others, x->ndim, x->shape)) : others;
  return finish(&s, mul(&s, gk, shaped));
}

/* ---------------------------------------------------------------- max(dim), sort, topk */

oz_tensor *oz_rgg_scatter_into_zeros(const oz_tensor *gk, const oz_tensor *index, int64_t dim,
                                     int64_t size) {
  scope s = {0};
  if (gk->ndim == 0) return finish(&s, gk);
  int64_t shape[OZ_MAX_DIMS];
  memcpy(shape, gk->shape, sizeof shape);
  shape[dim] = size;
  oz_tensor *zeros = STEP(&s, oz_full(gk->ndim, shape, oz_make_scalar_i(0), gk->dtype,
                                      oz_tensor_device(gk)));
  return finish(&s, STEP(&s, oz_scatter(zeros, dim, index, gk, NULL, OZ_SCATTER_ASSIGN, NULL)));
}

/* ---------------------------------------------------------------- logsumexp, norm */

oz_tensor *oz_rgg_logsumexp_backward(const oz_tensor *x, const oz_tensor *rk,
                                     const oz_tensor *gk) {
  scope s = {0};
  oz_tensor *shifted = STEP(&s, oz_sub(x, rk, oz_make_scalar_i(1), NULL));
  oz_tensor *e = STEP(&s, oz_exp(shifted, NULL));
  return finish(&s, mul(&s, gk, e));
}

oz_tensor *oz_rgg_norm_backward(const oz_tensor *x, const oz_tensor *rk, const oz_tensor *gk,
                                double p, const int64_t *dims, int n_dims) {
  scope s = {0};
  oz_tensor *r;
  if (p == 1.0) {
    r = mul(&s, sgn(&s, x), gk);
  } else if (p == 2.0) { /* x / norm, 0 where the norm is 0 */
    oz_tensor *unit = STEP(&s, oz_div(x, rk, NULL));
    r = mul(&s, gk, fill_where(&s, unit, compare_with(&s, OZ_OP_EQ, rk, 0.0), 0.0));
  } else if (isinf(p)) { /* shared by the elements whose |x| is the norm (or NaN) */
    oz_tensor *ax = STEP(&s, oz_abs(x, NULL));
    oz_tensor *at_norm = STEP(&s, oz_compare(OZ_OP_EQ, ax, rk, NULL));
    oz_tensor *nan = STEP(&s, oz_isnan(ax, NULL));
    oz_tensor *hit = STEP(&s, oz_logical_or(at_norm, nan, NULL));
    oz_tensor *count = STEP(&s, oz_sum(hit, dims, n_dims, true, -1, NULL));
    oz_tensor *share = STEP(&s, oz_div(gk, count, NULL));
    r = mul(&s, sgn(&s, x), mul(&s, share, hit));
  } else if (p < 1.0) { /* sgn(x) |x|^(p-1) (0 where x is 0) * g * norm^(1-p) */
    oz_tensor *ax = STEP(&s, oz_abs(x, NULL));
    oz_tensor *powed = fill_where(&s, pow_scalar(&s, ax, p - 1.0),
                                  compare_with(&s, OZ_OP_EQ, x, 0.0), 0.0);
    r = mul(&s, mul(&s, mul(&s, sgn(&s, x), powed), gk), pow_scalar(&s, rk, 1.0 - p));
  } else { /* x |x|^(p-2) (sgn(x) |x|^(p-1) below 2) * g / norm^(p-1), 0 where the norm is 0 */
    oz_tensor *ax = STEP(&s, oz_abs(x, NULL));
    oz_tensor *scaled = p < 2.0 ? mul(&s, sgn(&s, x), pow_scalar(&s, ax, p - 1.0))
                                : mul(&s, x, pow_scalar(&s, ax, p - 2.0));
    oz_tensor *norm_pow = pow_scalar(&s, rk, p - 1.0);
    oz_tensor *scale = STEP(&s, oz_div(gk, norm_pow, NULL));
    r = mul(&s, scaled, fill_where(&s, scale, compare_with(&s, OZ_OP_EQ, rk, 0.0), 0.0));
  }
  return finish(&s, r);
}
