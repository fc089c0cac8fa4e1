/* tensor.c - storage and tensor lifetime, geometry, and views (which share storage). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/oz_dtype.h"
#include "core/oz_error.h"
#include "core/oz_ops.h"
#include "core/oz_tensor.h"
#include "core/op_support.h"
#include "dispatch/oz_dispatch.h"
#include "dispatch/oz_half.h"

static int64_t live_tensors;

/* memcpy of n dims that tolerates n == 0 with NULL pointers (0-d tensors). */
static void copy_dims(int64_t *dst, const int64_t *src, int n) {
  if (n > 0) memcpy(dst, src, sizeof(int64_t) * (size_t)n);
}

/* float -> int64 without undefined behaviour on nan/inf/huge values. */
static int64_t saturate_i64(double x) {
  return isnan(x) ? 0 : x >= 9.2e18 ? INT64_MAX : x <= -9.2e18 ? INT64_MIN : (int64_t)x;
}
int64_t oz_live_tensors(void) { return __atomic_load_n(&live_tensors, __ATOMIC_RELAXED); }


/* ---------------------------------------------------------------- storage */
static void free_host_memory(void *ctx, void *data) {
  (void)ctx;
  oz_host_free(data);
}

static void free_device_memory(void *ctx, void *data) {
  oz_device *dev = ctx;
  oz_device_free(dev->type, dev->index, data);
}

oz_storage *oz_storage_wrap(void *data, size_t nbytes, oz_device device, oz_deleter deleter,
                            void *ctx) {
  oz_storage *s = oz_host_alloc(sizeof *s);
  if (!s) return NULL;
  *s = (oz_storage){1, data, nbytes, device, deleter, ctx, 0};
  return s;
}

oz_storage *oz_storage_new(size_t nbytes, oz_device device) {
  oz_storage *s = oz_host_alloc(sizeof *s);
  if (!s) return NULL;
  void *data = device.type == OZ_DEVICE_CPU ? oz_host_alloc(nbytes)
                                           : oz_device_alloc(device.type, device.index, nbytes);
  if (!data) {
    oz_host_free(s);
    return NULL;
  }
  *s = (oz_storage){1, data, nbytes, device, NULL, NULL, 0};
  if (device.type == OZ_DEVICE_CPU) {
    s->deleter = free_host_memory;
  } else {
    s->deleter = free_device_memory;
    s->deleter_ctx = &s->device;
  }
  return s;
}

void oz_storage_incref(oz_storage *s) { __atomic_add_fetch(&s->refcount, 1, __ATOMIC_RELAXED); }

void oz_storage_decref(oz_storage *s) {
  if (!s || __atomic_sub_fetch(&s->refcount, 1, __ATOMIC_ACQ_REL) != 0) return;
  if (s->deleter) s->deleter(s->deleter_ctx, s->data);
  oz_host_free(s);
}

/* ---------------------------------------------------------------- tensors */
void oz_tensor_incref(oz_tensor *t) { __atomic_add_fetch(&t->refcount, 1, __ATOMIC_RELAXED); }

void oz_tensor_decref(oz_tensor *t) {
  if (!t || __atomic_sub_fetch(&t->refcount, 1, __ATOMIC_ACQ_REL) != 0) return;
  if (t->autograd) oz_autograd_release(t);
  oz_storage_decref(t->storage);
  oz_host_free(t);
  __atomic_sub_fetch(&live_tensors, 1, __ATOMIC_RELAXED);
}

static void contiguous_strides(int ndim, const int64_t *shape, int64_t *strides) {
  int64_t s = 1;
  for (int d = ndim - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d] > 1 ? shape[d] : 1;
  }
}

static int check_geometry(int ndim, const int64_t *shape) {
  if (ndim < 0 || ndim > OZ_MAX_DIMS)
    return oz_set_error(OZ_ERR_RUNTIME, "tensors have at most %d dimensions, got %d", OZ_MAX_DIMS,
                        ndim);
  for (int d = 0; d < ndim; d++)
    if (shape[d] < 0) {
      char buf[256];
      return oz_set_error(OZ_ERR_RUNTIME,
                          "Trying to create tensor with negative dimension %lld: %s",
                          (long long)shape[d], oz_shape_str(buf, sizeof buf, ndim, shape));
    }
  return OZ_OK;
}

