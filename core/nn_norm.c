/* nn_norm.c - batch_norm and layer_norm: PyTorch's checks, the statistics and normalization
 * kernels, the running-statistics update (in place, as torch), and NativeBatchNormBackward0 /
 * NativeLayerNormBackward0 with the fused backward kernels. Absent weights and biases are
 * passed to the kernels as ones and zeros. */
#include "core/nn_internal.h"

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

/* ============================== batch norm ============================== */

/* saved: [0] input, [1] stats [2, C] (mean, var), [2] weight [C]; ints[0] training;
 * scalars[0] eps */
static int batch_norm_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *x = nn_saved(n, 0), *stats = x ? nn_saved(n, 1) : NULL;
  oz_tensor *w = stats ? nn_saved(n, 2) : NULL;
  oz_tensor *ts[4] = {g[0], x, stats, w};
  oz_tensor *x3 = NULL, *g3 = NULL, *gx = NULL, *gwb = NULL;
  int rc = w ? nn_no_double_backward(n->name, ts, 4) : oz_last_error_code();
  if (rc != OZ_OK) goto done;
  int64_t nck[3] = {x->shape[0], stats->shape[1], 1};
  for (int d = 2; d < x->ndim; d++) nck[2] *= x->shape[d];
  const int64_t C = nck[1];
  oz_tensor *xc = nn_contiguous_as(x, x->dtype), *gc = xc ? nn_contiguous_as(g[0], x->dtype) : NULL;
  x3 = gc ? oz_view_shape(xc, 3, nck) : NULL;
  g3 = x3 ? oz_view_shape(gc, 3, nck) : NULL;
  oz_tensor_decref(xc), oz_tensor_decref(gc);
  gx = g3 ? nn_empty(x, 3, nck, x->dtype) : NULL;
  gwb = gx ? nn_empty(x, 2, (const int64_t[]){2, C}, x->dtype) : NULL;
  if (!gwb) goto fail;
  const oz_tensor *ins[4] = {g3, x3, stats, w};
  oz_tensor *outs[2] = {gx, gwb};
  const double eps = n->scalars[0].f;
  if (nn_run(OZ_OP_BATCH_NORM_BACKWARD, ins, 4, outs, 2, n->ints, 1, &eps, 1) != OZ_OK) goto fail;
  if (oz_node_needs_grad(n, 0) && !(gin[0] = oz_view_shape(gx, x->ndim, x->shape))) goto fail;
  rc = split_rows(n, gwb, gin);
  goto done;
fail:
  rc = oz_last_error_code();
done:
  oz_tensor_decref(x), oz_tensor_decref(stats), oz_tensor_decref(w);
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
    if (oz_node_save(node, input) != OZ_OK || oz_node_save(node, stats) != OZ_OK ||
        oz_node_save(node, w) != OZ_OK)
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

/* saved: [0] input, [1] stats [M, 2], [2] weight [N] */
static int layer_norm_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *x = nn_saved(n, 0), *stats = x ? nn_saved(n, 1) : NULL;
  oz_tensor *w = stats ? nn_saved(n, 2) : NULL;
  oz_tensor *ts[4] = {g[0], x, stats, w};
  oz_tensor *x2 = NULL, *g2 = NULL, *gx = NULL, *gwb = NULL;
  int rc = w ? nn_no_double_backward(n->name, ts, 4) : oz_last_error_code();
  if (rc != OZ_OK) goto done;
  const int64_t mn[2] = {stats->shape[0], w->shape[0]};
  oz_tensor *xc = nn_contiguous_as(x, x->dtype), *gc = xc ? nn_contiguous_as(g[0], x->dtype) : NULL;
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
  oz_tensor_decref(x), oz_tensor_decref(stats), oz_tensor_decref(w);
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
  if (result && node &&
      (oz_node_save(node, input) != OZ_OK || oz_node_save(node, stats) != OZ_OK ||
       oz_node_save(node, w) != OZ_OK))
    oz_tensor_decref(result), result = NULL;
done:
  result = oz_grad_end(node, result, NULL);
  oz_tensor_decref(xc), oz_tensor_decref(x2), oz_tensor_decref(w), oz_tensor_decref(b);
  oz_tensor_decref(y), oz_tensor_decref(stats);
  return result;
}
