/* creation.c - factories beside the random ones: linspace, logspace, eye, empty_strided, and the
 * out= handling every factory of this family shares (oz_factory_target). */
#include <inttypes.h>
#include <math.h>

#include "core/op_support.h"
#include "core/random_internal.h"

oz_tensor *oz_factory_target(int ndim, const int64_t *shape, int dtype, int default_dtype,
                             oz_device device, oz_tensor *out) {
  if (!out) return oz_empty(ndim, shape, dtype >= 0 ? dtype : default_dtype, device);
  if (dtype >= 0 && dtype != out->dtype) {
    oz_set_error(OZ_ERR_RUNTIME, "dtype %s does not match dtype of out parameter (%s)",
                 oz_dtype_scalar_type_name(dtype), oz_dtype_scalar_type_name(out->dtype));
    return NULL;
  }
  /* out= decides the device, as in torch */
  const bool same = out->ndim == ndim && !memcmp(out->shape, shape, sizeof(int64_t) * (size_t)ndim);
  if ((same ? oz_check_internal_overlap(out) : oz_resize_(out, ndim, shape)) != OZ_OK) return NULL;
  oz_tensor_incref(out);
  return out;
}

/* torch converts linspace/logspace's ends to an integral dtype with a checked cast. */
static int check_fits(oz_scalar v, int dtype) {
  static const struct {
    int dtype;
    double lo, hi; /* inclusive */
    const char *c_name;
  } limits[] = {
      {OZ_INT64, -0x1p63, 0x1p63 - 1024.0, "int64_t"},
      {OZ_INT32, INT32_MIN, INT32_MAX, "int"},
      {OZ_INT16, INT16_MIN, INT16_MAX, "int16_t"},
      {OZ_INT8, INT8_MIN, INT8_MAX, "int8_t"},
      /* c10's check lets negative values wrap into unsigned types: -5 -> 251 */
      {OZ_UINT8, -(double)UINT8_MAX, UINT8_MAX, "uint8_t"},
  };
  /* ...but only integers wrap: -3.5 does not fit uint8 */
  const double lo_scale = dtype == OZ_UINT8 && v.f != (double)v.i ? 0.0 : 1.0;
  for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
    if (limits[i].dtype == dtype &&
        !(trunc(v.f) >= limits[i].lo * lo_scale && trunc(v.f) <= limits[i].hi))
      return oz_set_error(OZ_ERR_RUNTIME, "value cannot be converted to type %s without overflow",
                          limits[i].c_name);
  return OZ_OK;
}

/* linspace and logspace: the same checks, the same n = 0 / 1 / many cases. */
static oz_tensor *spaced(int op, const char *kernel_name, oz_scalar start, oz_scalar end,
                         int64_t steps, const oz_scalar *base, int dtype, oz_device device,
                         oz_tensor *out) {
  if (steps < 0) {
    oz_set_error(OZ_ERR_RUNTIME, "number of steps must be non-negative");
    return NULL;
  }
  const int eff = dtype >= 0 ? dtype : out ? out->dtype : oz_default_dtype();
  if (eff == OZ_BOOL) {
    oz_set_error(OZ_ERR_RUNTIME, "\"%s\" not implemented for 'Bool'", kernel_name);
    return NULL;
  }
  if (check_fits(start, eff) != OZ_OK || check_fits(end, eff) != OZ_OK) return NULL;
  oz_tensor *r = oz_factory_target(1, &steps, dtype, oz_default_dtype(), device, out);
  if (!r) return NULL;
  int rc = OZ_OK;
  if (steps == 1) {
    /* torch fills the single element: start, or base ** start */
    rc = oz_fill_(r, base ? oz_make_scalar_f(pow(base->f, start.f)) : start);
  } else if (steps > 1) {
    oz_call call = oz_call_make(op);
    oz_call_out(&call, r);
    oz_call_scalar(&call, start);
    oz_call_scalar(&call, end);
    if (base) oz_call_scalar(&call, *base);
    rc = oz_dispatch_call(&call);
  }
  if (rc != OZ_OK) {
    oz_tensor_decref(r);
    return NULL;
  }
  if (out) oz_bump_version(out);
  return r;
}

