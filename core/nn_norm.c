/* nn_norm.c - batch_norm and layer_norm: PyTorch's checks, the statistics and normalization
 * kernels, the running-statistics update (in place, as torch), and NativeBatchNormBackward0 /
 * NativeLayerNormBackward0 with the fused backward kernels (or, under create_graph, the same
 * formulas in recorded core ops). Absent weights and biases are passed to the kernels as ones
 * and zeros. */
#include "core/nn_internal.h"
#include "core/oz_ops_reduce.h"
#include "core/oz_ops_unary.h"

/* t (numel n) as a contiguous 1-d tensor of `dtype`, or `fill` repeated when t is NULL. */
static oz_tensor *param_or(const oz_tensor *t, int64_t n, double fill, int dtype,
                           const oz_tensor *like) {
  if (!t) return oz_full(1, &n, oz_make_scalar_f(fill), dtype, oz_tensor_device(like));
  oz_tensor *c = nn_contiguous_as(t, dtype);
  oz_tensor *v = c ? oz_view_shape(c, 1, &n) : NULL;
  oz_tensor_decref(c);
  return v;
}

/* rows 0 and 1 of a [2, n] gradient as the gradients of params of the given shapes */
static int split_rows(oz_node *n, const oz_tensor *gwb, oz_tensor **gin) {
  for (int k = 0; k < 2; k++) {
    if (!oz_node_needs_grad(n, 1 + k)) continue;
    const oz_input_meta *im = &n->in_meta[1 + k];
    oz_tensor *row = oz_select(gwb, 0, k);
    gin[1 + k] = row ? oz_reshape(row, im->ndim, im->shape) : NULL;
    oz_tensor_decref(row);
    if (!gin[1 + k]) return oz_last_error_code();
  }
  return OZ_OK;
}

/* ================= create_graph: the formulas in recorded ops =================
 * Under create_graph the gradients are computed from x with differentiable core ops (the
 * statistics recomputed from x, so that their dependence on x is part of the graph), which
 * gives torch's second derivatives; otherwise the fused backward kernels run. */

/* An owned-reference helper: *slot = value (new reference); false when value is NULL. */
static bool set(oz_tensor **slot, oz_tensor *value) {
  oz_tensor_decref(*slot);
  *slot = value;
  return value != NULL;
}

/* x_hat = (x - mean) * rstd and rstd over `dims` (kept), from x's own statistics (stats NULL)
 * or from fixed ones (stats: [2, C] mean and variance, viewed as `bshape`). */
static int normalized(const oz_tensor *x, const int64_t *dims, int nd, const oz_tensor *stats,
                      const int64_t *bshape, double eps, oz_tensor **xhat, oz_tensor **rstd) {
  oz_tensor *mean = NULL, *xc = NULL, *sq = NULL, *var = NULL, *e = NULL, *ve = NULL;
  const oz_scalar one = oz_make_scalar_i(1);
  bool ok;
  if (stats) { /* evaluation: constants without history */
    oz_tensor *m = oz_select(stats, 0, 0), *v = m ? oz_select(stats, 0, 1) : NULL;
    ok = v && set(&mean, oz_view_shape(m, x->ndim, bshape)) &&
         set(&var, oz_view_shape(v, x->ndim, bshape)) && set(&xc, oz_sub(x, mean, one, NULL));
    oz_tensor_decref(m), oz_tensor_decref(v);
  } else {
    ok = set(&mean, oz_mean(x, dims, nd, true, -1, NULL)) &&
         set(&xc, oz_sub(x, mean, one, NULL)) && set(&sq, oz_mul(xc, xc, NULL)) &&
         set(&var, oz_mean(sq, dims, nd, true, -1, NULL)); /* biased, as torch normalizes */
  }
  ok = ok && set(&e, oz_wrapped_scalar(eps, 0, OZ_FLOAT64)) &&
       set(&ve, oz_add(var, e, one, NULL)) && set(rstd, oz_rsqrt(ve, NULL)) &&
       set(xhat, oz_mul(xc, *rstd, NULL));
  oz_tensor_decref(mean), oz_tensor_decref(xc), oz_tensor_decref(sq), oz_tensor_decref(var);
  oz_tensor_decref(e), oz_tensor_decref(ve);
  return ok ? OZ_OK : oz_last_error_code();
}