/* A fresh tensor struct; the caller fills storage and geometry. */
static oz_tensor *tensor_struct(void) {
  oz_tensor *t = oz_host_alloc(sizeof *t);
  if (!t) return NULL;
  memset(t, 0, sizeof *t);
  t->refcount = 1;
  __atomic_add_fetch(&live_tensors, 1, __ATOMIC_RELAXED);
  return t;
}

oz_tensor *oz_tensor_over(oz_storage *storage, int64_t offset, int dtype, int ndim,
                          const int64_t *shape, const int64_t *strides) {
  if (check_geometry(ndim, shape) != OZ_OK) return NULL;
  if (!oz_dtype_is_valid(dtype)) {
    oz_set_error(OZ_ERR_TYPE, "invalid dtype %d", dtype);
    return NULL;
  }
  /* The geometry must stay inside the storage (overflow-checked: strides come from users). */
  int64_t lo = offset, hi = offset, numel = 1;
  bool overflow = offset < 0;
  for (int d = 0; d < ndim; d++) {
    numel *= shape[d];
    if (shape[d] == 0) continue;
    int64_t reach;
    overflow |= __builtin_mul_overflow(shape[d] - 1, strides[d], &reach);
    overflow |= __builtin_add_overflow(reach < 0 ? lo : hi, reach, reach < 0 ? &lo : &hi);
  }
  size_t es = oz_dtype_size(dtype);
  uint64_t end_bytes = 0;
  overflow |= hi < 0 || __builtin_mul_overflow((uint64_t)hi + 1, (uint64_t)es, &end_bytes);
  if (numel > 0 && (overflow || lo < 0 || end_bytes > storage->nbytes)) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "setStorage: sizes and strides reach elements [%lld, %lld]%s but the storage "
                 "holds %zu bytes (%zu elements of %s)",
                 (long long)lo, (long long)hi, overflow ? " (overflowing)" : "",
                 storage->nbytes, storage->nbytes / es, oz_dtype_name(dtype));
    return NULL;
  }
  oz_tensor *t = tensor_struct();
  if (!t) return NULL;
  oz_storage_incref(storage);
  t->storage = storage;
  t->offset = offset;
  t->dtype = dtype;
  t->ndim = ndim;
  copy_dims(t->shape, shape, ndim);
  copy_dims(t->strides, strides, ndim);
  return t;
}

oz_tensor *oz_empty(int ndim, const int64_t *shape, int dtype, oz_device device) {
  if (check_geometry(ndim, shape) != OZ_OK) return NULL;
  if (!oz_dtype_is_valid(dtype)) {
    oz_set_error(OZ_ERR_TYPE, "invalid dtype %d", dtype);
    return NULL;
  }
  uint64_t nbytes = oz_dtype_size(dtype);
  for (int d = 0; d < ndim; d++)
    if (shape[d] == 0) nbytes = 0;
  for (int d = 0; d < ndim && nbytes; d++)
    if (__builtin_mul_overflow(nbytes, (uint64_t)shape[d], &nbytes)) {
      char buf[256];
      oz_set_error(OZ_ERR_NOMEM, "DefaultCPUAllocator: not enough memory: the size %s of %s "
                   "overflows", oz_shape_str(buf, sizeof buf, ndim, shape), oz_dtype_name(dtype));
      return NULL;
    }
  oz_storage *s = oz_storage_new(nbytes, device);
  if (!s) return NULL;
  int64_t strides[OZ_MAX_DIMS];
  contiguous_strides(ndim, shape, strides);
  oz_tensor *t = tensor_struct();
  if (!t) {
    oz_storage_decref(s);
    return NULL;
  }
  t->storage = s;
  t->dtype = dtype;
  t->ndim = ndim;
  copy_dims(t->shape, shape, ndim);
  copy_dims(t->strides, strides, ndim);
  return t;
}

