/* reductions.c - front-ends of the reductions that fold dims into one value per result element:
 * mean, prod, amax/amin and whole-tensor max/min, var/std (and their _mean forms), logsumexp,
 * norm, all/any, count_nonzero. Each works out the dims, PyTorch's result dtype and errors, then
 * runs one keepdim-form kernel (ops/reduce.def) and views the result without the reduced dims
 * unless keepdim. Differentiable ones record their grad_fn; the formulas are in
 * reductions_grad.c. The ops along one dim (max(dim), cumsum, sort, ...) are in
 * reductions_scan.c. */
#include "core/reductions_internal.h"

#include <math.h>
#include <stdio.h>

/* ================================ shared plumbing ================================ */

int oz_red_dims_init(oz_red_dims *r, const oz_tensor *a, const int64_t *dims, int n_dims,
                     bool keepdim) {
  memset(r->mask, 0, sizeof r->mask);
  r->ndim = a->ndim;
  if (n_dims == 0 || !dims) {
    for (int d = 0; d < a->ndim; d++) r->mask[d] = true;
  } else {
    for (int i = 0; i < n_dims; i++) {
      int d = oz_wrap_dim(dims[i], a->ndim);
      if (d < 0) return oz_last_error_code();
      if (a->ndim == 0) continue; /* a 0-d tensor reduces over nothing */
      if (r->mask[d])
        return oz_set_error(OZ_ERR_RUNTIME, "dim %d appears multiple times in the list of dims", d);
      r->mask[d] = true;
    }
  }
  r->extent = 1;
  r->final_ndim = 0;
  for (int d = 0; d < a->ndim; d++) {
    r->kept[d] = r->mask[d] ? 1 : a->shape[d];
    if (r->mask[d]) r->extent *= a->shape[d];
    if (!r->mask[d] || keepdim) r->final_shape[r->final_ndim++] = r->kept[d];
  }
  return OZ_OK;
}

void oz_red_dims_one(oz_red_dims *r, const oz_tensor *a, int dim, bool keepdim) {
  int64_t d = dim;
  oz_red_dims_init(r, a, &d, 1, keepdim); /* cannot fail: dim is already wrapped */
}

int oz_red_run(oz_call *call, const oz_tensor *x, const oz_red_dims *r, int n_out,
               const int *dtypes, oz_tensor **results) {
  oz_device device = oz_tensor_device(x);
  oz_tensor *full[OZ_MAX_OUTPUTS] = {NULL, NULL};
  call->n_in = call->n_out = 0;
  oz_call_in(call, x);
  int rc = OZ_OK;
  for (int k = 0; k < n_out && rc == OZ_OK; k++) {
    full[k] = oz_empty(x->ndim, r->kept, dtypes[k], device);
    if (full[k])
      oz_call_out(call, full[k]);
    else
      rc = oz_last_error_code();
  }
  if (rc == OZ_OK) rc = oz_dispatch_call(call);
  for (int k = 0; k < n_out; k++) {
    results[k] = rc == OZ_OK ? oz_view_shape(full[k], r->final_ndim, r->final_shape) : NULL;
    if (rc == OZ_OK && !results[k]) rc = oz_last_error_code();
    oz_tensor_decref(full[k]);
  }
  if (rc != OZ_OK)
    for (int k = 0; k < n_out; k++) oz_tensor_decref(results[k]), results[k] = NULL;
  return rc;
}

void oz_red_node_set_mask(oz_node *n, const oz_red_dims *r) {
  for (int d = 0; d < OZ_MAX_DIMS; d++) n->ints[d] = d < r->ndim && r->mask[d];
  n->n_ints = OZ_RED_N_INTS;
}

/* One-output reduction: out= checks, the cast to the compute dtype, the kernel, out= copy. */
static oz_tensor *red_simple(oz_call *call, const oz_tensor *a, const oz_red_dims *r,
                             int compute_dtype, int result_dtype, oz_tensor *out) {
  oz_device device = oz_tensor_device(a);
  if (out && oz_check_out(out, false, r->final_ndim, r->final_shape, result_dtype, device) != OZ_OK)
    return NULL;
  oz_tensor *x = oz_operand_as(a, compute_dtype, device);
  if (!x) return NULL;
  oz_tensor *res = NULL;
  int rc = oz_red_run(call, x, r, 1, &result_dtype, &res);
  oz_tensor_decref(x);
  return rc == OZ_OK ? oz_finish_out(res, out) : NULL;
}

/* Recording around a one-input, one-output op: begin (node or NULL), the node gets r's mask. */
static int red_begin(const char *fname, const char *node_name, oz_backward_fn backward,
                     const oz_tensor *a, const oz_tensor *out, const oz_red_dims *r,
                     oz_node **n) {
  int rc = oz_grad_begin(fname, node_name, backward, &a, 1, out, n);
  if (rc == OZ_OK && *n) oz_red_node_set_mask(*n, r);
  return rc;
}

