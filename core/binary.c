/* binary.c - front-ends of the binary and ternary elementwise ops (ops/binary.def): PyTorch's
 * result dtype and dtype refusals, broadcasting over two or three operands, out=/in-place rules,
 * autograd recording, then one dispatched kernel call. The derivative formulas are in
 * binary_grad.c. */
#include <math.h>
#include <stdio.h>

#include "core/binary_internal.h"
#include "core/op_support.h"

/* ================================ the runner ================================ */

oz_tensor *oz_binary_run(int op, int n, const oz_tensor *const *operands, const int *dtypes,
                         int result_dtype, const oz_scalar *scalar, oz_tensor *out) {
  oz_device device;
  if (oz_common_device(operands, n, &device) != OZ_OK) return NULL;
  int ndim = 0;
  int64_t shape[OZ_MAX_DIMS] = {0};
  bool out_is_input = false;
  for (int i = 0; i < n; i++) {
    int64_t prev[OZ_MAX_DIMS];
    memcpy(prev, shape, sizeof prev);
    if (oz_broadcast_shapes(ndim, prev, operands[i]->ndim, operands[i]->shape, &ndim, shape) !=
        OZ_OK)
      return NULL;
    out_is_input |= out == operands[i];
  }
  if (out) {
    if (oz_check_out(out, out_is_input, ndim, shape, result_dtype, device) != OZ_OK) return NULL;
    for (int i = 0; i < n; i++)
      if (oz_check_partial_overlap(out, operands[i]) != OZ_OK) return NULL;
  }

  oz_tensor *result;
  if (out && out->dtype == result_dtype) {
    oz_tensor_incref(out);
    result = out;
  } else {
    /* Laid out like the first full-size operand, as the foundation's elementwise ops do. */
    const oz_tensor *like = operands[n - 1];
    for (int i = n - 1; i >= 0; i--)
      if (operands[i]->ndim == ndim) like = operands[i];
    result = oz_empty_like_layout(like, ndim, shape, result_dtype, device);
    if (!result) return NULL;
  }

  oz_tensor *cast[OZ_MAX_INPUTS] = {NULL}, *expanded[OZ_MAX_INPUTS] = {NULL};
  oz_call call = oz_call_make(op);
  bool ok = true;
  for (int i = 0; i < n && ok; i++) {
    cast[i] = oz_operand_as(operands[i], dtypes[i], device);
    expanded[i] = cast[i] ? oz_expand(cast[i], ndim, shape) : NULL;
    ok = expanded[i] != NULL;
    if (ok) oz_call_in(&call, expanded[i]);
  }
  if (ok) {
    oz_call_out(&call, result);
    if (scalar) oz_call_scalar(&call, *scalar);
    ok = oz_dispatch_call(&call) == OZ_OK;
  }
  for (int i = 0; i < n; i++) oz_tensor_decref(cast[i]), oz_tensor_decref(expanded[i]);
  if (!ok) {
    oz_tensor_decref(result);
    return NULL;
  }
  return oz_finish_out(result, out);
}

oz_tensor *oz_binary_number(double v) { return oz_wrapped_scalar(v, (int64_t)v, OZ_FLOAT64); }

/* ============================ dtypes and refusals ============================ */

static int result_type2(const oz_tensor *a, const oz_tensor *b) {
  oz_result_type_state s;
  oz_result_type_init(&s);
  oz_result_type_add(&s, a->dtype, oz_operand_priority(a));
  oz_result_type_add(&s, b->dtype, oz_operand_priority(b));
  return oz_result_type_get(&s);
}

#define MASK_NUMERIC (OZ_MASK_NUMERIC | OZ_MASK_HALF) /* 16-bit: computed in float32 */
#define MASK_ALL (OZ_MASK_ALL | OZ_MASK_HALF)
#define MASK_INT_BOOL (OZ_MASK_INTEGRAL | OZ_DTYPE_BIT(OZ_BOOL))