int64_t oz_numel(const oz_tensor *t) {
  int64_t n = 1;
  for (int d = 0; d < t->ndim; d++) n *= t->shape[d];
  return n;
}

bool oz_is_contiguous(const oz_tensor *t) {
  if (oz_numel(t) == 0) return true;
  int64_t expected = 1;
  for (int d = t->ndim - 1; d >= 0; d--) {
    if (t->shape[d] == 1) continue;
    if (t->strides[d] != expected) return false;
    expected *= t->shape[d];
  }
  return true;
}

void *oz_data_ptr(const oz_tensor *t) {
  return (char *)t->storage->data + t->offset * (int64_t)oz_dtype_size(t->dtype);
}

oz_view oz_tensor_view(const oz_tensor *t) {
  oz_view v;
  memset(&v, 0, sizeof v);
  v.data = oz_data_ptr(t);
  v.dtype = t->dtype;
  v.ndim = t->ndim;
  v.device_type = t->storage->device.type;
  v.device_index = t->storage->device.index;
  copy_dims(v.shape, t->shape, t->ndim);
  copy_dims(v.strides, t->strides, t->ndim);
  return v;
}

int oz_read_element(const oz_tensor *t, int64_t index, double *as_double, int64_t *as_int) {
  if (t->storage->device.type != OZ_DEVICE_CPU)
    return oz_set_error(OZ_ERR_RUNTIME, "reading elements needs a CPU tensor");
  int64_t numel = oz_numel(t);
  if (index < 0 || index >= numel)
    return oz_set_error(OZ_ERR_INDEX, "index %lld is out of bounds for %lld elements",
                        (long long)index, (long long)numel);
  int64_t off = 0;
  for (int d = t->ndim - 1; d >= 0; d--) {
    off += (index % t->shape[d]) * t->strides[d];
    index /= t->shape[d];
  }
  const char *p = (const char *)oz_data_ptr(t) + off * (int64_t)oz_dtype_size(t->dtype);
  double f = 0;
  int64_t i = 0;
  switch (t->dtype) {
    case OZ_FLOAT32: { float x; memcpy(&x, p, 4); f = x; i = saturate_i64(x); break; }
    case OZ_FLOAT64: { double x; memcpy(&x, p, 8); f = x; i = saturate_i64(x); break; }
    case OZ_INT64: { int64_t x; memcpy(&x, p, 8); i = x; f = (double)x; break; }
    case OZ_INT32: { int32_t x; memcpy(&x, p, 4); i = x; f = x; break; }
    case OZ_INT16: { int16_t x; memcpy(&x, p, 2); i = x; f = x; break; }
    case OZ_INT8: { int8_t x; memcpy(&x, p, 1); i = x; f = x; break; }
    case OZ_UINT8: { uint8_t x; memcpy(&x, p, 1); i = x; f = x; break; }
    case OZ_BOOL: { uint8_t x; memcpy(&x, p, 1); i = x != 0; f = (double)i; break; }
    case OZ_FLOAT16: { uint16_t x; memcpy(&x, p, 2); f = oz_half_to_float(x); i = saturate_i64(f); break; }
    case OZ_BFLOAT16: { uint16_t x; memcpy(&x, p, 2); f = oz_bf16_to_float(x); i = saturate_i64(f); break; }
    default: return oz_set_error(OZ_ERR_TYPE, "reading %s elements is not supported",
                                 oz_dtype_name(t->dtype));
  }
  if (as_double) *as_double = f;
  if (as_int) *as_int = i;
  return OZ_OK;
}

int oz_wrap_dim(int64_t dim, int ndim) {
  int64_t n = ndim > 0 ? ndim : 1; /* a 0-d tensor accepts dims -1 and 0 */
  if (dim < -n || dim >= n) {
    oz_set_error(OZ_ERR_INDEX,
                 "Dimension out of range (expected to be in range of [%lld, %lld], but got %lld)",
                 (long long)-n, (long long)(n - 1), (long long)dim);
    return -1;
  }
  return (int)(dim < 0 ? dim + n : dim);
}

