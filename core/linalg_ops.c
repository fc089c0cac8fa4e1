/* linalg_ops.c - products without an addend: mm, bmm, mv, dot, vdot, outer; and the helpers the
 * linalg family shares (linalg_internal.h). Each op checks its operands as PyTorch does (same
 * checks, same order, same words), computes into a fresh contiguous tensor with one kernel call
 * (MATMUL, BADDBMM or DOT) and copies into out= at the end, so an out= that aliases an operand
 * is still correct. Each records its grad_fn; the formulas compute with these same ops, so a
 * create_graph backward records them too. */
#include <stdio.h>

#include "core/linalg_internal.h"

/* ============================== shared helpers ============================== */

const char *oz_linalg_cpp_name(int dtype) {
  static const char *const names[OZ_NUM_DTYPES] = {
      [OZ_FLOAT32] = "float",      [OZ_FLOAT64] = "double",       [OZ_INT64] = "long int",
      [OZ_INT32] = "int",          [OZ_INT16] = "short int",      [OZ_INT8] = "signed char",
      [OZ_UINT8] = "unsigned char", [OZ_BOOL] = "bool",           [OZ_FLOAT16] = "c10::Half",
      [OZ_BFLOAT16] = "c10::BFloat16"};
  return dtype >= 0 && dtype < OZ_NUM_DTYPES && names[dtype] ? names[dtype] : "invalid";
}

int oz_linalg_check_out_dtype(const oz_tensor *out, int dtype) {
  if (!out || out->dtype == dtype) return OZ_OK;
  return oz_set_error(OZ_ERR_RUNTIME, "Expected out tensor to have dtype %s, but got %s instead",
                      oz_linalg_cpp_name(dtype), oz_linalg_cpp_name(out->dtype));
}

int oz_linalg_check_same_dtype(int expected, int found) {
  if (expected == found) return OZ_OK;
  return oz_set_error(OZ_ERR_RUNTIME, "expected scalar type %s but found %s",
                      oz_dtype_scalar_type_name(expected), oz_dtype_scalar_type_name(found));
}

int oz_linalg_bool_error(const char *kernel) {
  return oz_set_error(OZ_ERR_RUNTIME, "\"%s\" not implemented for 'Bool'", kernel);
}

int oz_linalg_check_inplace(const oz_tensor *self, int dtype, int ndim, const int64_t *shape) {
  if (self->dtype != dtype)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Bad in-place call: input tensor dtype %s and output tensor dtype %s "
                        "should match",
                        oz_linalg_cpp_name(self->dtype), oz_linalg_cpp_name(dtype));
  if (self->ndim != ndim || memcmp(self->shape, shape, sizeof(int64_t) * (size_t)ndim)) {
    char a[256], b[256];
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Bad in-place call: input tensor size %s and output tensor size %s should "
                        "match",
                        oz_shape_str(a, sizeof a, self->ndim, self->shape),
                        oz_shape_str(b, sizeof b, ndim, shape));
  }
  return OZ_OK;
}

int oz_linalg_matmul_call(const oz_tensor *A, const oz_tensor *B, oz_tensor *R) {
  oz_call call = oz_call_make(OZ_OP_MATMUL);
  oz_call_in(&call, A);
  oz_call_in(&call, B);
  oz_call_out(&call, R);
  return oz_dispatch_call(&call);
}

int oz_linalg_gemm_call(int op, const oz_tensor *C, const oz_tensor *A, const oz_tensor *B,
                        oz_scalar beta, oz_scalar alpha, oz_tensor *R) {
  oz_call call = oz_call_make(op);
  /* Without an addend, R stands in for in[0]: beta 0 means the kernel never reads it. */
  oz_call_in(&call, C ? C : R);
  oz_call_in(&call, A);
  oz_call_in(&call, B);
  oz_call_out(&call, R);
  oz_call_scalar(&call, C ? beta : oz_make_scalar_i(0));
  oz_call_scalar(&call, alpha);
  return oz_dispatch_call(&call);
}

oz_tensor *oz_linalg_scaled(const oz_tensor *g, oz_scalar s) {
  if (s.f == 1.0) {
    oz_tensor_incref((oz_tensor *)g);
    return (oz_tensor *)g;
  }
  /* A wrapped number never changes a floating gradient's dtype. */
  oz_tensor *k = oz_wrapped_scalar(s.f, s.i, OZ_FLOAT64);
  oz_tensor *r = k ? oz_mul(g, k, NULL) : NULL;
  oz_tensor_decref(k);
  return r;
}

