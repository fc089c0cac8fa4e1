/* elementwise.c - arithmetic and comparison front-ends: PyTorch's result type, broadcasting,
 * output layout and out=/in-place rules, then one dispatched kernel call. */
#include <math.h>

#include "core/op_support.h"
#include "core/oz_autograd.h"

/* Runs an elementwise `op` over a (and b, if not NULL) computed in `compute_dtype`, producing
 * `result_dtype`, into out when given. */
static oz_tensor *elementwise(int op, const oz_tensor *a, const oz_tensor *b, int compute_dtype,
                              int result_dtype, const oz_scalar *alpha, oz_tensor *out) {
  const oz_tensor *operands[2] = {a, b};
  oz_device device;
  if (oz_common_device(operands, 2, &device) != OZ_OK) return NULL;
  int ndim = a->ndim;
  int64_t shape[OZ_MAX_DIMS];
  memcpy(shape, a->shape, sizeof shape);
  if (b && oz_broadcast_shapes(a->ndim, a->shape, b->ndim, b->shape, &ndim, shape) != OZ_OK)
    return NULL;

  oz_tensor *result;
  if (out) {
    if (oz_check_out(out, out == a || out == b, ndim, shape, result_dtype, device) != OZ_OK ||
        oz_check_partial_overlap(out, a) != OZ_OK || oz_check_partial_overlap(out, b) != OZ_OK)
      return NULL;
  }
  if (out && out->dtype == result_dtype) {
    oz_tensor_incref(out);
    result = out;
  } else {
    /* The output follows the layout of a full-size operand (torch's TensorIterator). */
    const oz_tensor *like = (a->ndim == ndim) ? a : b;
    result = oz_empty_like_layout(like, ndim, shape, result_dtype, device);
    if (!result) return NULL;
  }

  oz_tensor *ins[2] = {NULL, NULL}, *expanded[2] = {NULL, NULL};
  oz_call call = oz_call_make(op);
  bool ok = true;
  for (int i = 0; i < 2 && ok; i++) {
    if (!operands[i]) continue;
    ins[i] = oz_operand_as(operands[i], compute_dtype, device);
    expanded[i] = ins[i] ? oz_expand(ins[i], ndim, shape) : NULL;
    ok = expanded[i] != NULL;
    if (ok) oz_call_in(&call, expanded[i]);
  }
  if (ok) {
    oz_call_out(&call, result);
    if (alpha) oz_call_scalar(&call, *alpha);
    ok = oz_dispatch_call(&call) == OZ_OK;
  }
  for (int i = 0; i < 2; i++) oz_tensor_decref(ins[i]), oz_tensor_decref(expanded[i]);
  if (!ok) {
    oz_tensor_decref(result);
    return NULL;
  }
  return oz_finish_out(result, out);
}

static int binary_result_type(const oz_tensor *a, const oz_tensor *b) {
  oz_result_type_state s;
  oz_result_type_init(&s);
  oz_result_type_add(&s, a->dtype, oz_operand_priority(a));
  if (b) oz_result_type_add(&s, b->dtype, oz_operand_priority(b));
  return oz_result_type_get(&s);
}

/* alpha must fit the result's category, as torch checks. */
static int check_alpha(int dtype, bool alpha_is_float) {
  if (oz_dtype_is_integral(dtype, true) && alpha_is_float)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "For integral input tensors, argument alpha must not be a floating point "
                        "number.");
  return OZ_OK;
}

/* An alpha that came from a Python float has a fractional part, or does not equal its integer
 * copy; the Python layer passes floats with i = trunc(f). */
static bool scalar_is_float(oz_scalar s) { return s.f != (double)s.i || isnan(s.f); }

static oz_tensor *add_forward(const oz_tensor *a, const oz_tensor *b, oz_scalar alpha,
                             oz_tensor *out) {
  int dt = binary_result_type(a, b);
  if (check_alpha(dt, scalar_is_float(alpha)) != OZ_OK) return NULL;
  return elementwise(OZ_OP_ADD, a, b, dt, dt, &alpha, out);
}

static oz_tensor *sub_forward(const oz_tensor *a, const oz_tensor *b, oz_scalar alpha,
                             oz_tensor *out) {
  if (a->dtype == OZ_BOOL && b->dtype == OZ_BOOL) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
                 "`^` or `logical_xor()` operator instead.");
    return NULL;
  }
  if (a->dtype == OZ_BOOL || b->dtype == OZ_BOOL) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
                 "trying to invert a mask, use the `~` or `logical_not()` operator instead.");
    return NULL;
  }
  int dt = binary_result_type(a, b);
  if (check_alpha(dt, scalar_is_float(alpha)) != OZ_OK) return NULL;
  return elementwise(OZ_OP_SUB, a, b, dt, dt, &alpha, out);
}

static oz_tensor *mul_forward(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  int dt = binary_result_type(a, b);
  return elementwise(OZ_OP_MUL, a, b, dt, dt, NULL, out);
}

static oz_tensor *div_forward(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  int dt = binary_result_type(a, b);
  /* True division: integral and bool operands divide in the default float dtype. */
  if (!oz_dtype_is_floating(dt)) dt = oz_default_dtype();
  return elementwise(OZ_OP_DIV, a, b, dt, dt, NULL, out);
}

static oz_tensor *neg_forward(const oz_tensor *a, oz_tensor *out) {
  if (a->dtype == OZ_BOOL) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                 "trying to invert a mask, use the `~` or `logical_not()` operator instead.");
    return NULL;
  }
  return elementwise(OZ_OP_NEG, a, NULL, a->dtype, a->dtype, NULL, out);
}

