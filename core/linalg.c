/* linalg.c - torch.matmul: every 1-d/2-d/batched case reduced to 2-d MATMUL kernel calls. */
#include "core/op_support.h"
#include "core/oz_autograd.h"

/* Multiplies A [batch..., M, K] by B [batch..., K, N] (batch dims already broadcast to equal
 * shapes) into the contiguous R [batch..., M, N], one 2-d kernel call per matrix. */
static int batched_matmul(const oz_tensor *A, const oz_tensor *B, oz_tensor *R) {
  int nb = R->ndim - 2;
  int64_t nbatch = 1;
  for (int d = 0; d < nb; d++) nbatch *= R->shape[d];
  const oz_tensor *ts[3] = {A, B, R};
  oz_call call = oz_call_make(OZ_OP_MATMUL);
  for (int i = 0; i < 3; i++) {
    oz_view *v = i < 2 ? &call.in[call.n_in++] : &call.out[call.n_out++];
    *v = oz_tensor_view(ts[i]);
    v->ndim = 2;
    v->shape[0] = ts[i]->shape[nb], v->shape[1] = ts[i]->shape[nb + 1];
    v->strides[0] = ts[i]->strides[nb], v->strides[1] = ts[i]->strides[nb + 1];
  }
  for (int64_t b = 0; b < nbatch; b++) {
    oz_call c = call;
    int64_t rest = b;
    for (int d = nb - 1; d >= 0; d--) {
      int64_t idx = rest % R->shape[d];
      rest /= R->shape[d];
      for (int i = 0; i < 3; i++) {
        oz_view *v = i < 2 ? &c.in[i] : &c.out[0];
        v->data = (char *)v->data + idx * ts[i]->strides[d] * (int64_t)oz_dtype_size(v->dtype);
      }
    }
    int rc = oz_dispatch_call(&c);
    if (rc != OZ_OK) return rc;
  }
  return OZ_OK;
}

static int shape_error(const oz_tensor *a, const oz_tensor *b) {
  if (a->ndim == 1 && b->ndim == 1)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "inconsistent tensor size, expected tensor [%lld] and src [%lld] to have "
                        "the same number of elements, but got %lld and %lld elements respectively",
                        (long long)a->shape[0], (long long)b->shape[0], (long long)a->shape[0],
                        (long long)b->shape[0]);
  if (a->ndim == 2 && b->ndim == 1)
    return oz_set_error(OZ_ERR_RUNTIME, "size mismatch, got input (%lld), mat (%lldx%lld), vec (%lld)",
                        (long long)a->shape[0], (long long)a->shape[0], (long long)a->shape[1],
                        (long long)b->shape[0]);
  int64_t m = a->ndim == 1 ? 1 : a->shape[a->ndim - 2], k = a->shape[a->ndim - 1];
  int64_t k2 = b->ndim == 1 ? b->shape[0] : b->shape[b->ndim - 2];
  int64_t n = b->ndim == 1 ? 1 : b->shape[b->ndim - 1];
  return oz_set_error(OZ_ERR_RUNTIME, "mat1 and mat2 shapes cannot be multiplied (%lldx%lld and %lldx%lld)",
                      (long long)m, (long long)k, (long long)k2, (long long)n);
}

static oz_tensor *matmul_forward(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  if (a->ndim == 0 || b->ndim == 0) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "both arguments to matmul need to be at least 1D, but they are %dD and %dD",
                 a->ndim, b->ndim);
    return NULL;
  }
  if (a->dtype != b->dtype) {
    oz_set_error(OZ_ERR_RUNTIME, "expected m1 and m2 to have the same dtype, but got: %s != %s",
                 oz_dtype_name(a->dtype), oz_dtype_name(b->dtype));
    return NULL;
  }
  const oz_tensor *operands[2] = {a, b};
  oz_device device;
  if (oz_common_device(operands, 2, &device) != OZ_OK) return NULL;
  int64_t k_a = a->shape[a->ndim - 1], k_b = b->ndim == 1 ? b->shape[0] : b->shape[b->ndim - 2];
  if (k_a != k_b) {
    shape_error(a, b);
    return NULL;
  }
  /* Vectors become matrices: a [K] -> [1, K], b [K] -> [K, 1]; squeezed again at the end. */
  oz_tensor *A = a->ndim == 1 ? oz_unsqueeze(a, 0) : oz_alias(a);
  oz_tensor *B = b->ndim == 1 ? oz_unsqueeze(b, 1) : oz_alias(b);
  oz_tensor *Ae = NULL, *Be = NULL, *R = NULL, *result = NULL;
  if (!A || !B) goto done;
  int nb;
  int64_t full[OZ_MAX_DIMS];
  if (oz_broadcast_shapes(A->ndim - 2, A->shape, B->ndim - 2, B->shape, &nb, full) != OZ_OK)
    goto done;
  if (nb + 2 > OZ_MAX_DIMS) {
    oz_set_error(OZ_ERR_RUNTIME, "tensors have at most %d dimensions", OZ_MAX_DIMS);
    goto done;
  }
  int64_t m = A->shape[A->ndim - 2], k = A->shape[A->ndim - 1], n = B->shape[B->ndim - 1];
  int64_t a_shape[OZ_MAX_DIMS], b_shape[OZ_MAX_DIMS], final_shape[OZ_MAX_DIMS];
  memcpy(a_shape, full, sizeof(int64_t) * (size_t)nb);
  memcpy(b_shape, full, sizeof(int64_t) * (size_t)nb);
  memcpy(final_shape, full, sizeof(int64_t) * (size_t)nb);
  a_shape[nb] = m, a_shape[nb + 1] = k;
  b_shape[nb] = k, b_shape[nb + 1] = n;
  full[nb] = m, full[nb + 1] = n;
  int final_ndim = nb;
  if (a->ndim > 1) final_shape[final_ndim++] = m;
  if (b->ndim > 1) final_shape[final_ndim++] = n;
  if (out && out->dtype != a->dtype) {
    oz_set_error(OZ_ERR_RUNTIME, "Expected out tensor to have dtype %s, but got %s instead",
                 oz_dtype_name(a->dtype), oz_dtype_name(out->dtype));
    goto done;
  }
  if (out && oz_check_out(out, false, final_ndim, final_shape, a->dtype, device) != OZ_OK)
    goto done;
  Ae = oz_expand(A, nb + 2, a_shape);
  Be = oz_expand(B, nb + 2, b_shape);
  R = Ae && Be ? oz_empty(nb + 2, full, a->dtype, device) : NULL;
  if (!R || batched_matmul(Ae, Be, R) != OZ_OK) goto done;
  result = oz_view_shape(R, final_ndim, final_shape);
  result = oz_finish_out(result, out);