/* alpha * product(x, y^T) or alpha * product(x^T, y), transposing the last two dims. */
static oz_tensor *scaled_product(oz_linalg_product_fn product, const oz_tensor *x,
                                 const oz_tensor *y, bool transpose_x, oz_scalar alpha) {
  const oz_tensor *t = transpose_x ? x : y;
  oz_tensor *tt = oz_ad_transpose(t, -1, -2);
  oz_tensor *p = !tt ? NULL : transpose_x ? product(tt, y, NULL) : product(x, tt, NULL);
  oz_tensor *r = p ? oz_linalg_scaled(p, alpha) : NULL;
  oz_tensor_decref(tt);
  oz_tensor_decref(p);
  return r;
}

int oz_linalg_product_grads(oz_node *n, oz_linalg_product_fn product, const oz_tensor *G,
                            int sa, int sb, int ia, int ib, oz_scalar alpha, oz_tensor **gin) {
  int rc = OZ_OK;
  if (oz_node_needs_grad(n, ia)) {
    oz_tensor *b = oz_node_saved(n, sb);
    gin[ia] = b ? scaled_product(product, G, b, false, alpha) : NULL;
    oz_tensor_decref(b);
    if (!gin[ia]) rc = oz_last_error_code();
  }
  if (rc == OZ_OK && oz_node_needs_grad(n, ib)) {
    oz_tensor *a = oz_node_saved(n, sa);
    gin[ib] = a ? scaled_product(product, a, G, true, alpha) : NULL;
    oz_tensor_decref(a);
    if (!gin[ib]) rc = oz_last_error_code();
  }
  return rc;
}

static const oz_scalar ONE = {1.0, 1};

/* ================================ mm ================================ */

static oz_tensor *mm_forward(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  if (a->ndim != 2) return oz_set_error(OZ_ERR_RUNTIME, "self must be a matrix"), NULL;
  if (b->ndim != 2) return oz_set_error(OZ_ERR_RUNTIME, "mat2 must be a matrix"), NULL;
  const int64_t M = a->shape[0], K = a->shape[1], N = b->shape[1];
  if (b->shape[0] != K) {
    oz_set_error(OZ_ERR_RUNTIME, "mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)",
                 (long long)M, (long long)K, (long long)b->shape[0], (long long)N);
    return NULL;
  }
  if (oz_linalg_check_same_dtype(a->dtype, b->dtype) != OZ_OK) return NULL;
  /* torch returns before its kernel when there is nothing to multiply: bool passes there */
  if (a->dtype == OZ_BOOL && M * N > 0 && K > 0)
    return oz_linalg_bool_error("addmm_impl_cpu_"), NULL;
  const oz_tensor *ops[2] = {a, b};
  oz_device device;
  const int64_t shape[2] = {M, N};
  if (oz_common_device(ops, 2, &device) != OZ_OK || oz_linalg_check_out_dtype(out, a->dtype) ||
      (out && oz_check_out(out, false, 2, shape, a->dtype, device) != OZ_OK))
    return NULL;
  oz_tensor *R = oz_empty(2, shape, a->dtype, device);
  int rc = !R               ? oz_last_error_code()
           : a->dtype == OZ_BOOL ? oz_fill_(R, oz_make_scalar_i(0))
                                 : oz_linalg_matmul_call(a, b, R);
  if (rc != OZ_OK) {
    oz_tensor_decref(R);
    return NULL;
  }
  return oz_finish_out(R, out);
}

static int mm_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  return oz_linalg_product_grads(n, oz_mm, g[0], 0, 1, 0, 1, ONE, gin);
}

oz_tensor *oz_mm(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  const oz_tensor *ins[2] = {a, b};
  oz_node *n;
  if (oz_grad_begin("mm", "MmBackward0", mm_backward, ins, 2, out, &n) != OZ_OK) return NULL;
  if (n) oz_node_save(n, a), oz_node_save(n, b);
  return oz_grad_end(n, mm_forward(a, b, out), out);
}

/* ================================ bmm ================================ */

/* The batch checks bmm and baddbmm share (torch's wording). */
static int check_batches(const oz_tensor *b1, const oz_tensor *b2) {
  if (b1->ndim != 3) return oz_set_error(OZ_ERR_RUNTIME, "batch1 must be a 3D tensor");
  if (b2->ndim != 3) return oz_set_error(OZ_ERR_RUNTIME, "batch2 must be a 3D tensor");
  if (b2->shape[0] != b1->shape[0] || b2->shape[1] != b1->shape[2])
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Expected size for first two dimensions of batch2 tensor to be: [%lld, "
                        "%lld] but got: [%lld, %lld].",
                        (long long)b1->shape[0], (long long)b1->shape[2], (long long)b2->shape[0],
                        (long long)b2->shape[1]);
  return oz_linalg_check_same_dtype(b1->dtype, b2->dtype);
}

