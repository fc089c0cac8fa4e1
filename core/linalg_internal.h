/* linalg_internal.h - what the linalg family's core files share (not a public API): PyTorch's
 * wording of dtype errors, kernel calls on 2-d/3-d operands, gradient scaling. */
#ifndef OZ_LINALG_INTERNAL_H
#define OZ_LINALG_INTERNAL_H

#include "core/op_support.h"
#include "core/oz_autograd.h"
#include "core/oz_ops_linalg.h"
#include "core/oz_views_grad.h"

/* C++'s name of a dtype as torch's TypeMeta prints it in messages: "float", "long int". */
const char *oz_linalg_cpp_name(int dtype);

/* RuntimeError "Expected out tensor to have dtype float, but got double instead" unless out is
 * NULL or has `dtype`: products never cast into out=. */
int oz_linalg_check_out_dtype(const oz_tensor *out, int dtype);

/* RuntimeError "expected scalar type Float but found Double" when the dtypes differ. */
int oz_linalg_check_same_dtype(int expected, int found);

/* RuntimeError `"<kernel>" not implemented for 'Bool'`: torch has no bool products. */
int oz_linalg_bool_error(const char *kernel);

/* RuntimeError "Bad in-place call: input tensor dtype ... / size ... should match" when the
 * in-place input `self` can't hold a result of (dtype, ndim, shape). */
int oz_linalg_check_inplace(const oz_tensor *self, int dtype, int ndim, const int64_t *shape);

/* R = A @ B on MATMUL, 2-d views of any strides (A, B, R of one dtype). */
int oz_linalg_matmul_call(const oz_tensor *A, const oz_tensor *B, oz_tensor *R);
/* R = beta * C + alpha * (A @ B) on `op` (ADDMM: 2-d, BADDBMM: 3-d). C NULL means no addend
 * (beta is ignored). C may be R itself (accumulating). */
int oz_linalg_gemm_call(int op, const oz_tensor *C, const oz_tensor *A, const oz_tensor *B,
                        oz_scalar beta, oz_scalar alpha, oz_tensor *R);

/* s * g as a new reference (g itself when s is 1); s is read as a double, for gradients. */
oz_tensor *oz_linalg_scaled(const oz_tensor *g, oz_scalar s);

/* Gradients of P = A @ B (matrices, or batches of matrices with `product` = oz_bmm) scaled by
 * alpha: gin[ia] = alpha * G @ B^T and gin[ib] = alpha * A^T @ G, each only when the node needs
 * it. A and B are the node's saved tensors sa and sb. */
typedef oz_tensor *(*oz_linalg_product_fn)(const oz_tensor *, const oz_tensor *, oz_tensor *);
int oz_linalg_product_grads(oz_node *n, oz_linalg_product_fn product, const oz_tensor *G,
                            int sa, int sb, int ia, int ib, oz_scalar alpha, oz_tensor **gin);

/* Gradients of v = mat @ vec scaled by alpha: gin[im] = alpha * outer(G, vec) and gin[iv] =
 * alpha * mat^T @ G, each only when needed; mat and vec are saved tensors sm and sv. */
int oz_linalg_mv_grads(oz_node *n, const oz_tensor *G, int sm, int sv, int im, int iv,
                       oz_scalar alpha, oz_tensor **gin);

#endif
