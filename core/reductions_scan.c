/* reductions_scan.c - front-ends of the ops that work along one dim: max/min(dim) with indices,
 * argmax/argmin, cumsum/cumprod, sort/argsort, topk; and the small kernel wrappers the backward
 * formulas (reductions_grad.c) and unique (reductions_unique.c) call. */
#include "core/oz_views_grad.h"
#include "core/reductions_internal.h"

/* ================================ helpers ================================ */

/* a's size along dim (1 for a 0-d tensor, whose only "dim" is 0 / -1). */
static int64_t size_along(const oz_tensor *a, int dim) { return a->ndim ? a->shape[dim] : 1; }

/* Checks out= tensors of a two-output op: values get the values' dtype rules, indices must be
 * int64 as PyTorch requires. Resizes them to (ndim, shape). */
static int check_out_pair(const char *fname, oz_tensor *out_v, oz_tensor *out_i, int ndim,
                          const int64_t *shape, int dtype, oz_device device) {
  if (!out_v && !out_i) return OZ_OK;
  if (!out_v || !out_i)
    return oz_set_error(OZ_ERR_RUNTIME, "%s(): out= needs both a values and an indices tensor",
                        fname);
  if (out_i->dtype != OZ_INT64)
    return oz_set_error(OZ_ERR_RUNTIME, "%s(): Expected out tensor to have dtype long int, but "
                        "got %s instead", fname, oz_dtype_scalar_type_name(out_i->dtype));
  if (out_v->dtype != dtype)
    return oz_set_error(OZ_ERR_RUNTIME, "%s(): Expected out tensor to have dtype %s, but got %s "
                        "instead", fname, oz_dtype_scalar_type_name(dtype),
                        oz_dtype_scalar_type_name(out_v->dtype));
  int rc = oz_check_out(out_v, false, ndim, shape, dtype, device);
  return rc != OZ_OK ? rc : oz_check_out(out_i, false, ndim, shape, OZ_INT64, device);
}

/* Writes fresh (values, indices) into the out= pair when given; returns OZ_OK or an error and
 * leaves new references (to the outs when given) in v and i. */
static int finish_pair(oz_tensor **v, oz_tensor **i, oz_tensor *out_v, oz_tensor *out_i) {
  if (!out_v) return OZ_OK;
  *v = oz_finish_out(*v, out_v);
  *i = oz_finish_out(*i, out_i);
  if (!*v || !*i) {
    oz_tensor_decref(*v), oz_tensor_decref(*i);
    *v = *i = NULL;
    return oz_last_error_code();
  }
  oz_bump_version(out_v);
  oz_bump_version(out_i);
  return OZ_OK;
}

/* Attaches n to output `v` (consuming n) and saves `indices` for the formula. */
static int attach_with_indices(oz_node *n, oz_tensor *v, const oz_tensor *indices) {
  if (!n) return OZ_OK;
  int rc = oz_node_save(n, indices);
  if (rc != OZ_OK) {
    oz_node_decref(n);
    return rc;
  }
  return oz_node_attach(n, &v, 1);
}

/* ========================= max/min along a dim, argmax/argmin ========================= */

/* The MAX_DIM / MIN_DIM kernel over dim d (wrapped) of x: fresh values and indices. */
static int run_extreme_dim(int op, const oz_tensor *x, int d, bool keepdim, oz_tensor **values,
                           oz_tensor **indices) {
  oz_red_dims r;
  oz_red_dims_one(&r, x, d, keepdim);
  oz_call call = oz_call_make(op);
  call.ints[call.n_ints++] = d;
  const int dtypes[2] = {x->dtype, OZ_INT64};
  oz_tensor *res[2];
  int rc = oz_red_run(&call, x, &r, 2, dtypes, res);
  if (rc == OZ_OK) *values = res[0], *indices = res[1];
  return rc;
}

static int check_dim_not_empty(const char *fname, const oz_tensor *a, int d) {
  if (a->ndim > 0 && a->shape[d] == 0)
    return oz_set_error(OZ_ERR_INDEX, "%s(): Expected reduction dim %d to have non-zero size.",
                        fname, d);
  return OZ_OK;
}