/* The input gradient of a normalization over `dims` given gh = g * weight:
 * rstd * (gh - mean(gh) - x_hat * mean(gh * x_hat)) when the statistics are x's own,
 * rstd * gh when they are constants. */
static oz_tensor *normalized_input_grad(const oz_tensor *gh, const oz_tensor *xhat,
                                        const oz_tensor *rstd, const int64_t *dims, int nd,
                                        bool own_stats) {
  if (!own_stats) return oz_mul(gh, rstd, NULL);
  const oz_scalar one = oz_make_scalar_i(1);
  oz_tensor *m1 = NULL, *p = NULL, *m2 = NULL, *t = NULL, *d = NULL, *r = NULL;
  if (set(&m1, oz_mean(gh, dims, nd, true, -1, NULL)) && set(&p, oz_mul(gh, xhat, NULL)) &&
      set(&m2, oz_mean(p, dims, nd, true, -1, NULL)) && set(&t, oz_mul(xhat, m2, NULL)) &&
      set(&d, oz_sub(gh, m1, one, NULL)) && set(&p, oz_sub(d, t, one, NULL)))
    r = oz_mul(p, rstd, NULL);
  oz_tensor_decref(m1), oz_tensor_decref(p), oz_tensor_decref(m2), oz_tensor_decref(t);
  oz_tensor_decref(d);
  return r;
}

/* Gradients of weight and bias: sums of g * x_hat and of g over `dims` (none: as they are),
 * shaped like inputs 1 and 2 of n. */
static int affine_grads(oz_node *n, const oz_tensor *g, const oz_tensor *xhat,
                        const int64_t *dims, int nd, oz_tensor **gin) {
  for (int k = 0; k < 2; k++) {
    if (!oz_node_needs_grad(n, 1 + k)) continue;
    oz_tensor *p = k ? (oz_tensor_incref((oz_tensor *)g), (oz_tensor *)g) : oz_mul(g, xhat, NULL);
    oz_tensor *s = p && nd ? oz_sum(p, dims, nd, false, -1, NULL) : p;
    if (s == p && p) oz_tensor_incref(p);
    const oz_input_meta *im = &n->in_meta[1 + k];
    gin[1 + k] = s ? oz_ad_reshape(s, im->ndim, im->shape) : NULL;
    oz_tensor_decref(p), oz_tensor_decref(s);
    if (!gin[1 + k]) return oz_last_error_code();
  }
  return OZ_OK;
}

/* The whole create_graph backward of a normalization over `dims`: stats NULL (x's own) or
 * fixed [2, C] viewed as bshape; weight (may be NULL) viewed as bshape when given (batch norm)
 * or broadcast as it is (layer norm: bshape NULL); weight and bias gradients summed over
 * affine_dims. */
static int differentiable_norm_backward(oz_node *n, const oz_tensor *g, const oz_tensor *x,
                                        const oz_tensor *weight, const oz_tensor *stats,
                                        const int64_t *dims, int nd, const int64_t *bshape,
                                        const int64_t *affine_dims, int n_affine, double eps,
                                        oz_tensor **gin) {
  oz_tensor *xhat = NULL, *rstd = NULL, *wv = NULL, *gh = NULL;
  int rc = normalized(x, dims, nd, stats, bshape, eps, &xhat, &rstd);
  if (rc == OZ_OK && oz_node_needs_grad(n, 0)) {
    bool ok = true;
    if (weight && bshape)
      ok = set(&wv, oz_ad_reshape(weight, x->ndim, bshape));
    else if (weight)
      oz_tensor_incref((oz_tensor *)weight), wv = (oz_tensor *)weight;
    if (ok && wv)
      ok = set(&gh, oz_mul(g, wv, NULL));
    else if (ok)
      oz_tensor_incref((oz_tensor *)g), gh = (oz_tensor *)g;
    if (!ok || !(gin[0] = normalized_input_grad(gh, xhat, rstd, dims, nd, !stats)))
      rc = oz_last_error_code();
  }
  if (rc == OZ_OK) rc = affine_grads(n, g, xhat, affine_dims, n_affine, gin);
  oz_tensor_decref(xhat), oz_tensor_decref(rstd), oz_tensor_decref(wv), oz_tensor_decref(gh);
  return rc;
}