/* How each binary op turns result_type(a, b) into the dtype it computes in and returns. */
typedef enum result_rule {
  SAME,     /* computes and returns the promoted dtype */
  TO_FLOAT, /* integral and bool promote to the default float dtype (atan2) */
  TO_BOOL,  /* computes in the promoted dtype, returns bool (logical ops) */
} result_rule;

typedef struct binary_rule {
  const char *kernel; /* PyTorch's kernel name in its "not implemented for" message */
  uint32_t dtypes;    /* compute dtypes PyTorch defines the op for */
  result_rule result;
} binary_rule;

static const binary_rule RULES[OZ_OP_BITWISE_XOR - OZ_OP_POW + 1] = {
#define RULE(OP, kernel, dtypes, result) [OZ_OP_##OP - OZ_OP_POW] = {kernel, dtypes, result}
    RULE(POW, "pow", MASK_NUMERIC, SAME),
    RULE(REMAINDER, "remainder_cpu", MASK_NUMERIC, SAME),
    RULE(FMOD, "fmod_cpu", MASK_NUMERIC, SAME),
    RULE(DIV_FLOOR, "div_floor_cpu", MASK_NUMERIC, SAME),
    RULE(DIV_TRUNC, "div_trunc_cpu", MASK_NUMERIC, SAME),
    RULE(MAXIMUM, "maximum_cpu", MASK_ALL, SAME),
    RULE(MINIMUM, "minimum_cpu", MASK_ALL, SAME),
    RULE(FMAX, "fmax_cpu", MASK_ALL, SAME),
    RULE(FMIN, "fmin_cpu", MASK_ALL, SAME),
    RULE(ATAN2, "atan2_cpu", OZ_MASK_FLOATING | OZ_MASK_HALF, TO_FLOAT),
    RULE(LOGICAL_AND, "logical_and_cpu", MASK_ALL, TO_BOOL),
    RULE(LOGICAL_OR, "logical_or_cpu", MASK_ALL, TO_BOOL),
    RULE(LOGICAL_XOR, "logical_xor_cpu", MASK_ALL, TO_BOOL),
    RULE(BITWISE_AND, "bitwise_and_cpu", MASK_INT_BOOL, SAME),
    RULE(BITWISE_OR, "bitwise_or_cpu", MASK_INT_BOOL, SAME),
    RULE(BITWISE_XOR, "bitwise_xor_cpu", MASK_INT_BOOL, SAME),
#undef RULE
};

static int not_implemented(const char *kernel, int dtype) {
  return oz_set_error(OZ_ERR_RUNTIME, "\"%s\" not implemented for '%s'", kernel,
                      oz_dtype_scalar_type_name(dtype));
}

/* PyTorch converts some Scalar arguments to the computing dtype with a range check (c10's
 * checked_convert): a value outside a narrow integral dtype's range is an error. */
static int check_scalar_fits(double v, int dtype) {
  static const struct { int dtype; double lo, hi; const char *name; } LIMITS[] = {
      {OZ_INT32, INT32_MIN, INT32_MAX, "int32_t"}, {OZ_INT16, INT16_MIN, INT16_MAX, "int16_t"},
      {OZ_INT8, INT8_MIN, INT8_MAX, "int8_t"},     {OZ_UINT8, 0, UINT8_MAX, "uint8_t"}};
  for (size_t k = 0; k < sizeof LIMITS / sizeof LIMITS[0]; k++)
    if (LIMITS[k].dtype == dtype && (v < LIMITS[k].lo || v > LIMITS[k].hi))
      return oz_set_error(OZ_ERR_RUNTIME, "value cannot be converted to type %s without overflow",
                          LIMITS[k].name);
  return OZ_OK;
}

/* The forward of a table op: dtype rules, then the kernel. compute < 0: from the rules. */
static oz_tensor *binary_forward(int op, const oz_tensor *a, const oz_tensor *b, int compute,
                                 oz_tensor *out) {
  const binary_rule *r = &RULES[op - OZ_OP_POW];
  if (compute < 0) {
    compute = result_type2(a, b);
    if (r->result == TO_FLOAT && !oz_dtype_is_floating(compute)) compute = oz_default_dtype();
  }
  if (!(r->dtypes & OZ_DTYPE_BIT(compute))) {
    not_implemented(r->kernel, compute);
    return NULL;
  }
  const oz_tensor *operands[2] = {a, b};
  const int dtypes[2] = {compute, compute};
  return oz_binary_run(op, 2, operands, dtypes, r->result == TO_BOOL ? OZ_BOOL : compute, NULL,
                       out);
}

