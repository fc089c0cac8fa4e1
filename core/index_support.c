/* index_support.c - the index family's building blocks: calls of the INDEX_OFFSETS,
 * INDEX_GATHER and INDEX_PUT kernels (with PyTorch's wording of a bad index), restrided views,
 * and scalar values converted with PyTorch's overflow checks. */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "core/index_internal.h"

oz_tensor *idx_restride(const oz_tensor *t, int ndim, const int64_t *shape,
                        const int64_t *strides) {
  return oz_as_strided(t, ndim, shape, strides, t->offset);
}

oz_tensor *idx_atleast_1d(const oz_tensor *t) {
  if (t->ndim > 0) return oz_alias(t);
  int64_t one = 1;
  return oz_view_shape(t, 1, &one);
}

int idx_same_device(const oz_tensor *t, const oz_tensor *u) {
  const oz_tensor *ts[2] = {t, u};
  oz_device d;
  return oz_common_device(ts, 2, &d);
}

int idx_no_overlap(const oz_tensor *written, const oz_tensor *read) {
  if (!read || written->storage != read->storage || !oz_numel(written) || !oz_numel(read))
    return OZ_OK;
  /* identical tensors overlap fully; otherwise compare the memory ranges */
  bool same = written == read ||
              (written->offset == read->offset && written->ndim == read->ndim &&
               !memcmp(written->shape, read->shape, sizeof(int64_t) * (size_t)read->ndim) &&
               !memcmp(written->strides, read->strides, sizeof(int64_t) * (size_t)read->ndim));
  if (same || oz_check_partial_overlap(written, read) != OZ_OK)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "unsupported operation: some elements of the input tensor and the "
                        "written-to tensor refer to a single memory location. Please clone() the "
                        "tensor before performing the operation.");
  return OZ_OK;
}

/* ---- a bad index, worded per op ---- */

/* The first index of `index` (row-major) outside the allowed range; false if none. Runs on a
 * CPU copy: this is the error path only. */
static bool first_bad_index(const oz_tensor *index, int64_t size, bool allow_negative,
                            int64_t *bad) {
  oz_tensor *c = oz_operand_as(index, OZ_INT64, OZ_CPU);
  bool found = false;
  int64_t n = c ? oz_numel(c) : 0;
  for (int64_t e = 0; e < n && !found; e++) {
    int64_t v;
    if (oz_read_element(c, e, NULL, &v) != OZ_OK) break;
    if (v >= size || v < (allow_negative ? -size : 0)) *bad = v, found = true;
  }
  oz_tensor_decref(c);
  return found;
}

static int report_bad_index(const oz_tensor *index, int64_t size, bool allow_negative, int dim,
                            int style) {
  int64_t v = 0;
  if (!first_bad_index(index, size, allow_negative, &v)) return oz_last_error_code();
  long long lv = (long long)v, ls = (long long)size;
  switch (style) {
    case IDX_ERR_BOUNDS_RT:
      return oz_set_error(OZ_ERR_RUNTIME, "index %lld is out of bounds for dimension %d with size %lld",
                          lv, dim, ls);
    case IDX_ERR_SELF:
      return oz_set_error(OZ_ERR_INDEX, "index out of range in self");
    case IDX_ERR_INDICES:
      return oz_set_error(OZ_ERR_RUNTIME, "INDICES element is out of DATA bounds, id=%lld axis_dim=%lld",
                          lv, ls);
    case IDX_ERR_TAKE:
      return oz_set_error(OZ_ERR_INDEX, "out of range: tried to access index %lld on a tensor of %lld "
                          "elements.", lv, ls);
    case IDX_ERR_INDEX_COPY:
      return oz_set_error(OZ_ERR_INDEX, "index_copy_(): index %lld is out of bounds for dimension %d "
                          "with size %lld", lv, dim, ls);
    default:
      return oz_set_error(OZ_ERR_INDEX, "index %lld is out of bounds for dimension %d with size %lld",
                          lv, dim, ls);
  }
}

/* ---- the kernels ---- */

oz_tensor *idx_offsets(const oz_tensor *index, int64_t size, int64_t stride, bool allow_negative,
                       int dim, int style, oz_tensor *acc) {
  oz_device device = oz_tensor_device(index);
  /* Kernels take int64 and int32 indices; other integral types are widened first. */
  int dt = index->dtype == OZ_INT32 ? OZ_INT32 : OZ_INT64;
  oz_tensor *k = oz_operand_as(index, dt, device);
  oz_tensor *out = NULL, *kx = NULL;
  if (!k) return NULL;
  if (acc) {
    oz_tensor_incref(acc);
    out = acc;
    kx = oz_expand(k, acc->ndim, acc->shape);
  } else {
    out = oz_empty(k->ndim, k->shape, OZ_INT64, device);
    kx = k ? oz_alias(k) : NULL;
  }
  if (!out || !kx) goto fail;
  oz_call call = oz_call_make(OZ_OP_INDEX_OFFSETS);
  oz_call_in(&call, kx);
  oz_call_out(&call, out);
  const int64_t ints[5] = {size, stride, acc != NULL, allow_negative, dim};
  memcpy(call.ints, ints, sizeof ints);
  call.n_ints = 5;
  if (oz_dispatch_call(&call) != OZ_OK) {
    if (oz_last_error_code() == OZ_ERR_INDEX)
      report_bad_index(index, size, allow_negative, dim, style);
    goto fail;
  }
  oz_tensor_decref(k), oz_tensor_decref(kx);
  return out;
fail:
  oz_tensor_decref(k), oz_tensor_decref(kx), oz_tensor_decref(out);
  return NULL;
}