/* ============================== batch norm ============================== */

/* The saved weight: None (NULL, no error) when the op had none. */
static int saved_weight(oz_node *n, oz_tensor **w) {
  *w = NULL;
  if (!n->saved[2].tensor && !n->released) return OZ_OK;
  return (*w = nn_saved(n, 2)) ? OZ_OK : oz_last_error_code();
}

/* saved: [0] input, [1] stats [2, C] (mean, var), [2] weight or None; ints[0] training;
 * scalars[0] eps */
static int batch_norm_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *x = nn_saved(n, 0), *stats = x ? nn_saved(n, 1) : NULL, *weight = NULL;
  oz_tensor *w = NULL, *x3 = NULL, *g3 = NULL, *gx = NULL, *gwb = NULL;
  int rc = stats ? saved_weight(n, &weight) : oz_last_error_code();
  if (rc != OZ_OK) goto done;
  const bool training = n->ints[0];
  const double eps = n->scalars[0].f;
  int64_t nck[3] = {x->shape[0], stats->shape[1], 1};
  for (int d = 2; d < x->ndim; d++) nck[2] *= x->shape[d];
  const int64_t C = nck[1];
  if (oz_grad_enabled()) { /* create_graph */
    int64_t dims[OZ_MAX_DIMS], bshape[OZ_MAX_DIMS];
    int nd = 0;
    for (int d = 0; d < x->ndim; d++) {
      bshape[d] = d == 1 ? C : 1;
      if (d != 1) dims[nd++] = d;
    }
    rc = differentiable_norm_backward(n, g[0], x, weight, training ? NULL : stats, dims, nd,
                                      bshape, dims, nd, eps, gin);
    goto done;
  }
  w = param_or(weight, C, 1.0, x->dtype, x);
  oz_tensor *xc = w ? nn_contiguous_as(x, x->dtype) : NULL;
  oz_tensor *gc = xc ? nn_contiguous_as(g[0], x->dtype) : NULL;
  x3 = gc ? oz_view_shape(xc, 3, nck) : NULL;
  g3 = x3 ? oz_view_shape(gc, 3, nck) : NULL;
  oz_tensor_decref(xc), oz_tensor_decref(gc);
  gx = g3 ? nn_empty(x, 3, nck, x->dtype) : NULL;
  gwb = gx ? nn_empty(x, 2, (const int64_t[]){2, C}, x->dtype) : NULL;
  if (!gwb) goto fail;
  const oz_tensor *ins[4] = {g3, x3, stats, w};
  oz_tensor *outs[2] = {gx, gwb};
  if (nn_run(OZ_OP_BATCH_NORM_BACKWARD, ins, 4, outs, 2, n->ints, 1, &eps, 1) != OZ_OK) goto fail;
  if (oz_node_needs_grad(n, 0) && !(gin[0] = oz_view_shape(gx, x->ndim, x->shape))) goto fail;
  rc = split_rows(n, gwb, gin);
  goto done;
fail:
  rc = oz_last_error_code();
done:
  oz_tensor_decref(x), oz_tensor_decref(stats), oz_tensor_decref(weight), oz_tensor_decref(w);
  oz_tensor_decref(x3), oz_tensor_decref(g3), oz_tensor_decref(gx), oz_tensor_decref(gwb);
  return rc;
}

static int check_channels(const char *what, const oz_tensor *t, int64_t C) {
  if (!t || oz_numel(t) == C) return OZ_OK;
  return oz_set_error(OZ_ERR_RUNTIME, "%s should contain %lld elements not %lld", what,
                      (long long)C, (long long)oz_numel(t));
}

/* running = (1 - momentum) * running + momentum * scale * stat, written in place with a plain
 * copy: like torch's kernel, this neither records history nor bumps running's version. */