static oz_tensor *bmm_forward(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  if (check_batches(a, b) != OZ_OK) return NULL;
  const int64_t shape[3] = {a->shape[0], a->shape[1], b->shape[2]};
  const bool nonempty = shape[0] * shape[1] * shape[2] > 0;
  if (a->dtype == OZ_BOOL && nonempty && a->shape[2] > 0) return oz_linalg_bool_error("bmm"), NULL;
  const oz_tensor *ops[2] = {a, b};
  oz_device device;
  if (oz_common_device(ops, 2, &device) != OZ_OK || oz_linalg_check_out_dtype(out, a->dtype) ||
      (out && oz_check_out(out, false, 3, shape, a->dtype, device) != OZ_OK))
    return NULL;
  oz_tensor *R = oz_empty(3, shape, a->dtype, device);
  int rc = !R                    ? oz_last_error_code()
           : a->dtype == OZ_BOOL ? oz_fill_(R, oz_make_scalar_i(0))
                                 : oz_linalg_gemm_call(OZ_OP_BADDBMM, NULL, a, b, ONE, ONE, R);
  if (rc != OZ_OK) {
    oz_tensor_decref(R);
    return NULL;
  }
  return oz_finish_out(R, out);
}

static int bmm_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  return oz_linalg_product_grads(n, oz_bmm, g[0], 0, 1, 0, 1, ONE, gin);
}

oz_tensor *oz_bmm(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  const oz_tensor *ins[2] = {a, b};
  oz_node *n;
  if (oz_grad_begin("bmm", "BmmBackward0", bmm_backward, ins, 2, out, &n) != OZ_OK) return NULL;
  if (n) oz_node_save(n, a), oz_node_save(n, b);
  return oz_grad_end(n, bmm_forward(a, b, out), out);
}

/* ================================ mv ================================ */

static oz_tensor *mv_forward(const oz_tensor *mat, const oz_tensor *vec, oz_tensor *out) {
  if (mat->ndim != 2 || vec->ndim != 1)
    return oz_set_error(OZ_ERR_RUNTIME, "vector + matrix @ vector expected, got 1, %d, %d",
                        mat->ndim, vec->ndim), NULL;
  const int64_t M = mat->shape[0], K = mat->shape[1];
  if (vec->shape[0] != K)
    return oz_set_error(OZ_ERR_RUNTIME, "size mismatch, got %lld, %lldx%lld,%lld", (long long)M,
                        (long long)M, (long long)K, (long long)vec->shape[0]), NULL;
  if (oz_linalg_check_same_dtype(mat->dtype, vec->dtype) != OZ_OK) return NULL;
  if (mat->dtype == OZ_BOOL && M > 0 && K > 0) return oz_linalg_bool_error("addmv_impl_cpu"), NULL;
  const oz_tensor *ops[2] = {mat, vec};
  oz_device device;
  if (oz_common_device(ops, 2, &device) != OZ_OK || oz_linalg_check_out_dtype(out, mat->dtype) ||
      (out && oz_check_out(out, false, 1, &M, mat->dtype, device) != OZ_OK))
    return NULL;
  /* [M,K] @ [K,1] -> [M,1], a view of the result R [M] */
  oz_tensor *R = oz_empty(1, &M, mat->dtype, device);
  oz_tensor *V = R ? oz_unsqueeze(vec, 1) : NULL;
  oz_tensor *R2 = V ? oz_unsqueeze(R, 1) : NULL;
  int rc = !R2                     ? oz_last_error_code()
           : mat->dtype == OZ_BOOL ? oz_fill_(R, oz_make_scalar_i(0))
                                   : oz_linalg_matmul_call(mat, V, R2);
  oz_tensor_decref(V);
  oz_tensor_decref(R2);
  if (rc != OZ_OK) {
    oz_tensor_decref(R);
    return NULL;
  }
  return oz_finish_out(R, out);
}

int oz_linalg_mv_grads(oz_node *n, const oz_tensor *g, int sm, int sv, int im, int iv,
                    oz_scalar alpha, oz_tensor **gin) {
  if (oz_node_needs_grad(n, im)) {
    oz_tensor *vec = oz_node_saved(n, sv);
    oz_tensor *o = vec ? oz_outer(g, vec, NULL) : NULL;
    gin[im] = o ? oz_linalg_scaled(o, alpha) : NULL;
    oz_tensor_decref(vec), oz_tensor_decref(o);
    if (!gin[im]) return oz_last_error_code();
  }
  if (oz_node_needs_grad(n, iv)) {
    oz_tensor *mat = oz_node_saved(n, sm);
    oz_tensor *mt = mat ? oz_ad_transpose(mat, 0, 1) : NULL;
    oz_tensor *p = mt ? oz_mv(mt, g, NULL) : NULL;
    gin[iv] = p ? oz_linalg_scaled(p, alpha) : NULL;
    oz_tensor_decref(mat), oz_tensor_decref(mt), oz_tensor_decref(p);
    if (!gin[iv]) return oz_last_error_code();
  }
  return OZ_OK;
}

