/* oz_autograd.h - reverse-mode automatic differentiation in the core, with PyTorch's semantics.
 *
 * Every op front-end that produces a differentiable result records a node (grad_fn) when grad
 * mode is on and an input requires grad:
 *
 *   oz_tensor *r = ...forward...;
 *   if (r && oz_autograd_wanted2(a, b)) {
 *     oz_node *n = oz_node_new("MulBackward0", mul_backward, 2, 1);
 *     oz_node_set_input(n, 0, a);          // edge to a's grad_fn / its AccumulateGrad
 *     oz_node_set_input(n, 1, b);
 *     oz_node_save(n, a);                  // saved[0]
 *     oz_node_save(n, b);                  // saved[1]
 *     if (oz_node_attach(n, &r, 1) != OZ_OK) ...   // r->grad_fn = n; consumes n
 *   }
 *
 * and the backward function computes input gradients from output gradients with core ops:
 *
 *   static int mul_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
 *     if (oz_node_needs_grad(n, 0)) gin[0] = oz_mul(gout[0], SAVED(n, 1), NULL) ...
 *   }
 *
 * The engine reduces a gradient to its input's shape (undoing broadcasting) and casts it to the
 * input's dtype after the backward function returns, so formulas may return broadcast-shaped
 * gradients. Backward functions run with grad mode off, unless create_graph was requested, in
 * which case they are recorded too (double backward).
 *
 * Ownership follows the rest of the core: functions returning oz_tensor* return new references,
 * gin[i] slots receive new references (or stay NULL = zero gradient). */
#ifndef OZ_AUTOGRAD_H
#define OZ_AUTOGRAD_H

#include "core/oz_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OZ_NODE_MAX_INPUTS 8
#define OZ_NODE_MAX_SAVED 8
#define OZ_NODE_MAX_INTS 24

typedef struct oz_node oz_node;

/* grads_out[k]: gradient w.r.t. output k (NULL when that output got no gradient);
 * grads_in[i]: fill with the gradient w.r.t. input i, or leave NULL. Return OZ_OK or an error
 * code with the last error set. */
typedef int (*oz_backward_fn)(oz_node *node, oz_tensor *const *grads_out, oz_tensor **grads_in);

/* A hook on the gradient of one tensor (Tensor.register_hook): it may replace *grad (dropping
 * the old reference) and returns OZ_OK or an error code with the last error set. */
typedef int (*oz_grad_hook_fn)(void *ctx, oz_tensor **grad);
typedef struct oz_grad_hook {
  oz_grad_hook_fn fn;
  void *ctx;
  void (*release)(void *ctx); /* frees ctx when the hook goes away (may be NULL) */
  int64_t id;
  int32_t output_nr;          /* which output of the node the gradient belongs to */
  struct oz_grad_hook *next;
} oz_grad_hook;

typedef struct oz_edge {
  oz_node *node;     /* NULL: that input does not require grad */
  int32_t input_nr;  /* which output of `node` the gradient belongs to */
} oz_edge;

/* Shape/dtype/device of a forward input, to reduce and cast its gradient. */
typedef struct oz_input_meta {
  int32_t ndim;
  int32_t dtype;
  oz_device device;
  int64_t shape[OZ_MAX_DIMS];
} oz_input_meta;

/* A tensor kept for backward, with the storage version seen when it was saved, so that an
 * in-place change before backward is detected. */
typedef struct oz_saved_tensor {
  oz_tensor *tensor;  /* an alias without autograd history when it is an output of this node */
  int64_t version;
  bool is_output;
} oz_saved_tensor;

struct oz_node {
  int64_t refcount;
  const char *name; /* PyTorch's name: "AddBackward0", "AccumulateGrad", ... (static storage) */
  oz_backward_fn backward;
  void (*destroy)(oz_node *node); /* optional: frees `extra` */
  void *extra;                    /* owner-defined state (Python autograd.Function objects) */
  int32_t n_inputs;               /* edges in next[] */
  int32_t n_outputs;
  oz_edge next[OZ_NODE_MAX_INPUTS];
  oz_input_meta in_meta[OZ_NODE_MAX_INPUTS];
  int32_t n_saved;
  oz_saved_tensor saved[OZ_NODE_MAX_SAVED];
  /* Non-tensor arguments the formula needs (dims, alpha, reduction, ...). */
  int32_t n_ints, n_scalars;
  int64_t ints[OZ_NODE_MAX_INTS];
  oz_scalar scalars[4];
  bool released;      /* saved tensors freed after a backward without retain_graph */
  oz_tensor *variable; /* AccumulateGrad only: the leaf (strong reference) */
  /* Non-leaf outputs that asked for retain_grad(), per output (weak: cleared when they die). */
  oz_tensor **retained; /* n_outputs slots, allocated on the first retain_grad() */
  void *pyobj;        /* the Python grad_fn object, if any (borrowed; cleared on its death) */
  oz_grad_hook *pre_hooks; /* hooks of non-leaf outputs, run on their summed gradient */
};

