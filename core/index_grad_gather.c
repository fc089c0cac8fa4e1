/* index_grad_gather.c - the public gather/scatter-like ops (index_select, gather, scatter,
 * scatter_add, index_add, index_fill, take, put, masked_fill, masked_select, index, index_put):
 * the forward of indexing_ops.c / index_advanced.c plus autograd recording and the backward
 * formulas (PyTorch's derivatives.yaml), written with the public ops so that a create_graph
 * backward records them in turn. */
#include "core/index_internal.h"
#include "core/oz_autograd.h"
#include "core/oz_views_grad.h"

/* zeros shaped like input i of n, in the gradient's dtype. */
static oz_tensor *zeros_like_input(const oz_node *n, int i, const oz_tensor *g) {
  const oz_input_meta *im = &n->in_meta[i];
  return oz_full(im->ndim, im->shape, oz_make_scalar_i(0), g->dtype, im->device);
}

static oz_tensor *wrapped_zero(void) { return oz_wrapped_scalar(0, 0, OZ_INT64); }

/* Runs `formula` for input i when it needs a gradient; returns the error code. */
#define GRAD_FOR(n, i, gin, expr)                                                                \
  do {                                                                                           \
    if (oz_node_needs_grad((n), (i)) && !((gin)[i] = (expr))) return oz_last_error_code();       \
  } while (0)

/* The first saved tensor (an index or mask), or NULL with the error set. */
static oz_tensor *saved0(oz_node *n) { return oz_node_saved(n, 0); }

/* ------------------------------------------------------------------ index_select, gather */

static int index_select_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *index = saved0(n), *z = index ? zeros_like_input(n, 0, g[0]) : NULL;
  gin[0] = z ? oz_index_add(z, n->ints[0], index, g[0], NULL, NULL) : NULL;
  oz_tensor_decref(index), oz_tensor_decref(z);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

oz_tensor *oz_index_select(const oz_tensor *t, int64_t dim, const oz_tensor *index,
                           oz_tensor *out) {
  oz_node *n;
  if (oz_grad_begin("index_select", "IndexSelectBackward0", index_select_backward, &t, 1, out,
                    &n) != OZ_OK)
    return NULL;
  if (n) oz_node_save(n, index), n->ints[0] = dim, n->n_ints = 1;
  return oz_grad_end(n, idx_index_select_forward(t, dim, index, out), out);
}

static int gather_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *index = saved0(n), *z = index ? zeros_like_input(n, 0, g[0]) : NULL;
  gin[0] = z ? oz_scatter_add(z, n->ints[0], index, g[0], NULL) : NULL;
  oz_tensor_decref(index), oz_tensor_decref(z);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

oz_tensor *oz_gather(const oz_tensor *t, int64_t dim, const oz_tensor *index, oz_tensor *out) {
  oz_node *n;
  if (oz_grad_begin("gather", "GatherBackward0", gather_backward, &t, 1, out, &n) != OZ_OK)
    return NULL;
  if (n) oz_node_save(n, index), n->ints[0] = dim, n->n_ints = 1;
  return oz_grad_end(n, idx_gather_forward(t, dim, index, out), out);
}