/* ================================ autograd ================================
 * A node's inputs are the operands that are tensors: Python numbers (wrapped numbers) are not
 * inputs, as in PyTorch (pow(x, 2)'s PowBackward0 has one). ints[k] is the node input of operand
 * k, -1 for a wrapped number; the formulas read it through wanted() (binary_grad.c). */
static int grad_begin(const char *fname, const char *node_name, oz_backward_fn fn, int n,
                      const oz_tensor *const *operands, const oz_tensor *out, oz_node **node) {
  const oz_tensor *ins[3];
  int slots[3], m = 0;
  for (int k = 0; k < n; k++) {
    slots[k] = operands[k]->is_wrapped_number ? -1 : m;
    if (slots[k] >= 0) ins[m++] = operands[k];
  }
  int rc = oz_grad_begin(fname, node_name, fn, ins, m, out, node);
  if (rc == OZ_OK && *node)
    for (int k = 0; k < n; k++) (*node)->ints[(*node)->n_ints++] = slots[k];
  return rc;
}

/* Saves every operand, in order (saved[k] is operand k). */
static int save_operands(oz_node *n, int count, const oz_tensor *const *operands,
                         const oz_tensor *out) {
  for (int k = 0; k < count; k++)
    if (oz_node_save_input(n, operands[k], out) != OZ_OK) return oz_last_error_code();
  return OZ_OK;
}

/* The common shape of a recorded op: begin, save the operands (when `save`), forward, end,
 * and save the result (when `save_result`, for formulas that use it). */
static oz_tensor *recorded2(const char *fname, const char *node_name, oz_backward_fn fn,
                            bool save, bool save_result, int op, const oz_tensor *a,
                            const oz_tensor *b, int compute, oz_tensor *out) {
  const oz_tensor *operands[2] = {a, b};
  oz_node *n;
  if (grad_begin(fname, node_name, fn, 2, operands, out, &n) != OZ_OK) return NULL;
  if (n && save && save_operands(n, 2, operands, out) != OZ_OK) {
    oz_node_decref(n);
    return NULL;
  }
  oz_tensor *r = oz_grad_end(n, binary_forward(op, a, b, compute, out), out);
  if (r && n && save_result && oz_node_save_output(n, r) != OZ_OK) {
    oz_tensor_decref(r);
    return NULL;
  }
  return r;
}

/* An op whose derivative PyTorch does not implement: the node raises when backward reaches
 * it ("derivative for aten::floor_divide is not implemented"). PyTorch accepts such an op's
 * out= even when an input requires grad; that result records nothing here. */
static oz_tensor *not_differentiable(const char *fname, int op, const oz_tensor *a,
                                     const oz_tensor *b, oz_tensor *out) {
  const oz_tensor *operands[2] = {a, b};
  oz_node *n = NULL;
  if (out && out != a && out != b) {
    oz_tensor *r = binary_forward(op, a, b, -1, out);
    if (r) oz_bump_version(out);
    return r;
  }
  if (grad_begin(fname, "torch::autograd::NotImplemented", oz_not_implemented_backward, 2,
                 operands, out, &n) != OZ_OK)
    return NULL;
  if (n) n->extra = (void *)fname; /* static storage; for the message */
  return oz_grad_end(n, binary_forward(op, a, b, -1, out), out);
}

/* ================================ pow ================================ */

/* PyTorch checks a Python-number exponent against an integral result dtype. */
static int check_integral_exponent(const oz_tensor *b, int dtype) {
  if (!b->is_wrapped_number || !oz_dtype_is_integral(dtype, false) ||
      !oz_dtype_is_integral(b->dtype, false))
    return OZ_OK;
  double f;
  int64_t e;
  if (oz_read_element(b, 0, &f, &e) != OZ_OK) return oz_last_error_code();
  if (e < 0)
    return oz_set_error(OZ_ERR_RUNTIME, "Integers to negative integer powers are not allowed.");
  return check_scalar_fits(f, dtype);
}