/* A view with t's geometry over a host copy of t's whole storage (new reference). */
static oz_tensor *host_copy_of_storage(const oz_tensor *t) {
  oz_device d = oz_tensor_device(t);
  if (d.type == OZ_DEVICE_CPU) return oz_alias(t);
  oz_storage *s = oz_storage_new(t->storage->nbytes ? t->storage->nbytes : 1, OZ_CPU);
  if (!s) return NULL;
  int rc = t->storage->nbytes ? oz_device_copy(d.type, d.index, s->data, t->storage->data,
                                                t->storage->nbytes, OZ_COPY_D2H)
                              : OZ_OK;
  oz_tensor *h = rc == OZ_OK ? oz_tensor_over(s, t->offset, t->dtype, t->ndim, t->shape,
                                              t->strides)
                             : NULL;
  oz_storage_decref(s);
  return h;
}

static bool is_16bit(int dtype) { return dtype == OZ_FLOAT16 || dtype == OZ_BFLOAT16; }

/* A float32 copy of a 16-bit tensor's whole storage, viewed with t's geometry (offsets computed
 * for t stay valid in it); other tensors are returned as they are. New reference. */
static oz_tensor *float_copy_of_storage(const oz_tensor *t) {
  if (!is_16bit(t->dtype)) return oz_alias(t);
  int64_t n = (int64_t)(t->storage->nbytes / oz_dtype_size(t->dtype)), one = 1;
  oz_tensor *flat = oz_tensor_over(t->storage, 0, t->dtype, 1, &n, &one);
  oz_tensor *wide = flat ? oz_to_dtype(flat, OZ_FLOAT32, false) : NULL;
  oz_tensor *r = wide ? oz_tensor_over(wide->storage, t->offset, OZ_FLOAT32, t->ndim, t->shape,
                                       t->strides)
                      : NULL;
  oz_tensor_decref(flat), oz_tensor_decref(wide);
  return r;
}

static int run_displaced(int op, const oz_tensor *in0, const oz_tensor *in1, oz_tensor *out,
                         int mode);

/* float16/bfloat16: the kernels move elements to and from places outside the views (offsets), so
 * they run on float32 copies of the whole storages, and out's storage is rounded back whole
 * (its untouched elements round-trip exactly). */
static int run_displaced_16bit(int op, const oz_tensor *in0, const oz_tensor *in1,
                               oz_tensor *out, int mode) {
  oz_tensor *w0 = float_copy_of_storage(in0);
  oz_tensor *wo = w0 ? (out->storage == in0->storage && is_16bit(out->dtype)
                            ? oz_tensor_over(w0->storage, out->offset, OZ_FLOAT32, out->ndim,
                                             out->shape, out->strides)
                            : float_copy_of_storage(out))
                     : NULL;
  int rc = wo ? run_displaced(op, w0, in1, wo, mode) : oz_last_error_code();
  if (rc == OZ_OK && is_16bit(out->dtype)) {
    int64_t n = (int64_t)(out->storage->nbytes / oz_dtype_size(out->dtype)), one = 1;
    oz_tensor *dst = oz_tensor_over(out->storage, 0, out->dtype, 1, &n, &one);
    oz_tensor *src = oz_tensor_over(wo->storage, 0, OZ_FLOAT32, 1, &n, &one);
    rc = dst && src ? oz_copy_(dst, src) : oz_last_error_code();
    oz_tensor_decref(dst), oz_tensor_decref(src);
  }
  oz_tensor_decref(w0), oz_tensor_decref(wo);
  return rc;
}

/* Runs a displaced-access kernel (INDEX_GATHER, INDEX_PUT): in0/in1 read, out written. Those
 * kernels reach memory outside their views' spans (at the offsets), which the dispatcher's
 * fallback for a device without the op cannot stage (it copies each view's span); so for such a
 * device the core stages whole storages itself and runs the CPU kernel on them. */
