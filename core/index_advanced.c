/* index_advanced.c - advanced indexing as PyTorch does it (at::index, index_put_, and the
 * Python subscript's applySlicing):
 *  1. basic items (ints, slices, None, ..., Python bools) make a view and say which of its dims
 *     the tensor items index;
 *  2. bool/uint8 masks become their nonzero() index vectors; all index tensors broadcast;
 *  3. when the indexed dims are not adjacent they move to the front (numpy's rule for where the
 *     result dims go);
 *  4. the indices become element offsets (INDEX_OFFSETS, bounds-checked, negative ones wrapped)
 *     and one INDEX_GATHER / INDEX_PUT reads or writes a "restrided" view of the source: the
 *     result's shape with stride 0 over the indexed dims. */
#include <stdio.h>

#include "core/index_internal.h"
#include "core/oz_autograd.h"
#include "core/oz_views_grad.h"

typedef struct adv_index {
  oz_tensor *self;               /* self, permuted when the indexed dims were not adjacent */
  oz_tensor *idx[OZ_MAX_DIMS];   /* per dim of self: int64 index expanded to repl, or NULL */
  int before, n_indexed;         /* dims before the indexed ones; indexed dims */
  int repl_ndim, res_ndim;
  int64_t repl[OZ_MAX_DIMS];     /* the broadcast index shape */
  int64_t res_shape[OZ_MAX_DIMS];
  int64_t offset_strides[OZ_MAX_DIMS]; /* offsets' strides over the result's dims */
  oz_tensor *offsets;            /* int64 element offsets, repl's shape (NULL when empty) */
} adv_index;

static void adv_free(adv_index *a) {
  oz_tensor_decref(a->self);
  for (int i = 0; i < OZ_MAX_DIMS; i++) oz_tensor_decref(a->idx[i]);
  oz_tensor_decref(a->offsets);
  memset(a, 0, sizeof *a);
}

static int too_many(const oz_tensor *self, int n) {
  return oz_set_error(OZ_ERR_INDEX, "too many indices for tensor of dimension %d (got %d)",
                      self->ndim, n);
}

static int check_index_types(int n, const oz_tensor *const *indices) {
  for (int i = 0; i < n; i++) {
    const oz_tensor *t = indices[i];
    if (t && t->dtype != OZ_INT64 && t->dtype != OZ_BOOL && t->dtype != OZ_UINT8)
      return oz_set_error(OZ_ERR_INDEX, "tensors used as indices must be long, byte or bool tensors");
  }
  return OZ_OK;
}

/* expandTensors: masks become one index vector per mask dim (checked against self's sizes);
 * indices move to self's device. ex[] gets new references, *n_ex their count. */
static int expand_masks(const oz_tensor *self, int n, const oz_tensor *const *indices,
                        oz_tensor **ex, int *n_ex) {
  oz_device device = oz_tensor_device(self);
  int m = 0;
  for (int i = 0; i < n; i++) {
    const oz_tensor *t = indices[i];
    if (!t) {
      if (m >= OZ_MAX_DIMS) return too_many(self, n);
      ex[m++] = NULL;
      continue;
    }
    if (t->dtype == OZ_INT64) {
      if (m >= OZ_MAX_DIMS) return too_many(self, n);
      if (!(ex[m++] = oz_operand_as(t, OZ_INT64, device))) return oz_last_error_code();
      continue;
    }
    for (int j = 0; j < t->ndim; j++) {
      int src = m + j;
      if (src >= self->ndim)
        return oz_set_error(OZ_ERR_INDEX, "too many indices for tensor of dimension %d", self->ndim);
      if (t->shape[j] != self->shape[src]) {
        char a[256], b[256];
        return oz_set_error(OZ_ERR_INDEX,
                            "The shape of the mask %s at index %d does not match the shape of the "
                            "indexed tensor %s at index %d",
                            IDX_SHAPE(a, t), j, IDX_SHAPE(b, self), src);
      }
    }
    oz_tensor *mask = oz_operand_as(t, t->dtype, device);
    oz_tensor *nz = mask ? oz_nonzero(mask, NULL) : NULL;
    oz_tensor_decref(mask);
    if (!nz) return oz_last_error_code();
    for (int j = 0; j < t->ndim; j++)
      if (!(ex[m++] = oz_select(nz, 1, j))) {
        oz_tensor_decref(nz);
        return oz_last_error_code();
      }
    oz_tensor_decref(nz);
  }
  *n_ex = m;
  return OZ_OK;
}