static int extreme_dim(const char *fname, const char *node_name, int op, const oz_tensor *a,
                       int64_t dim, bool keepdim, oz_tensor *out_v, oz_tensor *out_i,
                       oz_tensor **values, oz_tensor **indices) {
  *values = *indices = NULL;
  int d = oz_wrap_dim(dim, a->ndim);
  if (d < 0) return oz_last_error_code();
  int rc = check_dim_not_empty(fname, a, d);
  if (rc != OZ_OK) return rc;
  oz_red_dims r;
  oz_red_dims_one(&r, a, d, keepdim);
  rc = check_out_pair(fname, out_v, out_i, r.final_ndim, r.final_shape, a->dtype,
                      oz_tensor_device(a));
  if (rc != OZ_OK) return rc;
  oz_node *n;
  rc = oz_grad_begin(fname, node_name, oz_rg_index_backward, &a, 1, out_v, &n);
  if (rc != OZ_OK) return rc;
  if (n) {
    oz_red_node_set_mask(n, &r);
    n->ints[OZ_RED_INT_DIM] = d;
  }
  oz_tensor *v = NULL, *i = NULL, *kept_i = NULL;
  rc = run_extreme_dim(op, a, d, keepdim, &v, &i);
  if (rc == OZ_OK) rc = finish_pair(&v, &i, out_v, out_i);
  /* the formula scatters the gradient's keepdim form: save the indices in that shape */
  if (rc == OZ_OK && n && !(kept_i = oz_reshape(i, a->ndim, r.kept))) rc = oz_last_error_code();
  if (rc == OZ_OK) rc = attach_with_indices(n, v, kept_i);
  else oz_node_decref(n);
  oz_tensor_decref(kept_i);
  if (rc != OZ_OK) {
    oz_tensor_decref(v), oz_tensor_decref(i);
    return rc;
  }
  *values = v, *indices = i;
  return OZ_OK;
}

int oz_max_dim(const oz_tensor *a, int64_t dim, bool keepdim, oz_tensor *out_values,
               oz_tensor *out_indices, oz_tensor **values, oz_tensor **indices) {
  return extreme_dim("max", "MaxBackward0", OZ_OP_MAX_DIM, a, dim, keepdim, out_values,
                     out_indices, values, indices);
}

int oz_min_dim(const oz_tensor *a, int64_t dim, bool keepdim, oz_tensor *out_values,
               oz_tensor *out_indices, oz_tensor **values, oz_tensor **indices) {
  return extreme_dim("min", "MinBackward0", OZ_OP_MIN_DIM, a, dim, keepdim, out_values,
                     out_indices, values, indices);
}

/* argmax/argmin: dim NULL reduces the flattened tensor (keepdim: every dim becomes 1). */
static oz_tensor *arg_extreme(const char *fname, int op, const oz_tensor *a, const int64_t *dim,
                              bool keepdim, oz_tensor *out) {
  oz_tensor *x, *v = NULL, *i = NULL;
  int d;
  if (a->dtype == OZ_BOOL) { /* PyTorch's argmax kernels have no bool instance */
    oz_set_error(OZ_ERR_RUNTIME, "\"%s_cpu\" not implemented for 'Bool'", fname);
    return NULL;
  }
  if (dim) {
    d = oz_wrap_dim(*dim, a->ndim);
    if (d < 0 || check_dim_not_empty(fname, a, d) != OZ_OK) return NULL;
    oz_tensor_incref((oz_tensor *)a);
    x = (oz_tensor *)a;
  } else {
    if (oz_numel(a) == 0) {
      oz_set_error(OZ_ERR_INDEX, "%s(): Expected reduction dim to be specified for "
                   "input.numel() == 0.", fname);
      return NULL;
    }
    int64_t numel = oz_numel(a);
    x = oz_reshape(a, 1, &numel);
    d = 0;
    if (!x) return NULL;
  }
  int64_t shape[OZ_MAX_DIMS];
  int ndim;
  if (dim) {
    oz_red_dims r;
    oz_red_dims_one(&r, a, d, keepdim);
    ndim = r.final_ndim;
    memcpy(shape, r.final_shape, sizeof shape);
  } else {
    ndim = keepdim ? a->ndim : 0;
    for (int k = 0; k < ndim; k++) shape[k] = 1;
  }
  oz_tensor *res = NULL;
  if ((!out || oz_check_out(out, false, ndim, shape, OZ_INT64, oz_tensor_device(a)) == OZ_OK) &&
      run_extreme_dim(op, x, d, dim ? keepdim : false, &v, &i) == OZ_OK)
    res = dim ? (oz_tensor_incref(i), i) : oz_reshape(i, ndim, shape);
  oz_tensor_decref(x), oz_tensor_decref(v), oz_tensor_decref(i);
  res = oz_finish_out(res, out);
  if (res && out) oz_bump_version(out);
  return res;
}

