/* oz_ops_unary.h - front-ends of the unary math ops and activations (kernels: ops/unary.def).
 *
 * Conventions of core/oz_ops.h: each returns a new reference or NULL with the last error set;
 * `out` NULL allocates the result, `out` == `a` is the in-place form (torch's exp_), any other
 * `out` is torch's out=. The semantics are PyTorch's:
 *  - float ops (exp, log, sqrt, sin, sigmoid, ...) give integral and bool inputs the default
 *    float dtype; their out= may be any dtype the result can be cast to;
 *  - the others keep the input's dtype (square promotes bool to int64) and want an out= of
 *    exactly the result's dtype ("Found dtype Double but expected Float");
 *  - isnan/isinf/isfinite/logical_not give bool; logical_not's out (and in-place) may be any
 *    dtype;
 *  - dtypes torch refuses raise its RuntimeError ('"abs_cpu" not implemented for 'Bool'').
 * Every differentiable op records its node (PyTorch's grad_fn name) when grad mode is on and the
 * input requires grad. */
#ifndef OZ_OPS_UNARY_H
#define OZ_OPS_UNARY_H

#include "core/oz_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The ops whose only argument is the input: oz_exp(a, out), ... */
#define OZ_UNARY_PLAIN_OPS(X)                                                                      \
  X(abs) X(sign) X(exp) X(exp2) X(log) X(log2) X(log10) X(log1p) X(expm1) X(sqrt) X(rsqrt)         \
  X(square) X(reciprocal) X(sin) X(cos) X(tan) X(tanh) X(sigmoid) X(relu) X(floor) X(ceil)         \
  X(round) X(trunc) X(isnan) X(isinf) X(isfinite) X(logical_not) X(bitwise_not) X(erf) X(silu)     \
  X(relu6) X(selu)
#define OZ_UNARY_DECLARE(name) oz_tensor *oz_##name(const oz_tensor *a, oz_tensor *out);
OZ_UNARY_PLAIN_OPS(OZ_UNARY_DECLARE)
#undef OZ_UNARY_DECLARE

/* torch.round(input, decimals=d), half to even: torch's other overload (RoundBackward1), which
 * refuses integral inputs even for decimals=0 (oz_round copies them). */
oz_tensor *oz_round_decimals(const oz_tensor *a, int64_t decimals, oz_tensor *out);
/* torch.nan_to_num: posinf/neginf NULL mean the dtype's largest/lowest finite value. Integral
 * and bool inputs are returned as a copy. */
oz_tensor *oz_nan_to_num(const oz_tensor *a, double nan, const double *posinf,
                         const double *neginf, oz_tensor *out);

/* torch.clamp / clamp_min / clamp_max. A bound is NULL (absent), a tensor, or a wrapped Python
 * number (oz_wrapped_scalar), which selects torch's Scalar overload: no broadcasting, the
 * numbers take part in type promotion as numbers do, the grad_fn is ClampBackward1. */
oz_tensor *oz_clamp(const oz_tensor *a, const oz_tensor *min, const oz_tensor *max,
                    oz_tensor *out);
oz_tensor *oz_clamp_min(const oz_tensor *a, const oz_tensor *min, oz_tensor *out);
oz_tensor *oz_clamp_max(const oz_tensor *a, const oz_tensor *max, oz_tensor *out);

/* The activations torch.nn.functional calls (torch._C._nn in PyTorch). Scalars are PyTorch's
 * Scalar arguments: both fields set, as oz_make_scalar_f/i make them. */
#define OZ_GELU_NONE 0
#define OZ_GELU_TANH 1
oz_tensor *oz_gelu(const oz_tensor *a, int approximate, oz_tensor *out);
oz_tensor *oz_leaky_relu(const oz_tensor *a, oz_scalar negative_slope, oz_tensor *out);
oz_tensor *oz_elu(const oz_tensor *a, oz_scalar alpha, oz_scalar scale, oz_scalar input_scale,
                  oz_tensor *out);
oz_tensor *oz_softplus(const oz_tensor *a, oz_scalar beta, oz_scalar threshold, oz_tensor *out);
/* torch.celu: elu(a, alpha, 1, 1/alpha) with its own grad_fn (CeluBackward0); alpha != 0. */
oz_tensor *oz_celu(const oz_tensor *a, oz_scalar alpha, oz_tensor *out);
/* Integral inputs: the bounds are truncated to integers first and the result keeps the
 * input's dtype, as torch does. */
oz_tensor *oz_hardtanh(const oz_tensor *a, oz_scalar min_val, oz_scalar max_val, oz_tensor *out);

#ifdef __cplusplus
}
#endif
#endif