/* Broadcasts the non-NULL indices together (IndexError listing their shapes otherwise). */
static int broadcast_indices(oz_tensor **ex, int n, int *ndim, int64_t *shape) {
  bool first = true;
  for (int i = 0; i < n; i++) {
    if (!ex[i]) continue;
    if (first) {
      *ndim = ex[i]->ndim;
      memcpy(shape, ex[i]->shape, sizeof(int64_t) * (size_t)ex[i]->ndim);
      first = false;
    } else if (oz_broadcast_shapes(*ndim, shape, ex[i]->ndim, ex[i]->shape, ndim, shape) != OZ_OK) {
      char msg[1024];
      size_t used = 0;
      for (int k = 0; k < n && used < sizeof msg; k++)
        if (ex[k]) {
          char buf[256];
          used += (size_t)snprintf(msg + used, sizeof msg - used, "%s%s", used ? ", " : "",
                                   IDX_SHAPE(buf, ex[k]));
        }
      return oz_set_error(OZ_ERR_INDEX, "shape mismatch: indexing tensors could not be broadcast "
                          "together with shapes %s", msg);
    }
  }
  for (int i = 0; i < n; i++) {
    if (!ex[i]) continue;
    oz_tensor *e = oz_expand(ex[i], *ndim, shape);
    oz_tensor_decref(ex[i]);
    if (!(ex[i] = e)) return oz_last_error_code();
  }
  return OZ_OK;
}

/* make_info + AdvancedIndex: everything but the final kernel. */
static int adv_prepare(const oz_tensor *self, int n, const oz_tensor *const *indices,
                       adv_index *a) {
  memset(a, 0, sizeof *a);
  if (n > self->ndim) return too_many(self, n);
  if (check_index_types(n, indices) != OZ_OK) return oz_last_error_code();
  oz_tensor *ex[OZ_MAX_DIMS] = {NULL};
  int m = 0;
  int rc = expand_masks(self, n, indices, ex, &m);
  if (rc == OZ_OK) rc = broadcast_indices(ex, m, &a->repl_ndim, a->repl);
  if (rc != OZ_OK) {
    for (int i = 0; i < OZ_MAX_DIMS; i++) oz_tensor_decref(ex[i]);
    return rc;
  }
  /* Indexed dims not adjacent: they go first (self permuted alike). */
  int first = -1, last = -1, count = 0;
  for (int i = 0; i < m; i++)
    if (ex[i]) last = i, first = first < 0 ? i : first, count++;
  int64_t perm[OZ_MAX_DIMS];
  int k = 0;
  bool adjacent = count == 0 || last - first + 1 == count;
  for (int i = 0; i < self->ndim; i++) perm[i] = i;
  if (!adjacent) {
    for (int i = 0; i < m; i++)
      if (ex[i]) perm[k++] = i;
    for (int i = 0; i < self->ndim; i++)
      if (i >= m || !ex[i]) perm[k++] = i;
  }
  a->self = oz_permute(self, self->ndim, perm);
  for (int i = 0; i < self->ndim; i++) a->idx[i] = i < m ? ex[perm[i]] : NULL;
  if (!a->self) return oz_last_error_code();
  /* before / indexed / after, the result's shape and the zero-size check. */
  const oz_tensor *s = a->self;
  a->before = 0;
  while (a->before < s->ndim && !a->idx[a->before]) a->before++;
  a->n_indexed = count;
  int after = s->ndim - a->before - count;
  a->res_ndim = a->before + a->repl_ndim + after;
  if (a->res_ndim > OZ_MAX_DIMS) {
    adv_free(a);
    return oz_set_error(OZ_ERR_RUNTIME, "tensors have at most %d dimensions", OZ_MAX_DIMS);
  }
  int64_t repl_numel = 1;
  for (int i = 0; i < a->repl_ndim; i++) repl_numel *= a->repl[i];
  for (int i = a->before; i < a->before + count; i++)
    if (s->shape[i] == 0 && repl_numel != 0) {
      adv_free(a);
      return oz_set_error(OZ_ERR_INDEX, "index is out of bounds for dimension with size 0");
    }
  int r = 0;
  for (int i = 0; i < a->before; i++) a->res_shape[r++] = s->shape[i];
  for (int i = 0; i < a->repl_ndim; i++) a->res_shape[r++] = a->repl[i];
  for (int i = a->before + count; i < s->ndim; i++) a->res_shape[r++] = s->shape[i];
  if (repl_numel == 0) return OZ_OK;
  /* Offsets: the indexed dims' index * stride, summed; the j-th indexed dim is "dimension j" in
   * the out-of-bounds message, as in PyTorch's kernel. */
  for (int j = 0; j < count; j++) {
    int d = a->before + j;
    oz_tensor *acc = oz_expand(a->idx[d], a->repl_ndim, a->repl);
    oz_tensor *next = acc ? idx_offsets(acc, s->shape[d], s->strides[d], true, j, IDX_ERR_BOUNDS,
                                        a->offsets)
                          : NULL;
    oz_tensor_decref(acc);
    oz_tensor_decref(a->offsets);
    a->offsets = next;
    if (!next) {
      adv_free(a);
      return oz_last_error_code();
    }
  }
  for (int i = 0; i < a->res_ndim; i++) a->offset_strides[i] = 0;
  for (int i = 0; i < a->repl_ndim; i++) a->offset_strides[a->before + i] = a->offsets->strides[i];
  return OZ_OK;
}

