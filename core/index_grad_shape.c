/* index_grad_shape.c - the public shape ops (cat, stack, split, chunk, unbind, unflatten,
 * movedim, repeat, flip, roll, tril/triu): the forward of shape_ops.c plus autograd recording
 * and the backward formulas, which use the public (recording) ops so that a create_graph
 * backward is differentiable again. */
#include <stdlib.h>

#include "core/index_internal.h"
#include "core/oz_autograd.h"
#include "core/oz_views_grad.h"

/* zeros with an input's shape/dtype/device (for outputs that got no gradient). */
static oz_tensor *zeros_of(int ndim, const int64_t *shape, int dtype, oz_device device) {
  return oz_full(ndim, shape, oz_make_scalar_i(0), dtype, device);
}

/* ------------------------------------------------------------------ cat, stack
 * A node has at most OZ_NODE_MAX_INPUTS edges, so cat/stack of more inputs records a small tree:
 * the node's slots are inputs or sub-nodes standing for a run of inputs (their in_meta is the
 * run's joined shape). The backward slices the gradient per slot; a sub-node slices its part
 * again. For stack a slot that is a run keeps the stacked dim (ndim of the gradient) while a
 * plain input does not. */

typedef struct join_kind {
  const char *name;
  bool stack;
} join_kind;
static const join_kind CAT_KIND = {"CatBackward0", false}, STACK_KIND = {"StackBackward0", true};

/* PyTorch's legacy rule in cat: 1-d empty inputs take no part; their gradient is empty. */
static bool meta_skipped(const oz_input_meta *m) { return m->ndim == 1 && m->shape[0] == 0; }

static int join_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  const bool stack = n->ints[1] != 0;
  const int d = (int)n->ints[0];
  int64_t at = 0;
  for (int i = 0; i < n->n_inputs; i++) {
    const oz_input_meta *m = &n->in_meta[i];
    bool run = stack && m->ndim == g[0]->ndim; /* a sub-node's slot */
    if (!stack && meta_skipped(m) && g[0]->ndim != 1) {
      if (oz_node_needs_grad(n, i) && !(gin[i] = zeros_of(1, m->shape, m->dtype, m->device)))
        return oz_last_error_code();
      continue;
    }
    int64_t len = stack ? (run ? m->shape[d] : 1) : m->shape[d];
    if (oz_node_needs_grad(n, i)) {
      gin[i] = stack && !run ? oz_ad_select(g[0], d, at) : oz_ad_slice(g[0], d, at, at + len, 1);
      if (!gin[i]) return oz_last_error_code();
    }
    at += len;
  }
  return OZ_OK;
}

static bool any_requires_grad(int64_t n, const oz_tensor *const *ts) {
  if (!oz_grad_enabled() || oz_inference_mode()) return false;
  for (int64_t i = 0; i < n; i++)
    if (oz_requires_grad(ts[i])) return true;
  return false;
}

static bool cat_skipped(const oz_tensor *t) { return t->ndim == 1 && t->shape[0] == 0; }

/* The node for ts[0 .. n) (any n >= 1), with sub-nodes when n exceeds a node's edges. `joined`
 * is the result's geometry; returns NULL with the error set. */
static oz_node *join_node(const join_kind *kind, const oz_tensor *const *ts, int64_t n, int d,
                          const oz_tensor *joined) {
  int slots = n < OZ_NODE_MAX_INPUTS ? (int)n : OZ_NODE_MAX_INPUTS;
  oz_node *node = oz_node_new(kind->name, join_backward, slots, 1);
  if (!node) return NULL;
  node->ints[0] = d, node->ints[1] = kind->stack, node->n_ints = 2;
  int64_t per = (n + node->n_inputs - 1) / node->n_inputs, at = 0;
  int used = 0;
  for (int i = 0; i < node->n_inputs && at < n; i++, used++) {
    int64_t len = n - at < per ? n - at : per;
    int rc = OZ_OK;
    if (len == 1) {
      rc = oz_node_set_input(node, i, ts[at]);
    } else {
      /* a run: its slot's extent along d, and a sub-node when anything in it needs a gradient */
      oz_input_meta *m = &node->in_meta[i];
      m->ndim = joined->ndim, m->dtype = joined->dtype, m->device = oz_tensor_device(joined);
      memcpy(m->shape, joined->shape, sizeof(int64_t) * (size_t)joined->ndim);
      m->shape[d] = 0;
      for (int64_t k = at; k < at + len; k++)
        m->shape[d] += kind->stack ? 1 : cat_skipped(ts[k]) ? 0 : ts[k]->shape[d];
      if (any_requires_grad(len, ts + at)) {
        oz_node *sub = join_node(kind, ts + at, len, d, joined);
        if (!sub) {
          oz_node_decref(node);
          return NULL;
        }
        node->next[i].node = sub, node->next[i].input_nr = 0;
      }
    }
    if (rc != OZ_OK) {
      oz_node_decref(node);
      return NULL;
    }
    at += len;
  }
  node->n_inputs = used; /* runs of `per` may fill fewer slots than there are */
  return node;
}