/* The views' broadcasts and gather record their own nodes (GatherBackward0 last). */
oz_tensor *oz_take_along_dim(const oz_tensor *t, const oz_tensor *indices, bool has_dim,
                             int64_t dim, oz_tensor *out) {
  if (idx_same_device(t, indices) != OZ_OK) return NULL;
  if (!has_dim) { /* t.view(-1).gather(0, indices.view(-1)) */
    const int64_t flat = -1;
    oz_tensor *tv = oz_ad_view(t, 1, &flat), *iv = tv ? oz_view_shape(indices, 1, &flat) : NULL;
    oz_tensor *r = iv ? oz_gather(tv, 0, iv, out) : NULL;
    oz_tensor_decref(tv), oz_tensor_decref(iv);
    return r;
  }
  if (t->ndim != indices->ndim) {
    oz_set_error(OZ_ERR_RUNTIME, "torch.take_along_dim(): input and indices should have the same "
                 "number of dimensions, but got %d dimensions for input, and %d dimensions for "
                 "indices", t->ndim, indices->ndim);
    return NULL;
  }
  if (indices->dtype != OZ_INT64) {
    oz_set_error(OZ_ERR_RUNTIME, "torch.take_along_dim(): dtype of indices should be Long but got "
                 "%s", oz_dtype_scalar_type_name(indices->dtype));
    return NULL;
  }
  int d = oz_wrap_dim(dim, t->ndim);
  if (d < 0) return NULL;
  /* indices broadcast to t's shape but for d (its own extent), t to indices' but for d (t's) */
  int64_t a[OZ_MAX_DIMS], b[OZ_MAX_DIMS], ishape[OZ_MAX_DIMS], tshape[OZ_MAX_DIMS];
  int nd;
  memcpy(a, t->shape, sizeof(int64_t) * (size_t)t->ndim);
  memcpy(b, indices->shape, sizeof(int64_t) * (size_t)t->ndim);
  if (t->ndim) a[d] = indices->shape[d], b[d] = t->shape[d];
  if (oz_broadcast_shapes(t->ndim, a, indices->ndim, indices->shape, &nd, ishape) != OZ_OK ||
      oz_broadcast_shapes(indices->ndim, b, t->ndim, t->shape, &nd, tshape) != OZ_OK)
    return NULL;
  oz_tensor *te = oz_ad_expand(t, nd, tshape), *ie = te ? oz_expand(indices, nd, ishape) : NULL;
  oz_tensor *r = ie ? oz_gather(te, d, ie, out) : NULL;
  oz_tensor_decref(te), oz_tensor_decref(ie);
  return r;
}

/* ------------------------------------------------------------------ scatter, scatter_add */

/* src's gradient: g gathered at the index, in src's shape (src may be larger than the index
 * in any dim; the elements it did not scatter get zero). */
static oz_tensor *src_gradient(oz_node *n, const oz_tensor *g, const oz_tensor *index) {
  oz_tensor *gathered = oz_gather(g, n->ints[0], index, NULL);
  const oz_input_meta *im = &n->in_meta[1];
  if (!gathered || (gathered->ndim == im->ndim &&
                    !memcmp(gathered->shape, im->shape, sizeof(int64_t) * (size_t)im->ndim)))
    return gathered;
  oz_tensor *z = zeros_like_input(n, 1, g), *part = z ? oz_alias(z) : NULL;
  for (int d = 0; part && d < gathered->ndim && d < im->ndim; d++) {
    oz_tensor *next = oz_slice(part, d, 0, gathered->shape[d], 1);
    oz_tensor_decref(part);
    part = next;
  }
  if (!part || oz_copy_(part, gathered) != OZ_OK) oz_tensor_decref(z), z = NULL;
  oz_tensor_decref(part), oz_tensor_decref(gathered);
  return z;
}

/* self's gradient: g with the scattered-to places zeroed; src's: g gathered back. */
static int scatter_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *index = saved0(n);
  if (!index) return oz_last_error_code();
  int rc = OZ_OK;
  if (oz_node_needs_grad(n, 0)) {
    oz_tensor *z = wrapped_zero();
    gin[0] = z ? oz_scatter(g[0], n->ints[0], index, NULL, z, OZ_SCATTER_ASSIGN, NULL) : NULL;
    oz_tensor_decref(z);
    if (!gin[0]) rc = oz_last_error_code();
  }
  if (rc == OZ_OK && oz_node_needs_grad(n, 1) && !(gin[1] = src_gradient(n, g[0], index)))
    rc = oz_last_error_code();
  oz_tensor_decref(index);
  return rc;
}

static int scatter_add_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (oz_node_needs_grad(n, 0)) oz_tensor_incref(g[0]), gin[0] = g[0];
  if (!oz_node_needs_grad(n, 1)) return OZ_OK;
  oz_tensor *index = saved0(n);
  gin[1] = index ? src_gradient(n, g[0], index) : NULL;
  oz_tensor_decref(index);
  return gin[1] ? OZ_OK : oz_last_error_code();
}