oz_tensor *oz_argmax(const oz_tensor *a, const int64_t *dim, bool keepdim, oz_tensor *out) {
  return arg_extreme("argmax", OZ_OP_MAX_DIM, a, dim, keepdim, out);
}

oz_tensor *oz_argmin(const oz_tensor *a, const int64_t *dim, bool keepdim, oz_tensor *out) {
  return arg_extreme("argmin", OZ_OP_MIN_DIM, a, dim, keepdim, out);
}

/* ================================ cumsum, cumprod ================================ */

/* The CUMSUM / CUMPROD kernel along d of x (already of the result dtype): a fresh tensor. */
static oz_tensor *run_cumulative(int op, const oz_tensor *x, int d, bool reverse) {
  oz_tensor *r = oz_empty(x->ndim, x->shape, x->dtype, oz_tensor_device(x));
  if (!r) return NULL;
  oz_call call = oz_call_make(op);
  oz_call_in(&call, x);
  oz_call_out(&call, r);
  call.ints[call.n_ints++] = d;
  call.ints[call.n_ints++] = reverse;
  if (oz_dispatch_call(&call) != OZ_OK) {
    oz_tensor_decref(r);
    return NULL;
  }
  return r;
}

static oz_tensor *cumulative(const char *fname, const char *node_name, oz_backward_fn backward,
                             int op, const oz_tensor *a, int64_t dim, int dtype, oz_tensor *out) {
  int d = oz_wrap_dim(dim, a->ndim);
  if (d < 0) return NULL;
  if (out == a && dtype >= 0 && dtype != a->dtype) { /* cumsum_(dtype=) cannot change self's */
    oz_set_error(OZ_ERR_RUNTIME, "Bad in-place call: input tensor dtype %s and output tensor "
                 "dtype %s should match", oz_dtype_name(a->dtype), oz_dtype_name(dtype));
    return NULL;
  }
  if (out == a) dtype = a->dtype; /* in place: runs in self's dtype */
  if (dtype < 0) dtype = oz_dtype_is_integral(a->dtype, true) ? OZ_INT64 : a->dtype;
  oz_device device = oz_tensor_device(a);
  if (out && oz_check_out(out, out == a, a->ndim, a->shape, dtype, device) != OZ_OK) return NULL;
  oz_node *n;
  if (oz_grad_begin(fname, node_name, backward, &a, 1, out, &n) != OZ_OK) return NULL;
  if (n) {
    n->ints[OZ_RED_INT_DIM] = d;
    n->n_ints = OZ_RED_N_INTS;
    /* cumprod's formula needs the input; in place, its values before they are overwritten,
     * cloned with a's history so that a create_graph backward still reaches it. */
    if (op == OZ_OP_CUMPROD) {
      oz_tensor *keep =
          out == a ? oz_ad_clone(a) : (oz_tensor_incref((oz_tensor *)a), (oz_tensor *)a);
      int rc = keep ? oz_node_save(n, keep) : oz_last_error_code();
      oz_tensor_decref(keep);
      if (rc != OZ_OK) {
        oz_node_decref(n);
        return NULL;
      }
    }
  }
  oz_tensor *x = oz_operand_as(a, dtype, device);
  oz_tensor *r = x ? run_cumulative(op, x, d, false) : NULL;
  oz_tensor_decref(x);
  return oz_grad_end(n, oz_finish_out(r, out), out);
}

oz_tensor *oz_cumsum(const oz_tensor *a, int64_t dim, int dtype, oz_tensor *out) {
  return cumulative("cumsum", "CumsumBackward0", oz_rg_cumsum_backward, OZ_OP_CUMSUM, a, dim,
                    dtype, out);
}

oz_tensor *oz_cumprod(const oz_tensor *a, int64_t dim, int dtype, oz_tensor *out) {
  return cumulative("cumprod", "CumprodBackward0", oz_rg_cumprod_backward, OZ_OP_CUMPROD, a, dim,
                    dtype, out);
}

