/* autograd_view_inplace.c - views in the graph: in-place writes through a view (torch's
 * CopySlices) and the regeneration of a view's history after its storage was written.
 *
 * A view remembers its root base (the tensor that is not a view whose storage it shares). When an
 * in-place op F writes through the view, the base's history becomes CopySlices: its gradient is
 * the incoming gradient with the view's window zeroed (those values were overwritten) passed to
 * the base's old history, plus F's backward applied to the window, whose results go to F's own
 * inputs (the view's old value among them, which leads back to the old base). The view's grad_fn
 * becomes AsStridedBackward0 of the new base. Any later write to the storage makes a view's
 * grad_fn stale; it is regenerated the same way the next time the view's history is read. */
#include <stdlib.h>
#include <string.h>

#include "core/autograd_internal.h"
#include "core/oz_error.h"
#include "core/oz_ops.h"

/* Where a view lies in its base's storage, relative to the base's first element. */
typedef struct view_geometry {
  int32_t base_ndim, view_ndim;
  int64_t base_shape[OZ_MAX_DIMS], base_strides[OZ_MAX_DIMS];
  int64_t view_shape[OZ_MAX_DIMS], view_strides[OZ_MAX_DIMS];
  int64_t view_offset;
  oz_node *fn; /* CopySlices only: the in-place op's node */
} view_geometry;

static void geometry_destroy(oz_node *n) {
  view_geometry *g = n->extra;
  if (g) oz_node_decref(g->fn);
  free(g);
  n->extra = NULL;
}

static int attach_geometry(oz_node *n, const oz_tensor *base, const oz_tensor *view) {
  if (view->offset < base->offset)
    return oz_set_error(OZ_ERR_RUNTIME, "a view starts before its base in their storage");
  view_geometry *g = calloc(1, sizeof *g);
  if (!g) return oz_set_error(OZ_ERR_NOMEM, "out of memory for a view's autograd record");
  g->base_ndim = base->ndim, g->view_ndim = view->ndim;
  memcpy(g->base_shape, base->shape, sizeof(int64_t) * (size_t)base->ndim);
  memcpy(g->base_strides, base->strides, sizeof(int64_t) * (size_t)base->ndim);
  memcpy(g->view_shape, view->shape, sizeof(int64_t) * (size_t)view->ndim);
  memcpy(g->view_strides, view->strides, sizeof(int64_t) * (size_t)view->ndim);
  g->view_offset = view->offset - base->offset;
  n->extra = g;
  n->destroy = geometry_destroy;
  return OZ_OK;
}

/* One past the last element (relative to offset 0) a geometry reaches; 0 when it is empty. */
static int64_t extent(int ndim, const int64_t *shape, const int64_t *strides, int64_t offset) {
  int64_t end = offset + 1;
  for (int d = 0; d < ndim; d++) {
    if (shape[d] == 0) return 0;
    end += (shape[d] - 1) * strides[d];
  }
  return end;
}

/* A tensor laid out like the base (its strides) in fresh memory, holding `src` (a gradient of
 * the base's shape) or zeros when src is NULL, and in *window the view's part of it. */
static oz_tensor *base_layout(const view_geometry *g, const oz_tensor *src, int dtype,
                              oz_device device, oz_tensor **window) {
  *window = NULL;
  const int64_t nb = extent(g->base_ndim, g->base_shape, g->base_strides, 0);
  const int64_t nv = extent(g->view_ndim, g->view_shape, g->view_strides, g->view_offset);
  int64_t n = nv > nb ? nv : nb;
  oz_tensor *flat = oz_empty(1, &n, dtype, device);
  if (!flat) return NULL;
  oz_tensor *base =
      oz_tensor_over(flat->storage, 0, dtype, g->base_ndim, g->base_shape, g->base_strides);
  int rc = base ? OZ_OK : oz_last_error_code();
  /* zeros unless src covers every element the window can read */
  if (rc == OZ_OK && (!src || nv > nb)) rc = oz_fill_(flat, oz_make_scalar_i(0));
  if (rc == OZ_OK && src) rc = oz_copy_(base, src);
  if (rc == OZ_OK)
    *window = oz_tensor_over(flat->storage, g->view_offset, dtype, g->view_ndim, g->view_shape,
                             g->view_strides);
  oz_tensor_decref(flat);
  if (!*window) {
    oz_tensor_decref(base);
    return NULL;
  }
  return base;
}

/* ---------------------------------------------------------------- AsStridedBackward0 */
static int as_strided_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  oz_tensor *window;
  oz_tensor *base =
      base_layout(n->extra, NULL, gout[0]->dtype, oz_tensor_device(gout[0]), &window);
  if (!base) return oz_last_error_code();
  int rc = oz_copy_(window, gout[0]);
  oz_tensor_decref(window);
  if (rc != OZ_OK) {
    oz_tensor_decref(base);
    return rc;
  }
  gin[0] = base;
  return OZ_OK;
}

void oz_view_refresh(oz_tensor *view) {
  oz_autograd_meta *m = view->autograd;
  if (!m || !m->view_base || m->view_no_grad) return;
  oz_tensor *base = m->view_base;
  m->view_version = oz_version(view);
  if (!oz_requires_grad(base)) return;
  oz_node *n = oz_node_new("AsStridedBackward0", as_strided_backward, 1, 1);
  if (!n || oz_node_set_input(n, 0, base) != OZ_OK || attach_geometry(n, base, view) != OZ_OK) {
    oz_node_decref(n); /* keeps the old history: the error is reported by whoever reads it */
    m->view_version = -1;
    return;
  }
  oz_node_decref(m->grad_fn);
  m->grad_fn = n; /* takes the reference */
  m->output_nr = 0;
}

