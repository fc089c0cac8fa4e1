/* indexing_ops.c - gathering and scattering along a dim (index_select, gather, scatter,
 * scatter_add, index_add, index_fill), flat indices (take, put), masks (masked_fill,
 * masked_select, nonzero). Each is PyTorch's argument checks, then restrided views of the
 * source/destination plus element offsets from INDEX_OFFSETS, then one INDEX_GATHER or
 * INDEX_PUT (see ops/index.def). Autograd is recorded by the wrappers in index_grad_*.c. */
#include <stdio.h>

#include "core/index_internal.h"
#include "core/oz_autograd.h"

/* ------------------------------------------------------------------ shared pieces */

/* The tensor a "modify a copy of self" op writes into: self (in place, out == self), out with
 * self copied into it, or a clone of self. New reference, or NULL. */
static oz_tensor *start_result(const oz_tensor *self, oz_tensor *out) {
  if (out == self) {
    if (oz_check_internal_overlap(out) != OZ_OK) return NULL;
    oz_tensor_incref(out);
    return out;
  }
  if (!out) return oz_clone(self);
  if (out->dtype != self->dtype) {
    oz_set_error(OZ_ERR_RUNTIME, "Expected out tensor to have dtype %s, but got %s instead",
                 idx_ctype_name(self->dtype), idx_ctype_name(out->dtype));
    return NULL;
  }
  if (oz_check_out(out, false, self->ndim, self->shape, self->dtype, oz_tensor_device(self)) !=
          OZ_OK ||
      oz_copy_(out, self) != OZ_OK)
    return NULL;
  oz_tensor_incref(out);
  return out;
}

/* The geometry of t with dim d set to (size, stride). */
static void with_dim(const oz_tensor *t, int d, int64_t size, int64_t stride, int64_t *shape,
                     int64_t *strides) {
  memcpy(shape, t->shape, sizeof(int64_t) * (size_t)t->ndim);
  memcpy(strides, t->strides, sizeof(int64_t) * (size_t)t->ndim);
  shape[d] = size, strides[d] = stride;
}

/* Offsets of a 1-d (or 0-d) index along dim d, viewed with `shape` (size n at d, stride 0
 * elsewhere) so they line up with a tensor of that shape. */
static oz_tensor *offsets_along(const oz_tensor *offsets, int ndim, const int64_t *shape, int d) {
  int64_t strides[OZ_MAX_DIMS] = {0};
  strides[d] = offsets->ndim ? offsets->strides[0] : 0;
  return oz_as_strided(offsets, ndim, shape, strides, offsets->offset);
}

static int check_index_vector(const char *fname, const oz_tensor *index, bool allow_int32) {
  if (index->ndim > 1) {
    char buf[256];
    return oz_set_error(OZ_ERR_INDEX,
                        "%s(): Index is supposed to be a vector, but got dim: %d with type: %s and "
                        "size: %s",
                        fname, index->ndim, oz_dtype_scalar_type_name(index->dtype),
                        IDX_SHAPE(buf, index));
  }
  if (index->dtype != OZ_INT64 && !(allow_int32 && index->dtype == OZ_INT32))
    return oz_set_error(OZ_ERR_RUNTIME, "%s(): Expected dtype int32/int64 for index but got: %s",
                        fname, oz_dtype_scalar_type_name(index->dtype));
  return OZ_OK;
}

/* ------------------------------------------------------------------ index_select */