/* ================================ sort, argsort, topk ================================ */

/* The SORT kernel along d of a: fresh values and indices of a's shape. */
static int run_sort(const oz_tensor *a, int d, bool descending, oz_tensor **values,
                    oz_tensor **indices) {
  oz_device device = oz_tensor_device(a);
  oz_tensor *v = oz_empty(a->ndim, a->shape, a->dtype, device);
  oz_tensor *i = v ? oz_empty(a->ndim, a->shape, OZ_INT64, device) : NULL;
  int rc = i ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK) {
    oz_call call = oz_call_make(OZ_OP_SORT);
    oz_call_in(&call, a);
    oz_call_out(&call, v);
    oz_call_out(&call, i);
    call.ints[call.n_ints++] = d;
    call.ints[call.n_ints++] = descending;
    rc = oz_dispatch_call(&call);
  }
  if (rc != OZ_OK) {
    oz_tensor_decref(v), oz_tensor_decref(i);
    return rc;
  }
  *values = v, *indices = i;
  return OZ_OK;
}

int oz_sort(const oz_tensor *a, int64_t dim, bool descending, oz_tensor *out_values,
            oz_tensor *out_indices, oz_tensor **values, oz_tensor **indices) {
  *values = *indices = NULL;
  int d = oz_wrap_dim(dim, a->ndim);
  if (d < 0) return oz_last_error_code();
  int rc = check_out_pair("sort", out_values, out_indices, a->ndim, a->shape, a->dtype,
                          oz_tensor_device(a));
  oz_node *n = NULL;
  if (rc == OZ_OK) rc = oz_grad_begin("sort", "SortBackward0", oz_rg_index_backward, &a, 1,
                                      out_values, &n);
  if (rc != OZ_OK) return rc;
  if (n) {
    n->ints[OZ_RED_INT_DIM] = d;
    n->n_ints = OZ_RED_N_INTS;
  }
  oz_tensor *v = NULL, *i = NULL;
  rc = run_sort(a, d, descending, &v, &i);
  if (rc == OZ_OK) rc = finish_pair(&v, &i, out_values, out_indices);
  if (rc == OZ_OK) rc = attach_with_indices(n, v, i);
  else oz_node_decref(n);
  if (rc != OZ_OK) {
    oz_tensor_decref(v), oz_tensor_decref(i);
    return rc;
  }
  *values = v, *indices = i;
  return OZ_OK;
}

oz_tensor *oz_argsort(const oz_tensor *a, int64_t dim, bool descending) {
  int d = oz_wrap_dim(dim, a->ndim);
  oz_tensor *v, *i;
  if (d < 0 || run_sort(a, d, descending, &v, &i) != OZ_OK) return NULL;
  oz_tensor_decref(v);
  return i;
}

/* The first k of t along d, as a new contiguous tensor. */
static oz_tensor *leading(const oz_tensor *t, int d, int64_t k) {
  if (t->ndim == 0) return oz_clone(t);
  oz_tensor *s = oz_slice(t, d, 0, k, 1);
  oz_tensor *c = s ? oz_clone(s) : NULL;
  oz_tensor_decref(s);
  return c;
}

