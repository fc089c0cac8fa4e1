/* linalg_addmm.c - products with an addend, beta * input + alpha * product: addmm, addmv,
 * addbmm, baddbmm, each with its in-place form (out == input) and out=.
 *
 * PyTorch's dtype rules differ per op and are kept: addmm and addbmm want input, mat1 and mat2
 * of one dtype ("self and mat2 must have the same dtype"); addmv and baddbmm compute in the
 * matrices' dtype and cast the input to it. The input is broadcast to the result's shape, except
 * in place, where it must already have that shape and dtype ("Bad in-place call: ..."). With
 * beta == 0 the input is not read (NaN in it does not propagate). */
#include "core/linalg_internal.h"

static const oz_scalar ONE = {1.0, 1};

/* The result's device, the out= dtype rule and the in-place rule, shared by the four ops. */
static int check_result(const oz_tensor *input, const oz_tensor *x, const oz_tensor *y,
                        oz_tensor *out, int dtype, int ndim, const int64_t *shape,
                        oz_device *device) {
  const oz_tensor *ops[3] = {input, x, y};
  if (oz_common_device(ops, 3, device) != OZ_OK) return oz_last_error_code();
  if (out == input) return oz_linalg_check_inplace(input, dtype, ndim, shape);
  if (oz_linalg_check_out_dtype(out, dtype) != OZ_OK) return oz_last_error_code();
  return out ? oz_check_out(out, false, ndim, shape, dtype, *device) : OZ_OK;
}

/* input cast to dtype and moved to device, then broadcast to shape (new reference). */
static oz_tensor *addend(const oz_tensor *input, int dtype, oz_device device, int ndim,
                         const int64_t *shape) {
  oz_tensor *c = oz_operand_as(input, dtype, device);
  oz_tensor *e = c ? oz_expand(c, ndim, shape) : NULL;
  oz_tensor_decref(c);
  return e;
}

/* The input's gradient, beta * g (the engine sums it back to the input's shape). */
static int input_grad(oz_node *n, const oz_tensor *g, oz_tensor **gin) {
  if (!oz_node_needs_grad(n, 0)) return OZ_OK;
  gin[0] = oz_linalg_scaled(g, n->scalars[0]);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

/* Records node `name` over (input, x, y) saving x and y and beta, alpha; runs forward. */
typedef oz_tensor *(*addmm_like_fn)(const oz_tensor *, const oz_tensor *, const oz_tensor *,
                                    oz_scalar, oz_scalar, oz_tensor *);
static oz_tensor *recorded(const char *fname, const char *name, oz_backward_fn backward,
                           addmm_like_fn forward, const oz_tensor *input, const oz_tensor *x,
                           const oz_tensor *y, oz_scalar beta, oz_scalar alpha, oz_tensor *out) {
  const oz_tensor *ins[3] = {input, x, y};
  oz_node *n;
  if (oz_grad_begin(fname, name, backward, ins, 3, out, &n) != OZ_OK) return NULL;
  if (n) {
    oz_node_save(n, x), oz_node_save(n, y);
    n->scalars[0] = beta, n->scalars[1] = alpha, n->n_scalars = 2;
  }
  return oz_grad_end(n, forward(input, x, y, beta, alpha, out), out);
}

/* ================================ addmm ================================ */

static oz_tensor *addmm_forward(const oz_tensor *input, const oz_tensor *m1, const oz_tensor *m2,
                                oz_scalar beta, oz_scalar alpha, oz_tensor *out) {
  if (input->dtype != m2->dtype)
    return oz_set_error(OZ_ERR_RUNTIME, "self and mat2 must have the same dtype"), NULL;
  if (m1->dtype != m2->dtype)
    return oz_set_error(OZ_ERR_RUNTIME, "mat1 and mat2 must have the same dtype"), NULL;
  if (m1->ndim != 2)
    return oz_set_error(OZ_ERR_RUNTIME, "mat1 must be a matrix, got %d-D tensor", m1->ndim), NULL;
  if (m2->ndim != 2)
    return oz_set_error(OZ_ERR_RUNTIME, "mat2 must be a matrix, got %d-D tensor", m2->ndim), NULL;
  const int64_t M = m1->shape[0], K = m1->shape[1], N = m2->shape[1];
  if (m2->shape[0] != K)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)",
                        (long long)M, (long long)K, (long long)m2->shape[0], (long long)N), NULL;
  const int64_t shape[2] = {M, N};
  const int dtype = m2->dtype;
  oz_device device;
  if (check_result(input, m1, m2, out, dtype, 2, shape, &device) != OZ_OK) return NULL;
  if (dtype == OZ_BOOL && M * N > 0) return oz_linalg_bool_error("addmm_impl_cpu_"), NULL;
  oz_tensor *C = addend(input, dtype, device, 2, shape);
  oz_tensor *R = C ? oz_empty(2, shape, dtype, device) : NULL;
  int rc = R ? oz_linalg_gemm_call(OZ_OP_ADDMM, C, m1, m2, beta, alpha, R) : oz_last_error_code();
  oz_tensor_decref(C);
  if (rc != OZ_OK) return oz_tensor_decref(R), NULL;
  return oz_finish_out(R, out);
}

