/* shape_ops.c - joining, splitting and rearranging: cat, stack (copies into slices of the
 * result through COPY), split, chunk, unbind, unflatten, movedim (views), repeat, flip, roll
 * (COPY from rearranged views), tril/triu (the TRIL/TRIU kernels). Autograd is recorded by the
 * wrappers in index_grad_shape.c. */
#include <stdio.h>
#include <stdlib.h>

#include "core/index_internal.h"

void oz_tensor_list_free(oz_tensor **list, int64_t n) {
  if (!list) return;
  for (int64_t i = 0; i < n; i++) oz_tensor_decref(list[i]);
  oz_host_free(list);
}

/* A zeroed array of n tensor pointers (n may be 0). */
static oz_tensor **tensor_list(int64_t n) {
  size_t bytes = (size_t)(n > 0 ? n : 1) * sizeof(oz_tensor *);
  oz_tensor **list = oz_host_alloc(bytes);
  if (list) memset(list, 0, bytes);
  return list;
}

/* maybe_wrap_dim without a 0-d tensor's dims -1/0: IndexError as PyTorch words it. */
static int wrap_dim_of_dims(int64_t dim, int ndim) {
  if (ndim == 0) {
    oz_set_error(OZ_ERR_INDEX, "Dimension specified as %lld but tensor has no dimensions",
                 (long long)dim);
    return -1;
  }
  return oz_wrap_dim(dim, ndim);
}

/* ------------------------------------------------------------------ cat, stack */

/* PyTorch's legacy rule: a 1-d tensor with no elements is left out of cat's shape checks. */
static bool cat_skipped(const oz_tensor *t) { return t->ndim == 1 && t->shape[0] == 0; }

oz_tensor *idx_cat_forward(int64_t n, const oz_tensor *const *ts, int64_t dim, oz_tensor *out,
                           const char *fname) {
  if (n == 0) {
    oz_set_error(OZ_ERR_RUNTIME, "%s(): expected a non-empty list of Tensors", fname);
    return NULL;
  }
  oz_result_type_state rt;
  oz_result_type_init(&rt);
  const oz_tensor *ref = NULL;
  for (int64_t i = 0; i < n; i++) {
    if (ts[i]->ndim == 0) {
      oz_set_error(OZ_ERR_RUNTIME,
                   "zero-dimensional tensor (at position %lld) cannot be concatenated",
                   (long long)i);
      return NULL;
    }
    oz_result_type_add(&rt, ts[i]->dtype, 2);
    if (!ref && !cat_skipped(ts[i])) ref = ts[i];
    if (i > 0 && idx_same_device(ts[0], ts[i]) != OZ_OK) return NULL;
  }
  int dtype = oz_result_type_get(&rt);
  int ndim = 1, d = 0;
  int64_t shape[OZ_MAX_DIMS] = {0};
  if (ref) { /* else every input is a skipped empty vector: the result is one too */
    ndim = ref->ndim;
    d = oz_wrap_dim(dim, ndim);
    if (d < 0) return NULL;
    memcpy(shape, ref->shape, sizeof shape);
    shape[d] = 0;
    for (int64_t i = 0; i < n; i++) {
      const oz_tensor *t = ts[i];
      if (cat_skipped(t)) continue;
      if (t->ndim != ndim) {
        oz_set_error(OZ_ERR_RUNTIME,
                     "Tensors must have same number of dimensions: got %d and %d", ndim, t->ndim);
        return NULL;
      }
      for (int k = 0; k < ndim; k++)
        if (k != d && t->shape[k] != ref->shape[k]) {
          oz_set_error(OZ_ERR_RUNTIME,
                       "Sizes of tensors must match except in dimension %d. Expected size %lld "
                       "but got size %lld for tensor number %lld in the list.",
                       d, (long long)ref->shape[k], (long long)t->shape[k], (long long)i);
          return NULL;
        }
      shape[d] += t->shape[d];
    }
  }
  oz_device device = oz_tensor_device(ts[0]);
  oz_tensor *result;
  if (out) {
    if (!oz_can_cast(dtype, out->dtype)) {
      oz_set_error(OZ_ERR_RUNTIME, "%s(): input types can't be cast to the desired output type %s",
                   fname, oz_dtype_scalar_type_name(out->dtype));
      return NULL;
    }
    if (oz_check_out(out, false, ndim, shape, out->dtype, device) != OZ_OK) return NULL;
    for (int64_t i = 0; i < n; i++)
      if (idx_no_overlap(out, ts[i]) != OZ_OK) return NULL;
    oz_tensor_incref(out);
    result = out;
  } else {
    result = oz_empty(ndim, shape, dtype, device);
    if (!result) return NULL;
  }
  /* Each input is copied (and cast) into its slice of the result. */
  int64_t at = 0;
  for (int64_t i = 0; ref && i < n; i++) {
    if (cat_skipped(ts[i])) continue;
    int64_t len = ts[i]->shape[d];
    oz_tensor *slot = oz_slice(result, d, at, at + len, 1);
    int rc = slot ? oz_copy_(slot, ts[i]) : oz_last_error_code();
    oz_tensor_decref(slot);
    if (rc != OZ_OK) {
      oz_tensor_decref(result);
      return NULL;
    }
    at += len;
  }
  return result;
}