oz_device oz_tensor_device(const oz_tensor *t) { return t->storage->device; }

int oz_resize_(oz_tensor *t, int ndim, const int64_t *shape) {
  if (check_geometry(ndim, shape) != OZ_OK) return oz_last_error_code();
  int64_t numel = 1;
  for (int d = 0; d < ndim; d++) numel *= shape[d];
  size_t es = oz_dtype_size(t->dtype);
  if ((uint64_t)(t->offset + numel) * es > t->storage->nbytes) {
    oz_storage *s = oz_storage_new((size_t)numel * es, t->storage->device);
    if (!s) return oz_last_error_code();
    oz_storage_decref(t->storage);
    t->storage = s;
    t->offset = 0;
  }
  t->ndim = ndim;
  copy_dims(t->shape, shape, ndim);
  contiguous_strides(ndim, shape, t->strides);
  return OZ_OK;
}

oz_tensor *oz_empty_like_layout(const oz_tensor *like, int ndim, const int64_t *shape, int dtype,
                                oz_device device) {
  bool same_shape = like && like->ndim == ndim &&
                    !memcmp(like->shape, shape, sizeof(int64_t) * (size_t)ndim);
  if (!same_shape || oz_is_contiguous(like)) return oz_empty(ndim, shape, dtype, device);
  /* Order dims from the largest stride to the smallest (ties keep dim order), then check the
   * tensor is dense in that order. */
  int order[OZ_MAX_DIMS];
  for (int i = 0; i < ndim; i++) order[i] = i;
  for (int i = 1; i < ndim; i++)
    for (int j = i; j > 0 && like->strides[order[j]] > like->strides[order[j - 1]]; j--) {
      int tmp = order[j];
      order[j] = order[j - 1], order[j - 1] = tmp;
    }
  int64_t expected = 1, strides[OZ_MAX_DIMS];
  for (int k = ndim - 1; k >= 0; k--) {
    int d = order[k];
    if (shape[d] != 1 && like->strides[d] != expected) return oz_empty(ndim, shape, dtype, device);
    strides[d] = expected;
    expected *= shape[d];
  }
  oz_tensor *t = oz_empty(ndim, shape, dtype, device);
  if (t) copy_dims(t->strides, strides, ndim);
  return t;
}

/* ---------------------------------------------------------------- views */
oz_tensor *oz_as_strided(const oz_tensor *t, int ndim, const int64_t *shape,
                         const int64_t *strides, int64_t offset) {
  oz_tensor *v = oz_tensor_over(t->storage, offset, t->dtype, ndim, shape, strides);
  return v;
}

oz_tensor *oz_alias(const oz_tensor *t) {
  return oz_as_strided(t, t->ndim, t->shape, t->strides, t->offset);
}

/* Resolves a single -1 in `shape` against numel; torch's errors otherwise. */
static int infer_shape(int64_t numel, int ndim, const int64_t *shape, int64_t *out) {
  int infer = -1;
  int64_t known = 1;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] == -1) {
      if (infer >= 0) return oz_set_error(OZ_ERR_RUNTIME, "only one dimension can be inferred");
      infer = d;
    } else if (shape[d] < 0) {
      return oz_set_error(OZ_ERR_RUNTIME, "invalid shape dimension %lld", (long long)shape[d]);
    } else {
      known *= shape[d];
    }
    out[d] = shape[d];
  }
  if (infer >= 0 && known != 0 && numel % known == 0) {
    out[infer] = numel / known;
  } else if (known != numel || infer >= 0) {
    char buf[256];
    return oz_set_error(OZ_ERR_RUNTIME, "shape '%s' is invalid for input of size %lld",
                        oz_shape_str(buf, sizeof buf, ndim, shape), (long long)numel);
  }
  return OZ_OK;
}

