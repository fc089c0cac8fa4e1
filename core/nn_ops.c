/* nn_ops.c - helpers shared by the nn front-ends (nn_internal.h). */
#include <stdio.h>

#include "core/nn_internal.h"

int nn_require_floating(const char *kernel, const oz_tensor *t) {
  if (oz_dtype_is_floating(t->dtype)) return OZ_OK;
  return oz_set_error(OZ_ERR_RUNTIME, "\"%s\" not implemented for '%s'", kernel,
                      oz_dtype_scalar_type_name(t->dtype));
}

oz_tensor *nn_contiguous_as(const oz_tensor *t, int dtype) {
  if (t->dtype != dtype) return oz_operand_as(t, dtype, oz_tensor_device(t)); /* contiguous */
  return oz_contiguous(t);
}

int nn_run(int op, const oz_tensor *const *ins, int n_in, oz_tensor *const *outs, int n_out,
           const int64_t *ints, int n_ints, const double *scalars, int n_scalars) {
  oz_call call = oz_call_make(op);
  for (int i = 0; i < n_in; i++) oz_call_in(&call, ins[i]);
  for (int i = 0; i < n_out; i++) oz_call_out(&call, outs[i]);
  for (int i = 0; i < n_ints; i++) call.ints[call.n_ints++] = ints[i];
  for (int i = 0; i < n_scalars; i++) oz_call_scalar(&call, oz_make_scalar_f(scalars[i]));
  return oz_dispatch_call(&call);
}

int nn_check_reduction(int reduction) {
  if (reduction >= OZ_REDUCTION_NONE && reduction <= OZ_REDUCTION_SUM) return OZ_OK;
  return oz_set_error(OZ_ERR_VALUE, "%d is not a valid value for reduction", reduction);
}

oz_tensor *nn_reduce(const oz_tensor *l, int reduction) {
  if (reduction == OZ_REDUCTION_NONE) {
    oz_tensor_incref((oz_tensor *)l);
    return (oz_tensor *)l;
  }
  oz_tensor *s = oz_sum(l, NULL, 0, false, l->dtype, NULL);
  if (!s || reduction == OZ_REDUCTION_SUM) return s;
  oz_tensor *n = oz_wrapped_scalar((double)oz_numel(l), oz_numel(l), OZ_FLOAT64);
  oz_tensor *m = n ? oz_div(s, n, NULL) : NULL;
  oz_tensor_decref(n);
  oz_tensor_decref(s);
  return m;
}

oz_tensor *nn_reduce_backward(const oz_tensor *g, int reduction, int ndim, const int64_t *shape) {
  if (reduction == OZ_REDUCTION_NONE) {
    oz_tensor_incref((oz_tensor *)g);
    return (oz_tensor *)g;
  }
  oz_tensor *scaled = NULL;
  if (reduction == OZ_REDUCTION_MEAN) {
    int64_t numel = 1;
    for (int d = 0; d < ndim; d++) numel *= shape[d];
    oz_tensor *n = oz_wrapped_scalar((double)numel, numel, OZ_FLOAT64);
    scaled = n ? oz_div(g, n, NULL) : NULL;
    oz_tensor_decref(n);
  } else {
    oz_tensor_incref((oz_tensor *)g);
    scaled = (oz_tensor *)g;
  }
  oz_tensor *e = scaled ? oz_ad_expand(scaled, ndim, shape) : NULL; /* recorded: create_graph */
  oz_tensor_decref(scaled);
  return e;
}

int nn_check_not_differentiable(const char *fn, const char *arg, const oz_tensor *t) {
  if (!t || !oz_grad_enabled() || !oz_requires_grad(t)) return OZ_OK;
  return oz_set_error(OZ_ERR_RUNTIME,
                      "The function '%s' is not differentiable with respect to argument '%s'. "
                      "This input cannot have requires_grad True.",
                      fn, arg);
}

oz_tensor *nn_saved(oz_node *n, int i) {
  if (!n->released && i >= 0 && i < n->n_saved && !n->saved[i].tensor) {
    oz_set_error(OZ_ERR_RUNTIME, "%s: saved tensor %d is missing", n->name, i);
    return NULL;
  }
  return oz_node_saved(n, i);
}
