/* binary_internal.h - what the binary-op front-ends (binary.c) and their derivative formulas
 * (binary_grad.c) share. Not a public API. */
#ifndef OZ_BINARY_INTERNAL_H
#define OZ_BINARY_INTERNAL_H

#include "core/oz_autograd.h"
#include "core/oz_ops_binary.h"
#include "core/oz_tensor.h"

/* Runs the elementwise `op` over n (1..3) operands: operand i is cast to dtypes[i] and broadcast
 * to the common shape; the kernel writes a result of `result_dtype`, which ends up in `out` when
 * given (checked and cast as oz_ops.h says). `scalar` (may be NULL) is the call's scalars[0].
 * No autograd. */
oz_tensor *oz_binary_run(int op, int n, const oz_tensor *const *operands, const int *dtypes,
                         int result_dtype, const oz_scalar *scalar, oz_tensor *out);

/* A 0-d wrapped number (lowest promotion priority) holding `v`, as float64. */
oz_tensor *oz_binary_number(double v);

/* The derivative formulas (binary_grad.c): oz_backward_fn's, and the saved tensors each wants.
 * saved: the forward operands a (and b, c) in order, then the result where noted. */
int oz_pow_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);       /* a, b, result */
int oz_remainder_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin); /* a, b */
int oz_fmod_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);      /* a, b */
int oz_zero_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);      /* nothing */
int oz_not_implemented_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);
int oz_maximum_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);   /* a, b */
int oz_minimum_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);   /* a, b */
int oz_fmax_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);      /* a, b */
int oz_fmin_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);      /* a, b */
int oz_atan2_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);     /* a, b */
int oz_where_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);     /* cond */
int oz_lerp_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);      /* a, end, weight */
/* addcmul/addcdiv: saved t1, t2; scalars[0] is value. */
int oz_addcmul_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);
int oz_addcdiv_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);

#endif