oz_tensor *idx_index_select_forward(const oz_tensor *t, int64_t dim, const oz_tensor *index,
                                    oz_tensor *out) {
  int d = oz_wrap_dim(dim, t->ndim);
  if (d < 0 || idx_same_device(t, index) != OZ_OK) return NULL;
  if (index->ndim > 1) {
    oz_set_error(OZ_ERR_INDEX, "index_select(): Index is supposed to be a vector");
    return NULL;
  }
  if (index->dtype != OZ_INT64 && index->dtype != OZ_INT32) {
    oz_set_error(OZ_ERR_RUNTIME, "index_select(): Expected dtype int32 or int64 for index");
    return NULL;
  }
  int64_t n = oz_numel(index);
  if (t->ndim == 0 && n != 1) {
    oz_set_error(OZ_ERR_RUNTIME, "index_select(): Index to scalar can have only 1 value, got %lld "
                 "value(s)", (long long)n);
    return NULL;
  }
  if (out && out->dtype != t->dtype) {
    oz_set_error(OZ_ERR_RUNTIME, "index_select(): self and result must have the same scalar type");
    return NULL;
  }
  oz_tensor *t1 = idx_atleast_1d(t);
  if (!t1) return NULL;
  int64_t shape[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
  with_dim(t1, d, n, 0, shape, strides);
  oz_tensor *result = NULL, *offsets = NULL, *src = NULL, *offs = NULL;
  int ndim = t->ndim; /* a 0-d input gives a 0-d result */
  if (out) {
    if (oz_check_out(out, false, ndim, shape, t->dtype, oz_tensor_device(t)) != OZ_OK ||
        idx_no_overlap(out, t) != OZ_OK || idx_no_overlap(out, index) != OZ_OK)
      goto done;
    oz_tensor_incref(out);
    result = out;
  } else {
    result = oz_empty(ndim, shape, t->dtype, oz_tensor_device(t));
    if (!result) goto done;
  }
  if (n == 0) goto done;
  /* PyTorch's CPU kernels word a bad index differently by path; these are its messages. */
  int style = t->ndim <= 1 ? IDX_ERR_SELF
              : oz_numel(t) == 0 ? IDX_ERR_INDICES
              : d == 0 ? IDX_ERR_SELF : IDX_ERR_INDICES;
  if (oz_numel(t) == 0 && t->ndim > 1 && t1->shape[d] == 0) {
    oz_set_error(OZ_ERR_RUNTIME, "index_select(): self indexing axis dim should be positive");
    goto fail;
  }
  offsets = idx_offsets(index, t1->shape[d], t1->strides[d], false, d, style, NULL);
  src = offsets ? oz_as_strided(t1, t1->ndim, shape, strides, t1->offset) : NULL;
  offs = src ? offsets_along(offsets, t1->ndim, shape, d) : NULL;
  if (!offs) goto fail;
  if (oz_numel(result) > 0) {
    oz_tensor *dst = idx_atleast_1d(result); /* a 0-d result is written through a [1] view */
    int rc = dst ? idx_gather(dst, src, offs) : oz_last_error_code();
    oz_tensor_decref(dst);
    if (rc != OZ_OK) goto fail;
  }
  goto done;
fail:
  oz_tensor_decref(result);
  result = NULL;
done:
  oz_tensor_decref(t1), oz_tensor_decref(offsets), oz_tensor_decref(src), oz_tensor_decref(offs);
  return result;
}

/* ------------------------------------------------------------------ gather */

/* gather's shape check (gather_shape_check): same number of dims, index no larger than self
 * outside dim. */
static int gather_shape_check(const oz_tensor *t, int d, const oz_tensor *index) {
  int nd = idx_nonempty_dim(t->ndim);
  if (nd != idx_nonempty_dim(index->ndim))
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Index tensor must have the same number of dimensions as input tensor");
  for (int i = 0; i < nd; i++)
    if (i != d && idx_nonempty_size(index, i) > idx_nonempty_size(t, i)) {
      char a[256], b[256];
      return oz_set_error(OZ_ERR_RUNTIME,
                          "Size does not match at dimension %d expected index %s to be smaller "
                          "than self %s apart from dimension %d",
                          i, IDX_SHAPE(a, index), IDX_SHAPE(b, t), d);
    }
  return OZ_OK;
}

oz_tensor *idx_gather_forward(const oz_tensor *t, int64_t dim, const oz_tensor *index,
                              oz_tensor *out) {
  int d = oz_wrap_dim(dim, t->ndim);
  if (d < 0 || idx_same_device(t, index) != OZ_OK) return NULL;
  bool empty = oz_numel(index) == 0;
  if (!empty && index->dtype != OZ_INT64) {
    oz_set_error(OZ_ERR_RUNTIME, "gather(): Expected dtype int64 for index");
    return NULL;
  }
  if (!empty && gather_shape_check(t, d, index) != OZ_OK) return NULL;
  if (out && out->dtype != t->dtype) {
    oz_set_error(OZ_ERR_RUNTIME, "gather(): Expected out tensor to have dtype %s, but got %s "
                 "instead", idx_ctype_name(t->dtype), idx_ctype_name(out->dtype));
    return NULL;
  }
  if (out && (oz_check_out(out, false, index->ndim, index->shape, t->dtype,
                           oz_tensor_device(t)) != OZ_OK ||
              idx_no_overlap(out, t) != OZ_OK || idx_no_overlap(out, index) != OZ_OK))
    return NULL;
  oz_tensor *result = out ? out : oz_empty(index->ndim, index->shape, t->dtype, oz_tensor_device(t));
  if (!result) return NULL;
  if (out) oz_tensor_incref(out);
  if (empty) return result;
  /* Work on at-least-1-d views: a 0-d tensor is a vector of one element. */
  oz_tensor *t1 = idx_atleast_1d(t), *i1 = t1 ? idx_atleast_1d(index) : NULL;
  oz_tensor *r1 = i1 ? idx_atleast_1d(result) : NULL, *offsets = NULL, *src = NULL;
  int rc = r1 ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK) {
    int64_t shape[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
    with_dim(t1, d, i1->shape[d], 0, shape, strides);
    memcpy(shape, i1->shape, sizeof(int64_t) * (size_t)i1->ndim);
    offsets = idx_offsets(i1, t1->shape[d], t1->strides[d], false, d, IDX_ERR_BOUNDS_RT, NULL);
    src = offsets ? oz_as_strided(t1, i1->ndim, shape, strides, t1->offset) : NULL;
    rc = src ? idx_gather(r1, src, offsets) : oz_last_error_code();
  }
  oz_tensor_decref(t1), oz_tensor_decref(i1), oz_tensor_decref(r1);
  oz_tensor_decref(offsets), oz_tensor_decref(src);
  if (rc != OZ_OK) oz_tensor_decref(result), result = NULL;
  return result;
}

/* ------------------------------------------------------------------ scatter, scatter_add */

static int scatter_checks(const char *fname, const oz_tensor *self, int d, const oz_tensor *index,
                          const oz_tensor *src) {
  if (oz_numel(index) != 0 && index->dtype != OZ_INT64)
    return oz_set_error(OZ_ERR_RUNTIME, "%s(): Expected dtype int64 for index", fname);
  if (src && src->dtype != self->dtype)
    return oz_set_error(OZ_ERR_RUNTIME, "%s(): Expected self.dtype to be equal to src.dtype", fname);
  if (oz_numel(index) == 0) return OZ_OK;
  int nd = idx_nonempty_dim(self->ndim);
  if (nd != idx_nonempty_dim(index->ndim))
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Index tensor must have the same number of dimensions as self tensor");
  if (src && idx_nonempty_dim(src->ndim) != nd)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Index tensor must have the same number of dimensions as src tensor");
  bool wrong = false;
  for (int i = 0; i < nd && !wrong; i++)
    wrong = (i != d && idx_nonempty_size(index, i) > idx_nonempty_size(self, i)) ||
            (src && idx_nonempty_size(index, i) > idx_nonempty_size(src, i));
  if (!wrong) return OZ_OK;
  char a[256], b[256], c[256];
  if (src)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Expected index %s to be smaller than self %s apart from dimension %d and "
                        "to be smaller size than src %s",
                        IDX_SHAPE(a, index), IDX_SHAPE(b, self), d, IDX_SHAPE(c, src));
  return oz_set_error(OZ_ERR_RUNTIME,
                      "Expected index %s to be smaller than self %s apart from dimension %d",
                      IDX_SHAPE(a, index), IDX_SHAPE(b, self), d);
}