static int addmm_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  int rc = input_grad(n, g[0], gin);
  if (rc != OZ_OK) return rc;
  return oz_linalg_product_grads(n, oz_mm, g[0], 0, 1, 1, 2, n->scalars[1], gin);
}

oz_tensor *oz_addmm(const oz_tensor *input, const oz_tensor *mat1, const oz_tensor *mat2,
                    oz_scalar beta, oz_scalar alpha, oz_tensor *out) {
  return recorded(out == input ? "addmm_" : "addmm", "AddmmBackward0", addmm_backward,
                  addmm_forward, input, mat1, mat2, beta, alpha, out);
}

/* ================================ addmv ================================ */

static oz_tensor *addmv_forward(const oz_tensor *input, const oz_tensor *mat, const oz_tensor *vec,
                                oz_scalar beta, oz_scalar alpha, oz_tensor *out) {
  if (mat->ndim != 2 || vec->ndim != 1 || input->ndim > 1)
    return oz_set_error(OZ_ERR_RUNTIME, "vector + matrix @ vector expected, got %d, %d, %d",
                        input->ndim, mat->ndim, vec->ndim), NULL;
  const int64_t M = mat->shape[0], K = mat->shape[1], n_in = oz_numel(input);
  if (vec->shape[0] != K || (n_in != M && n_in != 1))
    return oz_set_error(OZ_ERR_RUNTIME, "size mismatch, got %lld, %lldx%lld,%lld",
                        (long long)(input->ndim ? input->shape[0] : 1), (long long)M,
                        (long long)K, (long long)vec->shape[0]), NULL;
  if (oz_linalg_check_same_dtype(mat->dtype, vec->dtype) != OZ_OK) return NULL;
  const int dtype = mat->dtype;
  oz_device device;
  if (check_result(input, mat, vec, out, dtype, 1, &M, &device) != OZ_OK) return NULL;
  if (dtype == OZ_BOOL && M > 0) return oz_linalg_bool_error("addmv_impl_cpu"), NULL;
  /* [M] + [M,K] @ [K] as [M,1] + [M,K] @ [K,1] */
  oz_tensor *C = addend(input, dtype, device, 1, &M);
  oz_tensor *R = C ? oz_empty(1, &M, dtype, device) : NULL;
  oz_tensor *C2 = R ? oz_unsqueeze(C, 1) : NULL, *V = C2 ? oz_unsqueeze(vec, 1) : NULL;
  oz_tensor *R2 = V ? oz_unsqueeze(R, 1) : NULL;
  int rc = R2 ? oz_linalg_gemm_call(OZ_OP_ADDMM, C2, mat, V, beta, alpha, R2)
              : oz_last_error_code();
  oz_tensor_decref(C), oz_tensor_decref(C2), oz_tensor_decref(V), oz_tensor_decref(R2);
  if (rc != OZ_OK) return oz_tensor_decref(R), NULL;
  return oz_finish_out(R, out);
}

static int addmv_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  int rc = input_grad(n, g[0], gin);
  if (rc != OZ_OK) return rc;
  return oz_linalg_mv_grads(n, g[0], 0, 1, 1, 2, n->scalars[1], gin);
}