static int not_implemented_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  (void)g, (void)gin;
  return oz_set_error(OZ_ERR_RUNTIME, "derivative for aten::%s is not implemented",
                      n->n_ints > 1 && n->ints[1] ? "scatter" : "unknown");
}

oz_tensor *oz_scatter(const oz_tensor *self, int64_t dim, const oz_tensor *index,
                      const oz_tensor *src, const oz_tensor *value, int reduce, oz_tensor *out) {
  const oz_tensor *ins[2] = {self, src};
  const char *name = reduce != OZ_SCATTER_ASSIGN ? "torch::autograd::NotImplemented"
                     : src                        ? "ScatterBackward0"
                                                  : "ScatterBackward1";
  oz_backward_fn fn = reduce != OZ_SCATTER_ASSIGN ? not_implemented_backward : scatter_backward;
  oz_node *n;
  if (oz_grad_begin("scatter", name, fn, ins, 2, out, &n) != OZ_OK) return NULL;
  if (n) oz_node_save(n, index), n->ints[0] = dim, n->ints[1] = 1, n->n_ints = 2;
  return oz_grad_end(n, idx_scatter_forward("scatter", self, dim, index, src, value, reduce, out),
                     out);
}

oz_tensor *oz_scatter_add(const oz_tensor *self, int64_t dim, const oz_tensor *index,
                          const oz_tensor *src, oz_tensor *out) {
  const oz_tensor *ins[2] = {self, src};
  oz_node *n;
  if (oz_grad_begin("scatter_add", "ScatterAddBackward0", scatter_add_backward, ins, 2, out, &n) !=
      OZ_OK)
    return NULL;
  if (n) oz_node_save(n, index), n->ints[0] = dim, n->n_ints = 1;
  return oz_grad_end(
      n, idx_scatter_forward("scatter_add", self, dim, index, src, NULL, OZ_SCATTER_ADD, out), out);
}

/* ------------------------------------------------------------------ index_add, index_fill */

/* self's gradient is g; source's the selected rows of g, times alpha (scalars[0]). */
static int index_add_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (oz_node_needs_grad(n, 0)) oz_tensor_incref(g[0]), gin[0] = g[0];
  if (!oz_node_needs_grad(n, 1)) return OZ_OK;
  oz_tensor *index = saved0(n);
  oz_tensor *sel = index ? oz_index_select(g[0], n->ints[0], index, NULL) : NULL;
  oz_scalar alpha = n->scalars[0];
  if (sel && alpha.f != 1.0) {
    oz_tensor *k = oz_wrapped_scalar(alpha.f, alpha.i, OZ_FLOAT64);
    gin[1] = k ? oz_mul(sel, k, NULL) : NULL;
    oz_tensor_decref(k), oz_tensor_decref(sel);
  } else {
    gin[1] = sel;
  }
  oz_tensor_decref(index);
  return gin[1] ? OZ_OK : oz_last_error_code();
}

oz_tensor *oz_index_add(const oz_tensor *self, int64_t dim, const oz_tensor *index,
                        const oz_tensor *source, const oz_tensor *alpha, oz_tensor *out) {
  const oz_tensor *ins[2] = {self, source};
  oz_node *n;
  if (oz_grad_begin("index_add", "IndexAddBackward0", index_add_backward, ins, 2, out, &n) != OZ_OK)
    return NULL;
  if (n) {
    oz_node_save(n, index);
    n->ints[0] = dim, n->n_ints = 1;
    oz_scalar a = {1.0, 1};
    if (alpha && idx_scalar_for(alpha, OZ_FLOAT64, &a) != OZ_OK) {
      oz_node_decref(n);
      return NULL;
    }
    n->scalars[0] = a, n->n_scalars = 1;
  }
  return oz_grad_end(n, idx_index_add_forward(self, dim, index, source, alpha, out), out);
}