oz_tensor *idx_stack_forward(int64_t n, const oz_tensor *const *ts, int64_t dim, oz_tensor *out) {
  if (n == 0) {
    oz_set_error(OZ_ERR_RUNTIME, "stack expects a non-empty TensorList");
    return NULL;
  }
  for (int64_t i = 1; i < n; i++)
    if (ts[i]->ndim != ts[0]->ndim ||
        memcmp(ts[i]->shape, ts[0]->shape, sizeof(int64_t) * (size_t)ts[0]->ndim)) {
      char a[256], b[256];
      oz_set_error(OZ_ERR_RUNTIME,
                   "stack expects each tensor to be equal size, but got %s at entry 0 and %s at "
                   "entry %lld",
                   IDX_SHAPE(a, ts[0]), IDX_SHAPE(b, ts[i]), (long long)i);
      return NULL;
    }
  int d = oz_wrap_dim(dim, ts[0]->ndim + 1);
  if (d < 0) return NULL;
  /* stack = cat of the inputs with a size-1 dim inserted at d. */
  oz_tensor **views = tensor_list(n);
  oz_tensor *result = NULL;
  if (!views) return NULL;
  int64_t made = 0;
  for (; made < n; made++)
    if (!(views[made] = oz_unsqueeze(ts[made], d))) break;
  if (made == n) result = idx_cat_forward(n, (const oz_tensor *const *)views, d, out, "stack");
  oz_tensor_list_free(views, made);
  return result;
}

/* ------------------------------------------------------------------ split, chunk, unbind */

/* Narrow views of t along d: parts of the given lengths, one after another. */
static oz_tensor **narrow_parts(const oz_tensor *t, int d, int64_t n, const int64_t *lengths,
                                int64_t step, int64_t last) {
  oz_tensor **parts = tensor_list(n);
  if (!parts) return NULL;
  int64_t at = 0;
  for (int64_t i = 0; i < n; i++) {
    int64_t len = lengths ? lengths[i] : i < n - 1 ? step : last;
    parts[i] = oz_slice(t, d, at, at + len, 1);
    if (!parts[i]) {
      oz_tensor_list_free(parts, i);
      return NULL;
    }
    at += len;
  }
  return parts;
}

oz_tensor **idx_split_forward(const oz_tensor *t, int64_t split_size, int64_t dim,
                              int64_t *n_out) {
  if (t->ndim == 0) {
    oz_set_error(OZ_ERR_RUNTIME, "split expects at least a 1-dimensional tensor");
    return NULL;
  }
  if (split_size < 0) {
    oz_set_error(OZ_ERR_RUNTIME, "split expects split_size be non-negative, but got split_size=%lld",
                 (long long)split_size);
    return NULL;
  }
  int d = oz_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  int64_t size = t->shape[d];
  if (split_size == 0 && size != 0) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "split_size can only be 0 if dimension size is 0, but got dimension size of %lld",
                 (long long)size);
    return NULL;
  }
  /* At least one part, even when split_size > size (PyTorch keeps that for compatibility). */
  int64_t n = split_size == 0 ? 1 : (size + split_size - 1) / split_size;
  if (n < 1) n = 1;
  int64_t last = split_size - (split_size * n - size);
  oz_tensor **parts = narrow_parts(t, d, n, NULL, split_size, last);
  if (parts) *n_out = n;
  return parts;
}