oz_tensor *oz_addmv(const oz_tensor *input, const oz_tensor *mat, const oz_tensor *vec,
                    oz_scalar beta, oz_scalar alpha, oz_tensor *out) {
  return recorded(out == input ? "addmv_" : "addmv", "AddmvBackward0", addmv_backward,
                  addmv_forward, input, mat, vec, beta, alpha, out);
}

/* ================================ addbmm ================================ */

/* R = beta * C + alpha * sum_b b1[b] @ b2[b] as successive ADDMM calls accumulating into R (as
 * torch does); no batches at all leaves beta * C. */
static int addbmm_into(const oz_tensor *C, const oz_tensor *b1, const oz_tensor *b2,
                       oz_scalar beta, oz_scalar alpha, oz_tensor *R) {
  const int64_t nb = b1->shape[0];
  if (nb == 0) {
    const int64_t mk[2] = {R->shape[0], 0}, kn[2] = {0, R->shape[1]};
    oz_tensor *A = oz_empty(2, mk, R->dtype, oz_tensor_device(R));
    oz_tensor *B = A ? oz_empty(2, kn, R->dtype, oz_tensor_device(R)) : NULL;
    int rc = B ? oz_linalg_gemm_call(OZ_OP_ADDMM, C, A, B, beta, alpha, R) : oz_last_error_code();
    oz_tensor_decref(A), oz_tensor_decref(B);
    return rc;
  }
  for (int64_t b = 0; b < nb; b++) {
    oz_tensor *A = oz_select(b1, 0, b), *B = A ? oz_select(b2, 0, b) : NULL;
    int rc = B ? oz_linalg_gemm_call(OZ_OP_ADDMM, b == 0 ? C : R, A, B, b == 0 ? beta : ONE,
                                     alpha, R)
               : oz_last_error_code();
    oz_tensor_decref(A), oz_tensor_decref(B);
    if (rc != OZ_OK) return rc;
  }
  return OZ_OK;
}

static oz_tensor *addbmm_forward(const oz_tensor *input, const oz_tensor *b1, const oz_tensor *b2,
                                 oz_scalar beta, oz_scalar alpha, oz_tensor *out) {
  if (b1->ndim != 3) return oz_set_error(OZ_ERR_RUNTIME, "batch1 must be a 3D tensor"), NULL;
  if (b2->ndim != 3) return oz_set_error(OZ_ERR_RUNTIME, "batch2 must be a 3D tensor"), NULL;
  if (b1->shape[0] != b2->shape[0])
    return oz_set_error(OZ_ERR_RUNTIME,
                        "batch1 and batch2 must have same number of batches, got %lld and %lld",
                        (long long)b1->shape[0], (long long)b2->shape[0]), NULL;
  if (b1->shape[2] != b2->shape[1])
    return oz_set_error(OZ_ERR_RUNTIME, "Incompatible matrix sizes for bmm (%lldx%lld and %lldx%lld)",
                        (long long)b1->shape[1], (long long)b1->shape[2], (long long)b2->shape[1],
                        (long long)b2->shape[2]), NULL;
  /* the result has the input's dtype (out='s when given), and each addmm_ step wants it equal to
   * both batches' */
  const int dtype = out ? out->dtype : input->dtype;
  if (dtype != b2->dtype || input->dtype != b2->dtype)
    return oz_set_error(OZ_ERR_RUNTIME, "self and mat2 must have the same dtype"), NULL;
  if (b1->dtype != b2->dtype)
    return oz_set_error(OZ_ERR_RUNTIME, "mat1 and mat2 must have the same dtype"), NULL;
  const int64_t shape[2] = {b1->shape[1], b2->shape[2]};
  oz_device device;
  if (check_result(input, b1, b2, out, dtype, 2, shape, &device) != OZ_OK) return NULL;
  if (dtype == OZ_BOOL && shape[0] * shape[1] > 0)
    return oz_linalg_bool_error("addmm_impl_cpu_"), NULL;
  oz_tensor *C = addend(input, dtype, device, 2, shape);
  oz_tensor *R = C ? oz_empty(2, shape, dtype, device) : NULL;
  int rc = R ? addbmm_into(C, b1, b2, beta, alpha, R) : oz_last_error_code();
  oz_tensor_decref(C);
  if (rc != OZ_OK) return oz_tensor_decref(R), NULL;
  return oz_finish_out(R, out);
}