/* Attaches n (if any) to result and saves result for the formula when save_result. */
static oz_tensor *red_end(oz_node *n, oz_tensor *result, oz_tensor *out, bool save_result) {
  if (n && result) oz_node_incref(n); /* kept past attach, to save the output */
  oz_tensor *r = oz_grad_end(n, result, out);
  if (n && result) {
    if (r && save_result && oz_node_save_output(n, r) != OZ_OK) {
      oz_tensor_decref(r);
      r = NULL;
    }
    oz_node_decref(n);
  }
  return r;
}

static const char *type_name(int dtype) { return oz_dtype_scalar_type_name(dtype); }

/* ===================================== mean ===================================== */

static oz_tensor *mean_forward(const oz_tensor *a, const int64_t *dims, int n_dims,
                               const oz_red_dims *r, bool keepdim, int dtype, oz_tensor *out) {
  if (out && oz_check_out(out, false, r->final_ndim, r->final_shape, dtype,
                          oz_tensor_device(a)) != OZ_OK)
    return NULL;
  oz_tensor *s = oz_sum(a, dims, n_dims, keepdim, dtype, NULL);
  oz_tensor *count = s ? oz_wrapped_scalar((double)r->extent, r->extent, OZ_INT64) : NULL;
  oz_tensor *m = count ? oz_div(s, count, s) : NULL; /* in place: s is ours */
  oz_tensor_decref(s);
  oz_tensor_decref(count);
  return oz_finish_out(m, out);
}

oz_tensor *oz_mean(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim, int dtype,
                   oz_tensor *out) {
  if (dtype < 0 && !oz_dtype_is_floating(a->dtype)) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "mean(): could not infer output dtype. Input dtype must be either a floating "
                 "point or complex dtype. Got: %s", type_name(a->dtype));
    return NULL;
  }
  if (dtype >= 0 && !oz_dtype_is_floating(dtype)) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "mean(): could not infer output dtype. Optional dtype must be either a floating "
                 "point or complex dtype. Got: %s", type_name(dtype));
    return NULL;
  }
  if (dtype < 0) dtype = a->dtype;
  oz_red_dims r;
  if (oz_red_dims_init(&r, a, dims, n_dims, keepdim) != OZ_OK) return NULL;
  oz_node *n;
  bool all = n_dims == 0 || !dims;
  if (red_begin("mean", all ? "MeanBackward0" : "MeanBackward1", oz_rg_mean_backward, a, out, &r,
                &n) != OZ_OK)
    return NULL;
  bool was = oz_red_grad_off();
  oz_tensor *res = mean_forward(a, dims, n_dims, &r, keepdim, dtype, out);
  oz_red_grad_restore(was);
  return red_end(n, res, out, false);
}

/* ===================================== prod ===================================== */

oz_tensor *oz_prod(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim, int dtype,
                   oz_tensor *out) {
  if (dtype < 0) dtype = oz_dtype_is_integral(a->dtype, true) ? OZ_INT64 : a->dtype;
  if (n_dims > 1) { /* torch.prod takes one dim; the backward formula relies on it */
    oz_set_error(OZ_ERR_TYPE, "prod(): argument 'dim' must be int, not a list of %d dims", n_dims);
    return NULL;
  }
  oz_red_dims r;
  if (oz_red_dims_init(&r, a, dims, n_dims, keepdim) != OZ_OK) return NULL;
  oz_node *n;
  bool all = n_dims == 0 || !dims;
  if (red_begin("prod", all ? "ProdBackward0" : "ProdBackward1", oz_rg_prod_backward, a, out, &r,
                &n) != OZ_OK)
    return NULL;
  if (n && oz_node_save(n, a) != OZ_OK) {
    oz_node_decref(n);
    return NULL;
  }
  oz_call call = oz_call_make(OZ_OP_PROD);
  return red_end(n, red_simple(&call, a, &r, dtype, dtype, out), out, false);
}

/* ============================ amax, amin, max(), min() ============================ */

/* PyTorch refuses to take an extremum over nothing: over all dims of an empty tensor
 * (RuntimeError), or over a dim of size 0 (IndexError). */
static int check_extreme_not_empty(const char *fname, const oz_tensor *a, const oz_red_dims *r,
                                   bool all) {
  if (all && oz_numel(a) == 0)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "%s(): Expected reduction dim to be specified for input.numel() == 0. "
                        "Specify the reduction dim with the 'dim' argument.",
                        fname);
  for (int d = 0; d < a->ndim; d++)
    if (r->mask[d] && a->shape[d] == 0)
      return oz_set_error(OZ_ERR_INDEX, "%s(): Expected reduction dim %d to have non-zero size.",
                          fname, d);
  return OZ_OK;
}

