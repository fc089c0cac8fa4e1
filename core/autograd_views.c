/* autograd_views.c - the autograd-aware forms of views, copies and casts that Python calls.
 * The plain forms in tensor.c/factories.c are what the core uses internally on temporaries;
 * these record a node when an input requires grad (ViewBackward0, TransposeBackward0, ...). */
#include <string.h>

#include "core/op_support.h"
#include "core/oz_autograd.h"
#include "core/oz_views_grad.h"

/* ints[] layout per view kind, written by the forward wrappers below. */
enum view_kind { VIEW_RESHAPE, VIEW_TRANSPOSE, VIEW_PERMUTE, VIEW_EXPAND, VIEW_SELECT, VIEW_SLICE };

/* A zero tensor of the input's shape with g written into the part the view selected. The
 * recorded forms (a write through a view: CopySlices) keep a create_graph backward
 * differentiable. */
static oz_tensor *scatter_into_zeros(const oz_node *n, const oz_tensor *g) {
  const oz_input_meta *im = &n->in_meta[0];
  oz_tensor *z = oz_full(im->ndim, im->shape, oz_make_scalar_i(0), g->dtype, im->device);
  oz_tensor *part = NULL;
  if (z && n->ints[0] == VIEW_SELECT) part = oz_ad_select(z, n->ints[1], n->ints[2]);
  if (z && n->ints[0] == VIEW_SLICE)
    part = oz_ad_slice(z, n->ints[1], n->ints[2], n->ints[3], n->ints[4]);
  if (!part || oz_ad_copy_(part, g) != OZ_OK) {
    oz_tensor_decref(z);
    z = NULL;
  }
  oz_tensor_decref(part);
  return z;
}

static int view_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  const oz_input_meta *im = &n->in_meta[0];
  switch (n->ints[0]) {
    case VIEW_RESHAPE:
      gin[0] = oz_ad_reshape(g[0], im->ndim, im->shape);
      break;
    case VIEW_TRANSPOSE:
      gin[0] = oz_ad_transpose(g[0], n->ints[1], n->ints[2]);
      break;
    case VIEW_PERMUTE: {
      int64_t inverse[OZ_MAX_DIMS];
      for (int i = 0; i < im->ndim; i++) inverse[n->ints[1 + i]] = i;
      gin[0] = oz_ad_permute(g[0], im->ndim, inverse);
      break;
    }
    case VIEW_EXPAND: /* the engine sums the broadcast dims away */
      oz_tensor_incref(g[0]);
      gin[0] = g[0];
      break;
    default:
      gin[0] = scatter_into_zeros(n, g[0]);
  }
  return gin[0] ? OZ_OK : oz_last_error_code();
}

/* Records `view` as made from t by a view of `kind` (ints after the kind in args). */
static oz_tensor *record_view(const oz_tensor *t, oz_tensor *view, const char *name, int kind,
                              const int64_t *args, int n_args) {
  if (!view) return NULL;
  if (oz_autograd_wanted1(t)) {
    oz_node *n = oz_node_new(name, view_backward, 1, 1);
    if (!n || oz_node_set_input(n, 0, t) != OZ_OK) {
      oz_node_decref(n);
      oz_tensor_decref(view);
      return NULL;
    }
    n->ints[0] = kind;
    if (n_args > 0) memcpy(n->ints + 1, args, sizeof(int64_t) * (size_t)n_args);
    n->n_ints = 1 + n_args;
    if (oz_node_attach(n, &view, 1) != OZ_OK) {
      oz_tensor_decref(view);
      return NULL;
    }
  }
  if (view->storage == t->storage) oz_mark_view(view, t);
  return view;
}

oz_tensor *oz_ad_view(const oz_tensor *t, int ndim, const int64_t *shape) {
  return record_view(t, oz_view_shape(t, ndim, shape), "ViewBackward0", VIEW_RESHAPE, NULL, 0);
}

oz_tensor *oz_ad_reshape(const oz_tensor *t, int ndim, const int64_t *shape) {
  oz_tensor *r = oz_reshape(t, ndim, shape);
  /* A reshape that had to copy is not a view: torch names it UnsafeViewBackward0. */
  bool copied = r && r->storage != t->storage;
  oz_tensor *v = record_view(t, r, copied ? "UnsafeViewBackward0" : "ViewBackward0", VIEW_RESHAPE,
                             NULL, 0);
  return v;
}

