/* autograd.c - grad mode, per-tensor autograd state, graph nodes and saved tensors.
 * The engine that runs a backward pass is in autograd_engine.c. */
#include "core/oz_autograd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/autograd_internal.h"
#include "core/oz_views_grad.h"
#include "core/op_support.h"

/* ---------------------------------------------------------------- grad mode */
static _Thread_local bool grad_disabled; /* stored inverted so the zero default means "on" */
static _Thread_local bool inference_on;

bool oz_grad_enabled(void) { return !grad_disabled; }
void oz_set_grad_enabled(bool enabled) { grad_disabled = !enabled; }
bool oz_inference_mode(void) { return inference_on; }
void oz_set_inference_mode(bool enabled) { inference_on = enabled; }

/* ---------------------------------------------------------------- per-tensor state */
/* The state of t, with a view's history brought up to date first (see oz_view_refresh). */
static oz_autograd_meta *meta_of(const oz_tensor *t) {
  oz_autograd_meta *m = t->autograd;
  if (m && m->view_base && m->view_version != oz_version(t)) oz_view_refresh((oz_tensor *)t);
  return m;
}

oz_autograd_meta *oz_autograd_meta_get(oz_tensor *t) {
  if (!t->autograd) {
    oz_autograd_meta *m = calloc(1, sizeof *m);
    if (!m) {
      oz_set_error(OZ_ERR_NOMEM, "out of memory for autograd state");
      return NULL;
    }
    t->autograd = m;
  }
  return t->autograd;
}

void oz_autograd_release(oz_tensor *t) {
  oz_autograd_meta *m = t->autograd; /* a dying tensor's history is not refreshed */
  t->autograd = NULL;
  if (!m) return;
  if (m->grad_fn && m->grad_fn->retained && m->grad_fn->retained[m->output_nr] == t)
    m->grad_fn->retained[m->output_nr] = NULL;
  /* No AccumulateGrad can point here: it holds a strong reference to its leaf. */
  oz_tensor_decref(m->grad);
  oz_node_decref(m->grad_fn);
  oz_tensor_decref(m->view_base);
  oz_free_grad_hooks(m->hooks);
  free(m);
}

bool oz_requires_grad(const oz_tensor *t) {
  const oz_autograd_meta *m = meta_of(t);
  return m && (m->requires_grad || m->grad_fn);
}

bool oz_is_leaf(const oz_tensor *t) { return !meta_of(t) || !meta_of(t)->grad_fn; }
oz_node *oz_grad_fn(const oz_tensor *t) { return meta_of(t) ? meta_of(t)->grad_fn : NULL; }
oz_tensor *oz_grad(const oz_tensor *t) { return meta_of(t) ? meta_of(t)->grad : NULL; }
bool oz_retains_grad(const oz_tensor *t) { return meta_of(t) && meta_of(t)->retains_grad; }

int oz_set_requires_grad(oz_tensor *t, bool requires_grad) {
  if (!oz_is_leaf(t)) {
    if (requires_grad) return OZ_OK;
    return oz_set_error(OZ_ERR_RUNTIME,
                        "you can only change requires_grad flags of leaf variables. If you want "
                        "to use a computed variable in a subgraph that doesn't require "
                        "differentiation use var_no_grad = var.detach().");
  }
  if (requires_grad && !oz_dtype_is_floating(t->dtype))
    return oz_set_error(OZ_ERR_RUNTIME,
                        "only Tensors of floating point and complex dtype can require gradients");
  if (!requires_grad && !t->autograd) return OZ_OK;
  oz_autograd_meta *m = oz_autograd_meta_get(t);
  if (!m) return OZ_ERR_NOMEM;
  m->requires_grad = requires_grad;
  return OZ_OK;
}