/* Per-tensor autograd state (oz_tensor.autograd). */
typedef struct oz_autograd_meta {
  bool requires_grad; /* leaves: set by the user; non-leaves: implied by grad_fn */
  bool retains_grad;
  oz_tensor *grad;
  oz_node *grad_fn;           /* NULL for leaves */
  int32_t output_nr;
  oz_node *grad_accumulator;  /* leaves: cached AccumulateGrad (weak: cleared when it dies) */
  /* Views (made by a view op, core/autograd_view_inplace.c): the root tensor whose storage they
   * share, and the storage version their grad_fn was made at; when the storage has been written
   * since, grad_fn is regenerated from the base's current history (AsStridedBackward0). */
  oz_tensor *view_base;       /* strong reference; NULL: not a view */
  int64_t view_version;
  bool view_no_grad;          /* made while grad mode was off: never rebased or regenerated */
  const char *view_multi_fn;  /* one of several views returned by this op (split, unbind, ...) */
  int32_t view_multi_index;
  oz_grad_hook *hooks;        /* leaves: hooks run before the gradient accumulates into .grad */
} oz_autograd_meta;

/* ---- grad mode (thread-local, like PyTorch's) ---- */
bool oz_grad_enabled(void);
void oz_set_grad_enabled(bool enabled);
bool oz_inference_mode(void);
void oz_set_inference_mode(bool enabled);

/* ---- per-tensor state ---- */
bool oz_requires_grad(const oz_tensor *t);
/* Leaves only (RuntimeError "you can only change requires_grad flags of leaf variables." when
 * turning it off on a non-leaf), floating dtypes only (RuntimeError "only Tensors of floating
 * point and complex dtype can require gradients"). */
int oz_set_requires_grad(oz_tensor *t, bool requires_grad);
bool oz_is_leaf(const oz_tensor *t);
oz_node *oz_grad_fn(const oz_tensor *t); /* borrowed; NULL for leaves */
oz_tensor *oz_grad(const oz_tensor *t);  /* borrowed; NULL when none */
int oz_set_grad(oz_tensor *t, oz_tensor *grad); /* NULL clears; takes its own reference */
int oz_retain_grad(oz_tensor *t);
bool oz_retains_grad(const oz_tensor *t);
/* detach(): an alias sharing storage without history; requires_grad false. */
oz_tensor *oz_detach(const oz_tensor *t);
/* detach_(): drops t's history in place. */
int oz_detach_(oz_tensor *t);

/* ---- recording (used by op front-ends) ---- */
/* Grad mode is on and at least one of the given tensors (NULLs ignored) requires grad. */
bool oz_autograd_wanted(const oz_tensor *const *ts, int n);
static inline bool oz_autograd_wanted1(const oz_tensor *a) { return oz_autograd_wanted(&a, 1); }
static inline bool oz_autograd_wanted2(const oz_tensor *a, const oz_tensor *b) {
  const oz_tensor *ts[2] = {a, b};
  return oz_autograd_wanted(ts, 2);
}
/* A new node with refcount 1; NULL on allocation failure. */
oz_node *oz_node_new(const char *name, oz_backward_fn backward, int n_inputs, int n_outputs);
void oz_node_incref(oz_node *n);
void oz_node_decref(oz_node *n);
/* Points input edge i at t's history (its grad_fn, or its AccumulateGrad when t is a leaf that
 * requires grad; no edge otherwise) and records t's shape/dtype/device. t may be NULL. */
int oz_node_set_input(oz_node *n, int i, const oz_tensor *t);
/* Saves t for backward (saved[n_saved++]). Saving one of the node's own outputs must use
 * oz_node_save_output (after attach), which avoids a reference cycle. */
int oz_node_save(oz_node *n, const oz_tensor *t);
int oz_node_save_output(oz_node *n, const oz_tensor *output);
/* Saves input t of an op writing `out`: a copy without history when t is out (an in-place op
 * is about to overwrite the value the formula needs). */
int oz_node_save_input(oz_node *n, const oz_tensor *t, const oz_tensor *out);
/* The saved tensor i (new reference), or NULL with RuntimeError when it was modified in place
 * since ("one of the variables needed for gradient computation has been modified by an inplace
 * operation: ...") or freed by an earlier backward ("Trying to backward through the graph a
 * second time ..."). */
oz_tensor *oz_node_saved(oz_node *n, int i);
bool oz_node_needs_grad(const oz_node *n, int input);
/* Makes outputs[k] (fresh results of the op) the k-th outputs of n: sets their grad_fn and
 * requires_grad. Consumes the caller's reference to n. For an in-place op the output is the
 * modified input: its history is rebased onto n (RuntimeError for a leaf that requires grad:
 * "a leaf Variable that requires grad is being used in an in-place operation."). */
int oz_node_attach(oz_node *n, oz_tensor *const *outputs, int n_outputs);