oz_tensor *oz_linspace(oz_scalar start, oz_scalar end, int64_t steps, int dtype, oz_device device,
                       oz_tensor *out) {
  return spaced(OZ_OP_LINSPACE, "linspace_cpu", start, end, steps, NULL, dtype, device, out);
}

oz_tensor *oz_logspace(oz_scalar start, oz_scalar end, int64_t steps, double base, int dtype,
                       oz_device device, oz_tensor *out) {
  const oz_scalar b = oz_make_scalar_f(base);
  return spaced(OZ_OP_LOGSPACE, "logspace_cpu", start, end, steps, &b, dtype, device, out);
}

/* eye needs no kernel of its own: zeros, then ones along a strided view of the diagonal. */
oz_tensor *oz_eye(int64_t n, int64_t m, int dtype, oz_device device, oz_tensor *out) {
  if (n < 0 || m < 0) {
    oz_set_error(OZ_ERR_RUNTIME, "%s must be greater or equal to 0, got %" PRId64,
                 n < 0 ? "n" : "m", n < 0 ? n : m);
    return NULL;
  }
  const int64_t shape[2] = {n, m};
  oz_tensor *r = oz_factory_target(2, shape, dtype, oz_default_dtype(), device, out);
  if (!r) return NULL;
  const int64_t k = n < m ? n : m, stride = r->strides[0] + r->strides[1];
  oz_tensor *diag = NULL;
  int rc = oz_fill_(r, oz_make_scalar_i(0));
  if (rc == OZ_OK && !(diag = oz_as_strided(r, 1, &k, &stride, r->offset)))
    rc = oz_last_error_code();
  if (rc == OZ_OK) rc = oz_fill_(diag, oz_make_scalar_i(1));
  oz_tensor_decref(diag);
  if (rc != OZ_OK) {
    oz_tensor_decref(r);
    return NULL;
  }
  if (out) oz_bump_version(out);
  return r;
}

oz_tensor *oz_empty_strided(int ndim, const int64_t *shape, int n_strides,
                            const int64_t *strides, int dtype, oz_device device) {
  char a[256], b[256];
  if (ndim != n_strides) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "dimensionality of sizes (%d) must match dimensionality of strides (%d)", ndim,
                 n_strides);
    return NULL;
  }
  /* elements the storage needs: 1 + the farthest element's offset, 0 when any size is 0 */
  int64_t extent = 1;
  bool empty = false;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] < 0) {
      oz_set_error(OZ_ERR_RUNTIME, "Trying to create tensor with negative dimension %" PRId64
                   ": %s", shape[d], oz_shape_str(a, sizeof a, ndim, shape));
      return NULL;
    }
    empty |= shape[d] == 0;
  }
  for (int d = 0; d < ndim && !empty; d++) {
    int64_t reach;
    if (strides[d] < 0 || __builtin_mul_overflow(shape[d] - 1, strides[d], &reach) ||
        __builtin_add_overflow(extent, reach, &extent)) {
      oz_set_error(OZ_ERR_RUNTIME,
                   "Storage size calculation overflowed with sizes=%s and strides=%s",
                   oz_shape_str(a, sizeof a, ndim, shape),
                   oz_shape_str(b, sizeof b, ndim, strides));
      return NULL;
    }
  }
  if (empty) extent = 0;
  const size_t es = oz_dtype_size(dtype);
  if (es == 0) {
    oz_set_error(OZ_ERR_RUNTIME, "empty_strided: invalid dtype %d", dtype);
    return NULL;
  }
  if ((uint64_t)extent > SIZE_MAX / es) {
    oz_set_error(OZ_ERR_RUNTIME, "empty_strided: %" PRId64 " elements overflow the address space",
                 extent);
    return NULL;
  }
  oz_storage *s = oz_storage_new((size_t)extent * es, device);
  if (!s) return NULL;
  oz_tensor *t = oz_tensor_over(s, 0, dtype, ndim, shape, strides);
  oz_storage_decref(s);
  return t;
}