int oz_set_grad(oz_tensor *t, oz_tensor *grad) {
  if (grad) {
    if (grad->dtype != t->dtype)
      return oz_set_error(OZ_ERR_RUNTIME, "assigned grad has data of a different type");
    if (!oz_same_device(oz_tensor_device(grad), oz_tensor_device(t)))
      return oz_set_error(OZ_ERR_RUNTIME, "assigned grad has data located on a different device");
    if (grad->ndim != t->ndim || memcmp(grad->shape, t->shape, sizeof(int64_t) * (size_t)t->ndim))
      return oz_set_error(OZ_ERR_RUNTIME, "assigned grad has data of a different size");
  }
  if (!grad && !t->autograd) return OZ_OK;
  oz_autograd_meta *m = oz_autograd_meta_get(t);
  if (!m) return OZ_ERR_NOMEM;
  if (grad) oz_tensor_incref(grad);
  oz_tensor_decref(m->grad);
  m->grad = grad;
  return OZ_OK;
}

int oz_retain_grad(oz_tensor *t) {
  if (!oz_requires_grad(t))
    return oz_set_error(OZ_ERR_RUNTIME, "can't retain_grad on Tensor that has requires_grad=False");
  if (oz_is_leaf(t)) return OZ_OK; /* leaves keep their grad anyway */
  oz_autograd_meta *m = meta_of(t);
  oz_node *n = m->grad_fn;
  if (!n->retained) {
    n->retained = calloc((size_t)n->n_outputs, sizeof(oz_tensor *));
    if (!n->retained) return oz_set_error(OZ_ERR_NOMEM, "out of memory in retain_grad");
  }
  n->retained[m->output_nr] = t; /* weak: cleared by oz_autograd_release */
  m->retains_grad = true;
  return OZ_OK;
}

oz_tensor *oz_detach(const oz_tensor *t) { return oz_alias(t); }

int oz_detach_(oz_tensor *t) {
  oz_autograd_meta *m = meta_of(t);
  if (!m) return OZ_OK;
  oz_node_decref(m->grad_fn);
  m->grad_fn = NULL;
  m->requires_grad = false;
  oz_tensor_decref(m->view_base);
  m->view_base = NULL;
  return OZ_OK;
}

/* ---------------------------------------------------------------- versions */
void oz_bump_version(oz_tensor *t) { __atomic_add_fetch(&t->storage->version, 1, __ATOMIC_RELAXED); }
int64_t oz_version(const oz_tensor *t) { return __atomic_load_n(&t->storage->version, __ATOMIC_RELAXED); }

int oz_check_inplace(const oz_tensor *t) {
  if (!oz_grad_enabled() || !t->autograd) return OZ_OK;
  const oz_autograd_meta *m = meta_of(t);
  if (m->requires_grad && !m->grad_fn)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "a leaf Variable that requires grad is being used in an in-place "
                        "operation.");
  return oz_view_check_inplace(t);
}

int oz_check_out_autograd(const char *fname, const oz_tensor *out, const oz_tensor *const *ins,
                          int n) {
  (void)out;
  if (!oz_autograd_wanted(ins, n)) return OZ_OK;
  return oz_set_error(OZ_ERR_RUNTIME,
                      "%s(): functions with out=... arguments don't support automatic "
                      "differentiation, but one of the arguments requires grad.",
                      fname);
}

/* ---------------------------------------------------------------- nodes */
bool oz_autograd_wanted(const oz_tensor *const *ts, int n) {
  if (!oz_grad_enabled() || oz_inference_mode()) return false;
  for (int i = 0; i < n; i++)
    if (ts[i] && oz_requires_grad(ts[i])) return true;
  return false;
}

oz_node *oz_node_new(const char *name, oz_backward_fn backward, int n_inputs, int n_outputs) {
  if (n_inputs < 0 || n_inputs > OZ_NODE_MAX_INPUTS || n_outputs < 1) {
    oz_set_error(OZ_ERR_RUNTIME, "%s: a node has at most %d inputs and at least one output", name,
                 OZ_NODE_MAX_INPUTS);
    return NULL;
  }
  oz_node *n = calloc(1, sizeof *n);
  if (!n) {
    oz_set_error(OZ_ERR_NOMEM, "out of memory for an autograd node");
    return NULL;
  }
  n->refcount = 1;
  n->name = name;
  n->backward = backward;
  n->n_inputs = n_inputs;
  n->n_outputs = n_outputs;
  return n;
}