done:
  oz_tensor_decref(A), oz_tensor_decref(B), oz_tensor_decref(Ae), oz_tensor_decref(Be);
  oz_tensor_decref(R);
  return result;
}

/* Gradients of C = A @ B with vectors promoted to matrices (a [K] -> [1, K], b [K] -> [K, 1]):
 * dA = G @ B^T, dB = A^T @ G, then summed over broadcast batch dims and reshaped back by the
 * engine (sum_to_shape) after we drop the promoted dims here. */
static oz_tensor *as_matrix(const oz_tensor *t, int vector_dim) {
  return t->ndim == 1 ? oz_unsqueeze(t, vector_dim) : oz_alias(t);
}

static int matmul_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *a = oz_node_saved(n, 0), *b = oz_node_saved(n, 1);
  if (!a || !b) {
    oz_tensor_decref(a), oz_tensor_decref(b);
    return oz_last_error_code();
  }
  int rc = OZ_OK;
  oz_tensor *A = as_matrix(a, 0), *B = as_matrix(b, 1), *G = NULL;
  /* G gets the shape of the matrix product: put back the dims the vectors lost. */
  if (A && B) {
    oz_tensor *g1 = a->ndim == 1 ? oz_unsqueeze(g[0], g[0]->ndim - (b->ndim == 1 ? 0 : 1)) : oz_alias(g[0]);
    G = g1 && b->ndim == 1 ? oz_unsqueeze(g1, g1->ndim) : (g1 ? oz_alias(g1) : NULL);
    oz_tensor_decref(g1);
  }
  if (!A || !B || !G) rc = oz_last_error_code();
  if (rc == OZ_OK && oz_node_needs_grad(n, 0)) {
    oz_tensor *Bt = oz_transpose(B, -1, -2);
    oz_tensor *dA = Bt ? oz_matmul(G, Bt, NULL) : NULL;
    gin[0] = dA && a->ndim == 1 ? oz_sum_to_shape(dA, 2, A->shape) : NULL;
    if (dA && a->ndim == 1) {
      oz_tensor *v = gin[0] ? oz_reshape(gin[0], 1, a->shape) : NULL;
      oz_tensor_decref(gin[0]);
      gin[0] = v;
    } else if (dA) {
      oz_tensor_incref(dA);
      gin[0] = dA;
    }
    if (!gin[0]) rc = oz_last_error_code();
    oz_tensor_decref(Bt), oz_tensor_decref(dA);
  }
  if (rc == OZ_OK && oz_node_needs_grad(n, 1)) {
    oz_tensor *At = oz_transpose(A, -1, -2);
    oz_tensor *dB = At ? oz_matmul(At, G, NULL) : NULL;
    if (dB && b->ndim == 1) {
      oz_tensor *s = oz_sum_to_shape(dB, 2, B->shape);
      gin[1] = s ? oz_reshape(s, 1, b->shape) : NULL;
      oz_tensor_decref(s);
    } else if (dB) {
      oz_tensor_incref(dB);
      gin[1] = dB;
    }
    if (!gin[1]) rc = oz_last_error_code();
    oz_tensor_decref(At), oz_tensor_decref(dB);
  }
  oz_tensor_decref(A), oz_tensor_decref(B), oz_tensor_decref(G);
  oz_tensor_decref(a), oz_tensor_decref(b);
  return rc;
}

oz_tensor *oz_matmul(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  const oz_tensor *ins[2] = {a, b};
  const char *name = a->ndim == 1 && b->ndim == 1   ? "DotBackward0"
                     : a->ndim == 2 && b->ndim == 1 ? "MvBackward0"
                     : a->ndim == 1 && b->ndim == 2 ? "SqueezeBackward3"
                     : a->ndim == 2 && b->ndim == 2 ? "MmBackward0"
                                                    : "UnsafeViewBackward0";
  oz_node *n;
  if (oz_grad_begin("matmul", name, matmul_backward, ins, 2, out, &n) != OZ_OK) return NULL;
  if (n) oz_node_save(n, a), oz_node_save(n, b);
  return oz_grad_end(n, matmul_forward(a, b, out), out);
}