/* ---------------------------------------------------------------- CopySlices */
/* Input 0 is the base's old history; inputs 1.. are fn's inputs. */
static int copy_slices_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  const view_geometry *g = n->extra;
  oz_tensor *window;
  oz_tensor *base = base_layout(g, gout[0], gout[0]->dtype, oz_tensor_device(gout[0]), &window);
  if (!base) return oz_last_error_code();
  oz_tensor *grad_view = oz_clone(window);
  int rc = grad_view ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK) rc = oz_fill_(window, oz_make_scalar_i(0));
  oz_tensor *fn_gin[OZ_NODE_MAX_INPUTS] = {0};
  if (rc == OZ_OK) rc = g->fn->backward(g->fn, &grad_view, fn_gin);
  for (int i = 0; i < g->fn->n_inputs; i++) {
    if (rc == OZ_OK) gin[1 + i] = fn_gin[i];
    else oz_tensor_decref(fn_gin[i]);
  }
  oz_tensor_decref(grad_view);
  oz_tensor_decref(window);
  if (rc != OZ_OK) {
    oz_tensor_decref(base);
    return rc;
  }
  gin[0] = base;
  return OZ_OK;
}

int oz_view_inplace_rebase(oz_tensor *view, oz_node *fn) {
  oz_autograd_meta *m = view->autograd;
  oz_tensor *base = m->view_base;
  if (fn->n_inputs + 1 > OZ_NODE_MAX_INPUTS || fn->n_outputs != 1)
    return oz_set_error(OZ_ERR_RUNTIME, "%s: in-place op on a view with too many inputs",
                        fn->name);
  oz_node *cs = oz_node_new("torch::autograd::CopySlices", copy_slices_backward, 1 + fn->n_inputs, 1);
  if (!cs) return oz_last_error_code();
  int rc = oz_node_set_input(cs, 0, base);
  if (rc == OZ_OK) rc = attach_geometry(cs, base, view);
  if (rc != OZ_OK) {
    oz_node_decref(cs);
    return rc;
  }
  for (int i = 0; i < fn->n_inputs; i++) {
    cs->next[1 + i] = fn->next[i];
    if (cs->next[1 + i].node) oz_node_incref(cs->next[1 + i].node);
    cs->in_meta[1 + i] = fn->in_meta[i];
  }
  oz_node_incref(fn);
  ((view_geometry *)cs->extra)->fn = fn;
  rc = oz_node_attach(cs, &base, 1); /* base is no view: plain rebase; consumes cs */
  if (rc != OZ_OK) return rc;
  m->requires_grad = true;
  m->view_version = -1; /* the view's grad_fn: a fresh view of the new base */
  oz_view_refresh(view);
  return m->view_version == -1 ? oz_last_error_code() : OZ_OK;
}

/* ---------------------------------------------------------------- marking and checks */
static void mark(oz_tensor *view, const oz_tensor *base, const char *multi_fn, int index) {
  if (oz_inference_mode() || view == base) return;
  /* Under no_grad only a view of a tensor that requires grad needs a record (to refuse its
   * in-place use later with grad on): others would cost an allocation on a hot path for nothing. */
  if (!oz_grad_enabled() && !oz_requires_grad(base)) return;
  oz_autograd_meta *bm = base->autograd;
  oz_tensor *root = bm && bm->view_base ? bm->view_base : (oz_tensor *)base;
  oz_autograd_meta *m = oz_autograd_meta_get(view);
  if (!m) return; /* out of memory: the view is then treated as a tensor of its own */
  oz_tensor_incref(root);
  oz_tensor_decref(m->view_base);
  m->view_base = root;
  m->view_version = oz_version(view);
  m->view_no_grad = !oz_grad_enabled() || (bm && bm->view_base && bm->view_no_grad);
  m->view_multi_fn = multi_fn;
  m->view_multi_index = index;
}

void oz_mark_view(oz_tensor *view, const oz_tensor *base) { mark(view, base, NULL, 0); }

void oz_mark_view_multi(oz_tensor *view, const oz_tensor *base, const char *fn, int index) {
  mark(view, base, fn, index);
}

oz_tensor *oz_view_base(const oz_tensor *t) {
  const oz_autograd_meta *m = t->autograd;
  return m ? m->view_base : NULL;
}

int oz_view_check_inplace(const oz_tensor *t) {
  const oz_autograd_meta *m = t->autograd;
  if (!m || !m->view_base) return OZ_OK;
  const oz_tensor *base = m->view_base;
  const bool base_grad = oz_requires_grad(base);
  if (m->view_no_grad) {
    if (!base_grad) return OZ_OK;
    return oz_set_error(OZ_ERR_RUNTIME,
                        "A view was created in no_grad mode and is being modified inplace with "
                        "grad mode enabled. Given that this use case is ambiguous and "
                        "error-prone, it is forbidden. You can clarify your code by moving both "
                        "the view and the inplace either both inside the no_grad block (if you "
                        "don't want the inplace to be tracked) or both outside (if you want the "
                        "inplace to be tracked).");
  }
  if (base_grad && oz_is_leaf(base))
    return oz_set_error(OZ_ERR_RUNTIME,
                        "a view of a leaf Variable that requires grad is being used in an in-place "
                        "operation.");
  if (m->view_multi_fn && oz_requires_grad(t))
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Output %d of %s is a view and is being modified inplace. This view is "
                        "the output of a function that returns multiple views. Such functions do "
                        "not allow the output views to be modified inplace. You should replace "
                        "the inplace operation by an out-of-place one.",
                        m->view_multi_index, m->view_multi_fn);
  return OZ_OK;
}