/* result[..., index[i], ...] (op)= values[i] along dim d, for i over index's shape. `values`
 * is src (its leading part of index's shape) or a 0-d value of result's dtype. */
static int scatter_into(oz_tensor *result, int d, const oz_tensor *index, const oz_tensor *values,
                        int mode) {
  if (oz_numel(index) == 0) return OZ_OK;
  oz_tensor *r1 = idx_atleast_1d(result), *i1 = r1 ? idx_atleast_1d(index) : NULL;
  oz_tensor *v1 = i1 ? idx_atleast_1d(values) : NULL, *dst = NULL, *vals = NULL, *offsets = NULL;
  int rc = v1 ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK) {
    int64_t shape[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
    with_dim(r1, d, 0, 0, shape, strides);
    memcpy(shape, i1->shape, sizeof(int64_t) * (size_t)i1->ndim);
    offsets = idx_offsets(i1, r1->shape[d], r1->strides[d], false, d, IDX_ERR_BOUNDS_RT, NULL);
    dst = offsets ? oz_as_strided(r1, i1->ndim, shape, strides, r1->offset) : NULL;
    if (dst && values->ndim == 0) /* a value: broadcast */
      vals = oz_expand(v1, i1->ndim, shape);
    else if (dst)
      vals = oz_as_strided(v1, i1->ndim, shape, v1->strides, v1->offset);
    rc = vals ? idx_put(dst, vals, offsets, mode) : oz_last_error_code();
  }
  oz_tensor_decref(r1), oz_tensor_decref(i1), oz_tensor_decref(v1);
  oz_tensor_decref(dst), oz_tensor_decref(vals), oz_tensor_decref(offsets);
  return rc;
}