static int update_running(oz_tensor *running, const oz_tensor *stat, double momentum,
                          double scale) {
  oz_tensor *keep = oz_wrapped_scalar(1.0 - momentum, 0, OZ_FLOAT64);
  oz_tensor *stat_v = keep ? oz_reshape(stat, running->ndim, running->shape) : NULL;
  oz_tensor *kept = stat_v ? oz_mul(running, keep, NULL) : NULL;
  oz_tensor *sum = kept ? oz_add(kept, stat_v, oz_make_scalar_f(momentum * scale), NULL) : NULL;
  int rc = sum ? oz_copy_(running, sum) : oz_last_error_code();
  oz_tensor_decref(keep), oz_tensor_decref(stat_v), oz_tensor_decref(kept), oz_tensor_decref(sum);
  return rc;
}

oz_tensor *oz_batch_norm(const oz_tensor *input, const oz_tensor *weight, const oz_tensor *bias,
                         oz_tensor *running_mean, oz_tensor *running_var, bool training,
                         double momentum, double eps) {
  if (input->ndim < 2) { /* torch reads the channel count, size(1), first */
    oz_set_error(OZ_ERR_INDEX,
                 "Dimension out of range (expected to be in range of [%d, %d], but got 1)",
                 input->ndim ? -input->ndim : -1, input->ndim ? input->ndim - 1 : 0);
    return NULL;
  }
  /* torch's CPU kernel mixes dtypes only for a bfloat16 input with float parameters */
  const oz_tensor *params[4] = {weight, bias, running_mean, running_var};
  for (int i = 0; i < 4; i++)
    if (params[i] && params[i]->dtype != input->dtype) {
      oz_set_error(OZ_ERR_RUNTIME,
                   "mixed dtype (CPU): expect input to have scalar type of BFloat16");
      return NULL;
    }
  const int64_t N = input->shape[0], C = input->shape[1];
  int64_t K = 1;
  for (int d = 2; d < input->ndim; d++) K *= input->shape[d];
  if (nn_require_floating("batch_norm", input) != OZ_OK ||
      check_channels("running_mean", running_mean, C) != OZ_OK ||
      check_channels("running_var", running_var, C) != OZ_OK ||
      check_channels("weight", weight, C) != OZ_OK || check_channels("bias", bias, C) != OZ_OK)
    return NULL;
  if (!training && (!running_mean || !running_var)) {
    oz_set_error(OZ_ERR_RUNTIME, "running_%s must be defined in evaluation mode",
                 running_mean ? "var" : "mean");
    return NULL;
  }
  const oz_tensor *ins3[3] = {input, weight, bias};
  oz_node *node;
  if (oz_grad_begin("batch_norm", "NativeBatchNormBackward0", batch_norm_backward, ins3, 3, NULL,
                    &node) != OZ_OK)
    return NULL;
  const int dt = input->dtype;
  const int64_t nck[3] = {N, C, K};
  oz_tensor *xc = NULL, *x3 = NULL, *stats = NULL, *w = NULL, *b = NULL, *y = NULL;
  oz_tensor *result = NULL;
  bool prev = nn_grad_off();
  xc = nn_contiguous_as(input, dt);
  x3 = xc ? oz_view_shape(xc, 3, nck) : NULL;
  stats = x3 ? nn_empty(input, 2, (const int64_t[]){2, C}, dt) : NULL;
  if (!stats) goto done;
  if (training) {
    if (nn_run(OZ_OP_BATCH_NORM_STATS, (const oz_tensor *const *)&x3, 1, &stats, 1, NULL, 0, NULL,
               0) != OZ_OK)
      goto done;
  } else {
    for (int k = 0; k < 2; k++) {
      oz_tensor *row = oz_select(stats, 0, k);
      oz_tensor *src = row ? oz_reshape(k ? running_var : running_mean, 1, &C) : NULL;
      int rc = src ? oz_copy_(row, src) : oz_last_error_code();
      oz_tensor_decref(row), oz_tensor_decref(src);
      if (rc != OZ_OK) goto done;
    }
  }
  w = param_or(weight, C, 1.0, dt, input);
  b = w ? param_or(bias, C, 0.0, dt, input) : NULL;
  y = b ? nn_empty(input, 3, nck, dt) : NULL;
  const oz_tensor *ins[4] = {x3, stats, w, b};
  if (!y || nn_run(OZ_OP_BATCH_NORM, ins, 4, &y, 1, NULL, 0, &eps, 1) != OZ_OK) goto done;
  if (training && (running_mean || running_var)) {
    oz_tensor *mean = oz_select(stats, 0, 0), *var = mean ? oz_select(stats, 0, 1) : NULL;
    const double n = (double)(N * K);
    int rc = var ? OZ_OK : oz_last_error_code();
    if (rc == OZ_OK && running_mean) rc = update_running(running_mean, mean, momentum, 1.0);
    /* the running variance is the unbiased one */
    if (rc == OZ_OK && running_var) rc = update_running(running_var, var, momentum, n / (n - 1));
    oz_tensor_decref(mean), oz_tensor_decref(var);
    if (rc != OZ_OK) goto done;
  }
  result = oz_view_shape(y, input->ndim, input->shape);
  if (result && node) {
    node->ints[node->n_ints++] = training;
    node->scalars[node->n_scalars++] = oz_make_scalar_f(eps);
    /* the weight as given (with its history, for a create_graph backward) */
    if (oz_node_save(node, input) != OZ_OK || oz_node_save(node, stats) != OZ_OK ||
        oz_node_save(node, weight) != OZ_OK)
      oz_tensor_decref(result), result = NULL;
  }
done:
  nn_grad_restore(prev);
  result = oz_grad_end(node, result, NULL);
  oz_tensor_decref(xc), oz_tensor_decref(x3), oz_tensor_decref(stats);
  oz_tensor_decref(w), oz_tensor_decref(b), oz_tensor_decref(y);
  return result;
}