static const char *pow_node_name(const oz_tensor *a, const oz_tensor *b) {
  return b->is_wrapped_number ? "PowBackward0" : a->is_wrapped_number ? "PowBackward2"
                                                                      : "PowBackward1";
}

oz_tensor *oz_pow(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  if (check_integral_exponent(b, result_type2(a, b)) != OZ_OK) return NULL;
  return recorded2("pow", pow_node_name(a, b), oz_pow_backward, true, true, OZ_OP_POW, a, b, -1,
                   out);
}

oz_tensor *oz_float_power(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  if (out && out->dtype != OZ_FLOAT64) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "the %s given to float_power%s has dtype %s but the operation's result requires "
                 "dtype Double",
                 out == a ? "base" : "output", out == a ? "_" : "",
                 oz_dtype_scalar_type_name(out->dtype));
    return NULL;
  }
  return recorded2("float_power", pow_node_name(a, b), oz_pow_backward, true, true, OZ_OP_POW, a,
                   b, OZ_FLOAT64, out);
}

/* ========================== remainder, fmod, division ========================== */

oz_tensor *oz_remainder(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  if (a->is_wrapped_number) /* remainder(Scalar, Tensor): PyTorch has no derivative */
    return not_differentiable("remainder", OZ_OP_REMAINDER, a, b, out);
  return recorded2("remainder",
                   b->is_wrapped_number ? "RemainderBackward0" : "RemainderBackward1",
                   oz_remainder_backward, true, false, OZ_OP_REMAINDER, a, b, -1, out);
}

oz_tensor *oz_fmod(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return recorded2("fmod", b->is_wrapped_number ? "FmodBackward0" : "FmodBackward1",
                   oz_fmod_backward, true, false, OZ_OP_FMOD, a, b, -1, out);
}

oz_tensor *oz_floor_divide(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return not_differentiable("floor_divide", OZ_OP_DIV_FLOOR, a, b, out);
}

oz_tensor *oz_div_rounding(const oz_tensor *a, const oz_tensor *b, const char *rounding_mode,
                           oz_tensor *out) {
  if (!rounding_mode) return oz_div(a, b, out);
  int op = !strcmp(rounding_mode, "trunc") ? OZ_OP_DIV_TRUNC
           : !strcmp(rounding_mode, "floor") ? OZ_OP_DIV_FLOOR
                                             : -1;
  if (op < 0) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                 "'%s'",
                 rounding_mode);
    return NULL;
  }
  /* Rounded quotients are piecewise constant: PyTorch's gradient is zero (grad * 0). */
  return recorded2("div", "DivBackward2", oz_zero_backward, false, false, op, a, b, -1, out);
}

/* ============================ extrema, atan2 ============================ */

oz_tensor *oz_maximum(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return recorded2("maximum", "MaximumBackward0", oz_maximum_backward, true, false, OZ_OP_MAXIMUM,
                   a, b, -1, out);
}
oz_tensor *oz_minimum(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return recorded2("minimum", "MinimumBackward0", oz_minimum_backward, true, false, OZ_OP_MINIMUM,
                   a, b, -1, out);
}
oz_tensor *oz_fmax(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return recorded2("fmax", "FmaxBackward0", oz_fmax_backward, true, false, OZ_OP_FMAX, a, b, -1,
                   out);
}
oz_tensor *oz_fmin(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return recorded2("fmin", "FminBackward0", oz_fmin_backward, true, false, OZ_OP_FMIN, a, b, -1,
                   out);
}
oz_tensor *oz_atan2(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return recorded2("atan2", "Atan2Backward0", oz_atan2_backward, true, false, OZ_OP_ATAN2, a, b,
                   -1, out);
}

