/* factories.c - filling, copying and casting, and the tensor factories built on them. */
#include <math.h>

#include "core/op_support.h"

oz_scalar oz_make_scalar_f(double f) {
  /* The integer copy saturates instead of invoking undefined behaviour on nan/inf/huge values. */
  int64_t i = isnan(f) ? 0 : f >= 9.2e18 ? INT64_MAX : f <= -9.2e18 ? INT64_MIN : (int64_t)f;
  return (oz_scalar){f, i};
}
oz_scalar oz_make_scalar_i(int64_t i) { return (oz_scalar){(double)i, i}; }

int oz_fill_(oz_tensor *t, oz_scalar value) {
  if (t->dtype == OZ_BOOL) value.i = value.f != 0 || value.i != 0;
  oz_call call = oz_call_make(OZ_OP_FILL);
  oz_call_out(&call, t);
  oz_call_scalar(&call, value);
  return oz_dispatch_call(&call);
}

oz_tensor *oz_wrapped_scalar(double f, int64_t i, int dtype) {
  oz_tensor *t = oz_empty(0, NULL, dtype, OZ_CPU);
  if (!t) return NULL;
  if (oz_fill_(t, (oz_scalar){f, i}) != OZ_OK) {
    oz_tensor_decref(t);
    return NULL;
  }
  t->is_wrapped_number = true;
  return t;
}

oz_tensor *oz_full(int ndim, const int64_t *shape, oz_scalar value, int dtype, oz_device device) {
  oz_tensor *t = oz_empty(ndim, shape, dtype, device);
  if (t && oz_fill_(t, value) != OZ_OK) {
    oz_tensor_decref(t);
    return NULL;
  }
  return t;
}

/* Copies between devices: through a contiguous staging tensor on each side. */
static int copy_across_devices(oz_tensor *dst, const oz_tensor *src) {
  oz_device sd = oz_tensor_device(src), dd = oz_tensor_device(dst);
  oz_tensor *s = NULL, *staged = NULL;
  int rc = OZ_OK;
  /* Cast on the source side, expanded to dst's shape and made contiguous. */
  oz_tensor *ex = oz_expand(src, dst->ndim, dst->shape);
  s = ex ? oz_empty(dst->ndim, dst->shape, dst->dtype, sd) : NULL;
  if (!s || oz_copy_(s, ex) != OZ_OK) rc = oz_last_error_code();
  if (rc == OZ_OK) staged = oz_empty(dst->ndim, dst->shape, dst->dtype, dd);
  if (rc == OZ_OK && !staged) rc = oz_last_error_code();
  if (rc == OZ_OK) {
    size_t nbytes = (size_t)oz_numel(dst) * oz_dtype_size(dst->dtype);
    oz_device dev = dd.type != OZ_DEVICE_CPU ? dd : sd;
    oz_copy_kind kind = dd.type != OZ_DEVICE_CPU && sd.type != OZ_DEVICE_CPU ? OZ_COPY_D2D
                        : dd.type != OZ_DEVICE_CPU                          ? OZ_COPY_H2D
                                                                            : OZ_COPY_D2H;
    if (nbytes)
      rc = oz_device_copy(dev.type, dev.index, oz_data_ptr(staged), oz_data_ptr(s), nbytes, kind);
  }
  if (rc == OZ_OK) rc = oz_copy_(dst, staged);
  oz_tensor_decref(ex), oz_tensor_decref(s), oz_tensor_decref(staged);
  return rc;
}

int oz_copy_(oz_tensor *dst, const oz_tensor *src) {
  if (dst == src) return OZ_OK;
  /* torch words a shape mismatch as a broadcasting failure. */
  int ndim;
  int64_t shape[OZ_MAX_DIMS];
  if (oz_broadcast_shapes(dst->ndim, dst->shape, src->ndim, src->shape, &ndim, shape) != OZ_OK)
    return oz_last_error_code();
  if (oz_check_internal_overlap(dst) != OZ_OK || oz_check_partial_overlap(dst, src) != OZ_OK)
    return oz_last_error_code();
  if (!oz_same_device(oz_tensor_device(dst), oz_tensor_device(src)))
    return copy_across_devices(dst, src);
  oz_tensor *ex = oz_expand(src, dst->ndim, dst->shape);
  if (!ex) return oz_last_error_code();
  oz_call call = oz_call_make(OZ_OP_COPY);
  oz_call_in(&call, ex);
  oz_call_out(&call, dst);
  int rc = oz_dispatch_call(&call);
  oz_tensor_decref(ex);
  return rc;
}

oz_tensor *oz_to_dtype(const oz_tensor *t, int dtype, bool copy) {
  if (t->dtype == dtype && !copy) {
    oz_tensor_incref((oz_tensor *)t);
    return (oz_tensor *)t;
  }
  oz_tensor *r = oz_empty_like_layout(t, t->ndim, t->shape, dtype, oz_tensor_device(t));
  if (r && oz_copy_(r, t) != OZ_OK) {
    oz_tensor_decref(r);
    return NULL;
  }
  return r;
}

oz_tensor *oz_clone(const oz_tensor *t) { return oz_to_dtype(t, t->dtype, true); }

oz_tensor *oz_arange(double start, double end, double step, bool all_integers, int dtype,
                     oz_device device) {
  if (dtype < 0) dtype = all_integers ? OZ_INT64 : oz_default_dtype();
  if (!isfinite(start) || !isfinite(end)) {
    oz_set_error(OZ_ERR_RUNTIME, "unsupported range: %g -> %g", start, end);
    return NULL;
  }
  if (step == 0) {
    oz_set_error(OZ_ERR_RUNTIME, "step must be nonzero");
    return NULL;
  }
  if ((step > 0 && end < start) || (step < 0 && end > start)) {
    oz_set_error(OZ_ERR_RUNTIME, "upper bound and larger bound inconsistent with step sign");
    return NULL;
  }
  /* torch sizes int64 ranges from the truncated bounds and step: arange(0, 5, 1.5, dtype=long)
   * has 5 elements 0..4. */
  if (dtype == OZ_INT64) {
    start = trunc(start), end = trunc(end), step = trunc(step);
    if (step == 0) {
      oz_set_error(OZ_ERR_RUNTIME, "step must be nonzero");
      return NULL;
    }
  }
  double n = ceil((end - start) / step);
  if (n > 9.0e18) {
    oz_set_error(OZ_ERR_RUNTIME, "invalid size, possible overflow?");
    return NULL;
  }
  int64_t size = (int64_t)n;
  oz_tensor *t = oz_empty(1, &size, dtype, device);
  if (!t) return NULL;
  oz_call call = oz_call_make(OZ_OP_ARANGE);
  oz_call_out(&call, t);
  oz_call_scalar(&call, oz_make_scalar_f(start));
  oz_call_scalar(&call, oz_make_scalar_f(step));
  if (oz_dispatch_call(&call) != OZ_OK) {
    oz_tensor_decref(t);
    return NULL;
  }
  return t;
}