/* Strides that let `shape` view memory laid out as (old_shape, old_strides), or false. Walks the
 * old dims from the innermost out in "chunks" of dims that are contiguous with each other; each
 * chunk must be covered by whole new dims. */
static bool view_strides(int old_ndim, const int64_t *old_shape, const int64_t *old_strides,
                         int ndim, const int64_t *shape, int64_t *strides, int64_t numel) {
  if (numel == 0) {
    contiguous_strides(ndim, shape, strides);
    return true;
  }
  static const int64_t one = 1;
  if (old_ndim == 0) old_ndim = 1, old_shape = &one, old_strides = &one;
  int view_d = ndim - 1;
  int64_t chunk_stride = old_strides[old_ndim - 1];
  int64_t chunk_numel = 1, view_numel = 1;
  for (int d = old_ndim - 1; d >= 0; d--) {
    chunk_numel *= old_shape[d];
    bool chunk_ends = d == 0 || (old_shape[d - 1] != 1 &&
                                 old_strides[d - 1] != chunk_numel * chunk_stride);
    if (!chunk_ends) continue;
    while (view_d >= 0 && (view_numel < chunk_numel || shape[view_d] == 1)) {
      strides[view_d] = view_numel * chunk_stride;
      view_numel *= shape[view_d];
      view_d--;
    }
    if (view_numel != chunk_numel) return false;
    if (d > 0) {
      chunk_stride = old_strides[d - 1];
      chunk_numel = view_numel = 1;
    }
  }
  return view_d == -1;
}

oz_tensor *oz_view_shape(const oz_tensor *t, int ndim, const int64_t *shape) {
  int64_t resolved[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
  if (ndim > OZ_MAX_DIMS) {
    oz_set_error(OZ_ERR_RUNTIME, "tensors have at most %d dimensions, got %d", OZ_MAX_DIMS, ndim);
    return NULL;
  }
  if (infer_shape(oz_numel(t), ndim, shape, resolved) != OZ_OK) return NULL;
  if (!view_strides(t->ndim, t->shape, t->strides, ndim, resolved, strides, oz_numel(t))) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "view size is not compatible with input tensor's size and stride (at least one "
                 "dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
    return NULL;
  }
  return oz_as_strided(t, ndim, resolved, strides, t->offset);
}