/* The restrided view of t (a->self or a view alike) over the result's shape. */
static oz_tensor *adv_restrided(const adv_index *a, const oz_tensor *t) {
  int64_t strides[OZ_MAX_DIMS];
  int r = 0;
  for (int i = 0; i < a->before; i++) strides[r++] = t->strides[i];
  for (int i = 0; i < a->repl_ndim; i++) strides[r++] = 0;
  for (int i = a->before + a->n_indexed; i < t->ndim; i++) strides[r++] = t->strides[i];
  return oz_as_strided(t, a->res_ndim, a->res_shape, strides, t->offset);
}

static oz_tensor *adv_offsets_view(const adv_index *a) {
  return oz_as_strided(a->offsets, a->res_ndim, a->res_shape, a->offset_strides,
                       a->offsets->offset);
}

oz_tensor *idx_index_forward(const oz_tensor *self, int n, const oz_tensor *const *indices) {
  adv_index a;
  if (adv_prepare(self, n, indices, &a) != OZ_OK) return NULL;
  oz_tensor *result = oz_empty(a.res_ndim, a.res_shape, self->dtype, oz_tensor_device(self));
  if (result && a.offsets && oz_numel(result) > 0) {
    oz_tensor *src = adv_restrided(&a, a.self), *offs = src ? adv_offsets_view(&a) : NULL;
    int rc = offs ? idx_gather(result, src, offs) : oz_last_error_code();
    oz_tensor_decref(src), oz_tensor_decref(offs);
    if (rc != OZ_OK) oz_tensor_decref(result), result = NULL;
  }
  adv_free(&a);
  return result;
}

/* index_put_ with one mask and a one-element value is masked_fill_ in PyTorch (which accepts a
 * value of any dtype). Returns 1 when it applied (rc in *rc), 0 when it does not. */
static int put_as_masked_fill(oz_tensor *result, int n, const oz_tensor *const *indices,
                              const oz_tensor *values, int *rc) {
  if (oz_numel(values) != 1 || oz_tensor_device(values).type != OZ_DEVICE_CPU) return 0;
  const oz_tensor *mask = NULL;
  int num_ind = 0;
  for (int i = 0; i < n; i++) {
    const oz_tensor *t = indices[i];
    if (!t) {
      num_ind++;
      continue;
    }
    if ((t->dtype != OZ_BOOL && t->dtype != OZ_UINT8) || mask ||
        !oz_same_device(oz_tensor_device(t), oz_tensor_device(result)))
      return 0;
    mask = t;
    for (int j = 0; j < t->ndim; j++) {
      int src = num_ind + j;
      if (src >= result->ndim || t->shape[j] != result->shape[src]) {
        char a[256], b[256];
        *rc = src >= result->ndim
                  ? oz_set_error(OZ_ERR_INDEX, "too many indices for tensor of dimension %d",
                                 result->ndim)
                  : oz_set_error(OZ_ERR_INDEX,
                                 "The shape of the mask %s at index %d does not match the shape "
                                 "of the indexed tensor %s at index %d",
                                 IDX_SHAPE(a, t), j, IDX_SHAPE(b, result), src);
        return 1;
      }
    }
    num_ind += t->ndim;
  }
  if (!mask) return 0;
  /* The mask's dims sit at [num_ind - mask dims, ...): trailing size-1 dims line it up. */
  int64_t shape[OZ_MAX_DIMS];
  int nd = mask->ndim;
  memcpy(shape, mask->shape, sizeof(int64_t) * (size_t)nd);
  for (int i = num_ind; i < result->ndim && nd < OZ_MAX_DIMS; i++) shape[nd++] = 1;
  oz_tensor *m = oz_reshape(mask, nd, shape), *v = m ? oz_reshape(values, 0, NULL) : NULL;
  oz_tensor *r = v ? idx_masked_fill_forward(result, m, v, result) : NULL;
  *rc = r ? OZ_OK : oz_last_error_code();
  oz_tensor_decref(m), oz_tensor_decref(v), oz_tensor_decref(r);
  return 1;
}