/* ========================= logical and bitwise ops =========================
 * Bool and integral results: PyTorch records nothing for them, not even for an out= or an
 * in-place write into a tensor that requires grad; the write still bumps the version. */

static oz_tensor *unrecorded(int op, const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  oz_tensor *r = binary_forward(op, a, b, -1, out);
  if (r && out) oz_bump_version(out);
  return r;
}

oz_tensor *oz_logical_and(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return unrecorded(OZ_OP_LOGICAL_AND, a, b, out);
}
oz_tensor *oz_logical_or(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return unrecorded(OZ_OP_LOGICAL_OR, a, b, out);
}
oz_tensor *oz_logical_xor(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return unrecorded(OZ_OP_LOGICAL_XOR, a, b, out);
}
oz_tensor *oz_bitwise_and(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return unrecorded(OZ_OP_BITWISE_AND, a, b, out);
}
oz_tensor *oz_bitwise_or(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return unrecorded(OZ_OP_BITWISE_OR, a, b, out);
}
oz_tensor *oz_bitwise_xor(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return unrecorded(OZ_OP_BITWISE_XOR, a, b, out);
}

/* ================================ where ================================ */

oz_tensor *oz_where(const oz_tensor *cond, const oz_tensor *x, const oz_tensor *y,
                    oz_tensor *out) {
  if (cond->dtype != OZ_BOOL && cond->dtype != OZ_UINT8) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "where expected condition to be a boolean tensor, but got a tensor with dtype %s",
                 oz_dtype_scalar_type_name(cond->dtype));
    return NULL;
  }
  const int dt = result_type2(x, y);
  if (out && out->dtype != dt) { /* PyTorch 1.13's where kernel cannot cast into out */
    oz_set_error(OZ_ERR_RUNTIME, "Expected out tensor to have dtype %s, but got %s instead",
                 oz_dtype_name(dt), oz_dtype_name(out->dtype));
    return NULL;
  }
  /* The node's inputs are x and y, always (a number gives an input without an edge, as in
   * PyTorch); the condition is saved for the formula. */
  const oz_tensor *values[2] = {x, y};
  oz_node *n;
  if (oz_grad_begin("where", "WhereBackward0", oz_where_backward, values, 2, out, &n) != OZ_OK)
    return NULL;
  if (n && oz_node_save(n, cond) != OZ_OK) {
    oz_node_decref(n);
    return NULL;
  }
  const oz_tensor *operands[3] = {cond, x, y};
  const int dtypes[3] = {OZ_BOOL, dt, dt};
  return oz_grad_end(n, oz_binary_run(OZ_OP_WHERE, 3, operands, dtypes, dt, NULL, out), out);
}

/* ================================ lerp ================================ */

/* PyTorch's names of dtypes in lerp's messages (C++ type names). */
static const char *cpp_type_name(int dtype) {
  static const char *const NAMES[OZ_NUM_DTYPES] = {
      [OZ_FLOAT32] = "float",   [OZ_FLOAT64] = "double",     [OZ_INT64] = "long int",
      [OZ_INT32] = "int",       [OZ_INT16] = "short int",    [OZ_INT8] = "signed char",
      [OZ_UINT8] = "unsigned char", [OZ_BOOL] = "bool",      [OZ_FLOAT16] = "c10::Half",
      [OZ_BFLOAT16] = "c10::BFloat16"};
  return oz_dtype_is_valid(dtype) ? NAMES[dtype] : "invalid";
}