oz_tensor *oz_reshape(const oz_tensor *t, int ndim, const int64_t *shape) {
  int64_t resolved[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
  if (ndim > OZ_MAX_DIMS) {
    oz_set_error(OZ_ERR_RUNTIME, "tensors have at most %d dimensions, got %d", OZ_MAX_DIMS, ndim);
    return NULL;
  }
  if (infer_shape(oz_numel(t), ndim, shape, resolved) != OZ_OK) return NULL;
  if (view_strides(t->ndim, t->shape, t->strides, ndim, resolved, strides, oz_numel(t)))
    return oz_as_strided(t, ndim, resolved, strides, t->offset);
  oz_tensor *c = oz_empty(t->ndim, t->shape, t->dtype, oz_tensor_device(t));
  if (c && oz_copy_(c, t) != OZ_OK) oz_tensor_decref(c), c = NULL;
  if (!c) return NULL;
  oz_tensor *v = oz_view_shape(c, ndim, resolved);
  oz_tensor_decref(c);
  return v;
}

oz_tensor *oz_transpose(const oz_tensor *t, int64_t dim0, int64_t dim1) {
  int d0 = oz_wrap_dim(dim0, t->ndim), d1 = d0 < 0 ? -1 : oz_wrap_dim(dim1, t->ndim);
  if (d1 < 0) return NULL;
  if (t->ndim == 0) return oz_alias(t);
  int64_t shape[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
  memcpy(shape, t->shape, sizeof shape);
  memcpy(strides, t->strides, sizeof strides);
  shape[d0] = t->shape[d1], shape[d1] = t->shape[d0];
  strides[d0] = t->strides[d1], strides[d1] = t->strides[d0];
  return oz_as_strided(t, t->ndim, shape, strides, t->offset);
}

oz_tensor *oz_permute(const oz_tensor *t, int ndim, const int64_t *dims) {
  if (ndim != t->ndim) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "permute(sparse_coo): number of dimensions in the tensor input does not match "
                 "the length of the desired ordering of dimensions i.e. input.dim() = %d is not "
                 "equal to len(dims) = %d", t->ndim, ndim);
    return NULL;
  }
  int64_t shape[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
  bool seen[OZ_MAX_DIMS] = {false};
  for (int i = 0; i < ndim; i++) {
    int d = oz_wrap_dim(dims[i], t->ndim);
    if (d < 0) return NULL;
    if (seen[d]) {
      oz_set_error(OZ_ERR_RUNTIME, "permute(): duplicate dims are not allowed.");
      return NULL;
    }
    seen[d] = true;
    shape[i] = t->shape[d];
    strides[i] = t->strides[d];
  }
  return oz_as_strided(t, ndim, shape, strides, t->offset);
}

oz_tensor *oz_expand(const oz_tensor *t, int ndim, const int64_t *shape) {
  if (ndim < t->ndim) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "expand: the number of sizes provided (%d) "
                 "must be greater or equal to the number of dimensions in the tensor (%d)",
                 ndim, t->ndim);
    return NULL;
  }
  if (ndim > OZ_MAX_DIMS) {
    oz_set_error(OZ_ERR_RUNTIME, "tensors have at most %d dimensions, got %d", OZ_MAX_DIMS, ndim);
    return NULL;
  }
  int64_t out_shape[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
  for (int i = ndim - 1; i >= 0; i--) {
    int src = i - (ndim - t->ndim); /* aligned from the right */
    int64_t want = shape[i];
    if (src < 0) {
      if (want < 0) {
        oz_set_error(OZ_ERR_RUNTIME,
                     "The expanded size of the tensor (%lld) isn't allowed in a leading, "
                     "non-existing dimension %d", (long long)want, i);
        return NULL;
      }
      out_shape[i] = want, strides[i] = 0;
    } else if (want == -1 || want == t->shape[src]) {
      out_shape[i] = t->shape[src], strides[i] = t->strides[src];
    } else if (t->shape[src] == 1 && want >= 0) {
      out_shape[i] = want, strides[i] = 0;
    } else {
      char a[256], b[256];
      oz_set_error(OZ_ERR_RUNTIME,
                   "The expanded size of the tensor (%lld) must match the existing size (%lld) "
                   "at non-singleton dimension %d.  Target sizes: %s.  Tensor sizes: %s",
                   (long long)want, (long long)t->shape[src], i,
                   oz_shape_str(a, sizeof a, ndim, shape), oz_shape_str(b, sizeof b, t->ndim, t->shape));
      return NULL;
    }
  }
  return oz_as_strided(t, ndim, out_shape, strides, t->offset);
}

