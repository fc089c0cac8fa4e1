/* oz_ops_binary.h - front-ends of the binary and ternary elementwise ops (ops/binary.def):
 * pow, float_power, remainder, fmod, floor_divide, div with a rounding mode, maximum, minimum,
 * fmax, fmin, atan2, logical and bitwise and/or/xor, where, lerp.
 *
 * Conventions are oz_ops.h's: a new reference or NULL with the last error set; `out` NULL
 * allocates, `out` == an input is the in-place form (torch's `x.pow_(y)`), any other `out` is
 * torch's out=. Python numbers arrive as wrapped 0-d tensors (oz_wrapped_scalar), which is how
 * PyTorch's type promotion tells `x ** 2` (the result keeps x's dtype) from
 * `x ** torch.tensor(2)`. Results, dtypes and errors are PyTorch 1.13's; gradients are recorded
 * (PyTorch's grad_fn names) when grad mode is on and an input requires grad.
 */
#ifndef OZ_OPS_BINARY_H
#define OZ_OPS_BINARY_H

#include "core/oz_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* torch.pow: result_type(a, b); bool results are refused. An integral result with a wrapped
 * negative integer exponent is an error ("Integers to negative integer powers are not
 * allowed."), as is a wrapped exponent that does not fit the integral result dtype. grad_fn:
 * PowBackward0 (b a wrapped number), PowBackward2 (a a wrapped number), else PowBackward1. */
oz_tensor *oz_pow(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
/* torch.float_power: pow computed in float64; out (and the in-place base) must be float64. */
oz_tensor *oz_float_power(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);

/* torch.remainder (Python's %: the result has b's sign), torch.fmod (C's: a's sign),
 * torch.floor_divide (//). Integral division by zero: RuntimeError "ZeroDivisionError". */
oz_tensor *oz_remainder(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
oz_tensor *oz_fmod(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
oz_tensor *oz_floor_divide(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
/* torch.div(a, b, rounding_mode=...): NULL is true division (oz_div), "trunc" and "floor" keep
 * the promoted dtype (integers stay integers); anything else is a RuntimeError. */
oz_tensor *oz_div_rounding(const oz_tensor *a, const oz_tensor *b, const char *rounding_mode,
                           oz_tensor *out);

/* torch.maximum/minimum (NaN wins), fmax/fmin (a number wins over NaN): result_type(a, b). */
oz_tensor *oz_maximum(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
oz_tensor *oz_minimum(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
oz_tensor *oz_fmax(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
oz_tensor *oz_fmin(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
/* torch.atan2: integral and bool operands in the default float dtype. */
oz_tensor *oz_atan2(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);

/* torch.logical_and/or/xor: any dtypes, a bool result (cast into out's dtype for out=). */
oz_tensor *oz_logical_and(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
oz_tensor *oz_logical_or(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
oz_tensor *oz_logical_xor(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
/* torch.bitwise_and/or/xor (&, |, ^): integral and bool only. */
oz_tensor *oz_bitwise_and(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
oz_tensor *oz_bitwise_or(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
oz_tensor *oz_bitwise_xor(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);

/* torch.where(cond, x, y): cond bool (uint8 accepted, as PyTorch 1.13 still does with a
 * deprecation warning the Python layer gives); result_type(x, y); x, y may be wrapped numbers. */
oz_tensor *oz_where(const oz_tensor *cond, const oz_tensor *x, const oz_tensor *y,
                    oz_tensor *out);
/* torch.lerp(a, end, weight): floating a; end (and a weight tensor that is not a wrapped number)
 * of a's dtype. grad_fn LerpBackward0 for a wrapped (scalar) weight, LerpBackward1 otherwise. */
oz_tensor *oz_lerp(const oz_tensor *a, const oz_tensor *end, const oz_tensor *weight,
                   oz_tensor *out);

/* torch.addcmul(a, t1, t2, value=v) = a + v * t1 * t2 and torch.addcdiv = a + v * t1 / t2:
 * result_type of the three tensors (bool refused; addcdiv refuses two integral t1 and t2); v is
 * read as the result dtype (a float v truncates for integral results, as in PyTorch). */
oz_tensor *oz_addcmul(const oz_tensor *a, const oz_tensor *t1, const oz_tensor *t2,
                      oz_scalar value, oz_tensor *out);
oz_tensor *oz_addcdiv(const oz_tensor *a, const oz_tensor *t1, const oz_tensor *t2,
                      oz_scalar value, oz_tensor *out);

#ifdef __cplusplus
}
#endif
#endif