int idx_index_put_into(oz_tensor *result, int n, const oz_tensor *const *indices,
                       const oz_tensor *values, bool accumulate) {
  if (n > result->ndim) return too_many(result, n);
  int rc;
  if (!accumulate && put_as_masked_fill(result, n, indices, values, &rc)) return rc;
  if (oz_check_internal_overlap(result) != OZ_OK) return oz_last_error_code();
  oz_tensor *v = NULL;
  if (oz_numel(values) == 1 && values->ndim == 0 &&
      !oz_same_device(oz_tensor_device(values), oz_tensor_device(result)))
    v = oz_operand_as(values, values->dtype, oz_tensor_device(result));
  else
    v = oz_alias(values);
  if (!v) return oz_last_error_code();
  const oz_tensor *ins[2] = {result, v};
  oz_device dev;
  rc = oz_common_device(ins, 2, &dev);
  for (int i = 0; rc == OZ_OK && i < n; i++) rc = idx_no_overlap(result, indices[i]);
  if (rc == OZ_OK) rc = idx_no_overlap(result, v);
  adv_index a;
  memset(&a, 0, sizeof a);
  if (rc == OZ_OK) rc = adv_prepare(result, n, indices, &a);
  if (rc == OZ_OK) {
    int nd;
    int64_t shape[OZ_MAX_DIMS];
    bool fits = oz_broadcast_shapes(v->ndim, v->shape, a.res_ndim, a.res_shape, &nd, shape) ==
                    OZ_OK &&
                nd == a.res_ndim && !memcmp(shape, a.res_shape, sizeof(int64_t) * (size_t)nd);
    oz_clear_error();
    if (!fits) {
      char s1[256], s2[256];
      rc = oz_set_error(OZ_ERR_RUNTIME, "shape mismatch: value tensor of shape %s cannot be "
                        "broadcast to indexing result of shape %s", IDX_SHAPE(s1, v),
                        oz_shape_str(s2, sizeof s2, a.res_ndim, a.res_shape));
    } else if (v->dtype != result->dtype) {
      rc = oz_set_error(OZ_ERR_RUNTIME, "Index put requires the source and destination dtypes "
                        "match, got %s for the destination and %s for the source.",
                        oz_dtype_scalar_type_name(result->dtype),
                        oz_dtype_scalar_type_name(v->dtype));
    }
  }
  if (rc == OZ_OK && a.offsets) {
    oz_tensor *dst = adv_restrided(&a, a.self), *offs = dst ? adv_offsets_view(&a) : NULL;
    oz_tensor *vx = offs ? oz_expand(v, a.res_ndim, a.res_shape) : NULL;
    rc = vx ? idx_put(dst, vx, offs, accumulate ? OZ_SCATTER_ADD : OZ_SCATTER_ASSIGN)
            : oz_last_error_code();
    oz_tensor_decref(dst), oz_tensor_decref(offs), oz_tensor_decref(vx);
  }
  adv_free(&a);
  oz_tensor_decref(v);
  return rc;
}

oz_tensor *idx_index_put_forward(const oz_tensor *self, int n, const oz_tensor *const *indices,
                                 const oz_tensor *values, bool accumulate, oz_tensor *out) {
  oz_tensor *result;
  if (out == self) {
    oz_tensor_incref(out);
    result = out;
  } else if (out) {
    if (oz_check_out(out, false, self->ndim, self->shape, self->dtype, oz_tensor_device(self)) !=
            OZ_OK ||
        oz_copy_(out, self) != OZ_OK)
      return NULL;
    oz_tensor_incref(out);
    result = out;
  } else {
    result = oz_clone(self);
  }
  if (result && idx_index_put_into(result, n, indices, values, accumulate) != OZ_OK)
    oz_tensor_decref(result), result = NULL;
  return result;
}

/* ------------------------------------------------------------------ Python subscripts */