static oz_tensor *extreme(const char *fname, const char *node_name, oz_backward_fn backward,
                          int op, const oz_tensor *a, const int64_t *dims, int n_dims,
                          bool keepdim, oz_tensor *out) {
  bool all = n_dims == 0 || !dims;
  oz_red_dims r;
  if (oz_red_dims_init(&r, a, dims, n_dims, keepdim) != OZ_OK ||
      check_extreme_not_empty(fname, a, &r, all) != OZ_OK)
    return NULL;
  oz_node *n;
  if (red_begin(fname, node_name, backward, a, out, &r, &n) != OZ_OK) return NULL;
  if (n && oz_node_save(n, a) != OZ_OK) {
    oz_node_decref(n);
    return NULL;
  }
  oz_call call = oz_call_make(op);
  return red_end(n, red_simple(&call, a, &r, a->dtype, a->dtype, out), out, true);
}

oz_tensor *oz_amax(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim,
                   oz_tensor *out) {
  return extreme("amax", "AmaxBackward0", oz_rg_amax_backward, OZ_OP_AMAX, a, dims, n_dims,
                 keepdim, out);
}

oz_tensor *oz_amin(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim,
                   oz_tensor *out) {
  return extreme("amin", "AminBackward0", oz_rg_amax_backward, OZ_OP_AMIN, a, dims, n_dims,
                 keepdim, out);
}

oz_tensor *oz_max_all(const oz_tensor *a, oz_tensor *out) {
  return extreme("max", "MaxBackward1", oz_rg_extreme_all_backward, OZ_OP_AMAX, a, NULL, 0, false,
                 out);
}

oz_tensor *oz_min_all(const oz_tensor *a, oz_tensor *out) {
  return extreme("min", "MinBackward1", oz_rg_extreme_all_backward, OZ_OP_AMIN, a, NULL, 0, false,
                 out);
}

/* ================================ var, std, *_mean ================================ */

int oz_var_mean(const oz_tensor *a, const int64_t *dims, int n_dims, double correction,
                bool keepdim, bool std, oz_tensor *out, oz_tensor **result, oz_tensor **mean) {
  *result = NULL;
  if (mean) *mean = NULL;
  if (!oz_dtype_is_floating(a->dtype))
    return oz_set_error(OZ_ERR_RUNTIME, "std and var only support floating point and complex "
                        "dtypes");
  oz_red_dims r;
  int rc = oz_red_dims_init(&r, a, dims, n_dims, keepdim);
  if (rc != OZ_OK) return rc;
  const char *fname = std ? "std" : "var";
  const char *node_name = mean ? (std ? "StdMeanBackward0" : "VarMeanBackward0")
                               : (std ? "StdBackward0" : "VarBackward0");
  oz_node *n;
  rc = red_begin(fname, node_name, oz_rg_var_backward, a, out, &r, &n);
  if (rc != OZ_OK) return rc;
  if (n) {
    n->n_outputs = mean ? 2 : 1; /* var_mean's mean is differentiable too */
    n->scalars[0] = oz_make_scalar_f(correction);
    n->n_scalars = 1;
    n->ints[OZ_RED_INT_DIM] = std;
    if ((rc = oz_node_save(n, a)) != OZ_OK) {
      oz_node_decref(n);
      return rc;
    }
  }
  oz_device device = oz_tensor_device(a);
  if (out &&
      (rc = oz_check_out(out, false, r.final_ndim, r.final_shape, a->dtype, device)) != OZ_OK) {
    oz_node_decref(n);
    return rc;
  }
  oz_call call = oz_call_make(OZ_OP_VAR_MEAN);
  oz_call_scalar(&call, oz_make_scalar_f(correction));
  call.ints[call.n_ints++] = std;
  const int dtypes[2] = {a->dtype, a->dtype};
  oz_tensor *res[2] = {NULL, NULL};
  rc = oz_red_run(&call, a, &r, 2, dtypes, res);
  if (rc == OZ_OK && out) {
    res[0] = oz_finish_out(res[0], out);
    if (!res[0]) rc = oz_last_error_code();
    else oz_bump_version(out);
  }
  if (rc == OZ_OK && n) {
    oz_node_incref(n);
    rc = oz_node_attach(n, res, mean ? 2 : 1);
    if (rc == OZ_OK) rc = oz_node_save_output(n, res[0]); /* std's formula divides by it */
  }
  oz_node_decref(n);
  if (rc != OZ_OK) {
    oz_tensor_decref(res[0]);
    oz_tensor_decref(res[1]);
    return rc;
  }
  *result = res[0];
  if (mean)
    *mean = res[1];
  else
    oz_tensor_decref(res[1]);
  return OZ_OK;
}