/* ============================== layer norm ============================== */

/* saved: [0] input, [1] stats [M, 2], [2] weight or None; ints[0]: the first normalized dim;
 * scalars[0]: eps */
static int layer_norm_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *x = nn_saved(n, 0), *stats = x ? nn_saved(n, 1) : NULL, *weight = NULL;
  oz_tensor *w = NULL, *x2 = NULL, *g2 = NULL, *gx = NULL, *gwb = NULL;
  int rc = stats ? saved_weight(n, &weight) : oz_last_error_code();
  if (rc != OZ_OK) goto done;
  const int lead = (int)n->ints[0];
  if (oz_grad_enabled()) { /* create_graph */
    int64_t dims[OZ_MAX_DIMS], affine[OZ_MAX_DIMS];
    for (int d = 0; d < lead; d++) affine[d] = d;
    for (int d = lead; d < x->ndim; d++) dims[d - lead] = d;
    rc = differentiable_norm_backward(n, g[0], x, weight, NULL, dims, x->ndim - lead, NULL,
                                      affine, lead, n->scalars[0].f, gin);
    goto done;
  }
  int64_t mn[2] = {1, 1};
  for (int d = 0; d < x->ndim; d++) mn[d >= lead] *= x->shape[d];
  w = param_or(weight, mn[1], 1.0, x->dtype, x);
  oz_tensor *xc = w ? nn_contiguous_as(x, x->dtype) : NULL;
  oz_tensor *gc = xc ? nn_contiguous_as(g[0], x->dtype) : NULL;
  x2 = gc ? oz_view_shape(xc, 2, mn) : NULL;
  g2 = x2 ? oz_view_shape(gc, 2, mn) : NULL;
  oz_tensor_decref(xc), oz_tensor_decref(gc);
  gx = g2 ? nn_empty(x, 2, mn, x->dtype) : NULL;
  gwb = gx ? nn_empty(x, 2, (const int64_t[]){2, mn[1]}, x->dtype) : NULL;
  if (!gwb) goto fail;
  const oz_tensor *ins[4] = {g2, x2, stats, w};
  oz_tensor *outs[2] = {gx, gwb};
  if (nn_run(OZ_OP_LAYER_NORM_BACKWARD, ins, 4, outs, 2, NULL, 0, NULL, 0) != OZ_OK) goto fail;
  if (oz_node_needs_grad(n, 0) && !(gin[0] = oz_view_shape(gx, x->ndim, x->shape))) goto fail;
  rc = split_rows(n, gwb, gin);
  goto done;
