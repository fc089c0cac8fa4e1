/* unary_internal.h - what core/unary.c (forward front-ends) and core/unary_grad.c (derivative
 * formulas) share. Not a public API: the ops are declared in core/oz_ops_unary.h. */
#ifndef OZ_UNARY_INTERNAL_H
#define OZ_UNARY_INTERNAL_H

#include "core/op_support.h"
#include "core/oz_autograd.h"
#include "core/oz_ops_unary.h"

/* Every front-end of the family, one id each: the row of its forward description (unary.c)
 * and of its derivative (unary_grad.c). *_T are the Tensor-bound overloads of clamp. */
#define UNARY_FNS(X)                                                                               \
  X(ABS) X(SIGN) X(EXP) X(EXP2) X(LOG) X(LOG2) X(LOG10) X(LOG1P) X(EXPM1) X(SQRT) X(RSQRT)         \
  X(SQUARE) X(RECIPROCAL) X(SIN) X(COS) X(TAN) X(TANH) X(SIGMOID) X(RELU) X(FLOOR) X(CEIL)         \
  X(ROUND) X(ROUND_DECIMALS) X(TRUNC) X(ISNAN) X(ISINF) X(ISFINITE) X(NAN_TO_NUM)                  \
  X(LOGICAL_NOT) X(BITWISE_NOT) X(CLAMP) X(CLAMP_MIN) X(CLAMP_MAX) X(CLAMP_T) X(CLAMP_MIN_T)       \
  X(CLAMP_MAX_T) X(GELU) X(SILU) X(LEAKY_RELU) X(ELU) X(CELU) X(SOFTPLUS) X(HARDTANH) X(RELU6)     \
  X(ERF)

typedef enum unary_fn {
#define UNARY_FN_ENUM(name) U_##name,
  UNARY_FNS(UNARY_FN_ENUM)
#undef UNARY_FN_ENUM
  U_NUM_FNS
} unary_fn;

/* ---- running a kernel (unary.c) ----
 * Runs elementwise kernel `op` over ins[0..n_in) broadcast to one shape and cast to
 * compute_dtype, into a new tensor of result_dtype or into `out` (cast when its dtype differs).
 * `inplace`: out is ins[0] and must already have the broadcast shape. `params` carries the op's
 * scalars and ints (its op field is ignored; NULL: none). */
oz_tensor *unary_elementwise(int op, const oz_tensor *const *ins, int n_in, int compute_dtype,
                             int result_dtype, const oz_call *params, oz_tensor *out,
                             bool inplace);

/* ---- autograd (unary_grad.c) ----
 * Around a forward, as oz_grad_begin/oz_grad_end, using fn's grad_fn name, formula and what it
 * saves (the input: a clone when the op writes into it; the output: after attach). A
 * non-differentiable fn only gets the in-place check and the version bump. fname is torch's name
 * for the out= error. The front-end stores the formula's non-tensor arguments in
 * (*node)->scalars/ints between the two. */
int unary_grad_begin(unary_fn fn, const char *fname, const oz_tensor *const *ins, int n_ins,
                     const oz_tensor *out, oz_node **node);
oz_tensor *unary_grad_end(unary_fn fn, oz_node *node, oz_tensor *result, oz_tensor *out);

#endif