oz_tensor **idx_split_sizes_forward(const oz_tensor *t, int64_t n_sizes, const int64_t *sizes,
                                    int64_t dim, int64_t *n_out) {
  if (t->ndim == 0) {
    oz_set_error(OZ_ERR_RUNTIME, "split expects at least a 1-dimensional tensor");
    return NULL;
  }
  int d = oz_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  int64_t sum = 0;
  bool negative = false;
  for (int64_t i = 0; i < n_sizes; i++) sum += sizes[i], negative |= sizes[i] < 0;
  if (negative || sum != t->shape[d]) {
    char buf[512];
    size_t used = (size_t)snprintf(buf, sizeof buf, "[");
    for (int64_t i = 0; i < n_sizes && used < sizeof buf; i++)
      used += (size_t)snprintf(buf + used, sizeof buf - used, i ? ", %lld" : "%lld",
                               (long long)sizes[i]);
    if (used < sizeof buf) snprintf(buf + used, sizeof buf - used, "]");
    if (negative)
      oz_set_error(OZ_ERR_RUNTIME,
                   "split_with_sizes expects split_sizes have only non-negative entries, but got "
                   "split_sizes=%s", buf);
    else
      oz_set_error(OZ_ERR_RUNTIME,
                   "split_with_sizes expects split_sizes to sum exactly to %lld (input tensor's "
                   "size at dimension %d), but got split_sizes=%s",
                   (long long)t->shape[d], d, buf);
    return NULL;
  }
  oz_tensor **parts = narrow_parts(t, d, n_sizes, sizes, 0, 0);
  if (parts) *n_out = n_sizes;
  return parts;
}

oz_tensor **idx_chunk_forward(const oz_tensor *t, int64_t chunks, int64_t dim, int64_t *n_out,
                              bool *with_sizes) {
  *with_sizes = false;
  if (t->ndim == 0) {
    oz_set_error(OZ_ERR_RUNTIME, "chunk expects at least a 1-dimensional tensor");
    return NULL;
  }
  if (chunks <= 0) {
    oz_set_error(OZ_ERR_RUNTIME, "chunk expects `chunks` to be greater than 0, got: %lld",
                 (long long)chunks);
    return NULL;
  }
  int d = oz_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  int64_t size = t->shape[d], split_size = (size + chunks - 1) / chunks;
  if (split_size == 0 && size == 0) {
    /* An empty dim still gives `chunks` (empty) parts. */
    oz_tensor **parts = narrow_parts(t, d, chunks, NULL, 0, 0);
    if (parts) *n_out = chunks, *with_sizes = true;
    return parts;
  }
  return idx_split_forward(t, split_size, d, n_out);
}

oz_tensor **idx_unbind_forward(const oz_tensor *t, int64_t dim, int64_t *n_out) {
  int d = wrap_dim_of_dims(dim, t->ndim);
  if (d < 0) return NULL;
  int64_t n = t->shape[d];
  oz_tensor **parts = tensor_list(n);
  if (!parts) return NULL;
  for (int64_t i = 0; i < n; i++)
    if (!(parts[i] = oz_select(t, d, i))) {
      oz_tensor_list_free(parts, i);
      return NULL;
    }
  *n_out = n;
  return parts;
}

/* ------------------------------------------------------------------ unflatten, movedim */

oz_tensor *idx_unflatten_forward(const oz_tensor *t, int64_t dim, int n_sizes,
                                 const int64_t *sizes) {
  int d = wrap_dim_of_dims(dim, t->ndim);
  if (d < 0) return NULL;
  if (n_sizes <= 0) {
    oz_set_error(OZ_ERR_RUNTIME, "unflatten: sizes must be non-empty");
    return NULL;
  }
  if (n_sizes > OZ_MAX_DIMS || t->ndim - 1 + n_sizes > OZ_MAX_DIMS) {
    oz_set_error(OZ_ERR_RUNTIME, "tensors have at most %d dimensions", OZ_MAX_DIMS);
    return NULL;
  }
  int64_t prod = 1, infer = -1;
  for (int i = 0; i < n_sizes; i++) {
    if (sizes[i] == -1) {
      if (infer >= 0) {
        oz_set_error(OZ_ERR_RUNTIME, "unflatten got an unexpected error:\nonly one dimension can be "
                     "inferred");
        return NULL;
      }
      infer = i;
    } else {
      prod *= sizes[i];
    }
  }
  int64_t resolved[OZ_MAX_DIMS];
  memcpy(resolved, sizes, sizeof(int64_t) * (size_t)n_sizes);
  int64_t size = t->shape[d];
  if (infer >= 0 && prod != 0 && size % prod == 0) resolved[infer] = size / prod;
  if ((infer >= 0 && (prod == 0 || size % prod != 0)) || (infer < 0 && prod != size)) {
    char buf[256];
    oz_set_error(OZ_ERR_RUNTIME,
                 "unflatten: Provided sizes %s don't multiply up to the size of dim %d (%lld) in "
                 "the input tensor",
                 oz_shape_str(buf, sizeof buf, n_sizes, sizes), d, (long long)size);
    return NULL;
  }
  int64_t shape[OZ_MAX_DIMS];
  int nd = 0;
  for (int i = 0; i < d; i++) shape[nd++] = t->shape[i];
  for (int i = 0; i < n_sizes; i++) shape[nd++] = resolved[i];
  for (int i = d + 1; i < t->ndim; i++) shape[nd++] = t->shape[i];
  return oz_view_shape(t, nd, shape);
}