fail:
  rc = oz_last_error_code();
done:
  oz_tensor_decref(x), oz_tensor_decref(stats), oz_tensor_decref(weight), oz_tensor_decref(w);
  oz_tensor_decref(x2), oz_tensor_decref(g2), oz_tensor_decref(gx), oz_tensor_decref(gwb);
  return rc;
}

static bool shape_is(const oz_tensor *t, int n, const int64_t *shape) {
  return t->ndim == n && !memcmp(t->shape, shape, sizeof(int64_t) * (size_t)n);
}

oz_tensor *oz_layer_norm(const oz_tensor *input, int n_norm, const int64_t *normalized_shape,
                         const oz_tensor *weight, const oz_tensor *bias, double eps) {
  char a[256], b_[256];
  const char *ns = oz_shape_str(a, sizeof a, n_norm, normalized_shape);
  if (n_norm < 1) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "Expected normalized_shape to be at least 1-dimensional, i.e., containing at "
                 "least one element, but got normalized_shape = %s", ns);
    return NULL;
  }
  for (int k = 0; k < 2; k++) {
    const oz_tensor *p = k ? bias : weight;
    if (p && !shape_is(p, n_norm, normalized_shape)) {
      oz_set_error(OZ_ERR_RUNTIME,
                   "Expected %s to be of same shape as normalized_shape, but got %s of shape %s "
                   "and normalized_shape = %s",
                   k ? "bias" : "weight", k ? "bias" : "weight",
                   oz_shape_str(b_, sizeof b_, p->ndim, p->shape), ns);
      return NULL;
    }
  }
  const int lead = input->ndim - n_norm;
  if (lead < 0 || memcmp(input->shape + lead, normalized_shape, sizeof(int64_t) * (size_t)n_norm)) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "Given normalized_shape=%s, expected input with shape [*, ...%s], but got input "
                 "of size%s",
                 ns, ns, oz_shape_str(b_, sizeof b_, input->ndim, input->shape));
    return NULL;
  }
  if (nn_require_floating("LayerNormKernelImpl", input) != OZ_OK) return NULL;
  int64_t mn[2] = {1, 1};
  for (int d = 0; d < input->ndim; d++) mn[d >= lead] *= input->shape[d];
  const oz_tensor *ins3[3] = {input, weight, bias};
  oz_node *node;
  if (oz_grad_begin("layer_norm", "NativeLayerNormBackward0", layer_norm_backward, ins3, 3, NULL,
                    &node) != OZ_OK)
    return NULL;
  const int dt = input->dtype;
  oz_tensor *xc = nn_contiguous_as(input, dt), *x2 = xc ? oz_view_shape(xc, 2, mn) : NULL;
  oz_tensor *w = x2 ? param_or(weight, mn[1], 1.0, dt, input) : NULL;
  oz_tensor *b = w ? param_or(bias, mn[1], 0.0, dt, input) : NULL;
  oz_tensor *y = b ? nn_empty(input, 2, mn, dt) : NULL;
  oz_tensor *stats = y ? nn_empty(input, 2, (const int64_t[]){mn[0], 2}, dt) : NULL;
  oz_tensor *result = NULL;
  const oz_tensor *ins[3] = {x2, w, b};
  oz_tensor *outs[2] = {y, stats};
  if (!stats || nn_run(OZ_OP_LAYER_NORM, ins, 3, outs, 2, NULL, 0, &eps, 1) != OZ_OK) goto done;
  result = oz_view_shape(y, input->ndim, input->shape);
  if (result && node) {
    node->ints[node->n_ints++] = input->ndim - n_norm;
    node->scalars[node->n_scalars++] = oz_make_scalar_f(eps);
    if (oz_node_save(node, input) != OZ_OK || oz_node_save(node, stats) != OZ_OK ||
        oz_node_save(node, weight) != OZ_OK)
      oz_tensor_decref(result), result = NULL;
  }
done:
  result = oz_grad_end(node, result, NULL);
  oz_tensor_decref(xc), oz_tensor_decref(x2), oz_tensor_decref(w), oz_tensor_decref(b);
  oz_tensor_decref(y), oz_tensor_decref(stats);
  return result;
}