static oz_tensor *record_join(const join_kind *kind, int64_t n, const oz_tensor *const *ts,
                              int d, oz_tensor *result) {
  if (!result) return NULL;
  oz_node *node = join_node(kind, ts, n, d, result);
  if (!node || oz_node_attach(node, &result, 1) != OZ_OK) {
    oz_tensor_decref(result);
    return NULL;
  }
  return result;
}

static int join_out_check(const char *fname, int64_t n, const oz_tensor *const *ts,
                          const oz_tensor *out) {
  if (!out || !any_requires_grad(n, ts)) return OZ_OK;
  return oz_set_error(OZ_ERR_RUNTIME,
                      "%s(): functions with out=... arguments don't support automatic "
                      "differentiation, but one of the arguments requires grad.",
                      fname);
}

oz_tensor *oz_cat(int64_t n, const oz_tensor *const *ts, int64_t dim, oz_tensor *out) {
  if (join_out_check("cat", n, ts, out) != OZ_OK) return NULL;
  oz_tensor *r = idx_cat_forward(n, ts, dim, out, "torch.cat");
  if (r && out) oz_bump_version(out);
  if (!r || out || !any_requires_grad(n, ts)) return r;
  const oz_tensor *ref = NULL;
  for (int64_t i = 0; i < n && !ref; i++)
    if (!(ts[i]->ndim == 1 && ts[i]->shape[0] == 0)) ref = ts[i];
  int d = ref ? oz_wrap_dim(dim, ref->ndim) : 0;
  return record_join(&CAT_KIND, n, ts, d, r);
}

oz_tensor *oz_stack(int64_t n, const oz_tensor *const *ts, int64_t dim, oz_tensor *out) {
  if (join_out_check("stack", n, ts, out) != OZ_OK) return NULL;
  oz_tensor *r = idx_stack_forward(n, ts, dim, out);
  if (r && out) oz_bump_version(out);
  if (!r || out || !any_requires_grad(n, ts)) return r;
  return record_join(&STACK_KIND, n, ts, oz_wrap_dim(dim, ts[0]->ndim + 1), r);
}

/* ------------------------------------------------------------------ numpy-style joins
 * Compositions of recorded ops (views and cat), so autograd follows from theirs. */

oz_tensor *oz_atleast_nd(const oz_tensor *t, int n) {
  if (t->ndim >= n) {
    oz_tensor_incref((oz_tensor *)t);
    return (oz_tensor *)t;
  }
  if (t->ndim == 0) { /* a reshape to n ones */
    const int64_t ones[3] = {1, 1, 1};
    return oz_ad_reshape(t, n, ones);
  }
  if (t->ndim == 1 && n == 2) return oz_ad_unsqueeze(t, 0);
  if (t->ndim == 2) return oz_ad_unsqueeze(t, -1); /* n == 3 */
  oz_tensor *u = oz_ad_unsqueeze(t, 0);            /* 1-d to 3-d: [1, n, 1] */
  oz_tensor *r = u ? oz_ad_unsqueeze(u, -1) : NULL;
  oz_tensor_decref(u);
  return r;
}

oz_tensor *oz_stack_variant_op(int variant, int64_t n, const oz_tensor *const *ts,
                               oz_tensor *out) {
  static const char *names[] = {"hstack", "vstack", "dstack", "column_stack"};
  if (variant < OZ_HSTACK || variant > OZ_COLUMN_STACK) {
    oz_set_error(OZ_ERR_RUNTIME, "unknown stack variant %d", variant);
    return NULL;
  }
  if (n == 0) {
    oz_set_error(OZ_ERR_RUNTIME, "%s expects a non-empty TensorList", names[variant]);
    return NULL;
  }
  size_t bytes = (size_t)n * sizeof(oz_tensor *);
  oz_tensor **parts = oz_host_alloc(bytes);
  if (!parts) return NULL;
  memset(parts, 0, bytes);
  int64_t made = 0;
  for (; made < n; made++) {
    const oz_tensor *t = ts[made];
    oz_tensor *p;
    if (variant == OZ_COLUMN_STACK) { /* vectors and scalars become columns */
      const int64_t col[2] = {oz_numel(t), 1};
      p = t->ndim <= 1 ? oz_ad_reshape(t, 2, col) : (oz_tensor_incref((oz_tensor *)t),
                                                         (oz_tensor *)t);
    } else {
      p = oz_atleast_nd(t, variant == OZ_HSTACK ? 1 : variant == OZ_VSTACK ? 2 : 3);
    }
    if (!(parts[made] = p)) break;
  }
  oz_tensor *r = NULL;
  if (made == n) {
    int64_t dim = variant == OZ_HSTACK ? (parts[0]->ndim == 1 ? 0 : 1)
                  : variant == OZ_VSTACK ? 0
                  : variant == OZ_DSTACK ? 2
                                         : 1;
    r = oz_cat(n, (const oz_tensor *const *)parts, dim, out);
  }
  oz_tensor_list_free(parts, made);
  return r;
}