oz_tensor *idx_scatter_forward(const char *fname, const oz_tensor *self, int64_t dim,
                               const oz_tensor *index, const oz_tensor *src,
                               const oz_tensor *value, int reduce, oz_tensor *out) {
  int d = oz_wrap_dim(dim, self->ndim);
  if (d < 0 || idx_same_device(self, index) != OZ_OK || idx_same_device(self, src) != OZ_OK ||
      scatter_checks(fname, self, d, index, src) != OZ_OK)
    return NULL;
  if (!src && !value) {
    oz_set_error(OZ_ERR_RUNTIME, "%s(): needs src or value", fname);
    return NULL;
  }
  oz_tensor *result = start_result(self, out), *v = NULL;
  if (!result) return NULL;
  int rc = idx_no_overlap(result, index);
  if (rc == OZ_OK && src) rc = idx_no_overlap(result, src);
  if (rc == OZ_OK && !src) {
    v = idx_value_tensor(value, self->dtype, oz_tensor_device(self));
    rc = v ? OZ_OK : oz_last_error_code();
  }
  if (rc == OZ_OK) rc = scatter_into(result, d, index, src ? src : v, reduce);
  oz_tensor_decref(v);
  if (rc != OZ_OK) oz_tensor_decref(result), result = NULL;
  return result;
}

/* ------------------------------------------------------------------ index_add, index_fill */

/* result[..., index[i], ...] (op)= values[..., i, ...] along d: values has result's shape except
 * at d, where it has index's length (or is a 0-d value, broadcast). */
static int put_along(oz_tensor *result, int d, const oz_tensor *index, const oz_tensor *values,
                     int mode, bool allow_negative, int style) {
  int64_t n = oz_numel(index);
  if (n == 0) return OZ_OK;
  oz_tensor *r1 = idx_atleast_1d(result), *dst = NULL, *vals = NULL, *offsets = NULL, *offs = NULL;
  int rc = r1 ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK) {
    int64_t shape[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
    with_dim(r1, d, n, 0, shape, strides);
    offsets = idx_offsets(index, r1->shape[d], r1->strides[d], allow_negative, d, style, NULL);
    offs = offsets ? offsets_along(offsets, r1->ndim, shape, d) : NULL;
    dst = offs ? oz_as_strided(r1, r1->ndim, shape, strides, r1->offset) : NULL;
    vals = dst ? oz_reshape(values, values->ndim ? r1->ndim : 0, shape) : NULL;
    oz_tensor *vx = vals ? oz_expand(vals, r1->ndim, shape) : NULL;
    rc = vx ? idx_put(dst, vx, offs, mode) : oz_last_error_code();
    oz_tensor_decref(vx);
  }
  oz_tensor_decref(r1), oz_tensor_decref(dst), oz_tensor_decref(vals);
  oz_tensor_decref(offsets), oz_tensor_decref(offs);
  return rc;
}

