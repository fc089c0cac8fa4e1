/* nn_softmax.c - softmax and log_softmax over one dim, with SoftmaxBackward0 /
 * LogSoftmaxBackward0: a fused backward kernel on the saved output, or, when the gradient
 * itself must be differentiable (create_graph=True), the same formula in core ops. */
#include "core/nn_internal.h"
#include "core/oz_ops_unary.h"

/* The saved output y as a tensor whose grad_fn is n itself, as torch restores a saved output:
 * formulas that use it are then differentiable back through this node (double backward). */
static oz_tensor *output_with_history(oz_node *n, const oz_tensor *y) {
  oz_tensor *a = oz_alias(y);
  if (!a) return NULL;
  oz_node_incref(n); /* attach consumes a reference */
  if (oz_node_attach(n, &a, 1) != OZ_OK) {
    oz_tensor_decref(a);
    return NULL;
  }
  return a;
}

/* create_graph: softmax: y * (g - sum(g * y)); log_softmax: g - exp(y) * sum(g), along dim,
 * recorded by the core ops. */
static oz_tensor *differentiable_backward(oz_node *n, const oz_tensor *g, const oz_tensor *y) {
  const bool log = n->ints[1] == OZ_OP_LOG_SOFTMAX_BACKWARD;
  const int64_t *dim = &n->ints[0];
  const oz_scalar one = oz_make_scalar_f(1.0);
  oz_tensor *yh = output_with_history(n, y), *gx = NULL;
  if (!yh) return NULL;
  if (log) {
    oz_tensor *s = oz_sum(g, dim, 1, true, -1, NULL);
    oz_tensor *e = s ? oz_exp(yh, NULL) : NULL;
    oz_tensor *p = e ? oz_mul(e, s, NULL) : NULL;
    gx = p ? oz_sub(g, p, one, NULL) : NULL;
    oz_tensor_decref(s), oz_tensor_decref(e), oz_tensor_decref(p);
  } else {
    oz_tensor *gy = oz_mul(g, yh, NULL);
    oz_tensor *s = gy ? oz_sum(gy, dim, 1, true, -1, NULL) : NULL;
    oz_tensor *d = s ? oz_sub(g, s, one, NULL) : NULL;
    gx = d ? oz_mul(yh, d, NULL) : NULL;
    oz_tensor_decref(gy), oz_tensor_decref(s), oz_tensor_decref(d);
  }
  oz_tensor_decref(yh);
  return gx;
}

/* d softmax: SOFTMAX_BACKWARD(g, y); d log_softmax: LOG_SOFTMAX_BACKWARD(g, y). ints[0] = dim,
 * ints[1] = the backward op, saved[0] = y. */
static int softmax_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *y = nn_saved(n, 0);
  if (!y) return oz_last_error_code();
  oz_tensor *gx = NULL;
  if (oz_grad_enabled()) { /* a create_graph backward */
    gx = differentiable_backward(n, g[0], y);
  } else {
    oz_tensor *gy = oz_operand_as(g[0], y->dtype, oz_tensor_device(y));
    gx = gy ? oz_empty_like_layout(y, y->ndim, y->shape, y->dtype, oz_tensor_device(y)) : NULL;
    const oz_tensor *ins[2] = {gy, y};
    if (gx && nn_run((int)n->ints[1], ins, 2, &gx, 1, n->ints, 1, NULL, 0) != OZ_OK)
      oz_tensor_decref(gx), gx = NULL;
    oz_tensor_decref(gy);
  }
  oz_tensor_decref(y);
  if (!gx) return oz_last_error_code();
  gin[0] = gx;
  return OZ_OK;
}

/* torch 1.13 gives the out= form a history that cannot be differentiated: out requires grad
 * when x does, and backward through it raises. */
static int not_implemented_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  (void)g, (void)gin;
  return oz_set_error(OZ_ERR_RUNTIME, "derivative for aten::%s is not implemented",
                      n->ints[0] ? "log_softmax" : "softmax");
}