/* ------------------------------------------------------------------ split, chunk, unbind
 * One input, many outputs (views of it). The gradient joins the outputs' gradients again, with
 * zeros for outputs that got none. ints[0] = dim, ints[1] = 1 for unbind (stack, not cat);
 * `extra` holds every output's extent along dim. */

typedef struct parts_info {
  int64_t n;
  int64_t sizes[];
} parts_info;

static void parts_destroy(oz_node *n) { free(n->extra); }

static int parts_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  const parts_info *info = n->extra;
  const oz_input_meta *im = &n->in_meta[0];
  const int d = (int)n->ints[0];
  const bool unbind = n->ints[1] != 0;
  size_t bytes = (size_t)(info->n ? info->n : 1) * sizeof(oz_tensor *);
  oz_tensor **grads = oz_host_alloc(bytes); /* oz_tensor_list_free's allocator */
  if (!grads) return oz_last_error_code();
  memset(grads, 0, bytes);
  int rc = OZ_OK;
  for (int64_t k = 0; k < info->n && rc == OZ_OK; k++) {
    if (g[k]) {
      oz_tensor_incref(g[k]);
      grads[k] = g[k];
      continue;
    }
    int64_t shape[OZ_MAX_DIMS];
    int nd = 0;
    for (int i = 0; i < im->ndim; i++) {
      if (i == d && unbind) continue;
      shape[nd++] = i == d ? info->sizes[k] : im->shape[i];
    }
    grads[k] = zeros_of(nd, shape, im->dtype, im->device);
    if (!grads[k]) rc = oz_last_error_code();
  }
  if (rc == OZ_OK) {
    gin[0] = unbind ? oz_stack(info->n, (const oz_tensor *const *)grads, d, NULL)
                    : oz_cat(info->n, (const oz_tensor *const *)grads, d, NULL);
    if (!gin[0]) rc = oz_last_error_code();
  }
  oz_tensor_list_free(grads, info->n);
  return rc;
}

/* Records `parts` (views of t) as the outputs of one node; frees them on failure. */
static oz_tensor **record_parts(const oz_tensor *t, oz_tensor **parts, int64_t n, int d,
                                const char *name, bool unbind) {
  if (!parts || !oz_autograd_wanted1(t)) return parts;
  parts_info *info = malloc(sizeof *info + sizeof(int64_t) * (size_t)(n ? n : 1));
  oz_node *node = info && n < INT32_MAX ? oz_node_new(name, parts_backward, 1, n ? (int)n : 1)
                                        : NULL;
  if (!node) {
    free(info);
    if (!oz_last_error_code()) oz_set_error(OZ_ERR_NOMEM, "out of memory in %s", name);
    oz_tensor_list_free(parts, n);
    return NULL;
  }
  info->n = n;
  for (int64_t k = 0; k < n; k++) info->sizes[k] = unbind ? 1 : parts[k]->shape[d];
  node->extra = info;
  node->destroy = parts_destroy;
  node->ints[0] = d, node->ints[1] = unbind, node->n_ints = 2;
  if (oz_node_set_input(node, 0, t) != OZ_OK || oz_node_attach(node, parts, (int)n) != OZ_OK) {
    oz_tensor_list_free(parts, n);
    return NULL;
  }
  for (int64_t k = 0; k < n; k++) oz_mark_view_multi(parts[k], t, name, (int)k);
  return parts;
}

oz_tensor **oz_split(const oz_tensor *t, int64_t split_size, int64_t dim, int64_t *n_out) {
  oz_tensor **parts = idx_split_forward(t, split_size, dim, n_out);
  if (!parts) return NULL;
  return record_parts(t, parts, *n_out, oz_wrap_dim(dim, t->ndim), "SplitBackward0", false);
}

