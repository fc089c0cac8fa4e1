/* autograd_engine.c - runs a backward pass: finds the graph reachable from the roots, counts
 * each node's dependencies, then executes nodes in an order where every node runs after all the
 * nodes that feed it gradients (Kahn's algorithm), summing gradients per node output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/op_support.h"
#include "core/autograd_internal.h"
#include "core/oz_autograd.h"
#include "core/oz_views_grad.h"

typedef struct task {
  oz_node *node;
  int dependencies; /* nodes that still have to send this one a gradient */
  oz_tensor **grads; /* n_outputs accumulated gradients (NULL = none yet) */
} task;

typedef struct graph {
  task *tasks;
  int n, cap;
  /* open-addressing map node -> task index */
  oz_node **keys;
  int *vals;
  int map_cap;
} graph;

static size_t hash_ptr(const void *p, int cap) {
  uintptr_t x = (uintptr_t)p;
  x ^= x >> 17, x *= 0xed5ad4bbU, x ^= x >> 11;
  return (size_t)x & (size_t)(cap - 1);
}

static int find_task(const graph *g, const oz_node *n) {
  if (!g->map_cap) return -1;
  for (size_t h = hash_ptr(n, g->map_cap);; h = (h + 1) & (size_t)(g->map_cap - 1)) {
    if (!g->keys[h]) return -1;
    if (g->keys[h] == n) return g->vals[h];
  }
}

static int grow_map(graph *g) {
  int cap = g->map_cap ? g->map_cap * 2 : 256;
  oz_node **keys = calloc((size_t)cap, sizeof *keys);
  int *vals = calloc((size_t)cap, sizeof *vals);
  if (!keys || !vals) {
    free(keys), free(vals);
    return oz_set_error(OZ_ERR_NOMEM, "out of memory in autograd");
  }
  for (int i = 0; i < g->n; i++) {
    size_t h = hash_ptr(g->tasks[i].node, cap);
    while (keys[h]) h = (h + 1) & (size_t)(cap - 1);
    keys[h] = g->tasks[i].node, vals[h] = i;
  }
  free(g->keys), free(g->vals);
  g->keys = keys, g->vals = vals, g->map_cap = cap;
  return OZ_OK;
}

/* Index of n's task, adding it when new (*added set). -1 on allocation failure. */
static int add_task(graph *g, oz_node *n, bool *added) {
  int i = find_task(g, n);
  *added = i < 0;
  if (i >= 0) return i;
  if (g->n == g->cap) {
    int cap = g->cap ? g->cap * 2 : 64;
    task *t = realloc(g->tasks, (size_t)cap * sizeof *t);
    if (!t) return oz_set_error(OZ_ERR_NOMEM, "out of memory in autograd"), -1;
    g->tasks = t, g->cap = cap;
  }
  if ((g->n + 1) * 2 > g->map_cap && grow_map(g) != OZ_OK) return -1;
  oz_tensor **grads = calloc((size_t)n->n_outputs, sizeof *grads);
  if (!grads) return oz_set_error(OZ_ERR_NOMEM, "out of memory in autograd"), -1;
  g->tasks[g->n] = (task){n, 0, grads};
  size_t h = hash_ptr(n, g->map_cap);
  while (g->keys[h]) h = (h + 1) & (size_t)(g->map_cap - 1);
  g->keys[h] = n, g->vals[h] = g->n;
  return g->n++;
}

static void graph_free(graph *g) {
  for (int i = 0; i < g->n; i++) {
    for (int k = 0; k < g->tasks[i].node->n_outputs; k++) oz_tensor_decref(g->tasks[i].grads[k]);
    free(g->tasks[i].grads);
  }
  free(g->tasks), free(g->keys), free(g->vals);
}

/* Collects every node reachable from the roots and counts, for each, the edges leading to it.
 * Iterative (explicit stack): graphs can be very deep. */