/* Before writing into t in place: RuntimeError when grad mode is on and t is a leaf that
 * requires grad ("a leaf Variable that requires grad is being used in an in-place operation."),
 * a view of such a leaf, or one of several views returned by one op (split, unbind, chunk).
 * Writes through other views are recorded on their base (CopySlices, see oz_node_attach). */
int oz_check_inplace(const oz_tensor *t);

/* Tensor.register_hook: fn runs, in registration order, on each gradient computed for t (before
 * it accumulates into a leaf's .grad, or flows on from a non-leaf) and may replace it. Returns
 * the hook's id (> 0), or -1 with RuntimeError "cannot register a hook on a tensor that doesn't
 * require gradient". remove: false when no hook of t has that id. */
int64_t oz_register_grad_hook(oz_tensor *t, oz_grad_hook_fn fn, void *ctx,
                              void (*release)(void *ctx));
bool oz_remove_grad_hook(oz_tensor *t, int64_t id);
/* Runs the hooks of a list on grads[output_nr] (engine). */
int oz_run_grad_hooks(const oz_grad_hook *hooks, oz_tensor **grads, int n_grads);

/* Marks a write into t (in-place ops, copy_, fill_, out=): bumps its storage's version. */
void oz_bump_version(oz_tensor *t);
int64_t oz_version(const oz_tensor *t);

/* out= with autograd: RuntimeError when grad mode is on and an input requires grad
 * ("add(): functions with out=... arguments don't support automatic differentiation, but one of
 * the arguments requires grad."). */
int oz_check_out_autograd(const char *fname, const oz_tensor *out, const oz_tensor *const *ins,
                          int n);

/* The usual recording around an op with one output, in three steps:
 *   oz_node *n;
 *   if (oz_grad_begin("mul", "MulBackward0", mul_backward, ins, 2, out, &n) != OZ_OK)
 *     return NULL;
 *   if (n) ... oz_node_save(n, ...) what the formula needs (before the op writes anything) ...
 *   return oz_grad_end(n, compute(...), out);
 * begin: *n is NULL unless grad mode is on and an input requires grad; out= (not in-place) with
 * such inputs is an error; in-place (out is one of ins) is checked with oz_check_inplace and the
 * inputs' edges are taken before the write. end: bumps out's version when out was written, and
 * attaches n to the result (consuming n); returns the result. */
int oz_grad_begin(const char *fname, const char *node_name, oz_backward_fn backward,
                  const oz_tensor *const *ins, int n_ins, const oz_tensor *out, oz_node **node);
oz_tensor *oz_grad_end(oz_node *node, oz_tensor *result, oz_tensor *out);

/* Records that `view` (made by a view op from `base`) shares base's storage, so that an in-place
 * write through it rebases the root base's history (CopySlices) and a write to the storage by
 * anyone regenerates the view's grad_fn. The multi form marks output `index` of an op returning
 * several views (`fn`: its node name), which may not be written in place. */
void oz_mark_view(oz_tensor *view, const oz_tensor *base);
void oz_mark_view_multi(oz_tensor *view, const oz_tensor *base, const char *fn, int index);
/* The root base of a view (borrowed), or NULL for a tensor that is not a view. */
oz_tensor *oz_view_base(const oz_tensor *t);
/* The edge a gradient for t flows along (new reference in e->node, NULL when t needs none). */
int oz_tensor_edge(const oz_tensor *t, oz_edge *e);
bool oz_node_is_accumulator(const oz_node *n);

/* Sums grad down to (ndim, shape): undoes broadcasting. New reference. */
oz_tensor *oz_sum_to_shape(const oz_tensor *grad, int ndim, const int64_t *shape);

/* ---- the engine ---- */
/* tensor.backward(gradient, retain_graph, create_graph) for several roots at once: gradients of
 * leaves accumulate into their .grad (and into non-leaves that retain_grad). grad_roots[i] may be
 * NULL only for a root with one element (implicit ones). */
int oz_backward(int n_roots, oz_tensor *const *roots, oz_tensor *const *grad_roots,
                bool retain_graph, bool create_graph);
/* backward(inputs=...): gradients accumulate into the .grad of `inputs` only (leaves or not);
 * inputs unreachable from the roots keep their .grad. */
int oz_backward_to(int n_roots, oz_tensor *const *roots, oz_tensor *const *grad_roots,
                   int n_inputs, oz_tensor *const *inputs, bool retain_graph, bool create_graph);
/* torch.autograd.grad: results[j] receives the gradient w.r.t. inputs[j] (new reference), or
 * NULL when unused and allow_unused (error otherwise). Nothing accumulates into .grad. */
int oz_autograd_grad(int n_roots, oz_tensor *const *roots, oz_tensor *const *grad_roots,
                     int n_inputs, oz_tensor *const *inputs, bool retain_graph,
                     bool create_graph, bool allow_unused, oz_tensor **results);

#ifdef __cplusplus
}
#endif
#endif