oz_tensor *oz_lerp(const oz_tensor *a, const oz_tensor *end, const oz_tensor *weight,
                   oz_tensor *out) {
  const bool scalar_weight = weight->is_wrapped_number;
  const int dt = a->dtype;
  if (end->dtype != dt || (!scalar_weight && weight->dtype != dt)) {
    const bool bad_end = end->dtype != dt;
    oz_set_error(OZ_ERR_RUNTIME, "expected dtype %s for `%s` but got dtype %s",
                 cpp_type_name(dt), bad_end ? "end" : "weight",
                 cpp_type_name(bad_end ? end->dtype : weight->dtype));
    return NULL;
  }
  if (!oz_dtype_is_floating(dt) || dt == OZ_FLOAT16 || dt == OZ_BFLOAT16) {
    not_implemented(scalar_weight ? "lerp_kernel_scalar" : "lerp_kernel_tensor", dt);
    return NULL;
  }
  const oz_tensor *operands[3] = {a, end, weight};
  oz_node *n;
  if (grad_begin("lerp", scalar_weight ? "LerpBackward0" : "LerpBackward1", oz_lerp_backward, 3,
                 operands, out, &n) != OZ_OK)
    return NULL;
  if (n && save_operands(n, 3, operands, out) != OZ_OK) {
    oz_node_decref(n);
    return NULL;
  }
  const int dtypes[3] = {dt, dt, dt};
  return oz_grad_end(n, oz_binary_run(OZ_OP_LERP, 3, operands, dtypes, dt, NULL, out), out);
}

/* =========================== addcmul, addcdiv =========================== */

static oz_tensor *addc(int op, const char *fname, const char *node_name, oz_backward_fn fn,
                       const oz_tensor *a, const oz_tensor *t1, const oz_tensor *t2,
                       oz_scalar value, oz_tensor *out) {
  oz_result_type_state s;
  oz_result_type_init(&s);
  const oz_tensor *operands[3] = {a, t1, t2};
  for (int k = 0; k < 3; k++)
    oz_result_type_add(&s, operands[k]->dtype, oz_operand_priority(operands[k]));
  const int dt = oz_result_type_get(&s);
  if (op == OZ_OP_ADDCDIV && oz_dtype_is_integral(t1->dtype, true) &&
      oz_dtype_is_integral(t2->dtype, true)) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "Integer division with addcdiv is no longer supported, and in a future  release "
                 "addcdiv will perform a true division of tensor1 and tensor2. The historic "
                 "addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / "
                 "tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
                 "tensor2) for float inputs. The future addcdiv behavior is just the latter "
                 "implementation: (input + value * tensor1 / tensor2), for all dtypes.");
    return NULL;
  }
  if (dt == OZ_BOOL) {
    not_implemented(op == OZ_OP_ADDCMUL ? "addcmul_cpu_out" : "addcdiv_cpu_out", dt);
    return NULL;
  }
  if (check_scalar_fits(value.f, dt) != OZ_OK) return NULL;
  /* PyTorch 1.13's kernels cannot cast into out (an internal assert there): out must have the
   * result's dtype, or be one it can't be cast to at all (the usual error, from the runner). */
  if (out && out->dtype != dt && oz_can_cast(dt, out->dtype)) {
    oz_set_error(OZ_ERR_RUNTIME, "%s(): expected out to have dtype %s, but got %s", fname,
                 oz_dtype_scalar_type_name(dt), oz_dtype_scalar_type_name(out->dtype));
    return NULL;
  }
  oz_node *n;
  if (grad_begin(fname, node_name, fn, 3, operands, out, &n) != OZ_OK) return NULL;
  if (n) {
    n->scalars[n->n_scalars++] = value;
    if (oz_node_save_input(n, t1, out) != OZ_OK || oz_node_save_input(n, t2, out) != OZ_OK) {
      oz_node_decref(n);
      return NULL;
    }
  }
  const int dtypes[3] = {dt, dt, dt};
  return oz_grad_end(n, oz_binary_run(op, 3, operands, dtypes, dt, &value, out), out);
}

oz_tensor *oz_addcmul(const oz_tensor *a, const oz_tensor *t1, const oz_tensor *t2,
                      oz_scalar value, oz_tensor *out) {
  return addc(OZ_OP_ADDCMUL, "addcmul", "AddcmulBackward0", oz_addcmul_backward, a, t1, t2, value,
              out);
}

oz_tensor *oz_addcdiv(const oz_tensor *a, const oz_tensor *t1, const oz_tensor *t2,
                      oz_scalar value, oz_tensor *out) {
  return addc(OZ_OP_ADDCDIV, "addcdiv", "AddcdivBackward0", oz_addcdiv_backward, a, t1, t2, value,
              out);
}