oz_tensor *idx_index_add_forward(const oz_tensor *self, int64_t dim, const oz_tensor *index,
                                 const oz_tensor *source, const oz_tensor *alpha,
                                 oz_tensor *out) {
  int d = oz_wrap_dim(dim, self->ndim);
  if (d < 0 || idx_same_device(self, index) != OZ_OK || idx_same_device(self, source) != OZ_OK ||
      check_index_vector("index_add_", index, true) != OZ_OK)
    return NULL;
  if (self->dtype != source->dtype) {
    oz_set_error(OZ_ERR_RUNTIME, "index_add_(): self (%s) and source (%s) must have the same scalar "
                 "type", oz_dtype_scalar_type_name(self->dtype),
                 oz_dtype_scalar_type_name(source->dtype));
    return NULL;
  }
  if (!(d == 0 || d < source->ndim)) {
    oz_set_error(OZ_ERR_RUNTIME, "index_add_(): Indexing dim %d is out of bounds of the source "
                 "tensor with dim %d", d, source->ndim);
    return NULL;
  }
  int64_t n = oz_numel(index), source_len = source->ndim ? source->shape[d] : 1;
  if (n != source_len) {
    oz_set_error(OZ_ERR_RUNTIME, "index_add_(): Number of indices (%lld) should be equal to "
                 "source.size(dim): (%lld), for dim: %d", (long long)n, (long long)source_len, d);
    return NULL;
  }
  /* source must be self's shape but for dim d (PyTorch adds slice by slice and fails there). */
  int sdim = idx_nonempty_dim(source->ndim), tdim = idx_nonempty_dim(self->ndim);
  for (int i = 0; i < tdim && self->ndim > 1; i++) {
    int64_t a = idx_nonempty_size(self, i), b = i < sdim ? idx_nonempty_size(source, i) : 1;
    if (i != d && (a != b || sdim != tdim)) {
      oz_set_error(OZ_ERR_RUNTIME, "The size of tensor a (%lld) must match the size of tensor b "
                   "(%lld) at non-singleton dimension %d", (long long)a, (long long)b, i);
      return NULL;
    }
  }
  if (self->ndim <= 1 && source->ndim > 1) {
    oz_set_error(OZ_ERR_RUNTIME, "source.dim() (%d) must one or zero for given self.dim() (%d)",
                 source->ndim, self->ndim);
    return NULL;
  }
  oz_tensor *result = start_result(self, out), *scaled = NULL;
  if (!result) return NULL;
  int rc = idx_no_overlap(result, index);
  if (rc == OZ_OK) rc = idx_no_overlap(result, source);
  const oz_tensor *values = source;
  if (rc == OZ_OK && alpha) { /* alpha * source, alpha converted to the dtype first */
    oz_scalar a;
    rc = idx_scalar_for(alpha, self->dtype, &a);
    bool one = rc == OZ_OK && (oz_dtype_is_floating(self->dtype) ? a.f == 1.0 : a.i == 1);
    if (rc == OZ_OK && !one) {
      oz_tensor *k = oz_full(0, NULL, a, self->dtype, oz_tensor_device(self));
      bool grad = oz_grad_enabled();
      oz_set_grad_enabled(false);
      scaled = k ? oz_mul(source, k, NULL) : NULL;
      oz_set_grad_enabled(grad);
      oz_tensor_decref(k);
      rc = scaled ? OZ_OK : oz_last_error_code();
      values = scaled;
    }
  }
  if (rc == OZ_OK) rc = put_along(result, d, index, values, OZ_SCATTER_ADD, false, IDX_ERR_SELF);
  oz_tensor_decref(scaled);
  if (rc != OZ_OK) oz_tensor_decref(result), result = NULL;
  return result;
}

oz_tensor *idx_index_fill_forward(const oz_tensor *self, int64_t dim, const oz_tensor *index,
                                  const oz_tensor *value, oz_tensor *out) {
  if (index->dtype != OZ_INT64) {
    oz_set_error(OZ_ERR_INDEX, "index_fill_(): Expected dtype int64 for index.");
    return NULL;
  }
  if (value->ndim != 0) {
    oz_set_error(OZ_ERR_RUNTIME, "index_fill_ only supports a 0-dimensional value tensor, but got "
                 "tensor with %d dimension(s).", value->ndim);
    return NULL;
  }
  int d = oz_wrap_dim(dim, self->ndim);
  if (d < 0 || idx_same_device(self, index) != OZ_OK) return NULL;
  if (index->ndim > 1) {
    oz_set_error(OZ_ERR_RUNTIME, "Index has to be a vector/scalar");
    return NULL;
  }
  oz_tensor *result = start_result(self, out), *v = NULL;
  if (!result) return NULL;
  int rc = idx_no_overlap(result, index);
  if (rc == OZ_OK) {
    v = idx_value_tensor(value, self->dtype, oz_tensor_device(self));
    rc = v ? put_along(result, d, index, v, OZ_SCATTER_ASSIGN, true, IDX_ERR_BOUNDS)
           : oz_last_error_code();
  }
  oz_tensor_decref(v);
  if (rc != OZ_OK) oz_tensor_decref(result), result = NULL;
  return result;
}