static int discover(graph *g, oz_node *const *roots, int n_roots) {
  int *stack = NULL, top = 0, cap = 0, rc = OZ_OK;
  for (int r = 0; r < n_roots && rc == OZ_OK; r++) {
    bool added;
    int i = add_task(g, roots[r], &added);
    if (i < 0) { rc = oz_last_error_code(); break; }
    if (!added) continue;
    if (top == cap) {
      cap = cap ? cap * 2 : 256;
      int *s = realloc(stack, (size_t)cap * sizeof *s);
      if (!s) { rc = oz_set_error(OZ_ERR_NOMEM, "out of memory in autograd"); break; }
      stack = s;
    }
    stack[top++] = i;
    while (top && rc == OZ_OK) {
      oz_node *n = g->tasks[stack[--top]].node;
      for (int e = 0; e < n->n_inputs; e++) {
        oz_node *next = n->next[e].node;
        if (!next) continue;
        int j = add_task(g, next, &added);
        if (j < 0) { rc = oz_last_error_code(); break; }
        g->tasks[j].dependencies++;
        if (!added) continue;
        if (top == cap) {
          cap = cap * 2;
          int *s = realloc(stack, (size_t)cap * sizeof *s);
          if (!s) { rc = oz_set_error(OZ_ERR_NOMEM, "out of memory in autograd"); break; }
          stack = s;
        }
        stack[top++] = j;
      }
    }
  }
  free(stack);
  return rc;
}

/* *slot += g (consumes the reference to g). */
static int accumulate(oz_tensor **slot, oz_tensor *g) {
  if (!*slot) {
    *slot = g;
    return OZ_OK;
  }
  oz_tensor *sum = oz_add(*slot, g, oz_make_scalar_i(1), NULL);
  oz_tensor_decref(g);
  if (!sum) return oz_last_error_code();
  oz_tensor_decref(*slot);
  *slot = sum;
  return OZ_OK;
}

/* Shapes and casts a formula's gradient for input i of n to what the input was. */
static oz_tensor *fit_to_input(const oz_node *n, int i, oz_tensor *g) {
  const oz_input_meta *im = &n->in_meta[i];
  oz_tensor *r = oz_sum_to_shape(g, im->ndim, im->shape);
  oz_tensor_decref(g);
  if (r && r->dtype != im->dtype) {
    oz_tensor *c = oz_ad_to(r, im->dtype, oz_tensor_device(r), false); /* create_graph: recorded */
    oz_tensor_decref(r);
    r = c;
  }
  return r;
}

/* Leaf gradient accumulation into .grad, as torch's AccumulateGrad: the first gradient is
 * stored (copied unless it is ours alone), later ones are added (in place unless the graph of
 * the gradient itself is being built). */
static int accumulate_into_leaf(oz_tensor *leaf, oz_tensor *g, bool create_graph) {
  oz_tensor *old = oz_grad(leaf);
  if (old && !create_graph) { /* grad += g, in place */
    oz_tensor *r = oz_add(old, g, oz_make_scalar_i(1), old);
    if (!r) return oz_last_error_code();
    oz_tensor_decref(r);
    oz_bump_version(old);
    return OZ_OK;
  }
  oz_tensor *next;
  if (old) {
    next = oz_add(old, g, oz_make_scalar_i(1), NULL);
  } else if (g->refcount == 1 || create_graph) {
    oz_tensor_incref(g); /* nobody else holds it: store it as it is */
    next = g;
  } else {
    next = oz_clone(g);
  }
  if (!next) return oz_last_error_code();
  int rc = oz_set_grad(leaf, next);
  oz_tensor_decref(next);
  return rc;
}

typedef struct capture {
  oz_node *node; /* gradient flowing into (node, nr) is captured */
  int nr;
  oz_tensor *grad;
} capture;

/* The shared engine. With captures (torch.autograd.grad), gradients are returned instead of
 * accumulated into leaves. */