static int run_displaced(int op, const oz_tensor *in0, const oz_tensor *in1, oz_tensor *out,
                         int mode) {
  oz_call call = oz_call_make(op);
  oz_call_in(&call, in0);
  oz_call_in(&call, in1);
  oz_call_out(&call, out);
  call.ints[0] = mode;
  call.n_ints = op == OZ_OP_INDEX_PUT ? 1 : 0;
  oz_device dev = oz_tensor_device(out);
  if ((is_16bit(in0->dtype) || is_16bit(out->dtype)) && !oz_dispatch_provider(&call))
    return run_displaced_16bit(op, in0, in1, out, mode);
  if (dev.type == OZ_DEVICE_CPU || oz_dispatch_provider(&call)) return oz_dispatch_call(&call);
  oz_tensor *h0 = host_copy_of_storage(in0), *h1 = h0 ? host_copy_of_storage(in1) : NULL;
  oz_tensor *ho = h1 ? host_copy_of_storage(out) : NULL;
  int rc = ho ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK) {
    oz_call host = oz_call_make(op);
    oz_call_in(&host, h0);
    oz_call_in(&host, h1);
    oz_call_out(&host, ho);
    host.ints[0] = mode;
    host.n_ints = call.n_ints;
    rc = oz_dispatch_call(&host);
  }
  if (rc == OZ_OK && out->storage->nbytes)
    rc = oz_device_copy(dev.type, dev.index, out->storage->data, ho->storage->data,
                        out->storage->nbytes, OZ_COPY_H2D);
  oz_tensor_decref(h0), oz_tensor_decref(h1), oz_tensor_decref(ho);
  return rc;
}

int idx_gather(oz_tensor *out, const oz_tensor *src, const oz_tensor *offsets) {
  if (oz_numel(out) == 0) return OZ_OK;
  return run_displaced(OZ_OP_INDEX_GATHER, src, offsets, out, 0);
}

int idx_put(oz_tensor *dst, const oz_tensor *values, const oz_tensor *offsets, int mode) {
  if (oz_numel(values) == 0) return OZ_OK;
  return run_displaced(OZ_OP_INDEX_PUT, values, offsets, dst, mode);
}

/* ---- scalar values ---- */

/* c10's checked_convert names (the C++ type PyTorch converts to). */
const char *idx_ctype_name(int dtype) {
  switch (dtype) {
    case OZ_FLOAT32: return "float";
    case OZ_FLOAT64: return "double";
    case OZ_INT64: return "int64_t";
    case OZ_INT32: return "int";
    case OZ_INT16: return "int16_t";
    case OZ_INT8: return "int8_t";
    case OZ_UINT8: return "uint8_t";
    case OZ_BOOL: return "bool";
    default: return oz_dtype_name(dtype);
  }
}

/* c10::overflows<To, From>: would converting the value to dtype overflow? bool never does
 * (Scalar.to<bool>() is x != 0); an unsigned type accepts negative integers (they wrap). */
static bool overflows(int dtype, bool is_float, double f, int64_t i) {
  static const struct { int dtype; double lo, hi; } limits[] = {
      {OZ_INT64, -9223372036854775808.0, 9223372036854775807.0},
      {OZ_INT32, INT32_MIN, INT32_MAX}, {OZ_INT16, INT16_MIN, INT16_MAX},
      {OZ_INT8, INT8_MIN, INT8_MAX},    {OZ_UINT8, 0, UINT8_MAX},
      {OZ_FLOAT32, -FLT_MAX, FLT_MAX},
  };
  for (size_t k = 0; k < sizeof limits / sizeof limits[0]; k++) {
    if (limits[k].dtype != dtype) continue;
    double lo = limits[k].lo, hi = limits[k].hi;
    if (dtype == OZ_FLOAT32) return is_float && !isinf(f) && !isnan(f) && (f < lo || f > hi);
    if (is_float) return isnan(f) || f < lo || f > hi;
    if (dtype == OZ_INT64) return false;
    if (dtype == OZ_UINT8 && i < 0) return i < -(int64_t)UINT8_MAX;
    return (double)i < lo || (double)i > hi;
  }
  return false; /* float64, bool */
}

int idx_scalar_for(const oz_tensor *value, int dtype, oz_scalar *out) {
  oz_tensor *v = oz_operand_as(value, value->dtype, OZ_CPU);
  if (!v) return oz_last_error_code();
  double f = 0;
  int64_t i = 0;
  int rc = oz_read_element(v, 0, &f, &i);
  bool is_float = oz_dtype_is_floating(v->dtype);
  oz_tensor_decref(v);
  if (rc != OZ_OK) return rc;
  if (overflows(dtype, is_float, f, i))
    return oz_set_error(OZ_ERR_RUNTIME, "value cannot be converted to type %s without overflow",
                        idx_ctype_name(dtype));
  out->f = f;
  out->i = i;
  if (dtype == OZ_BOOL) out->i = is_float ? f != 0 || isnan(f) : i != 0;
  return OZ_OK;
}

oz_tensor *idx_value_tensor(const oz_tensor *value, int dtype, oz_device device) {
  oz_scalar s;
  if (idx_scalar_for(value, dtype, &s) != OZ_OK) return NULL;
  return oz_full(0, NULL, s, dtype, device);
}