/* The [M,N] gradient repeated over the batch makes addbmm's gradients bmm's. */
static int addbmm_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  int rc = input_grad(n, g[0], gin);
  if (rc != OZ_OK || (!oz_node_needs_grad(n, 1) && !oz_node_needs_grad(n, 2))) return rc;
  const int64_t shape[3] = {n->in_meta[1].shape[0], g[0]->shape[0], g[0]->shape[1]};
  oz_tensor *u = oz_ad_unsqueeze(g[0], 0);
  oz_tensor *G = u ? oz_ad_expand(u, 3, shape) : NULL;
  rc = G ? oz_linalg_product_grads(n, oz_bmm, G, 0, 1, 1, 2, n->scalars[1], gin)
         : oz_last_error_code();
  oz_tensor_decref(u), oz_tensor_decref(G);
  return rc;
}

oz_tensor *oz_addbmm(const oz_tensor *input, const oz_tensor *batch1, const oz_tensor *batch2,
                     oz_scalar beta, oz_scalar alpha, oz_tensor *out) {
  return recorded(out == input ? "addbmm_" : "addbmm", "AddbmmBackward0", addbmm_backward,
                  addbmm_forward, input, batch1, batch2, beta, alpha, out);
}

/* ================================ baddbmm ================================ */

static oz_tensor *baddbmm_forward(const oz_tensor *input, const oz_tensor *b1,
                                  const oz_tensor *b2, oz_scalar beta, oz_scalar alpha,
                                  oz_tensor *out) {
  if (b1->ndim != 3) return oz_set_error(OZ_ERR_RUNTIME, "batch1 must be a 3D tensor"), NULL;
  if (b2->ndim != 3) return oz_set_error(OZ_ERR_RUNTIME, "batch2 must be a 3D tensor"), NULL;
  if (b2->shape[0] != b1->shape[0] || b2->shape[1] != b1->shape[2])
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Expected size for first two dimensions of batch2 tensor to be: [%lld, "
                        "%lld] but got: [%lld, %lld].",
                        (long long)b1->shape[0], (long long)b1->shape[2], (long long)b2->shape[0],
                        (long long)b2->shape[1]), NULL;
  if (oz_linalg_check_same_dtype(b1->dtype, b2->dtype) != OZ_OK) return NULL;
  const int64_t shape[3] = {b1->shape[0], b1->shape[1], b2->shape[2]};
  const int dtype = b2->dtype;
  oz_device device;
  if (check_result(input, b1, b2, out, dtype, 3, shape, &device) != OZ_OK) return NULL;
  if (dtype == OZ_BOOL && shape[0] * shape[1] * shape[2] > 0)
    return oz_linalg_bool_error("baddbmm"), NULL;
  oz_tensor *C = addend(input, dtype, device, 3, shape);
  oz_tensor *R = C ? oz_empty(3, shape, dtype, device) : NULL;
  int rc = R ? oz_linalg_gemm_call(OZ_OP_BADDBMM, C, b1, b2, beta, alpha, R)
             : oz_last_error_code();
  oz_tensor_decref(C);
  if (rc != OZ_OK) return oz_tensor_decref(R), NULL;
  return oz_finish_out(R, out);
}

static int baddbmm_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  int rc = input_grad(n, g[0], gin);
  if (rc != OZ_OK) return rc;
  return oz_linalg_product_grads(n, oz_bmm, g[0], 0, 1, 1, 2, n->scalars[1], gin);
}

oz_tensor *oz_baddbmm(const oz_tensor *input, const oz_tensor *batch1, const oz_tensor *batch2,
                      oz_scalar beta, oz_scalar alpha, oz_tensor *out) {
  return recorded(out == input ? "baddbmm_" : "baddbmm", "BaddbmmBackward0", baddbmm_backward,
                  baddbmm_forward, input, batch1, batch2, beta, alpha, out);
}