oz_tensor *oz_ad_unsqueeze(const oz_tensor *t, int64_t dim) {
  return record_view(t, oz_unsqueeze(t, dim), "UnsqueezeBackward0", VIEW_RESHAPE, NULL, 0);
}

oz_tensor *oz_ad_squeeze(const oz_tensor *t) {
  return record_view(t, oz_squeeze(t), "SqueezeBackward0", VIEW_RESHAPE, NULL, 0);
}

oz_tensor *oz_ad_squeeze_dim(const oz_tensor *t, int64_t dim) {
  return record_view(t, oz_squeeze_dim(t, dim), "SqueezeBackward1", VIEW_RESHAPE, NULL, 0);
}

oz_tensor *oz_ad_transpose(const oz_tensor *t, int64_t d0, int64_t d1) {
  const int64_t args[2] = {d0, d1};
  return record_view(t, oz_transpose(t, d0, d1), "TransposeBackward0", VIEW_TRANSPOSE, args, 2);
}

oz_tensor *oz_ad_t(const oz_tensor *t) {
  const int64_t args[2] = {0, 1};
  if (t->ndim < 2) return record_view(t, oz_alias(t), "TBackward0", VIEW_RESHAPE, NULL, 0);
  return record_view(t, oz_transpose(t, 0, 1), "TBackward0", VIEW_TRANSPOSE, args, 2);
}

oz_tensor *oz_ad_permute(const oz_tensor *t, int ndim, const int64_t *dims) {
  int64_t wrapped[OZ_MAX_DIMS];
  for (int i = 0; i < ndim && i < OZ_MAX_DIMS; i++) {
    int d = oz_wrap_dim(dims[i], t->ndim);
    wrapped[i] = d < 0 ? 0 : d;
  }
  return record_view(t, oz_permute(t, ndim, dims), "PermuteBackward0", VIEW_PERMUTE, wrapped,
                     ndim);
}

oz_tensor *oz_ad_expand(const oz_tensor *t, int ndim, const int64_t *shape) {
  return record_view(t, oz_expand(t, ndim, shape), "ExpandBackward0", VIEW_EXPAND, NULL, 0);
}

oz_tensor *oz_ad_select(const oz_tensor *t, int64_t dim, int64_t index) {
  oz_tensor *v = oz_select(t, dim, index);
  if (!v) return NULL;
  int d = oz_wrap_dim(dim, t->ndim);
  const int64_t args[2] = {d, index < 0 ? index + t->shape[d] : index};
  return record_view(t, v, "SelectBackward0", VIEW_SELECT, args, 2);
}

oz_tensor *oz_ad_slice(const oz_tensor *t, int64_t dim, int64_t start, int64_t end,
                       int64_t step) {
  oz_tensor *v = oz_slice(t, dim, start, end, step);
  if (!v) return NULL;
  const int64_t args[4] = {dim, start, end, step};
  return record_view(t, v, "SliceBackward0", VIEW_SLICE, args, 4);
}

oz_tensor *oz_ad_alias(const oz_tensor *t) {
  return record_view(t, oz_alias(t), "AliasBackward0", VIEW_RESHAPE, NULL, 0);
}

/* ---------------------------------------------------------------- copies and casts */
static int pass_through_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  (void)n; /* the engine casts and moves the gradient back to the input's dtype and device */
  oz_tensor_incref(g[0]);
  gin[0] = g[0];
  return OZ_OK;
}

static oz_tensor *record_copy(const oz_tensor *t, oz_tensor *r, const char *name) {
  if (!r || !oz_autograd_wanted1(t)) return r;
  oz_node *n = oz_node_new(name, pass_through_backward, 1, 1);
  if (!n || oz_node_set_input(n, 0, t) != OZ_OK || oz_node_attach(n, &r, 1) != OZ_OK) {
    oz_tensor_decref(r);
    return NULL;
  }
  return r;
}

oz_tensor *oz_ad_clone(const oz_tensor *t) { return record_copy(t, oz_clone(t), "CloneBackward0"); }

oz_tensor *oz_ad_contiguous(const oz_tensor *t) {
  oz_tensor *r = oz_contiguous(t);
  return r == t ? r : record_copy(t, r, "CloneBackward0");
}