int idx_movedim_perm(const oz_tensor *t, int n, const int64_t *source,
                     const int64_t *destination, int64_t *perm) {
  enum { MAX_LIST = 64 };
  const int nd = t->ndim;
  int src[MAX_LIST], dst[MAX_LIST];
  if (n > MAX_LIST) return oz_set_error(OZ_ERR_RUNTIME, "movedim: too many dims (%d)", n);
  for (int i = 0; i < n; i++)
    if ((src[i] = oz_wrap_dim(source[i], nd)) < 0) return oz_last_error_code();
  for (int i = 0; i < n; i++)
    if ((dst[i] = oz_wrap_dim(destination[i], nd)) < 0) return oz_last_error_code();
  /* A 0-d tensor has one dim slot (dims 0 and -1 both name it). */
  bool src_used[OZ_MAX_DIMS + 1] = {false}, dst_used[OZ_MAX_DIMS + 1] = {false};
  const char *repeated = NULL;
  for (int i = 0; i < n && !repeated; i++) {
    if (src_used[src[i]]) repeated = "source";
    src_used[src[i]] = true;
  }
  for (int i = 0; i < n && !repeated; i++) {
    if (dst_used[dst[i]]) repeated = "destination";
    dst_used[dst[i]] = true;
  }
  if (repeated) {
    char buf[512];
    return oz_set_error(OZ_ERR_RUNTIME, "movedim: repeated dim in `%s` (%s)", repeated,
                        oz_shape_str(buf, sizeof buf, n, repeated[0] == 's' ? source : destination));
  }
  for (int i = 0; i < n && nd > 0; i++) perm[dst[i]] = src[i];
  /* The dims not moved keep their order in the free destination slots. */
  int next_src = 0;
  for (int d = 0; d < nd; d++) {
    if (dst_used[d]) continue;
    while (src_used[next_src]) next_src++;
    perm[d] = next_src++;
  }
  return OZ_OK;
}

/* ------------------------------------------------------------------ repeat */

/* Repeats dim d of t r times by copying t into r slices of a new tensor. */
static oz_tensor *repeat_one_dim(const oz_tensor *t, int d, int64_t r) {
  int64_t shape[OZ_MAX_DIMS];
  memcpy(shape, t->shape, sizeof shape);
  shape[d] *= r;
  oz_tensor *result = oz_empty(t->ndim, shape, t->dtype, oz_tensor_device(t));
  for (int64_t k = 0; result && k < r; k++) {
    oz_tensor *slot = oz_slice(result, d, k * t->shape[d], (k + 1) * t->shape[d], 1);
    if (!slot || oz_copy_(slot, t) != OZ_OK) oz_tensor_decref(result), result = NULL;
    oz_tensor_decref(slot);
  }
  return result;
}