/* ------------------------------------------------------------------ take, put */

oz_tensor *idx_take_forward(const oz_tensor *t, const oz_tensor *index, oz_tensor *out) {
  if (index->dtype != OZ_INT64) {
    oz_set_error(OZ_ERR_RUNTIME, "take(): Expected a long tensor for index, but got %s",
                 oz_dtype_scalar_type_name(index->dtype));
    return NULL;
  }
  if (out && out->dtype != t->dtype) {
    oz_set_error(OZ_ERR_RUNTIME, "take(): self and out expected to have the same dtype, but got "
                 "self.dtype = %s and out.dtype = %s", oz_dtype_scalar_type_name(t->dtype),
                 oz_dtype_scalar_type_name(out->dtype));
    return NULL;
  }
  if (idx_same_device(t, index) != OZ_OK) return NULL;
  int64_t numel = oz_numel(t);
  if (numel == 0 && oz_numel(index) != 0) {
    oz_set_error(OZ_ERR_INDEX, "take(): tried to take from an empty tensor");
    return NULL;
  }
  if (out && (oz_check_out(out, false, index->ndim, index->shape, t->dtype,
                           oz_tensor_device(t)) != OZ_OK ||
              idx_no_overlap(out, t) != OZ_OK || idx_no_overlap(out, index) != OZ_OK))
    return NULL;
  oz_tensor *result = out ? out : oz_empty(index->ndim, index->shape, t->dtype, oz_tensor_device(t));
  if (!result) return NULL;
  if (out) oz_tensor_incref(out);
  if (oz_numel(index) == 0) return result;
  /* Flat indices count t's elements in row-major order: a flat view (or copy) of t. */
  oz_tensor *flat = oz_reshape(t, 1, &numel), *offsets = NULL, *src = NULL;
  int rc = flat ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK) {
    offsets = idx_offsets(index, numel, flat->strides[0], true, 0, IDX_ERR_TAKE, NULL);
    src = offsets ? oz_as_strided(flat, index->ndim, index->shape, (int64_t[OZ_MAX_DIMS]){0},
                                  flat->offset)
                  : NULL;
    rc = src ? idx_gather(result, src, offsets) : oz_last_error_code();
  }
  oz_tensor_decref(flat), oz_tensor_decref(offsets), oz_tensor_decref(src);
  if (rc != OZ_OK) oz_tensor_decref(result), result = NULL;
  return result;
}

oz_tensor *idx_put_forward(const oz_tensor *self, const oz_tensor *index, const oz_tensor *source,
                           bool accumulate, oz_tensor *out) {
  if (index->dtype != OZ_INT64) {
    oz_set_error(OZ_ERR_RUNTIME, "put_(): Expected a long tensor for index, but got %s",
                 oz_dtype_scalar_type_name(index->dtype));
    return NULL;
  }
  if (self->dtype != source->dtype) {
    oz_set_error(OZ_ERR_RUNTIME, "put_(): self and source expected to have the same dtype, but got "
                 "self.dtype = %s and source.dtype = %s", oz_dtype_scalar_type_name(self->dtype),
                 oz_dtype_scalar_type_name(source->dtype));
    return NULL;
  }
  if (idx_same_device(self, index) != OZ_OK || idx_same_device(self, source) != OZ_OK) return NULL;
  int64_t n = oz_numel(index), numel = oz_numel(self);
  if (oz_numel(source) != n) {
    oz_set_error(OZ_ERR_INDEX, "put_(): Expected source and index to have the same number of "
                 "elements, but got source.numel() = %lld, index.numel() = %lld",
                 (long long)oz_numel(source), (long long)n);
    return NULL;
  }
  if (numel == 0 && n != 0) {
    oz_set_error(OZ_ERR_INDEX, "put_(): Tried to put elements into an empty tensor");
    return NULL;
  }
  oz_tensor *result = start_result(self, out);
  if (!result) return NULL;
  int rc = idx_no_overlap(result, index);
  if (rc == OZ_OK) rc = idx_no_overlap(result, source);
  if (rc != OZ_OK || n == 0) goto done;
  /* Flat indices count in row-major order: write into result directly when it is contiguous,
   * else into a contiguous copy that is copied back. */
  oz_tensor *work = oz_is_contiguous(result) ? oz_alias(result) : oz_contiguous(result);
  oz_tensor *offsets = work ? idx_offsets(index, numel, 1, true, 0, IDX_ERR_TAKE, NULL) : NULL;
  oz_tensor *vals = offsets ? oz_reshape(source, index->ndim, index->shape) : NULL;
  oz_tensor *dst = vals ? oz_as_strided(work, index->ndim, index->shape,
                                        (int64_t[OZ_MAX_DIMS]){0}, work->offset)
                        : NULL;
  rc = dst ? idx_put(dst, vals, offsets, accumulate ? OZ_SCATTER_ADD : OZ_SCATTER_ASSIGN)
           : oz_last_error_code();
  if (rc == OZ_OK && work->storage != result->storage) rc = oz_copy_(result, work);
  oz_tensor_decref(work), oz_tensor_decref(offsets), oz_tensor_decref(vals), oz_tensor_decref(dst);
done:
  if (rc != OZ_OK) oz_tensor_decref(result), result = NULL;
  return result;
}