static int run_backward(int n_roots, oz_tensor *const *roots, oz_tensor *const *grad_roots,
                        bool retain_graph, bool create_graph, capture *caps, int n_caps) {
  graph g = {0};
  oz_node *root_nodes[64];
  oz_edge root_edges[64];
  int rc = OZ_OK;
  if (n_roots > 64) return oz_set_error(OZ_ERR_RUNTIME, "at most 64 roots per backward call");
  memset(root_edges, 0, sizeof root_edges);
  for (int r = 0; r < n_roots && rc == OZ_OK; r++) {
    const oz_tensor *t = roots[r];
    if (!oz_requires_grad(t)) {
      rc = oz_set_error(OZ_ERR_RUNTIME,
                        "element %d of tensors does not require grad and does not have a grad_fn",
                        r);
      break;
    }
    if (!grad_roots[r] && oz_numel(t) != 1) {
      rc = oz_set_error(OZ_ERR_RUNTIME, "grad can be implicitly created only for scalar outputs");
      break;
    }
    if (grad_roots[r] && (grad_roots[r]->ndim != t->ndim ||
                          memcmp(grad_roots[r]->shape, t->shape, sizeof(int64_t) * (size_t)t->ndim))) {
      char a[256], b[256];
      rc = oz_set_error(OZ_ERR_RUNTIME,
                        "Mismatch in shape: grad_output[%d] has a shape of torch.Size(%s) and "
                        "output[%d] has a shape of torch.Size(%s).",
                        r, oz_shape_str(a, sizeof a, grad_roots[r]->ndim, grad_roots[r]->shape), r,
                        oz_shape_str(b, sizeof b, t->ndim, t->shape));
      break;
    }
    rc = oz_tensor_edge(t, &root_edges[r]);
    root_nodes[r] = root_edges[r].node;
  }
  if (rc == OZ_OK) rc = discover(&g, root_nodes, n_roots);
  /* Seed the roots' gradients (ones for implicit scalar outputs). */
  for (int r = 0; r < n_roots && rc == OZ_OK; r++) {
    oz_tensor *seed = grad_roots[r];
    if (seed) {
      oz_tensor_incref(seed);
    } else {
      seed = oz_full(roots[r]->ndim, roots[r]->shape, oz_make_scalar_f(1.0), roots[r]->dtype,
                     oz_tensor_device(roots[r]));
      if (!seed) { rc = oz_last_error_code(); break; }
    }
    task *t = &g.tasks[find_task(&g, root_nodes[r])];
    rc = accumulate(&t->grads[root_edges[r].input_nr], seed);
  }

  bool saved_mode = oz_grad_enabled();
  oz_set_grad_enabled(create_graph);
  int *ready = rc == OZ_OK ? malloc(sizeof(int) * (size_t)(g.n + 1)) : NULL;
  int n_ready = 0;
  if (rc == OZ_OK && !ready) rc = oz_set_error(OZ_ERR_NOMEM, "out of memory in autograd");
  for (int i = 0; i < g.n && rc == OZ_OK; i++)
    if (g.tasks[i].dependencies == 0) ready[n_ready++] = i;

  while (n_ready && rc == OZ_OK) {
    task *t = &g.tasks[ready[--n_ready]];
    oz_node *n = t->node;
    /* Tensor hooks see the summed gradient first (a leaf's, before it accumulates). */
    const oz_autograd_meta *vm = n->variable ? n->variable->autograd : NULL;
    rc = oz_run_grad_hooks(vm ? vm->hooks : n->pre_hooks, t->grads, n->n_outputs);
    if (rc != OZ_OK) break;
    /* Captures for torch.autograd.grad and retain_grad() see the summed gradient. */
    for (int c = 0; c < n_caps; c++)
      if (caps[c].node == n && t->grads[caps[c].nr] && !caps[c].grad) {
        oz_tensor_incref(t->grads[caps[c].nr]);
        caps[c].grad = t->grads[caps[c].nr];
      }
    if (n->retained && !caps)
      for (int k = 0; k < n->n_outputs && rc == OZ_OK; k++)
        if (n->retained[k] && t->grads[k]) {
          oz_tensor *old = oz_grad(n->retained[k]);
          if (old) {
            oz_tensor *sum = oz_add(old, t->grads[k], oz_make_scalar_i(1), NULL);
            rc = sum ? oz_set_grad(n->retained[k], sum) : oz_last_error_code();
            oz_tensor_decref(sum);
          } else {
            oz_tensor *copy = oz_clone(t->grads[k]);
            if (copy && !create_graph) oz_detach_(copy);
            rc = copy ? oz_set_grad(n->retained[k], copy) : oz_last_error_code();
            oz_tensor_decref(copy);
          }
        }
    if (rc != OZ_OK) break;

    if (oz_node_is_accumulator(n)) {
      if (!caps && t->grads[0]) rc = accumulate_into_leaf(n->variable, t->grads[0], create_graph);
      continue;
    }
    oz_tensor *gin[OZ_NODE_MAX_INPUTS] = {NULL};
    bool any = false;
    for (int k = 0; k < n->n_outputs; k++) any |= t->grads[k] != NULL;
    if (any && n->released) {
      rc = oz_set_error(OZ_ERR_RUNTIME,
                        "Trying to backward through the graph a second time (or directly access "
                        "saved tensors after they have already been freed). Saved intermediate "
                        "values of the graph are freed when you call .backward() or "
                        "autograd.grad(). Specify retain_graph=True if you need to backward "
                        "through the graph a second time or if you need to access saved tensors "
                        "after calling backward.");
      break;
    }
    if (any) {
      oz_clear_error();
      rc = n->backward(n, t->grads, gin);
      if (rc != OZ_OK && oz_last_error_code() == OZ_OK)
        oz_set_error(rc, "%s failed without a message", n->name);
    }
    if (!retain_graph && rc == OZ_OK) {
      for (int i = 0; i < n->n_saved; i++) oz_tensor_decref(n->saved[i].tensor), n->saved[i].tensor = NULL;
      if (n->n_saved) n->released = true;
    }
    for (int i = 0; i < n->n_inputs; i++) {
      oz_node *next = n->next[i].node;
      if (!next) {
        oz_tensor_decref(gin[i]);
        continue;
      }
      int j = find_task(&g, next);
      if (rc == OZ_OK && gin[i]) {
        oz_tensor *fitted = fit_to_input(n, i, gin[i]);
        if (!fitted) rc = oz_last_error_code();
        else rc = accumulate(&g.tasks[j].grads[n->next[i].input_nr], fitted);
      } else {
        oz_tensor_decref(gin[i]);
      }
      if (--g.tasks[j].dependencies == 0) ready[n_ready++] = j;
    }
  }
  oz_set_grad_enabled(saved_mode);
  free(ready);
  for (int r = 0; r < n_roots; r++) oz_node_decref(root_edges[r].node);
  graph_free(&g);
  return rc;
}