void oz_node_incref(oz_node *n) { n->refcount++; }

static void release_saved(oz_node *n) {
  for (int i = 0; i < n->n_saved; i++) {
    oz_tensor_decref(n->saved[i].tensor);
    n->saved[i].tensor = NULL;
  }
  n->released = true;
}

/* Freeing a long chain of nodes recursively could overflow the C stack (a 100k-step graph), so
 * nodes whose count drops to zero are queued and freed in a loop. */
void oz_node_decref(oz_node *n) {
  static _Thread_local oz_node **pending;
  static _Thread_local size_t n_pending, cap_pending;
  static _Thread_local bool draining;
  if (!n || --n->refcount > 0) return;
  if (n_pending == cap_pending) {
    size_t cap = cap_pending ? cap_pending * 2 : 64;
    oz_node **p = realloc(pending, cap * sizeof *p);
    if (!p) return; /* leak rather than crash */
    pending = p, cap_pending = cap;
  }
  pending[n_pending++] = n;
  if (draining) return;
  draining = true;
  while (n_pending) {
    oz_node *d = pending[--n_pending];
    if (d->destroy) d->destroy(d);
    release_saved(d);
    if (d->variable) {
      oz_autograd_meta *m = d->variable->autograd;
      if (m && m->grad_accumulator == d) m->grad_accumulator = NULL;
      oz_tensor_decref(d->variable);
    }
    free(d->retained);
    oz_free_grad_hooks(d->pre_hooks);
    for (int i = 0; i < d->n_inputs; i++) oz_node_decref(d->next[i].node);
    free(d);
  }
  draining = false;
}

static int accumulate_grad_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  (void)n, (void)gout, (void)gin; /* the engine handles AccumulateGrad itself */
  return OZ_OK;
}

/* The AccumulateGrad node of a leaf that requires grad (new reference). */
static oz_node *grad_accumulator(oz_tensor *leaf) {
  oz_autograd_meta *m = oz_autograd_meta_get(leaf);
  if (!m) return NULL;
  if (m->grad_accumulator) {
    oz_node_incref(m->grad_accumulator);
    return m->grad_accumulator;
  }
  oz_node *acc = oz_node_new("torch::autograd::AccumulateGrad", accumulate_grad_backward, 0, 1);
  if (!acc) return NULL;
  oz_tensor_incref(leaf);
  acc->variable = leaf;
  m->grad_accumulator = acc; /* weak */
  return acc;
}

bool oz_node_is_accumulator(const oz_node *n) { return n->backward == accumulate_grad_backward; }

/* The edge a gradient for t flows along: its grad_fn, its AccumulateGrad, or none. */
static int edge_of(const oz_tensor *t, oz_edge *e) {
  e->node = NULL, e->input_nr = 0;
  if (!t || !oz_requires_grad(t)) return OZ_OK;
  oz_autograd_meta *m = meta_of(t);
  if (m->grad_fn) {
    oz_node_incref(m->grad_fn);
    e->node = m->grad_fn, e->input_nr = m->output_nr;
    return OZ_OK;
  }
  e->node = grad_accumulator((oz_tensor *)t);
  return e->node ? OZ_OK : oz_last_error_code();
}

int oz_tensor_edge(const oz_tensor *t, oz_edge *e) { return edge_of(t, e); }

int oz_node_set_input(oz_node *n, int i, const oz_tensor *t) {
  if (i < 0 || i >= n->n_inputs)
    return oz_set_error(OZ_ERR_RUNTIME, "%s: input %d out of range", n->name, i);
  oz_node_decref(n->next[i].node);
  n->next[i].node = NULL;
  if (!t) return OZ_OK;
  oz_input_meta *im = &n->in_meta[i];
  im->ndim = t->ndim;
  im->dtype = t->dtype;
  im->device = oz_tensor_device(t);
  memcpy(im->shape, t->shape, sizeof(int64_t) * (size_t)t->ndim);
  return edge_of(t, &n->next[i]);
}

