/* reduce.c - reductions: the dims to reduce, the result dtype and keepdim, then one kernel call
 * on the keepdim-shaped output. */
#include "core/op_support.h"
#include "core/oz_autograd.h"
#include "core/oz_views_grad.h"

/* Marks the dims to reduce; all of them when n_dims is 0. */
static int reduce_mask(const oz_tensor *a, const int64_t *dims, int n_dims, bool *mask) {
  memset(mask, 0, sizeof(bool) * OZ_MAX_DIMS);
  if (n_dims == 0 || !dims) {
    for (int d = 0; d < a->ndim; d++) mask[d] = true;
    return OZ_OK;
  }
  for (int i = 0; i < n_dims; i++) {
    int d = oz_wrap_dim(dims[i], a->ndim);
    if (d < 0) return oz_last_error_code();
    if (a->ndim == 0) continue; /* a 0-d tensor reduces over nothing */
    if (mask[d])
      return oz_set_error(OZ_ERR_RUNTIME, "dim %d appears multiple times in the list of dims", d);
    mask[d] = true;
  }
  return OZ_OK;
}

static oz_tensor *sum_forward(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim,
                              int dtype, oz_tensor *out) {
  bool mask[OZ_MAX_DIMS];
  if (reduce_mask(a, dims, n_dims, mask) != OZ_OK) return NULL;
  if (dtype < 0) dtype = oz_dtype_is_integral(a->dtype, true) ? OZ_INT64 : a->dtype;
  int64_t kept[OZ_MAX_DIMS], final_shape[OZ_MAX_DIMS];
  int final_ndim = 0;
  for (int d = 0; d < a->ndim; d++) {
    kept[d] = mask[d] ? 1 : a->shape[d];
    if (!mask[d] || keepdim) final_shape[final_ndim++] = kept[d];
  }
  oz_device device = oz_tensor_device(a);
  if (out && oz_check_out(out, false, final_ndim, final_shape, dtype, device) != OZ_OK)
    return NULL;
  oz_tensor *x = oz_operand_as(a, dtype, device);
  oz_tensor *r = x ? oz_empty(a->ndim, kept, dtype, device) : NULL;
  oz_tensor *result = NULL;
  if (r) {
    oz_call call = oz_call_make(OZ_OP_SUM);
    oz_call_in(&call, x);
    oz_call_out(&call, r);
    if (oz_dispatch_call(&call) == OZ_OK) result = oz_view_shape(r, final_ndim, final_shape);
  }
  oz_tensor_decref(x);
  oz_tensor_decref(r);
  return oz_finish_out(result, out);
}

/* Sum's gradient is g broadcast back over the reduced dims; ints[] holds the reduce mask
 * (1 = reduced) of the input's dims. Materialised, so a leaf's .grad is never a stride-0 view. */
static int sum_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  const oz_input_meta *im = &n->in_meta[0];
  int64_t kept[OZ_MAX_DIMS];
  for (int d = 0; d < im->ndim; d++) kept[d] = n->ints[d] ? 1 : im->shape[d];
  /* recorded forms: a create_graph backward differentiates through this formula */
  oz_tensor *k = oz_ad_reshape(g[0], im->ndim, kept);
  oz_tensor *e = k ? oz_ad_expand(k, im->ndim, im->shape) : NULL;
  gin[0] = e ? oz_ad_contiguous(e) : NULL;
  oz_tensor_decref(k), oz_tensor_decref(e);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

oz_tensor *oz_sum(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim, int dtype,
                  oz_tensor *out) {
  bool all = n_dims == 0 || !dims;
  oz_node *n;
  if (oz_grad_begin("sum", all ? "SumBackward0" : "SumBackward1", sum_backward, &a, 1, out, &n) !=
      OZ_OK)
    return NULL;
  if (n) {
    bool mask[OZ_MAX_DIMS];
    if (reduce_mask(a, dims, n_dims, mask) != OZ_OK) {
      oz_node_decref(n);
      return NULL;
    }
    for (int d = 0; d < a->ndim; d++) n->ints[d] = mask[d];
    n->n_ints = a->ndim;
  }
  return oz_grad_end(n, sum_forward(a, dims, n_dims, keepdim, dtype, out), out);
}
