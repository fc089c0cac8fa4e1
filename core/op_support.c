/* op_support.c - device agreement, operand casting and out= handling shared by every op. */
#include "core/op_support.h"

#include <stdio.h>

const char *oz_shape_str(char *buf, size_t n, int ndim, const int64_t *shape) {
  size_t used = (size_t)snprintf(buf, n, "[");
  for (int d = 0; d < ndim && used < n; d++)
    used += (size_t)snprintf(buf + used, n - used, d ? ", %lld" : "%lld", (long long)shape[d]);
  if (used < n) snprintf(buf + used, n - used, "]");
  return buf;
}

static const char *device_str(char *buf, size_t n, oz_device d) {
  if (d.type == OZ_DEVICE_CPU) snprintf(buf, n, "cpu");
  else snprintf(buf, n, "cuda:%d", d.index);
  return buf;
}

/* torch's wording for operands (or an out=) on different devices. */
static int devices_differ(oz_device a, oz_device b) {
  char sa[32], sb[32];
  return oz_set_error(OZ_ERR_RUNTIME,
                      "Expected all tensors to be on the same device, but found at least two "
                      "devices, %s and %s!",
                      device_str(sa, sizeof sa, a), device_str(sb, sizeof sb, b));
}

int oz_common_device(const oz_tensor *const *ts, int n, oz_device *device) {
  bool found = false;
  for (int i = 0; i < n; i++) {
    if (!ts[i]) continue;
    oz_device d = oz_tensor_device(ts[i]);
    bool movable = ts[i]->ndim == 0 && d.type == OZ_DEVICE_CPU;
    if (movable) continue;
    if (found && !oz_same_device(*device, d)) return devices_differ(*device, d);
    *device = d;
    found = true;
  }
  if (!found) *device = OZ_CPU;
  return OZ_OK;
}

oz_tensor *oz_operand_as(const oz_tensor *t, int dtype, oz_device device) {
  if (t->dtype == dtype && oz_same_device(oz_tensor_device(t), device)) {
    oz_tensor_incref((oz_tensor *)t);
    return (oz_tensor *)t;
  }
  oz_tensor *r = oz_empty(t->ndim, t->shape, dtype, device);
  if (r && oz_copy_(r, t) != OZ_OK) {
    oz_tensor_decref(r);
    return NULL;
  }
  return r;
}

int oz_check_out(oz_tensor *out, bool out_is_input, int ndim, const int64_t *shape, int dtype,
                 oz_device device) {
  if (!oz_same_device(oz_tensor_device(out), device))
    return devices_differ(device, oz_tensor_device(out));
  bool same = out->ndim == ndim && !memcmp(out->shape, shape, sizeof(int64_t) * (size_t)ndim);
  if (!same && out_is_input) {
    char a[256], b[256];
    return oz_set_error(OZ_ERR_RUNTIME, "output with shape %s doesn't match the broadcast shape %s",
                        oz_shape_str(a, sizeof a, out->ndim, out->shape),
                        oz_shape_str(b, sizeof b, ndim, shape));
  }
  if (!oz_can_cast(dtype, out->dtype))
    return oz_set_error(OZ_ERR_RUNTIME, "result type %s can't be cast to the desired output type %s",
                        oz_dtype_scalar_type_name(dtype), oz_dtype_scalar_type_name(out->dtype));
  return same ? oz_check_internal_overlap(out) : oz_resize_(out, ndim, shape);
}

int oz_check_internal_overlap(const oz_tensor *out) {
  for (int d = 0; d < out->ndim; d++)
    if (out->shape[d] > 1 && out->strides[d] == 0)
      return oz_set_error(OZ_ERR_RUNTIME,
                          "unsupported operation: more than one element of the written-to tensor "
                          "refers to a single memory location. Please clone() the tensor before "
                          "performing the operation.");
  return OZ_OK;
}

/* Byte range [lo, hi) of a tensor's elements within its storage. */
static void byte_range(const oz_tensor *t, int64_t *lo, int64_t *hi) {
  int64_t a = t->offset, b = t->offset;
  for (int d = 0; d < t->ndim; d++) {
    if (t->shape[d] == 0) { *lo = *hi = 0; return; }
    int64_t reach = (t->shape[d] - 1) * t->strides[d];
    if (reach < 0) a += reach; else b += reach;
  }
  int64_t es = (int64_t)oz_dtype_size(t->dtype);
  *lo = a * es, *hi = (b + 1) * es;
}

int oz_check_partial_overlap(const oz_tensor *out, const oz_tensor *in) {
  if (!in || out == in || out->storage != in->storage) return OZ_OK;
  bool identical = out->offset == in->offset && out->ndim == in->ndim && out->dtype == in->dtype &&
                   !memcmp(out->shape, in->shape, sizeof(int64_t) * (size_t)out->ndim) &&
                   !memcmp(out->strides, in->strides, sizeof(int64_t) * (size_t)out->ndim);
  if (identical) return OZ_OK;
  int64_t olo, ohi, ilo, ihi;
  byte_range(out, &olo, &ohi);
  byte_range(in, &ilo, &ihi);
  if (olo < ihi && ilo < ohi)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "unsupported operation: some elements of the input tensor and the "
                        "written-to tensor refer to a single memory location. Please clone() the "
                        "tensor before performing the operation.");
  return OZ_OK;
}

oz_tensor *oz_finish_out(oz_tensor *result, oz_tensor *out) {
  if (!result || !out || result == out) return result;
  int rc = oz_copy_(out, result);
  oz_tensor_decref(result);
  if (rc != OZ_OK) return NULL;
  oz_tensor_incref(out);
  return out;
}