int oz_backward(int n_roots, oz_tensor *const *roots, oz_tensor *const *grad_roots,
                bool retain_graph, bool create_graph) {
  return run_backward(n_roots, roots, grad_roots, retain_graph || create_graph, create_graph,
                      NULL, 0);
}

int oz_autograd_grad(int n_roots, oz_tensor *const *roots, oz_tensor *const *grad_roots,
                     int n_inputs, oz_tensor *const *inputs, bool retain_graph,
                     bool create_graph, bool allow_unused, oz_tensor **results) {
  capture *caps = calloc((size_t)(n_inputs > 0 ? n_inputs : 1), sizeof *caps);
  if (!caps) return oz_set_error(OZ_ERR_NOMEM, "out of memory in autograd");
  int rc = OZ_OK;
  for (int j = 0; j < n_inputs && rc == OZ_OK; j++) {
    if (!oz_requires_grad(inputs[j])) {
      rc = oz_set_error(OZ_ERR_RUNTIME, "One of the differentiated Tensors does not require grad");
      break;
    }
    oz_edge e;
    rc = oz_tensor_edge(inputs[j], &e);
    caps[j].node = e.node, caps[j].nr = e.input_nr;
  }
  if (rc == OZ_OK)
    rc = run_backward(n_roots, roots, grad_roots, retain_graph || create_graph, create_graph,
                      caps, n_inputs);
  for (int j = 0; j < n_inputs; j++) {
    results[j] = NULL;
    if (rc == OZ_OK && !caps[j].grad && !allow_unused)
      rc = oz_set_error(OZ_ERR_RUNTIME,
                        "One of the differentiated Tensors appears to not have been used in the "
                        "graph. Set allow_unused=True if this is the desired behavior.");
  }
  for (int j = 0; j < n_inputs; j++) {
    if (rc == OZ_OK && caps[j].grad) {
      results[j] = caps[j].grad;
      if (!create_graph) { /* a result without history, like torch's */
        oz_tensor *d = oz_detach(caps[j].grad);
        oz_tensor_decref(caps[j].grad);
        results[j] = d;
      }
    } else {
      oz_tensor_decref(caps[j].grad);
    }
    oz_node_decref(caps[j].node);
  }
  free(caps);
  return rc;
}

int oz_backward_to(int n_roots, oz_tensor *const *roots, oz_tensor *const *grad_roots,
                   int n_inputs, oz_tensor *const *inputs, bool retain_graph, bool create_graph) {
  if (n_inputs == 0)
    return oz_set_error(OZ_ERR_RUNTIME, "'inputs' argument to backward() cannot be empty.");
  oz_tensor **grads = calloc((size_t)n_inputs, sizeof *grads);
  if (!grads) return oz_set_error(OZ_ERR_NOMEM, "out of memory in autograd");
  int rc = oz_autograd_grad(n_roots, roots, grad_roots, n_inputs, inputs, retain_graph,
                            create_graph, true, grads);
  for (int j = 0; j < n_inputs; j++) {
    if (rc == OZ_OK && grads[j]) rc = accumulate_into_leaf(inputs[j], grads[j], create_graph);
    oz_tensor_decref(grads[j]);
  }
  free(grads);
  return rc;
}