/* ------------------------------------------------------------------ masks */

static int check_mask(const char *what, const oz_tensor *mask) {
  if (mask->dtype == OZ_BOOL || mask->dtype == OZ_UINT8) return OZ_OK;
  if (what[0] == 's') /* masked_select */
    return oz_set_error(OZ_ERR_RUNTIME, "masked_select: expected BoolTensor or ByteTensor for mask");
  return oz_set_error(OZ_ERR_RUNTIME, "masked_fill_ only supports boolean masks, but got mask with "
                      "dtype %s", oz_dtype_name(mask->dtype));
}

oz_tensor *idx_masked_fill_forward(const oz_tensor *self, const oz_tensor *mask,
                                   const oz_tensor *value, oz_tensor *out) {
  if (check_mask("fill", mask) != OZ_OK || idx_same_device(self, mask) != OZ_OK) return NULL;
  if (value->ndim != 0) {
    oz_set_error(OZ_ERR_RUNTIME, "masked_fill_ only supports a 0-dimensional value tensor, but got "
                 "tensor with %d dimension(s).", value->ndim);
    return NULL;
  }
  oz_scalar v;
  if (idx_scalar_for(value, self->dtype, &v) != OZ_OK) return NULL;
  int ndim;
  int64_t shape[OZ_MAX_DIMS];
  if (oz_broadcast_shapes(self->ndim, self->shape, mask->ndim, mask->shape, &ndim, shape) != OZ_OK)
    return NULL;
  oz_device device = oz_tensor_device(self);
  oz_tensor *result;
  if (out) { /* in place: the mask broadcasts to self */
    if (oz_check_out(out, true, ndim, shape, self->dtype, device) != OZ_OK) return NULL;
    oz_tensor_incref(out);
    result = out;
  } else {
    result = oz_empty(ndim, shape, self->dtype, device);
    if (!result) return NULL;
  }
  oz_tensor *m = mask->dtype == OZ_BOOL ? oz_alias(mask) : oz_to_dtype(mask, OZ_BOOL, false);
  oz_tensor *mx = m ? oz_expand(m, ndim, shape) : NULL;
  oz_tensor *sx = mx ? oz_expand(self, ndim, shape) : NULL;
  int rc = sx ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK && oz_numel(result) > 0) {
    oz_call call = oz_call_make(OZ_OP_MASKED_FILL);
    oz_call_in(&call, sx);
    oz_call_in(&call, mx);
    oz_call_out(&call, result);
    oz_call_scalar(&call, v);
    rc = oz_dispatch_call(&call);
  }
  oz_tensor_decref(m), oz_tensor_decref(mx), oz_tensor_decref(sx);
  if (rc != OZ_OK) oz_tensor_decref(result), result = NULL;
  return result;
}