oz_tensor **oz_split_with_sizes(const oz_tensor *t, int64_t n_sizes, const int64_t *sizes,
                                int64_t dim, int64_t *n_out) {
  oz_tensor **parts = idx_split_sizes_forward(t, n_sizes, sizes, dim, n_out);
  if (!parts) return NULL;
  return record_parts(t, parts, *n_out, oz_wrap_dim(dim, t->ndim), "SplitWithSizesBackward0",
                      false);
}

oz_tensor **oz_chunk(const oz_tensor *t, int64_t chunks, int64_t dim, int64_t *n_out) {
  bool with_sizes;
  oz_tensor **parts = idx_chunk_forward(t, chunks, dim, n_out, &with_sizes);
  if (!parts) return NULL;
  return record_parts(t, parts, *n_out, oz_wrap_dim(dim, t->ndim),
                      with_sizes ? "SplitWithSizesBackward0" : "SplitBackward0", false);
}

oz_tensor **oz_unbind(const oz_tensor *t, int64_t dim, int64_t *n_out) {
  oz_tensor **parts = idx_unbind_forward(t, dim, n_out);
  if (!parts) return NULL;
  return record_parts(t, parts, *n_out, oz_wrap_dim(dim, t->ndim), "UnbindBackward0", true);
}

/* ------------------------------------------------------------------ unflatten, movedim */

oz_tensor *oz_unflatten(const oz_tensor *t, int64_t dim, int n_sizes, const int64_t *sizes) {
  oz_tensor *v = idx_unflatten_forward(t, dim, n_sizes, sizes);
  if (!v || !oz_autograd_wanted1(t)) return v;
  /* the same view again, recorded as PyTorch does it (a view: ViewBackward0) */
  oz_tensor *r = oz_ad_view(t, v->ndim, v->shape);
  oz_tensor_decref(v);
  return r;
}

oz_tensor *oz_movedim(const oz_tensor *t, int n, const int64_t *source,
                      const int64_t *destination) {
  int64_t perm[OZ_MAX_DIMS];
  if (idx_movedim_perm(t, n, source, destination, perm) != OZ_OK) return NULL;
  return oz_ad_permute(t, t->ndim, perm);
}

/* ------------------------------------------------------------------ repeat, flip, roll */

/* Repeat's gradient: for each repeated dim, the copies summed. ints: the repeats. */
static int repeat_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  const int nr = n->n_ints;
  for (int i = 0; i < nr; i++)
    if (n->ints[i] == 0) { /* an empty result: nothing flowed back */
      const oz_input_meta *im = &n->in_meta[0];
      gin[0] = zeros_of(im->ndim, im->shape, im->dtype, im->device);
      return gin[0] ? OZ_OK : oz_last_error_code();
    }
  oz_tensor *cur = g[0];
  oz_tensor_incref(cur);
  /* From the last dim back, so the dims before keep their positions: [.., r*s, ..] is viewed as
   * [.., r, s, ..] and the r copies summed. */
  for (int i = nr - 1; i >= 0 && cur; i--) {
    int64_t r = n->ints[i];
    if (r == 1) continue;
    int64_t shape[OZ_MAX_DIMS + 1];
    int nd = 0;
    for (int k = 0; k < cur->ndim; k++) {
      if (k == i) shape[nd++] = r, shape[nd++] = cur->shape[k] / r;
      else shape[nd++] = cur->shape[k];
    }
    if (nd > OZ_MAX_DIMS) {
      oz_tensor_decref(cur);
      return oz_set_error(OZ_ERR_RUNTIME, "RepeatBackward0: tensors have at most %d dimensions",
                          OZ_MAX_DIMS);
    }
    oz_tensor *v = oz_ad_reshape(cur, nd, shape);
    int64_t dims[1] = {i};
    oz_tensor *s = v ? oz_sum(v, dims, 1, false, -1, NULL) : NULL;
    oz_tensor_decref(v), oz_tensor_decref(cur);
    cur = s;
  }
  gin[0] = cur;
  return cur ? OZ_OK : oz_last_error_code();
}

oz_tensor *oz_repeat(const oz_tensor *t, int n, const int64_t *repeats) {
  oz_node *node;
  if (n > OZ_NODE_MAX_INTS) n = OZ_NODE_MAX_INTS + 1; /* fails in the forward */
  if (oz_grad_begin("repeat", "RepeatBackward0", repeat_backward, &t, 1, NULL, &node) != OZ_OK)
    return NULL;
  if (node) {
    for (int i = 0; i < n && i < OZ_NODE_MAX_INTS; i++) node->ints[i] = repeats[i];
    node->n_ints = n;
  }
  return oz_grad_end(node, idx_repeat_forward(t, n, repeats), NULL);
}