static int mv_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  return oz_linalg_mv_grads(n, g[0], 0, 1, 0, 1, ONE, gin);
}

oz_tensor *oz_mv(const oz_tensor *mat, const oz_tensor *vec, oz_tensor *out) {
  const oz_tensor *ins[2] = {mat, vec};
  oz_node *n;
  if (oz_grad_begin("mv", "MvBackward0", mv_backward, ins, 2, out, &n) != OZ_OK) return NULL;
  if (n) oz_node_save(n, mat), oz_node_save(n, vec);
  return oz_grad_end(n, mv_forward(mat, vec, out), out);
}

/* ============================== dot, vdot ============================== */

static oz_tensor *dot_forward(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  if (a->ndim != 1 || b->ndim != 1)
    return oz_set_error(OZ_ERR_RUNTIME, "1D tensors expected, but got %dD and %dD tensors",
                        a->ndim, b->ndim), NULL;
  if (a->dtype != b->dtype)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "dot : expected both vectors to have same dtype, but found %s and %s",
                        oz_dtype_scalar_type_name(a->dtype),
                        oz_dtype_scalar_type_name(b->dtype)), NULL;
  if (a->shape[0] != b->shape[0]) {
    long long na = (long long)a->shape[0], nb = (long long)b->shape[0];
    return oz_set_error(OZ_ERR_RUNTIME,
                        "inconsistent tensor size, expected tensor [%lld] and src [%lld] to have "
                        "the same number of elements, but got %lld and %lld elements respectively",
                        na, nb, na, nb), NULL;
  }
  if (a->dtype == OZ_BOOL) return oz_linalg_bool_error("dot"), NULL;
  if (out && out->dtype != a->dtype)
    return oz_set_error(OZ_ERR_RUNTIME, "result dtype %s does not match input dtype %s",
                        oz_dtype_scalar_type_name(out->dtype),
                        oz_dtype_scalar_type_name(a->dtype)), NULL;
  const oz_tensor *ops[2] = {a, b};
  oz_device device;
  if (oz_common_device(ops, 2, &device) != OZ_OK ||
      (out && oz_check_out(out, false, 0, NULL, a->dtype, device) != OZ_OK))
    return NULL;
  oz_tensor *R = oz_empty(0, NULL, a->dtype, device);
  if (!R) return NULL;
  oz_call call = oz_call_make(OZ_OP_DOT);
  oz_call_in(&call, a);
  oz_call_in(&call, b);
  oz_call_out(&call, R);
  if (oz_dispatch_call(&call) != OZ_OK) {
    oz_tensor_decref(R);
    return NULL;
  }
  return oz_finish_out(R, out);
}

/* d(a . b) = g * b, g * a (g is 0-d). Saved: a, b. */
static int dot_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  for (int i = 0; i < 2; i++) {
    if (!oz_node_needs_grad(n, i)) continue;
    oz_tensor *other = oz_node_saved(n, 1 - i);
    gin[i] = other ? oz_mul(g[0], other, NULL) : NULL;
    oz_tensor_decref(other);
    if (!gin[i]) return oz_last_error_code();
  }
  return OZ_OK;
}

static oz_tensor *dot_recorded(const char *fname, const char *node, const oz_tensor *a,
                               const oz_tensor *b, oz_tensor *out) {
  const oz_tensor *ins[2] = {a, b};
  oz_node *n;
  if (oz_grad_begin(fname, node, dot_backward, ins, 2, out, &n) != OZ_OK) return NULL;
  if (n) oz_node_save(n, a), oz_node_save(n, b);
  return oz_grad_end(n, dot_forward(a, b, out), out);
}

oz_tensor *oz_dot(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return dot_recorded("dot", "DotBackward0", a, b, out);
}

/* vdot conjugates its first operand; OzTorch's dtypes are all real. */
oz_tensor *oz_vdot(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return dot_recorded("vdot", "VdotBackward0", a, b, out);
}

/* ================================ outer ================================ */

/* torch.outer is a[:, None] * b: it promotes, casts into out=, and records MulBackward0 (the
 * unsqueeze records too, so gradients reach a). */
oz_tensor *oz_outer(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  const char *which = a->ndim != 1 ? "self" : b->ndim != 1 ? "vec2" : NULL;
  if (which) {
    oz_set_error(OZ_ERR_RUNTIME, "outer: Expected 1-D argument %s, but got %d-D", which,
                 a->ndim != 1 ? a->ndim : b->ndim);
    return NULL;
  }
  oz_tensor *col = oz_ad_unsqueeze(a, 1);
  oz_tensor *r = col ? oz_mul(col, b, out) : NULL;
  oz_tensor_decref(col);
  return r;
}