oz_tensor *oz_select(const oz_tensor *t, int64_t dim, int64_t index) {
  if (t->ndim == 0) {
    oz_set_error(OZ_ERR_INDEX, "select() cannot be applied to a 0-dim tensor.");
    return NULL;
  }
  int d = oz_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  int64_t size = t->shape[d];
  if (index < -size || index >= size) {
    char buf[256];
    oz_set_error(OZ_ERR_INDEX, "select(): index %lld out of range for tensor of size %s at "
                 "dimension %d", (long long)index, oz_shape_str(buf, sizeof buf, t->ndim, t->shape), d);
    return NULL;
  }
  if (index < 0) index += size;
  int64_t shape[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
  for (int i = 0, j = 0; i < t->ndim; i++) {
    if (i == d) continue;
    shape[j] = t->shape[i], strides[j] = t->strides[i], j++;
  }
  return oz_as_strided(t, t->ndim - 1, shape, strides, t->offset + index * t->strides[d]);
}

oz_tensor *oz_slice(const oz_tensor *t, int64_t dim, int64_t start, int64_t end, int64_t step) {
  if (t->ndim == 0) {
    oz_set_error(OZ_ERR_INDEX, "slice() cannot be applied to a 0-dim tensor.");
    return NULL;
  }
  if (step <= 0) {
    oz_set_error(OZ_ERR_VALUE, "step must be greater than zero");
    return NULL;
  }
  int d = oz_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  int64_t size = t->shape[d];
  if (start < 0) start += size;
  if (end < 0) end += size;
  start = start < 0 ? 0 : start > size ? size : start;
  end = end < start ? start : end > size ? size : end;
  int64_t shape[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
  memcpy(shape, t->shape, sizeof shape);
  memcpy(strides, t->strides, sizeof strides);
  shape[d] = (end - start + step - 1) / step;
  strides[d] = t->strides[d] * step;
  return oz_as_strided(t, t->ndim, shape, strides, t->offset + start * t->strides[d]);
}

oz_tensor *oz_unsqueeze(const oz_tensor *t, int64_t dim) {
  int d = oz_wrap_dim(dim, t->ndim + 1);
  if (d < 0) return NULL;
  if (t->ndim == OZ_MAX_DIMS) {
    oz_set_error(OZ_ERR_RUNTIME, "tensors have at most %d dimensions", OZ_MAX_DIMS);
    return NULL;
  }
  int64_t shape[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
  for (int i = 0, j = 0; i <= t->ndim; i++) {
    if (i == d) {
      shape[i] = 1;
      strides[i] = d < t->ndim ? t->shape[d] * t->strides[d] : 1;
    } else {
      shape[i] = t->shape[j], strides[i] = t->strides[j], j++;
    }
  }
  return oz_as_strided(t, t->ndim + 1, shape, strides, t->offset);
}

static oz_tensor *squeeze_where(const oz_tensor *t, int only_dim) {
  int64_t shape[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
  int n = 0;
  for (int i = 0; i < t->ndim; i++) {
    bool drop = t->shape[i] == 1 && (only_dim < 0 || only_dim == i);
    if (!drop) shape[n] = t->shape[i], strides[n] = t->strides[i], n++;
  }
  return oz_as_strided(t, n, shape, strides, t->offset);
}

oz_tensor *oz_squeeze(const oz_tensor *t) { return squeeze_where(t, -1); }

oz_tensor *oz_squeeze_dim(const oz_tensor *t, int64_t dim) {
  int d = oz_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  return t->ndim == 0 ? oz_alias(t) : squeeze_where(t, d);
}

oz_tensor *oz_contiguous(const oz_tensor *t) {
  if (oz_is_contiguous(t)) {
    oz_tensor_incref((oz_tensor *)t);
    return (oz_tensor *)t;
  }
  oz_tensor *c = oz_empty(t->ndim, t->shape, t->dtype, t->storage->device);
  if (c && oz_copy_(c, t) != OZ_OK) {
    oz_tensor_decref(c);
    return NULL;
  }
  return c;
}

/* ---------------------------------------------------------------- broadcasting */
int oz_broadcast_shapes(int ndim_a, const int64_t *a, int ndim_b, const int64_t *b,
                        int *out_ndim, int64_t *out) {
  int n = ndim_a > ndim_b ? ndim_a : ndim_b;
  if (n > OZ_MAX_DIMS)
    return oz_set_error(OZ_ERR_RUNTIME, "tensors have at most %d dimensions", OZ_MAX_DIMS);
  for (int i = n - 1; i >= 0; i--) {
    int ia = i - (n - ndim_a), ib = i - (n - ndim_b);
    int64_t sa = ia >= 0 ? a[ia] : 1, sb = ib >= 0 ? b[ib] : 1;
    if (sa != sb && sa != 1 && sb != 1)
      return oz_set_error(OZ_ERR_RUNTIME,
                          "The size of tensor a (%lld) must match the size of tensor b (%lld) at "
                          "non-singleton dimension %d",
                          (long long)sa, (long long)sb, i);
    out[i] = sa == 1 ? sb : sa;
  }
  *out_ndim = n;
  return OZ_OK;
}