oz_tensor *idx_masked_select_forward(const oz_tensor *self, const oz_tensor *mask, oz_tensor *out) {
  if (check_mask("select", mask) != OZ_OK || idx_same_device(self, mask) != OZ_OK) return NULL;
  if (out && out->dtype != self->dtype) {
    oz_set_error(OZ_ERR_RUNTIME, "masked_select(): self and result must have the same scalar type");
    return NULL;
  }
  int ndim;
  int64_t shape[OZ_MAX_DIMS];
  if (oz_broadcast_shapes(self->ndim, self->shape, mask->ndim, mask->shape, &ndim, shape) != OZ_OK)
    return NULL;
  /* self (broadcast) indexed by the (broadcast) mask: advanced indexing does the rest. A 0-d
   * pair is indexed as vectors of one element. */
  int nd = ndim ? ndim : 1;
  if (!ndim) shape[0] = 1;
  oz_tensor *sx = oz_expand(self, nd, shape), *mx = sx ? oz_expand(mask, nd, shape) : NULL;
  oz_tensor *result = NULL;
  if (mx) {
    const oz_tensor *ix[1] = {mx};
    result = idx_index_forward(sx, 1, ix);
  }
  oz_tensor_decref(sx), oz_tensor_decref(mx);
  if (result && out) {
    if (oz_check_out(out, false, result->ndim, result->shape, self->dtype,
                     oz_tensor_device(self)) != OZ_OK)
      oz_tensor_decref(result), result = NULL;
    else
      result = oz_finish_out(result, out);
  }
  return result;
}

/* ------------------------------------------------------------------ nonzero */

/* How many elements of t are nonzero (NaN counts). */
static int count_nonzero(const oz_tensor *t, int64_t *count) {
  oz_tensor *zero = oz_wrapped_scalar(0, 0, OZ_INT64);
  bool grad = oz_grad_enabled();
  oz_set_grad_enabled(false);
  oz_tensor *ne = zero ? oz_compare(OZ_OP_NE, t, zero, NULL) : NULL;
  oz_tensor *sum = ne ? oz_sum(ne, NULL, 0, false, OZ_INT64, NULL) : NULL;
  oz_set_grad_enabled(grad);
  oz_tensor *host = sum ? oz_operand_as(sum, OZ_INT64, OZ_CPU) : NULL;
  int rc = host ? oz_read_element(host, 0, NULL, count) : oz_last_error_code();
  oz_tensor_decref(zero), oz_tensor_decref(ne), oz_tensor_decref(sum), oz_tensor_decref(host);
  return rc;
}

oz_tensor *oz_nonzero(const oz_tensor *t, oz_tensor *out) {
  if (out && out->dtype != OZ_INT64) {
    oz_set_error(OZ_ERR_RUNTIME, "nonzero(): Expected out tensor to have scalar type Long but got "
                 "scalar type %s", oz_dtype_scalar_type_name(out->dtype));
    return NULL;
  }
  int64_t n;
  if (count_nonzero(t, &n) != OZ_OK) return NULL;
  const int64_t shape[2] = {n, t->ndim};
  oz_device device = oz_tensor_device(t);
  if (out && oz_check_out(out, false, 2, shape, OZ_INT64, device) != OZ_OK) return NULL;
  oz_tensor *result = oz_empty(2, shape, OZ_INT64, device);
  if (!result) return NULL;
  oz_call call = oz_call_make(OZ_OP_NONZERO);
  oz_call_in(&call, t);
  oz_call_out(&call, result);
  if (n > 0 && t->ndim > 0 && oz_dispatch_call(&call) != OZ_OK) {
    oz_tensor_decref(result);
    return NULL;
  }
  return oz_finish_out(result, out);
}

oz_tensor **oz_nonzero_tuple(const oz_tensor *t, int64_t *n_out) {
  oz_tensor *t1 = idx_atleast_1d(t);
  oz_tensor *nz = t1 ? oz_nonzero(t1, NULL) : NULL;
  oz_tensor **parts = NULL;
  if (nz) parts = oz_host_alloc(sizeof(oz_tensor *) * (size_t)t1->ndim);
  int k = 0;
  for (; parts && k < t1->ndim; k++)
    if (!(parts[k] = oz_select(nz, 1, k))) break;
  if (parts && k < t1->ndim) oz_tensor_list_free(parts, k), parts = NULL;
  if (parts) *n_out = t1->ndim;
  oz_tensor_decref(t1), oz_tensor_decref(nz);
  return parts;
}