/* self's gradient: g with the filled places zeroed; a tensor value's: the sum of g there. */
static int index_fill_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *index = saved0(n);
  if (!index) return oz_last_error_code();
  int rc = OZ_OK;
  if (oz_node_needs_grad(n, 0)) {
    oz_tensor *z = wrapped_zero();
    gin[0] = z ? oz_index_fill(g[0], n->ints[0], index, z, NULL) : NULL;
    oz_tensor_decref(z);
    if (!gin[0]) rc = oz_last_error_code();
  }
  if (rc == OZ_OK && n->n_inputs > 1 && oz_node_needs_grad(n, 1)) {
    oz_tensor *sel = oz_index_select(g[0], n->ints[0], index, NULL);
    gin[1] = sel ? oz_sum(sel, NULL, 0, false, -1, NULL) : NULL;
    oz_tensor_decref(sel);
    if (!gin[1]) rc = oz_last_error_code();
  }
  oz_tensor_decref(index);
  return rc;
}

oz_tensor *oz_index_fill(const oz_tensor *self, int64_t dim, const oz_tensor *index,
                         const oz_tensor *value, oz_tensor *out) {
  /* A Python number is the Scalar overload (IndexFillBackward0); a tensor the Tensor one. */
  const oz_tensor *ins[2] = {self, value};
  bool scalar = value->is_wrapped_number;
  oz_node *n;
  if (oz_grad_begin("index_fill", scalar ? "IndexFillBackward0" : "IndexFillBackward1",
                    index_fill_backward, ins, scalar ? 1 : 2, out, &n) != OZ_OK)
    return NULL;
  if (n) oz_node_save(n, index), n->ints[0] = dim, n->n_ints = 1;
  return oz_grad_end(n, idx_index_fill_forward(self, dim, index, value, out), out);
}

/* ------------------------------------------------------------------ take, put */

static int take_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *index = saved0(n), *z = index ? zeros_like_input(n, 0, g[0]) : NULL;
  gin[0] = z ? oz_put(z, index, g[0], true, z) : NULL;
  oz_tensor_decref(index), oz_tensor_decref(z);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

oz_tensor *oz_take(const oz_tensor *t, const oz_tensor *index, oz_tensor *out) {
  oz_node *n;
  if (oz_grad_begin("take", "TakeBackward0", take_backward, &t, 1, out, &n) != OZ_OK) return NULL;
  if (n) oz_node_save(n, index);
  return oz_grad_end(n, idx_take_forward(t, index, out), out);
}

/* self's: g (accumulate) or g with the put places zeroed; source's: g taken back, in source's
 * shape. ints[0]: accumulate. */
static int put_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *index = saved0(n);
  if (!index) return oz_last_error_code();
  int rc = OZ_OK;
  if (oz_node_needs_grad(n, 0)) {
    if (n->ints[0]) {
      oz_tensor_incref(g[0]);
      gin[0] = g[0];
    } else {
      oz_tensor *z = zeros_like_input(n, 1, g[0]);
      gin[0] = z ? oz_put(g[0], index, z, false, NULL) : NULL;
      oz_tensor_decref(z);
      if (!gin[0]) rc = oz_last_error_code();
    }
  }
  if (rc == OZ_OK && oz_node_needs_grad(n, 1)) {
    oz_tensor *taken = oz_take(g[0], index, NULL);
    const oz_input_meta *im = &n->in_meta[1];
    gin[1] = taken ? oz_ad_reshape(taken, im->ndim, im->shape) : NULL;
    oz_tensor_decref(taken);
    if (!gin[1]) rc = oz_last_error_code();
  }
  oz_tensor_decref(index);
  return rc;
}

oz_tensor *oz_put(const oz_tensor *self, const oz_tensor *index, const oz_tensor *source,
                  bool accumulate, oz_tensor *out) {
  const oz_tensor *ins[2] = {self, source};
  oz_node *n;
  if (oz_grad_begin("put", "PutBackward0", put_backward, ins, 2, out, &n) != OZ_OK) return NULL;
  if (n) oz_node_save(n, index), n->ints[0] = accumulate, n->n_ints = 1;
  return oz_grad_end(n, idx_put_forward(self, index, source, accumulate, out), out);
}

/* ------------------------------------------------------------------ masks */

