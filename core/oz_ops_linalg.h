/* oz_ops_linalg.h - linear algebra front-ends (the linalg family, ops/linalg.def): matrix and
 * batched products with and without an addend, dot products, outer products, einsum, tensordot.
 * Conventions as in oz_ops.h: new reference or NULL with the last error set; `out` NULL, an
 * out= tensor, or (for the add* ops) the input itself for the in-place form `input.addmm_(...)`.
 * Every differentiable result records its PyTorch grad_fn (MmBackward0, AddmmBackward0, ...).
 *
 * Like PyTorch, products do not promote: operands must share one dtype, an out= tensor must have
 * exactly the result dtype, and bool products are refused. outer/ger/inner of a 0-d operand are
 * elementwise products and do promote, as in PyTorch. */
#ifndef OZ_OPS_LINALG_H
#define OZ_OPS_LINALG_H

#include "core/oz_ops.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- products ---- */
oz_tensor *oz_mm(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);   /* [M,K]@[K,N] */
oz_tensor *oz_bmm(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);  /* [B,M,K]@[B,K,N] */
oz_tensor *oz_mv(const oz_tensor *mat, const oz_tensor *vec, oz_tensor *out); /* [M,K]@[K] */
oz_tensor *oz_dot(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);  /* [K].[K] -> 0-d */
oz_tensor *oz_vdot(const oz_tensor *a, const oz_tensor *b, oz_tensor *out); /* dot, real dtypes */
oz_tensor *oz_outer(const oz_tensor *a, const oz_tensor *b, oz_tensor *out); /* [M]x[N] -> [M,N] */

/* ---- products with an addend: beta * input + alpha * product ----
 * input is broadcast to the result's shape (not for the in-place form, out == input). */
oz_tensor *oz_addmm(const oz_tensor *input, const oz_tensor *mat1, const oz_tensor *mat2,
                    oz_scalar beta, oz_scalar alpha, oz_tensor *out);
oz_tensor *oz_addmv(const oz_tensor *input, const oz_tensor *mat, const oz_tensor *vec,
                    oz_scalar beta, oz_scalar alpha, oz_tensor *out);
/* sum over the batch of batch1[b] @ batch2[b]: [M,N] */
oz_tensor *oz_addbmm(const oz_tensor *input, const oz_tensor *batch1, const oz_tensor *batch2,
                     oz_scalar beta, oz_scalar alpha, oz_tensor *out);
/* batch1[b] @ batch2[b] for each b: [B,M,N] */
oz_tensor *oz_baddbmm(const oz_tensor *input, const oz_tensor *batch1, const oz_tensor *batch2,
                      oz_scalar beta, oz_scalar alpha, oz_tensor *out);

/* ---- contractions (composites of the products above and of views, sums and products) ---- */
/* torch.einsum(equation, *operands): labels [a-zA-Z], "...", implicit or explicit ("->")
 * output, repeated labels take diagonals, size-1 dims broadcast; operands are contracted left
 * to right. */
oz_tensor *oz_einsum(const char *equation, int n_operands, const oz_tensor *const *operands);
/* torch.tensordot(a, b, dims=(dims_a, dims_b)): contracts dims_a[i] of a with dims_b[i] of b. */
oz_tensor *oz_tensordot(const oz_tensor *a, const oz_tensor *b, int n_dims, const int64_t *dims_a,
                        const int64_t *dims_b, oz_tensor *out);
/* torch.inner: contracts the last dims (a 0-d operand multiplies). */
oz_tensor *oz_inner(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
/* torch.trace: the sum of a matrix's diagonal; integral dtypes sum to int64, bool is refused. */
oz_tensor *oz_trace(const oz_tensor *a);

#ifdef __cplusplus
}
#endif
#endif