/* flip's gradient is the gradient flipped back. ints: the dims. */
static int flip_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  gin[0] = oz_flip(g[0], n->n_ints, n->ints);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

oz_tensor *oz_flip(const oz_tensor *t, int n, const int64_t *dims) {
  oz_node *node;
  if (oz_grad_begin("flip", "FlipBackward0", flip_backward, &t, 1, NULL, &node) != OZ_OK)
    return NULL;
  if (node) {
    for (int i = 0; i < n && i < OZ_NODE_MAX_INTS; i++) node->ints[i] = dims[i];
    node->n_ints = n < OZ_NODE_MAX_INTS ? n : OZ_NODE_MAX_INTS;
  }
  return oz_grad_end(node, idx_flip_forward(t, n, dims), NULL);
}

oz_tensor *oz_fliplr(const oz_tensor *t) {
  if (t->ndim < 2) {
    oz_set_error(OZ_ERR_RUNTIME, "Input must be >= 2-d.");
    return NULL;
  }
  const int64_t dim = 1;
  return oz_flip(t, 1, &dim);
}

oz_tensor *oz_flipud(const oz_tensor *t) {
  if (t->ndim < 1) {
    oz_set_error(OZ_ERR_RUNTIME, "Input must be >= 1-d.");
    return NULL;
  }
  const int64_t dim = 0;
  return oz_flip(t, 1, &dim);
}

oz_tensor *oz_tile(const oz_tensor *t, int n, const int64_t *dims) {
  if (n >= t->ndim) return oz_repeat(t, n, dims);
  int64_t padded[OZ_MAX_DIMS];
  int lead = t->ndim - n;
  for (int i = 0; i < t->ndim; i++) padded[i] = i < lead ? 1 : dims[i - lead];
  return oz_repeat(t, t->ndim, padded);
}

/* roll's gradient rolls back. ints: n_shifts shifts then the dims. */
static int roll_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  int ns = (int)n->ints[0], nd = (int)n->ints[1];
  int64_t back[OZ_NODE_MAX_INTS];
  for (int i = 0; i < ns; i++) back[i] = -n->ints[2 + i];
  gin[0] = oz_roll(g[0], ns, back, nd, n->ints + 2 + ns);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

oz_tensor *oz_roll(const oz_tensor *t, int n_shifts, const int64_t *shifts, int n_dims,
                   const int64_t *dims) {
  oz_node *node;
  if (oz_grad_begin("roll", "RollBackward0", roll_backward, &t, 1, NULL, &node) != OZ_OK)
    return NULL;
  if (node && 2 + n_shifts + n_dims > OZ_NODE_MAX_INTS) {
    oz_node_decref(node);
    oz_set_error(OZ_ERR_RUNTIME, "roll: too many dims to record for autograd");
    return NULL;
  }
  if (node) {
    node->ints[0] = n_shifts, node->ints[1] = n_dims;
    memcpy(node->ints + 2, shifts, sizeof(int64_t) * (size_t)n_shifts);
    memcpy(node->ints + 2 + n_shifts, dims, sizeof(int64_t) * (size_t)n_dims);
    node->n_ints = 2 + n_shifts + n_dims;
  }
  return oz_grad_end(node, idx_roll_forward(t, n_shifts, shifts, n_dims, dims), NULL);
}

/* ------------------------------------------------------------------ tril, triu */

/* The gradient keeps the same triangle. ints: op, diagonal. */
static int tri_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  gin[0] = n->ints[0] == OZ_OP_TRIL ? oz_tril(g[0], n->ints[1], NULL)
                                     : oz_triu(g[0], n->ints[1], NULL);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

static oz_tensor *tri(int op, const oz_tensor *t, int64_t diagonal, oz_tensor *out) {
  const char *fname = op == OZ_OP_TRIL ? "tril" : "triu";
  oz_node *node;
  if (oz_grad_begin(fname, op == OZ_OP_TRIL ? "TrilBackward0" : "TriuBackward0", tri_backward, &t,
                    1, out, &node) != OZ_OK)
    return NULL;
  if (node) node->ints[0] = op, node->ints[1] = diagonal, node->n_ints = 2;
  return oz_grad_end(node, idx_tri_forward(op, t, diagonal, out), out);
}

oz_tensor *oz_tril(const oz_tensor *t, int64_t diagonal, oz_tensor *out) {
  return tri(OZ_OP_TRIL, t, diagonal, out);
}
oz_tensor *oz_triu(const oz_tensor *t, int64_t diagonal, oz_tensor *out) {
  return tri(OZ_OP_TRIU, t, diagonal, out);
}