/* self's gradient: g with the filled places zeroed; a tensor value's: the sum of g there. */
static int masked_fill_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *mask = saved0(n);
  if (!mask) return oz_last_error_code();
  int rc = OZ_OK;
  if (oz_node_needs_grad(n, 0)) {
    oz_tensor *z = wrapped_zero();
    gin[0] = z ? oz_masked_fill(g[0], mask, z, NULL) : NULL;
    oz_tensor_decref(z);
    if (!gin[0]) rc = oz_last_error_code();
  }
  if (rc == OZ_OK && n->n_inputs > 1 && oz_node_needs_grad(n, 1)) {
    oz_tensor *sel = oz_masked_select(g[0], mask, NULL);
    gin[1] = sel ? oz_sum(sel, NULL, 0, false, -1, NULL) : NULL;
    oz_tensor_decref(sel);
    if (!gin[1]) rc = oz_last_error_code();
  }
  oz_tensor_decref(mask);
  return rc;
}

oz_tensor *oz_masked_fill(const oz_tensor *self, const oz_tensor *mask, const oz_tensor *value,
                          oz_tensor *out) {
  const oz_tensor *ins[2] = {self, value};
  bool scalar = value->is_wrapped_number;
  oz_node *n;
  if (oz_grad_begin("masked_fill", scalar ? "MaskedFillBackward0" : "MaskedFillBackward1",
                    masked_fill_backward, ins, scalar ? 1 : 2, out, &n) != OZ_OK)
    return NULL;
  if (n) oz_node_save(n, mask);
  return oz_grad_end(n, idx_masked_fill_forward(self, mask, value, out), out);
}

/* The gradient scattered back into zeros of the broadcast shape of self and mask (the engine
 * sums it down to self's shape). */
static int masked_select_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *mask = saved0(n);
  if (!mask) return oz_last_error_code();
  const oz_input_meta *im = &n->in_meta[0];
  int nd;
  int64_t shape[OZ_MAX_DIMS];
  oz_tensor *z = NULL, *mb = NULL;
  if (oz_broadcast_shapes(im->ndim, im->shape, mask->ndim, mask->shape, &nd, shape) == OZ_OK &&
      (z = oz_full(nd, shape, oz_make_scalar_i(0), g[0]->dtype, im->device)) &&
      (mb = oz_expand(mask, nd, shape))) {
    if (nd == 0) { /* a 0-d pair was selected from as vectors of one element */
      int64_t one = 1;
      oz_tensor *z1 = oz_view_shape(z, 1, &one), *m1 = z1 ? oz_view_shape(mb, 1, &one) : NULL;
      const oz_tensor *ix[1] = {m1};
      oz_tensor *r = m1 ? oz_index_put(z1, 1, ix, g[0], false, NULL) : NULL;
      gin[0] = r ? oz_ad_view(r, 0, NULL) : NULL;
      oz_tensor_decref(z1), oz_tensor_decref(m1), oz_tensor_decref(r);
    } else {
      const oz_tensor *ix[1] = {mb};
      gin[0] = oz_index_put(z, 1, ix, g[0], false, NULL);
    }
  }
  oz_tensor_decref(mask), oz_tensor_decref(z), oz_tensor_decref(mb);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

oz_tensor *oz_masked_select(const oz_tensor *self, const oz_tensor *mask, oz_tensor *out) {
  oz_node *n;
  if (oz_grad_begin("masked_select", "MaskedSelectBackward0", masked_select_backward, &self, 1,
                    out, &n) != OZ_OK)
    return NULL;
  if (n) oz_node_save(n, mask);
  return oz_grad_end(n, idx_masked_select_forward(self, mask, out), out);
}

/* ------------------------------------------------------------------ index, index_put
 * The index tensors are saved (NULL ones as "None"); n_ints[0] = how many. */

static int load_indices(oz_node *n, int count, int first, oz_tensor **ix) {
  for (int i = 0; i < count; i++) {
    ix[i] = NULL;
    if (!n->saved[first + i].tensor && !n->released) continue; /* a None index */
    if (!(ix[i] = oz_node_saved(n, first + i))) {
      for (int k = 0; k < i; k++) oz_tensor_decref(ix[k]);
      return oz_last_error_code();
    }
  }
  return OZ_OK;
}