bool oz_node_needs_grad(const oz_node *n, int input) {
  return input >= 0 && input < n->n_inputs && n->next[input].node;
}

static int save(oz_node *n, const oz_tensor *t, bool is_output) {
  if (n->n_saved == OZ_NODE_MAX_SAVED)
    return oz_set_error(OZ_ERR_RUNTIME, "%s: too many saved tensors", n->name);
  oz_tensor *kept = NULL;
  if (t && is_output) {
    kept = oz_alias(t); /* no history: an output saved by its own node would form a cycle */
    if (!kept) return oz_last_error_code();
  } else if (t) {
    oz_tensor_incref((oz_tensor *)t);
    kept = (oz_tensor *)t;
  }
  n->saved[n->n_saved++] = (oz_saved_tensor){kept, t ? oz_version(t) : 0, is_output};
  return OZ_OK;
}

int oz_node_save(oz_node *n, const oz_tensor *t) { return save(n, t, false); }

int oz_node_save_input(oz_node *n, const oz_tensor *t, const oz_tensor *out) {
  if (!t || t != out) return save(n, t, false);
  const bool was = oz_grad_enabled();
  oz_set_grad_enabled(false);
  oz_tensor *copy = oz_clone(t);
  oz_set_grad_enabled(was);
  int rc = copy ? save(n, copy, false) : oz_last_error_code();
  oz_tensor_decref(copy);
  return rc;
}
int oz_node_save_output(oz_node *n, const oz_tensor *output) { return save(n, output, true); }

oz_tensor *oz_node_saved(oz_node *n, int i) {
  if (n->released) {
    oz_set_error(OZ_ERR_RUNTIME,
                 "Trying to backward through the graph a second time (or directly access saved "
                 "tensors after they have already been freed). Saved intermediate values of the "
                 "graph are freed when you call .backward() or autograd.grad(). Specify "
                 "retain_graph=True if you need to backward through the graph a second time or "
                 "if you need to access saved tensors after calling backward.");
    return NULL;
  }
  if (i < 0 || i >= n->n_saved) {
    oz_set_error(OZ_ERR_RUNTIME, "%s: no saved tensor %d", n->name, i);
    return NULL;
  }
  oz_saved_tensor *s = &n->saved[i];
  if (!s->tensor) return NULL; /* saved "None" */
  if (oz_version(s->tensor) != s->version) {
    char shape[256];
    oz_shape_str(shape, sizeof shape, s->tensor->ndim, s->tensor->shape);
    oz_set_error(OZ_ERR_RUNTIME,
                 "one of the variables needed for gradient computation has been modified by an "
                 "inplace operation: [torch.%sTensor %s], which is %s %s, is at version %lld; "
                 "expected version %lld instead. Hint: the backtrace further above can show the "
                 "operation that failed to compute its gradient.",
                 oz_dtype_scalar_type_name(s->tensor->dtype), shape,
                 s->is_output ? "output 0 of" : "an input of", n->name,
                 (long long)oz_version(s->tensor), (long long)s->version);
    return NULL;
  }
  if (s->is_output && oz_grad_enabled()) {
    /* A double backward (create_graph) needs the saved output's history back: hand out an alias
     * whose grad_fn is this node again, as torch's SavedVariable does. (Output 0: the nodes
     * that save outputs have one.) */
    oz_tensor *r = oz_alias(s->tensor);
    oz_autograd_meta *m = r ? oz_autograd_meta_get(r) : NULL;
    if (!m) {
      oz_tensor_decref(r);
      return NULL;
    }
    oz_node_incref(n);
    m->grad_fn = n;
    m->output_nr = 0;
    return r;
  }
  oz_tensor_incref(s->tensor);
  return s->tensor;
}