static int out_node(bool log, const oz_tensor *x, oz_tensor *out) {
  if (!oz_autograd_wanted1(x)) return OZ_OK;
  oz_node *n = oz_node_new("NotImplemented", not_implemented_backward, 1, 1);
  if (!n) return oz_last_error_code();
  n->ints[n->n_ints++] = log;
  if (oz_node_set_input(n, 0, x) != OZ_OK) {
    oz_node_decref(n);
    return oz_last_error_code();
  }
  return oz_node_attach(n, &out, 1);
}

static oz_tensor *softmax_impl(const oz_tensor *x_in, int64_t dim, int dtype, bool log,
                               oz_tensor *out) {
  const int op = log ? OZ_OP_LOG_SOFTMAX : OZ_OP_SOFTMAX;
  /* dtype=: the input is cast first, recorded (ToCopyBackward0) as torch does */
  oz_tensor *x = (oz_tensor *)x_in;
  if (dtype >= 0)
    x = oz_ad_to(x_in, dtype, oz_tensor_device(x_in), false);
  else
    oz_tensor_incref(x);
  if (!x) return NULL;
  oz_tensor *result = NULL;
  int d = oz_wrap_dim(dim, x->ndim);
  const bool last = d == (x->ndim ? x->ndim - 1 : 0);
  const char *kernel = log ? (last ? "log_softmax_lastdim_kernel_impl" : "log_softmax_kernel_impl")
                           : (last ? "softmax_lastdim_kernel_impl" : "softmax_kernel_impl");
  oz_node *n = NULL;
  if (d < 0 || nn_require_floating(kernel, x) != OZ_OK) goto done;
  if (out) { /* torch's out= form: the exact dtype, resized if needed, and no history */
    if (out->dtype != x->dtype) {
      oz_set_error(OZ_ERR_RUNTIME, "Expected out tensor to have dtype %s, but got %s instead",
                   oz_dtype_name(x->dtype), oz_dtype_name(out->dtype));
      goto done;
    }
    if (oz_check_out(out, false, x->ndim, x->shape, x->dtype, oz_tensor_device(x)) != OZ_OK)
      goto done;
  } else if (oz_grad_begin(log ? "log_softmax" : "softmax",
                           log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", softmax_backward,
                           (const oz_tensor *const *)&x, 1, NULL, &n) != OZ_OK) {
    goto done;
  }
  oz_tensor *y = oz_empty_like_layout(x, x->ndim, x->shape, x->dtype, oz_tensor_device(x));
  const int64_t ints[1] = {d};
  if (y && nn_run(op, (const oz_tensor *const *)&x, 1, &y, 1, ints, 1, NULL, 0) != OZ_OK) {
    oz_tensor_decref(y);
    y = NULL;
  }
  if (n) {
    n->ints[n->n_ints++] = d;
    n->ints[n->n_ints++] = log ? OZ_OP_LOG_SOFTMAX_BACKWARD : OZ_OP_SOFTMAX_BACKWARD;
  }
  if (out) {
    result = oz_finish_out(y, out);
    if (result) oz_bump_version(out);
    if (result && out_node(log, x, result) != OZ_OK) oz_tensor_decref(result), result = NULL;
    goto done;
  }
  result = oz_grad_end(n, y, NULL);
  if (result && n && oz_node_save_output(oz_grad_fn(result), result) != OZ_OK) {
    oz_tensor_decref(result);
    result = NULL;
  }
done:
  oz_tensor_decref(x);
  return result;
}

oz_tensor *oz_softmax(const oz_tensor *x, int64_t dim, int dtype, oz_tensor *out) {
  return softmax_impl(x, dim, dtype, false, out);
}

oz_tensor *oz_log_softmax(const oz_tensor *x, int64_t dim, int dtype, oz_tensor *out) {
  return softmax_impl(x, dim, dtype, true, out);
}