oz_tensor *idx_repeat_forward(const oz_tensor *t, int n, const int64_t *repeats) {
  if (n < t->ndim) {
    oz_set_error(OZ_ERR_RUNTIME, "Number of dimensions of repeat dims can not be smaller than "
                                 "number of dimensions of tensor");
    return NULL;
  }
  if (n > OZ_MAX_DIMS) {
    oz_set_error(OZ_ERR_RUNTIME, "tensors have at most %d dimensions", OZ_MAX_DIMS);
    return NULL;
  }
  /* t with leading size-1 dims up to n dims: a view. */
  int lead = n - t->ndim;
  int64_t pshape[OZ_MAX_DIMS], pstrides[OZ_MAX_DIMS], shape[OZ_MAX_DIMS];
  for (int i = 0; i < n; i++) {
    pshape[i] = i < lead ? 1 : t->shape[i - lead];
    pstrides[i] = i < lead ? 1 : t->strides[i - lead];
    shape[i] = pshape[i] * repeats[i];
  }
  for (int i = 0; i < n; i++)
    if (repeats[i] < 0) {
      char buf[256];
      oz_set_error(OZ_ERR_RUNTIME, "Trying to create tensor with negative dimension %lld: %s",
                   (long long)shape[i], oz_shape_str(buf, sizeof buf, n, shape));
      return NULL;
    }
  oz_tensor *padded = oz_as_strided(t, n, pshape, pstrides, t->offset);
  oz_tensor *result = padded ? oz_empty(n, shape, t->dtype, oz_tensor_device(t)) : NULL;
  if (!result || oz_numel(result) == 0) goto done;
  /* One copy: the result seen as [r0, s0, r1, s1, ...] (a dim with r or s equal to 1 is not
   * split) takes the source broadcast along the r dims. */
  int64_t vshape[OZ_MAX_DIMS], vstrides[OZ_MAX_DIMS], sstrides[OZ_MAX_DIMS];
  int nv = 0;
  bool fits = true;
  int64_t stride = 1;
  for (int i = n - 1; i >= 0 && fits; i--) {
    int64_t r = repeats[i], s = pshape[i];
    int parts = (r > 1) + (s > 1);
    if (nv + (parts ? parts : 1) > OZ_MAX_DIMS) {
      fits = false;
      break;
    }
    if (s > 1 || parts == 0) { /* inner: the source's own dim */
      vshape[nv] = s, vstrides[nv] = stride, sstrides[nv] = pstrides[i], nv++;
    }
    if (r > 1) { /* outer: the copies, source broadcast */
      vshape[nv] = r, vstrides[nv] = stride * s, sstrides[nv] = 0, nv++;
    }
    stride *= r * s;
  }
  if (fits) {
    /* built innermost first: reverse into the usual order */
    for (int i = 0; i < nv / 2; i++) {
      int j = nv - 1 - i;
      int64_t a = vshape[i], b = vstrides[i], c = sstrides[i];
      vshape[i] = vshape[j], vstrides[i] = vstrides[j], sstrides[i] = sstrides[j];
      vshape[j] = a, vstrides[j] = b, sstrides[j] = c;
    }
    oz_tensor *dst = oz_as_strided(result, nv, vshape, vstrides, result->offset);
    oz_tensor *src = dst ? oz_as_strided(padded, nv, vshape, sstrides, padded->offset) : NULL;
    int rc = src ? oz_copy_(dst, src) : oz_last_error_code();
    oz_tensor_decref(dst), oz_tensor_decref(src);
    if (rc != OZ_OK) oz_tensor_decref(result), result = NULL;
    goto done;
  }
  /* Too many dims for one view: repeat one dim at a time. */
  oz_tensor_decref(result);
  result = padded;
  oz_tensor_incref(result);
  for (int i = 0; i < n && result; i++) {
    if (repeats[i] == 1) continue;
    oz_tensor *next = repeat_one_dim(result, i, repeats[i]);
    oz_tensor_decref(result);
    result = next;
  }
done:
  oz_tensor_decref(padded);
  return result;
}

/* ------------------------------------------------------------------ flip, roll */

/* Marks dims (wrapped, no repeats) in mask; PyTorch's messages otherwise. */
static int dims_mask(const oz_tensor *t, int n, const int64_t *dims, bool *mask) {
  memset(mask, 0, sizeof(bool) * OZ_MAX_DIMS);
  for (int i = 0; i < n; i++) {
    int d = oz_wrap_dim(dims[i], t->ndim);
    if (d < 0) return oz_last_error_code();
    if (t->ndim == 0) continue;
    if (mask[d])
      return oz_set_error(OZ_ERR_RUNTIME, "dim %d appears multiple times in the list of dims", d);
    mask[d] = true;
  }
  return OZ_OK;
}

oz_tensor *idx_flip_forward(const oz_tensor *t, int n, const int64_t *dims) {
  bool mask[OZ_MAX_DIMS];
  if (dims_mask(t, n, dims, mask) != OZ_OK) return NULL;
  /* The flipped view walks the flipped dims backwards (negative strides); copying it lays the
   * result out contiguously. */
  int64_t strides[OZ_MAX_DIMS], offset = t->offset;
  bool empty = oz_numel(t) == 0;
  for (int d = 0; d < t->ndim; d++) {
    strides[d] = t->strides[d];
    if (mask[d] && !empty) {
      offset += (t->shape[d] - 1) * t->strides[d];
      strides[d] = -t->strides[d];
    }
  }
  oz_tensor *view = oz_as_strided(t, t->ndim, t->shape, strides, offset);
  oz_tensor *result = view ? oz_empty(t->ndim, t->shape, t->dtype, oz_tensor_device(t)) : NULL;
  if (result && oz_copy_(result, view) != OZ_OK) oz_tensor_decref(result), result = NULL;
  oz_tensor_decref(view);
  return result;
}