int oz_node_attach(oz_node *n, oz_tensor *const *outputs, int n_outputs) {
  int rc = OZ_OK;
  for (int k = 0; k < n_outputs && k < n->n_outputs && rc == OZ_OK; k++) {
    oz_tensor *t = outputs[k];
    if (!t) continue;
    oz_autograd_meta *m = oz_autograd_meta_get(t);
    if (!m) {
      rc = oz_last_error_code();
      break;
    }
    if (m->view_base && !m->view_no_grad) { /* a write through a view: recorded on its base */
      rc = oz_view_inplace_rebase(t, n);
      continue;
    }
    oz_node_incref(n);
    oz_node_decref(m->grad_fn); /* in-place: history is rebased onto n */
    m->grad_fn = n;
    m->output_nr = k;
    m->requires_grad = true;
  }
  oz_node_decref(n);
  return rc;
}

oz_tensor *oz_sum_to_shape(const oz_tensor *grad, int ndim, const int64_t *shape) {
  if (grad->ndim == ndim && !memcmp(grad->shape, shape, sizeof(int64_t) * (size_t)ndim)) {
    oz_tensor_incref((oz_tensor *)grad);
    return (oz_tensor *)grad;
  }
  /* Leading dims the input did not have, and dims where it had size 1, were broadcast. */
  int64_t dims[OZ_MAX_DIMS];
  int n = 0, lead = grad->ndim - ndim;
  if (lead < 0) {
    oz_set_error(OZ_ERR_RUNTIME, "gradient has fewer dims (%d) than its input (%d)", grad->ndim,
                 ndim);
    return NULL;
  }
  for (int d = 0; d < grad->ndim; d++)
    if (d < lead || (shape[d - lead] == 1 && grad->shape[d] != 1)) dims[n++] = d;
  /* Recorded ops throughout: a create_graph backward differentiates through this too. */
  oz_tensor *s = n ? oz_sum(grad, dims, n, true, grad->dtype, NULL) : NULL;
  if (!n) oz_tensor_incref((oz_tensor *)grad), s = (oz_tensor *)grad;
  if (!s) return NULL;
  /* Drop the leading dims (now of size 1); a gradient smaller than its input (a formula that
   * returned a broadcastable value) is expanded. */
  oz_tensor *r = oz_ad_reshape(s, ndim, s->shape + lead);
  oz_tensor_decref(s);
  if (r && memcmp(r->shape, shape, sizeof(int64_t) * (size_t)ndim)) {
    oz_tensor *e = oz_ad_expand(r, ndim, shape);
    oz_tensor_decref(r);
    r = e ? oz_ad_contiguous(e) : NULL;
    oz_tensor_decref(e);
  }
  return r;
}

int oz_grad_begin(const char *fname, const char *node_name, oz_backward_fn backward,
                  const oz_tensor *const *ins, int n_ins, const oz_tensor *out, oz_node **node) {
  *node = NULL;
  bool record = oz_autograd_wanted(ins, n_ins);
  bool inplace = false;
  for (int i = 0; i < n_ins && out; i++) inplace |= ins[i] == out;
  if (out && inplace && oz_check_inplace(out) != OZ_OK) return oz_last_error_code();
  if (out && !inplace && record) return oz_check_out_autograd(fname, out, ins, n_ins);
  if (!record) return OZ_OK;
  oz_node *n = oz_node_new(node_name, backward, n_ins, 1);
  if (!n) return oz_last_error_code();
  for (int i = 0; i < n_ins; i++)
    if (oz_node_set_input(n, i, ins[i]) != OZ_OK) {
      oz_node_decref(n);
      return oz_last_error_code();
    }
  *node = n;
  return OZ_OK;
}

oz_tensor *oz_grad_end(oz_node *node, oz_tensor *result, oz_tensor *out) {
  if (result && out) oz_bump_version(out);
  if (!node) return result;
  if (!result) {
    oz_node_decref(node);
    return NULL;
  }
  if (oz_node_attach(node, &result, 1) != OZ_OK) {
    oz_tensor_decref(result);
    return NULL;
  }
  return result;
}