int oz_topk(const oz_tensor *a, int64_t k, int64_t dim, bool largest, bool sorted,
            oz_tensor *out_values, oz_tensor *out_indices, oz_tensor **values,
            oz_tensor **indices) {
  (void)sorted; /* the order of an unsorted topk is unspecified: sorted is one valid order */
  *values = *indices = NULL;
  int d = oz_wrap_dim(dim, a->ndim);
  if (d < 0) return oz_last_error_code();
  int64_t size = size_along(a, d);
  if (k < 0 || k > size) return oz_set_error(OZ_ERR_RUNTIME, "selected index k out of range");
  int64_t shape[OZ_MAX_DIMS];
  memcpy(shape, a->shape, sizeof shape);
  if (a->ndim) shape[d] = k;
  int rc = check_out_pair("topk", out_values, out_indices, a->ndim, shape, a->dtype,
                          oz_tensor_device(a));
  oz_node *n = NULL;
  if (rc == OZ_OK) rc = oz_grad_begin("topk", "TopkBackward0", oz_rg_index_backward, &a, 1,
                                      out_values, &n);
  if (rc != OZ_OK) return rc;
  if (n) {
    n->ints[OZ_RED_INT_DIM] = d;
    n->n_ints = OZ_RED_N_INTS;
  }
  oz_tensor *sv = NULL, *si = NULL, *v = NULL, *i = NULL;
  rc = run_sort(a, d, largest, &sv, &si);
  if (rc == OZ_OK) {
    v = leading(sv, d, k);
    i = v ? leading(si, d, k) : NULL;
    if (!i) rc = oz_last_error_code();
  }
  oz_tensor_decref(sv), oz_tensor_decref(si);
  if (rc == OZ_OK) rc = finish_pair(&v, &i, out_values, out_indices);
  if (rc == OZ_OK) rc = attach_with_indices(n, v, i);
  else oz_node_decref(n);
  if (rc != OZ_OK) {
    oz_tensor_decref(v), oz_tensor_decref(i);
    return rc;
  }
  *values = v, *indices = i;
  return OZ_OK;
}

/* ============================ scatter (backward, unique) ============================ */

oz_tensor *oz_scatter_into_zeros(const oz_tensor *src, const oz_tensor *index, int64_t dim,
                                 int64_t size, bool accumulate) {
  int64_t shape[OZ_MAX_DIMS];
  memcpy(shape, src->shape, sizeof shape);
  if (src->ndim) shape[dim] = size;
  oz_device device = oz_tensor_device(src);
  oz_tensor *r = oz_empty(src->ndim, shape, src->dtype, device);
  oz_tensor *idx = r ? oz_operand_as(index, OZ_INT64, device) : NULL;
  int rc = idx ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK) {
    oz_call call = oz_call_make(OZ_OP_SCATTER_INTO_ZEROS);
    oz_call_in(&call, src);
    oz_call_in(&call, idx);
    oz_call_out(&call, r);
    call.ints[call.n_ints++] = dim;
    call.ints[call.n_ints++] = accumulate;
    rc = oz_dispatch_call(&call);
  }
  oz_tensor_decref(idx);
  if (rc != OZ_OK) {
    oz_tensor_decref(r);
    return NULL;
  }
  return r;
}

/* =========================== kernel wrappers for backward =========================== */

oz_tensor *oz_red_cumsum_reverse(const oz_tensor *g, int64_t dim) {
  return run_cumulative(OZ_OP_CUMSUM, g, (int)dim, true);
}

oz_tensor *oz_red_cumprod_backward(const oz_tensor *x, const oz_tensor *g, int64_t dim) {
  oz_device device = oz_tensor_device(x);
  oz_tensor *gg = oz_operand_as(g, x->dtype, device);
  oz_tensor *r = gg ? oz_empty(x->ndim, x->shape, x->dtype, device) : NULL;
  int rc = r ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK) {
    oz_call call = oz_call_make(OZ_OP_CUMPROD_BACKWARD);
    oz_call_in(&call, x);
    oz_call_in(&call, gg);
    oz_call_out(&call, r);
    call.ints[call.n_ints++] = dim;
    rc = oz_dispatch_call(&call);
  }
  oz_tensor_decref(gg);
  if (rc != OZ_OK) {
    oz_tensor_decref(r);
    return NULL;
  }
  return r;
}

oz_tensor *oz_red_elementwise_grad(int op, const oz_tensor *x, const oz_tensor *y, double p) {
  oz_device device = oz_tensor_device(x);
  oz_tensor *yc = oz_operand_as(y, x->dtype, device);
  oz_tensor *ye = yc ? oz_expand(yc, x->ndim, x->shape) : NULL;
  oz_tensor *r = ye ? oz_empty(x->ndim, x->shape, x->dtype, device) : NULL;
  int rc = r ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK) {
    oz_call call = oz_call_make(op);
    oz_call_in(&call, x);
    oz_call_in(&call, ye);
    oz_call_out(&call, r);
    oz_call_scalar(&call, oz_make_scalar_f(p));
    rc = oz_dispatch_call(&call);
  }
  oz_tensor_decref(yc), oz_tensor_decref(ye);
  if (rc != OZ_OK) {
    oz_tensor_decref(r);
    return NULL;
  }
  return r;
}