/* Rolls dim d by `shift` into a new tensor: two slice copies. */
static oz_tensor *roll_one_dim(const oz_tensor *t, int d, int64_t shift) {
  oz_tensor *result = oz_empty(t->ndim, t->shape, t->dtype, oz_tensor_device(t));
  if (!result || oz_numel(t) == 0) return result;
  int64_t size = t->shape[d], start = (size - shift % size) % size;
  /* result[0 : size-start] = t[start:], result[size-start :] = t[:start] */
  const int64_t ranges[2][3] = {{0, start, size}, {size - start, 0, start}};
  for (int k = 0; k < 2 && result; k++) {
    int64_t at = ranges[k][0], from = ranges[k][1], to = ranges[k][2];
    if (to == from) continue;
    oz_tensor *dst = oz_slice(result, d, at, at + (to - from), 1);
    oz_tensor *src = dst ? oz_slice(t, d, from, to, 1) : NULL;
    if (!src || oz_copy_(dst, src) != OZ_OK) oz_tensor_decref(result), result = NULL;
    oz_tensor_decref(dst), oz_tensor_decref(src);
  }
  return result;
}

oz_tensor *idx_roll_forward(const oz_tensor *t, int n_shifts, const int64_t *shifts, int n_dims,
                            const int64_t *dims) {
  if (n_shifts == 0) {
    oz_set_error(OZ_ERR_RUNTIME, "`shifts` required");
    return NULL;
  }
  if (n_dims == 0 && n_shifts == 1) { /* roll the flattened tensor */
    int64_t numel = oz_numel(t);
    oz_tensor *c = oz_contiguous(t);
    oz_tensor *flat = c ? oz_view_shape(c, 1, &numel) : NULL;
    oz_tensor *rolled = flat ? roll_one_dim(flat, 0, shifts[0]) : NULL;
    oz_tensor *result = rolled ? oz_view_shape(rolled, t->ndim, t->shape) : NULL;
    oz_tensor_decref(c), oz_tensor_decref(flat), oz_tensor_decref(rolled);
    return result;
  }
  if (n_shifts != n_dims) {
    oz_set_error(OZ_ERR_RUNTIME, "shifts and dimensions must align. shifts: %d, dims:%d", n_shifts,
                 n_dims);
    return NULL;
  }
  oz_tensor *cur = oz_alias(t);
  for (int i = 0; i < n_dims && cur; i++) {
    int d = wrap_dim_of_dims(dims[i], t->ndim);
    oz_tensor *next = d < 0 ? NULL : roll_one_dim(cur, d, shifts[i]);
    oz_tensor_decref(cur);
    cur = next;
  }
  return cur;
}

/* ------------------------------------------------------------------ tril, triu */

oz_tensor *idx_tri_forward(int op, const oz_tensor *t, int64_t diagonal, oz_tensor *out) {
  if (t->ndim < 2) { /* PyTorch wraps dim -2 first, which fails with IndexError */
    oz_wrap_dim(-2, t->ndim);
    return NULL;
  }
  oz_device device = oz_tensor_device(t);
  oz_tensor *result;
  if (out) {
    if (out->dtype != t->dtype) {
      oz_set_error(OZ_ERR_RUNTIME, "Expected out tensor to have dtype %s, but got %s instead",
                   idx_ctype_name(t->dtype), idx_ctype_name(out->dtype));
      return NULL;
    }
    /* in place: torch writes even an expanded tensor (each copy gets the same value) */
    if (out != t && (oz_check_out(out, false, t->ndim, t->shape, t->dtype, device) != OZ_OK ||
                     idx_no_overlap(out, t) != OZ_OK))
      return NULL;
    oz_tensor_incref(out);
    result = out;
  } else {
    result = oz_empty_like_layout(t, t->ndim, t->shape, t->dtype, device);
    if (!result) return NULL;
  }
  oz_call call = oz_call_make(op);
  oz_call_in(&call, t);
  oz_call_out(&call, result);
  call.ints[0] = diagonal;
  call.n_ints = 1;
  if (oz_numel(t) > 0 && oz_dispatch_call(&call) != OZ_OK) {
    oz_tensor_decref(result);
    return NULL;
  }
  return result;
}