/* The tensor items count their dims (a mask all of its dims), ints and slices one each. */
static int specified_dims(int n, const oz_index_item *items) {
  int count = 0;
  for (int i = 0; i < n; i++) {
    const oz_index_item *it = &items[i];
    if (it->kind == OZ_INDEX_TENSOR)
      count += (it->tensor->dtype == OZ_BOOL || it->tensor->dtype == OZ_UINT8) ? it->tensor->ndim : 1;
    else if (it->kind == OZ_INDEX_INT || it->kind == OZ_INDEX_SLICE)
      count++;
  }
  return count;
}

/* Python's slice.indices() for a dim of `size`, step > 0 (PyTorch refuses the others). */
static void adjust_slice(int64_t size, int64_t *start, int64_t *stop, int64_t step) {
  if (*start < 0) *start = *start + size < 0 ? 0 : *start + size;
  else if (*start > size) *start = size;
  if (*stop < 0) *stop = *stop + size < 0 ? 0 : *stop + size;
  else if (*stop > size) *stop = size;
  if (*stop < *start) *stop = *start;
  (void)step;
}

/* A Python bool as an index: a new size-1 dim indexed by [0] (True) or [] (False). */
static oz_tensor *bool_index(bool value, oz_device device) {
  int64_t n = value ? 1 : 0;
  return oz_full(1, &n, oz_make_scalar_i(0), OZ_INT64, device);
}

/* applySlicing: the view after the basic items, and the tensor items at the view's dims
 * (indices[0 .. *n_indices), NULL where none; new references). */
static oz_tensor *apply_slicing(const oz_tensor *self, int n, const oz_index_item *items,
                                oz_tensor **indices, int *n_indices) {
  int specified = specified_dims(n, items);
  *n_indices = 0;
  if (specified > self->ndim) {
    oz_set_error(OZ_ERR_INDEX, "too many indices for tensor of dimension %d", self->ndim);
    return NULL;
  }
  oz_device device = oz_tensor_device(self);
  oz_tensor *result = (oz_tensor *)self;
  oz_tensor_incref(result);
  int64_t dim = 0;
  /* Records a tensor index at `dim` and moves past it. */
#define RECORD(t)                                                                                \
  do {                                                                                           \
    if (dim >= 64 || dim >= OZ_MAX_DIMS * 8) {                                                   \
      oz_set_error(OZ_ERR_INDEX, "too many indices for tensor of dimension %d", self->ndim);     \
      goto fail;                                                                                 \
    }                                                                                            \
    while (*n_indices < dim) indices[(*n_indices)++] = NULL;                                     \
    indices[(*n_indices)++] = (t);                                                               \
    dim++;                                                                                       \
  } while (0)
  for (int i = 0; i < n; i++) {
    const oz_index_item *it = &items[i];
    oz_tensor *next = NULL;
    switch (it->kind) {
      case OZ_INDEX_ELLIPSIS:
        dim += self->ndim - specified;
        continue;
      case OZ_INDEX_NONE:
        next = oz_ad_unsqueeze(result, dim);
        dim++;
        break;
      case OZ_INDEX_BOOL: {
        next = oz_ad_unsqueeze(result, dim);
        oz_tensor *b = next ? bool_index(it->i != 0, device) : NULL;
        if (!b) {
          oz_tensor_decref(next);
          goto fail;
        }
        RECORD(b);
        break;
      }
      case OZ_INDEX_SLICE: {
        if (it->step <= 0) {
          oz_set_error(OZ_ERR_VALUE, "step must be greater than zero");
          goto fail;
        }
        /* (several `...` can push dim past the view's dims: torch sees size 0 there) */
        int64_t start = it->start, stop = it->stop;
        int64_t size = dim < result->ndim ? result->shape[dim] : 0;
        adjust_slice(size, &start, &stop, it->step);
        if (start == 0 && stop == size && it->step == 1) { /* `:` keeps the dim as it is */
          dim++;
          continue;
        }
        next = oz_ad_slice(result, dim, start, stop, it->step);
        dim++;
        break;
      }
      case OZ_INDEX_INT:
      case OZ_INDEX_TENSOR: {
        const oz_tensor *t = it->tensor;
        int64_t index = it->i;
        if (it->kind == OZ_INDEX_TENSOR && t->ndim == 0 && oz_dtype_is_integral(t->dtype, true)) {
          oz_scalar s;
          if (idx_scalar_for(t, OZ_INT64, &s) != OZ_OK) goto fail;
          if (t->dtype == OZ_BOOL || t->dtype == OZ_UINT8) { /* a 0-d mask: like a Python bool */
            next = oz_ad_unsqueeze(result, dim);
            oz_tensor *b = next ? bool_index(s.i != 0, device) : NULL;
            if (!b) {
              oz_tensor_decref(next);
              goto fail;
            }
            RECORD(b);
            break;
          }
          index = s.i; /* a 0-d integer tensor selects like an int */
        } else if (it->kind == OZ_INDEX_TENSOR) {
          oz_tensor *ref = (oz_tensor *)t;
          oz_tensor_incref(ref);
          RECORD(ref);
          continue;
        }
        int64_t size = dim < result->ndim ? result->shape[dim] : 0;
        if (index < -size || index >= size) {
          oz_set_error(OZ_ERR_INDEX, "index %lld is out of bounds for dimension %d with size %lld",
                       (long long)index, i, (long long)size);
          goto fail;
        }
        next = oz_ad_select(result, dim, index);
        break;
      }
      default:
        oz_set_error(OZ_ERR_RUNTIME, "invalid index item kind %d", it->kind);
        goto fail;
    }
    if (!next) goto fail;
    oz_tensor_decref(result);
    result = next;
  }
#undef RECORD
  return result;
fail:
  for (int i = 0; i < *n_indices; i++) oz_tensor_decref(indices[i]);
  *n_indices = 0;
  oz_tensor_decref(result);
  return NULL;
}