oz_tensor *oz_var(const oz_tensor *a, const int64_t *dims, int n_dims, double correction,
                  bool keepdim, oz_tensor *out) {
  oz_tensor *r;
  return oz_var_mean(a, dims, n_dims, correction, keepdim, false, out, &r, NULL) == OZ_OK ? r
                                                                                         : NULL;
}

oz_tensor *oz_std(const oz_tensor *a, const int64_t *dims, int n_dims, double correction,
                  bool keepdim, oz_tensor *out) {
  oz_tensor *r;
  return oz_var_mean(a, dims, n_dims, correction, keepdim, true, out, &r, NULL) == OZ_OK ? r
                                                                                        : NULL;
}

/* =================================== logsumexp =================================== */

oz_tensor *oz_logsumexp(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim,
                        oz_tensor *out) {
  /* Integral and bool inputs are computed in the default float dtype. */
  int dtype = oz_dtype_is_floating(a->dtype) ? a->dtype : oz_default_dtype();
  oz_red_dims r;
  if (oz_red_dims_init(&r, a, dims, n_dims, keepdim) != OZ_OK) return NULL;
  oz_node *n;
  if (red_begin("logsumexp", "LogsumexpBackward0", oz_rg_logsumexp_backward, a, out, &r, &n) !=
      OZ_OK)
    return NULL;
  if (n && oz_node_save(n, a) != OZ_OK) {
    oz_node_decref(n);
    return NULL;
  }
  oz_call call = oz_call_make(OZ_OP_LOGSUMEXP);
  return red_end(n, red_simple(&call, a, &r, dtype, dtype, out), out, true);
}

/* ====================================== norm ====================================== */

oz_tensor *oz_norm(const oz_tensor *a, double p, const int64_t *dims, int n_dims, bool keepdim,
                   int dtype, oz_tensor *out) {
  if (dtype < 0 && !oz_dtype_is_floating(a->dtype)) {
    oz_set_error(OZ_ERR_RUNTIME, "norm(): input dtype should be either floating point or "
                 "complex. Got %s instead.", type_name(a->dtype));
    return NULL;
  }
  if (dtype >= 0 && !oz_dtype_is_floating(dtype)) {
    oz_set_error(OZ_ERR_RUNTIME, "norm(): the desired output dtype should be either floating "
                 "point or complex. Got %s instead.", type_name(dtype));
    return NULL;
  }
  const char *node_name = dtype < 0 ? "NormBackward1" : "NormBackward3";
  if (dtype < 0) dtype = a->dtype;
  oz_red_dims r;
  if (oz_red_dims_init(&r, a, dims, n_dims, keepdim) != OZ_OK) return NULL;
  oz_node *n;
  if (red_begin("norm", node_name, oz_rg_norm_backward, a, out, &r, &n) != OZ_OK) return NULL;
  if (n) {
    n->scalars[0] = oz_make_scalar_f(p);
    n->n_scalars = 1;
    if (oz_node_save(n, a) != OZ_OK) {
      oz_node_decref(n);
      return NULL;
    }
  }
  oz_call call = oz_call_make(OZ_OP_NORM);
  oz_call_scalar(&call, oz_make_scalar_f(p));
  return red_end(n, red_simple(&call, a, &r, dtype, dtype, out), out, true);
}

/* ============================ all, any, count_nonzero ============================ */

static oz_tensor *all_any(int op, const oz_tensor *a, const int64_t *dims, int n_dims,
                          bool keepdim, oz_tensor *out) {
  oz_red_dims r;
  if (oz_red_dims_init(&r, a, dims, n_dims, keepdim) != OZ_OK) return NULL;
  /* PyTorch 1.13 keeps uint8 for uint8 inputs (a legacy of masks being uint8). */
  int result_dtype = a->dtype == OZ_UINT8 ? OZ_UINT8 : OZ_BOOL;
  oz_call call = oz_call_make(op);
  oz_tensor *res = red_simple(&call, a, &r, a->dtype, result_dtype, out);
  if (res && out) oz_bump_version(out);
  return res;
}

oz_tensor *oz_all(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim,
                  oz_tensor *out) {
  return all_any(OZ_OP_ALL, a, dims, n_dims, keepdim, out);
}

oz_tensor *oz_any(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim,
                  oz_tensor *out) {
  return all_any(OZ_OP_ANY, a, dims, n_dims, keepdim, out);
}

oz_tensor *oz_count_nonzero(const oz_tensor *a, const int64_t *dims, int n_dims) {
  oz_tensor *zero = oz_wrapped_scalar(0.0, 0, OZ_INT64);
  oz_tensor *nz = zero ? oz_compare(OZ_OP_NE, a, zero, NULL) : NULL;
  oz_tensor *r = nz ? oz_sum(nz, dims, n_dims, false, OZ_INT64, NULL) : NULL;
  oz_tensor_decref(zero);
  oz_tensor_decref(nz);
  return r;
}
