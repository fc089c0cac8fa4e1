/* oz_ops.h - the core's op front-ends: semantics (type promotion, broadcasting, output shape,
 * out=/in-place rules) then a call into the dispatcher. The Python layer calls only these.
 *
 * Conventions:
 *  - Return a new reference, or NULL with the last error set.
 *  - `out` may be NULL (allocate the result) or a tensor to write into (torch's `out=`; also how
 *    in-place ops are expressed: out == a). When given, the result is returned as a new reference
 *    to `out`. `out` must be on the right device, and the result dtype must be castable to its
 *    dtype (RuntimeError "result type Float can't be cast to the desired output type Long");
 *    an out= of the wrong shape is resized when it has no elements and is an error otherwise
 *    (in-place: RuntimeError "output with shape [2] doesn't match the broadcast shape [3, 2]").
 */
#ifndef OZ_OPS_H
#define OZ_OPS_H

#include "core/oz_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 0-d tensors from Python numbers, flagged as wrapped numbers (lowest promotion priority).
 * dtype: OZ_FLOAT64 for float, OZ_INT64 for int, OZ_BOOL for bool. */
oz_tensor *oz_wrapped_scalar(double f, int64_t i, int dtype);
oz_scalar oz_make_scalar_f(double f);
oz_scalar oz_make_scalar_i(int64_t i);

/* ---- factories ---- */
oz_tensor *oz_full(int ndim, const int64_t *shape, oz_scalar value, int dtype, oz_device device);
/* arange over [start, end) by step; dtype < 0 infers like torch (int64 if all three are
 * integers: is_int != 0, else the default float dtype). ValueError/RuntimeError as torch. */
oz_tensor *oz_arange(double start, double end, double step, bool all_integers, int dtype,
                     oz_device device);

/* ---- copying and casting ---- */
/* dst[...] = src broadcast to dst's shape, cast to dst's dtype (torch's Tensor.copy_). */
int oz_copy_(oz_tensor *dst, const oz_tensor *src);
/* A new tensor with `dtype` (and contiguous); returns t itself (new ref) if nothing changes and
 * copy is false. */
oz_tensor *oz_to_dtype(const oz_tensor *t, int dtype, bool copy);
oz_tensor *oz_clone(const oz_tensor *t);
int oz_fill_(oz_tensor *t, oz_scalar value);

/* ---- elementwise ---- */
oz_tensor *oz_add(const oz_tensor *a, const oz_tensor *b, oz_scalar alpha, oz_tensor *out);
oz_tensor *oz_sub(const oz_tensor *a, const oz_tensor *b, oz_scalar alpha, oz_tensor *out);
oz_tensor *oz_mul(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
oz_tensor *oz_div(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
oz_tensor *oz_neg(const oz_tensor *a, oz_tensor *out);
/* op: one of OZ_OP_EQ, NE, LT, LE, GT, GE. Result dtype bool. */
oz_tensor *oz_compare(int op, const oz_tensor *a, const oz_tensor *b, oz_tensor *out);

/* ---- linear algebra ---- */
/* torch.matmul for 1-d and 2-d operands (batched cases come with the tensor-API issue). */
oz_tensor *oz_matmul(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);

/* ---- reductions ---- */
/* torch.sum: dims NULL/n_dims 0 = all dims; dtype < 0 = torch's default (integral and bool sum
 * to int64). */
oz_tensor *oz_sum(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim, int dtype,
                  oz_tensor *out);

#ifdef __cplusplus
}
#endif
#endif