oz_tensor *oz_ad_to(const oz_tensor *t, int dtype, oz_device device, bool copy) {
  if (!copy && t->dtype == dtype && oz_same_device(oz_tensor_device(t), device)) {
    oz_tensor_incref((oz_tensor *)t);
    return (oz_tensor *)t;
  }
  if (oz_requires_grad(t) && !oz_dtype_is_floating(dtype) && oz_autograd_wanted1(t)) {
    /* torch allows it: the result just does not require grad */
    oz_tensor *r = oz_empty_like_layout(t, t->ndim, t->shape, dtype, device);
    if (r && oz_copy_(r, t) != OZ_OK) oz_tensor_decref(r), r = NULL;
    return r;
  }
  oz_tensor *r = oz_empty_like_layout(t, t->ndim, t->shape, dtype, device);
  if (r && oz_copy_(r, t) != OZ_OK) oz_tensor_decref(r), r = NULL;
  return record_copy(t, r, "ToCopyBackward0");
}

/* The gradient of a value an in-place write overwrote: zeros (a gradient, not "unused": torch's
 * zeros_like(grad)). */
static int overwritten(oz_node *n, const oz_tensor *g, oz_tensor **gin0) {
  if (!oz_node_needs_grad(n, 0)) return OZ_OK;
  *gin0 = oz_full(g->ndim, g->shape, oz_make_scalar_i(0), g->dtype, oz_tensor_device(g));
  return *gin0 ? OZ_OK : oz_last_error_code();
}

/* dst.copy_(src): dst's old history gets zeros (it was overwritten), src gets g. */
static int copy_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (oz_node_needs_grad(n, 1)) oz_tensor_incref(g[0]), gin[1] = g[0];
  return overwritten(n, g[0], &gin[0]);
}

int oz_ad_copy_(oz_tensor *dst, const oz_tensor *src) {
  const oz_tensor *ins[2] = {dst, src};
  oz_node *n;
  if (oz_grad_begin("copy_", "CopyBackwards", copy_backward, ins, 2, dst, &n) != OZ_OK)
    return oz_last_error_code();
  int rc = oz_copy_(dst, src);
  oz_tensor *r = rc == OZ_OK ? dst : NULL;
  if (r) oz_tensor_incref(r);
  r = oz_grad_end(n, r, dst);
  oz_tensor_decref(r);
  return rc;
}

/* fill_: the old value gets zeros; a 0-d tensor value (FillBackward1) gets the sum of g, which
 * the engine makes by reducing g to the value's shape. */
static int fill_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  if (n->n_inputs > 1 && oz_node_needs_grad(n, 1)) oz_tensor_incref(g[0]), gin[1] = g[0];
  return overwritten(n, g[0], &gin[0]);
}

int oz_ad_fill_(oz_tensor *t, oz_scalar value) {
  const oz_tensor *ins[1] = {t};
  oz_node *n;
  if (oz_grad_begin("fill_", "FillBackward0", fill_backward, ins, 1, t, &n) != OZ_OK)
    return oz_last_error_code();
  int rc = oz_fill_(t, value);
  oz_tensor *r = rc == OZ_OK ? t : NULL;
  if (r) oz_tensor_incref(r);
  r = oz_grad_end(n, r, t);
  oz_tensor_decref(r);
  return rc;
}

int oz_ad_fill_tensor_(oz_tensor *t, const oz_tensor *value) {
  const oz_tensor *ins[2] = {t, value};
  oz_node *n;
  if (value->ndim != 0)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "fill_ only supports 0-dimension value tensor but got tensor with %d "
                        "dimensions.", value->ndim);
  if (oz_grad_begin("fill_", "FillBackward1", fill_backward, ins, 2, t, &n) != OZ_OK)
    return oz_last_error_code();
  oz_tensor *v = oz_expand(value, t->ndim, t->shape);
  int rc = v ? oz_copy_(t, v) : oz_last_error_code();
  oz_tensor_decref(v);
  oz_tensor *r = rc == OZ_OK ? t : NULL;
  if (r) oz_tensor_incref(r);
  r = oz_grad_end(n, r, t);
  oz_tensor_decref(r);
  return rc;
}