static int save_indices(oz_node *n, int count, const oz_tensor *const *indices) {
  for (int i = 0; i < count; i++)
    if (oz_node_save(n, indices[i]) != OZ_OK) return oz_last_error_code();
  n->ints[0] = count, n->n_ints = 1;
  return OZ_OK;
}

/* self's gradient: zeros with g accumulated at the indexed places. */
static int index_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  int count = (int)n->ints[0];
  oz_tensor *ix[OZ_NODE_MAX_SAVED];
  if (load_indices(n, count, 0, ix) != OZ_OK) return oz_last_error_code();
  oz_tensor *z = zeros_like_input(n, 0, g[0]);
  gin[0] = z ? oz_index_put(z, count, (const oz_tensor *const *)ix, g[0], true, z) : NULL;
  oz_tensor_decref(z);
  for (int i = 0; i < count; i++) oz_tensor_decref(ix[i]);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

oz_tensor *oz_index(const oz_tensor *self, int count, const oz_tensor *const *indices) {
  oz_node *n;
  if (oz_grad_begin("index", "IndexBackward0", index_backward, &self, 1, NULL, &n) != OZ_OK)
    return NULL;
  if (n && (count > OZ_NODE_MAX_SAVED || save_indices(n, count, indices) != OZ_OK)) {
    oz_node_decref(n);
    if (count > OZ_NODE_MAX_SAVED)
      oz_set_error(OZ_ERR_INDEX, "too many indices for tensor of dimension %d (got %d)",
                   self->ndim, count);
    return NULL;
  }
  return oz_grad_end(n, idx_index_forward(self, count, indices), NULL);
}

/* self's: g, or g with the written places zeroed; values': g at the indexed places (the engine
 * sums it down to values' shape). */
static int index_put_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  int count = (int)n->ints[0];
  bool accumulate = n->ints[1] != 0;
  oz_tensor *ix[OZ_NODE_MAX_SAVED];
  if (load_indices(n, count, 0, ix) != OZ_OK) return oz_last_error_code();
  int rc = OZ_OK;
  const oz_tensor *const *cix = (const oz_tensor *const *)ix;
  if (oz_node_needs_grad(n, 0)) {
    if (accumulate) {
      oz_tensor_incref(g[0]);
      gin[0] = g[0];
    } else {
      oz_tensor *z = oz_wrapped_scalar(0, 0, OZ_INT64);
      oz_tensor *zv = z ? idx_value_tensor(z, g[0]->dtype, oz_tensor_device(g[0])) : NULL;
      gin[0] = zv ? oz_index_put(g[0], count, cix, zv, false, NULL) : NULL;
      oz_tensor_decref(z), oz_tensor_decref(zv);
      if (!gin[0]) rc = oz_last_error_code();
    }
  }
  if (rc == OZ_OK && oz_node_needs_grad(n, 1) && !(gin[1] = oz_index(g[0], count, cix)))
    rc = oz_last_error_code();
  for (int i = 0; i < count; i++) oz_tensor_decref(ix[i]);
  return rc;
}

oz_tensor *oz_index_put(const oz_tensor *self, int count, const oz_tensor *const *indices,
                        const oz_tensor *values, bool accumulate, oz_tensor *out) {
  const oz_tensor *ins[2] = {self, values};
  oz_node *n;
  if (oz_grad_begin("index_put", "IndexPutBackward0", index_put_backward, ins, 2, out, &n) !=
      OZ_OK)
    return NULL;
  if (n && (count > OZ_NODE_MAX_SAVED || save_indices(n, count, indices) != OZ_OK)) {
    oz_node_decref(n);
    if (count > OZ_NODE_MAX_SAVED)
      oz_set_error(OZ_ERR_INDEX, "too many indices for tensor of dimension %d (got %d)",
                   self->ndim, count);
    return NULL;
  }
  if (n) n->ints[1] = accumulate, n->n_ints = 2;
  return oz_grad_end(n, idx_index_put_forward(self, count, indices, values, accumulate, out), out);
}