#define MAX_RECORDED 64

oz_tensor *oz_index_items(const oz_tensor *self, int n, const oz_index_item *items) {
  oz_tensor *indices[MAX_RECORDED];
  int n_indices;
  oz_tensor *sliced = apply_slicing(self, n, items, indices, &n_indices);
  if (!sliced) return NULL;
  oz_tensor *result;
  if (n_indices == 0) {
    /* basic indexing: a view, and a new one even for x[...] */
    result = sliced == self ? oz_ad_alias(self) : sliced;
    if (sliced == self) oz_tensor_decref(sliced);
    return result;
  }
  result = oz_index(sliced, n_indices, (const oz_tensor *const *)indices);
  for (int i = 0; i < n_indices; i++) oz_tensor_decref(indices[i]);
  oz_tensor_decref(sliced);
  return result;
}

int oz_index_items_put(oz_tensor *self, int n, const oz_index_item *items, const oz_tensor *value,
                       bool accumulate) {
  /* A Python number takes self's dtype (checked for overflow as PyTorch's Scalar is). */
  oz_tensor *v = (oz_tensor *)value; /* itself, so its autograd history is kept */
  if (value->is_wrapped_number)
    v = idx_value_tensor(value, self->dtype, oz_tensor_device(self));
  else
    oz_tensor_incref(v);
  if (!v) return oz_last_error_code();
  /* numpy's rule: leading size-1 dims of the value are dropped (a recorded view). */
  int lead = 0;
  while (lead < v->ndim && v->shape[lead] == 1) lead++;
  oz_tensor *vs = v;
  if (lead) {
    vs = oz_ad_view(v, v->ndim - lead, v->shape + lead);
    oz_tensor_decref(v);
  }
  if (!vs) return oz_last_error_code();
  oz_tensor *indices[MAX_RECORDED];
  int n_indices, rc = OZ_OK;
  oz_tensor *sliced = apply_slicing(self, n, items, indices, &n_indices);
  if (!sliced) {
    rc = oz_last_error_code();
  } else if (n_indices == 0) {
    /* copy_to: the value must expand to the view (torch's expand error otherwise) */
    oz_tensor *ex = oz_expand(vs, sliced->ndim, sliced->shape);
    if (!ex) {
      rc = oz_last_error_code();
    } else if (accumulate) {
      oz_tensor *r = oz_add(sliced, vs, oz_make_scalar_i(1), sliced);
      rc = r ? OZ_OK : oz_last_error_code();
      oz_tensor_decref(r);
    } else {
      rc = oz_ad_copy_(sliced, vs);
    }
    oz_tensor_decref(ex);
  } else {
    oz_tensor *r = oz_index_put(sliced, n_indices, (const oz_tensor *const *)indices, vs,
                                accumulate, sliced);
    rc = r ? OZ_OK : oz_last_error_code();
    oz_tensor_decref(r);
  }
  for (int i = 0; i < n_indices; i++) oz_tensor_decref(indices[i]);
  oz_tensor_decref(sliced), oz_tensor_decref(vs);
  return rc;
}