oz_tensor *oz_compare(int op, const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  if (op < OZ_OP_EQ || op > OZ_OP_GE) {
    oz_set_error(OZ_ERR_RUNTIME, "oz_compare: %d is not a comparison op", op);
    return NULL;
  }
  return elementwise(op, a, b, binary_result_type(a, b), OZ_BOOL, NULL, out);
}

/* ---------------------------------------------------------------- autograd
 * Each public op: record a node when needed, run the forward, attach. Formulas compute with
 * the public ops, so a create_graph backward records them too (double backward). */
static oz_scalar scalar_times(oz_scalar s, double k) { return oz_make_scalar_f(s.f * k); }

static oz_tensor *scaled(oz_tensor *g, oz_scalar alpha) {
  if (alpha.f == 1.0) {
    oz_tensor_incref(g);
    return g;
  }
  oz_tensor *k = oz_wrapped_scalar(alpha.f, alpha.i, OZ_FLOAT64);
  oz_tensor *r = k ? oz_mul(g, k, NULL) : NULL;
  oz_tensor_decref(k);
  return r;
}

static int add_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (oz_node_needs_grad(n, 0)) oz_tensor_incref(g[0]), gin[0] = g[0];
  if (oz_node_needs_grad(n, 1) && !(gin[1] = scaled(g[0], n->scalars[0]))) return oz_last_error_code();
  return OZ_OK;
}

oz_tensor *oz_add(const oz_tensor *a, const oz_tensor *b, oz_scalar alpha, oz_tensor *out) {
  const oz_tensor *ins[2] = {a, b};
  oz_node *n;
  if (oz_grad_begin("add", "AddBackward0", add_backward, ins, 2, out, &n) != OZ_OK) return NULL;
  if (n) n->scalars[n->n_scalars++] = alpha;
  return oz_grad_end(n, add_forward(a, b, alpha, out), out);
}

oz_tensor *oz_sub(const oz_tensor *a, const oz_tensor *b, oz_scalar alpha, oz_tensor *out) {
  const oz_tensor *ins[2] = {a, b};
  oz_node *n;
  /* `2 - x` reaches here with a wrapped number first: torch records it as rsub. */
  const char *name = a->is_wrapped_number ? "RsubBackward1" : "SubBackward0";
  if (oz_grad_begin("sub", name, add_backward, ins, 2, out, &n) != OZ_OK) return NULL;
  if (n) n->scalars[n->n_scalars++] = scalar_times(alpha, -1.0); /* a - alpha*b */
  return oz_grad_end(n, sub_forward(a, b, alpha, out), out);
}

/* d(a*b) = g*b, g*a: saved[0] = b (for a's grad), saved[1] = a (for b's grad). */
static int mul_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  for (int i = 0; i < 2; i++) {
    if (!oz_node_needs_grad(n, i)) continue;
    oz_tensor *other = oz_node_saved(n, i);
    if (!other) return oz_last_error_code();
    gin[i] = oz_mul(g[0], other, NULL);
    oz_tensor_decref(other);
    if (!gin[i]) return oz_last_error_code();
  }
  return OZ_OK;
}

oz_tensor *oz_mul(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  const oz_tensor *ins[2] = {a, b};
  oz_node *n;
  if (oz_grad_begin("mul", "MulBackward0", mul_backward, ins, 2, out, &n) != OZ_OK) return NULL;
  if (n) {
    oz_node_save_input(n, oz_node_needs_grad(n, 0) ? b : NULL, out);
    oz_node_save_input(n, oz_node_needs_grad(n, 1) ? a : NULL, out);
  }
  return oz_grad_end(n, mul_forward(a, b, out), out);
}

/* d(a/b) = g/b, -g*a/b^2: saved a, b. */
static int div_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *a = oz_node_needs_grad(n, 1) ? oz_node_saved(n, 0) : NULL;
  oz_tensor *b = oz_node_saved(n, 1);
  int rc = b ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK && oz_node_needs_grad(n, 0) && !(gin[0] = oz_div(g[0], b, NULL)))
    rc = oz_last_error_code();
  if (rc == OZ_OK && oz_node_needs_grad(n, 1)) {
    oz_tensor *q = a ? oz_div(g[0], b, NULL) : NULL;
    oz_tensor *qa = q ? oz_mul(q, a, NULL) : NULL;
    oz_tensor *qab = qa ? oz_div(qa, b, NULL) : NULL;
    gin[1] = qab ? oz_neg(qab, NULL) : NULL;
    if (!gin[1]) rc = oz_last_error_code();
    oz_tensor_decref(q), oz_tensor_decref(qa), oz_tensor_decref(qab);
  }
  oz_tensor_decref(a), oz_tensor_decref(b);
  return rc;
}

oz_tensor *oz_div(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  const oz_tensor *ins[2] = {a, b};
  oz_node *n;
  /* torch computes `2 / x` as x.reciprocal() * 2 */
  const char *name = a->is_wrapped_number   ? "MulBackward0"
                     : b->is_wrapped_number ? "DivBackward1" /* tensor / number */
                                            : "DivBackward0";
  if (oz_grad_begin("div", name, div_backward, ins, 2, out, &n) != OZ_OK) return NULL;
  if (n) {
    oz_node_save_input(n, oz_node_needs_grad(n, 1) ? a : NULL, out);
    oz_node_save_input(n, b, out);
  }
  return oz_grad_end(n, div_forward(a, b, out), out);
}

static int neg_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  (void)n;
  return (gin[0] = oz_neg(g[0], NULL)) ? OZ_OK : oz_last_error_code();
}

oz_tensor *oz_neg(const oz_tensor *a, oz_tensor *out) {
  oz_node *n;
  if (oz_grad_begin("neg", "NegBackward0", neg_backward, &a, 1, out, &n) != OZ_OK) return NULL;
  return oz_grad_end(n, neg_forward(a, out), out);
}
