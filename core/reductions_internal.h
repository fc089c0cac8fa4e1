/* reductions_internal.h - what the reduction front-ends (core/reductions*.c) share: the dims a
 * reduction works on, running one of ops/reduce.def's kernels, grad-mode scoping, and the
 * backward formulas (core/reductions_grad.c). Not a public API. */
#ifndef OZ_REDUCTIONS_INTERNAL_H
#define OZ_REDUCTIONS_INTERNAL_H

#include "core/op_support.h"
#include "core/oz_autograd.h"
#include "core/oz_ops_reduce.h"

/* The shapes of a reduction of `a` over some dims. */
typedef struct oz_red_dims {
  int ndim;                        /* a's */
  bool mask[OZ_MAX_DIMS];          /* reduced dims */
  int64_t kept[OZ_MAX_DIMS];       /* keepdim form: 1 in reduced dims */
  int final_ndim;                  /* the result's, after keepdim */
  int64_t final_shape[OZ_MAX_DIMS];
  int64_t extent;                  /* elements reduced into each result element */
} oz_red_dims;

/* dims NULL / n_dims 0: every dim. IndexError for a dim out of range, RuntimeError "dim 1 appears
 * multiple times in the list of dims". */
int oz_red_dims_init(oz_red_dims *r, const oz_tensor *a, const int64_t *dims, int n_dims,
                     bool keepdim);
/* The result shape of a single-dim reduction (dim already wrapped; a 0-d tensor keeps 0 dims). */
void oz_red_dims_one(oz_red_dims *r, const oz_tensor *a, int dim, bool keepdim);

/* Runs the keepdim-form kernel `op` on x (already of the compute dtype) into n_out new tensors of
 * r->kept's shape and the given dtypes, and returns them viewed in r's final shape. `call`
 * carries the op's scalars and ints (its in/out are filled here). OZ_OK or an error code. */
int oz_red_run(oz_call *call, const oz_tensor *x, const oz_red_dims *r, int n_out,
               const int *dtypes, oz_tensor **results);

/* Grad mode off for a forward computed from other core ops, so they record nothing: the caller
 * records its own node. */
static inline bool oz_red_grad_off(void) {
  bool was = oz_grad_enabled();
  oz_set_grad_enabled(false);
  return was;
}
static inline void oz_red_grad_restore(bool was) { oz_set_grad_enabled(was); }

/* Node ints: ints[0 .. OZ_MAX_DIMS) hold the reduce mask of the input's dims; op-specific ints
 * follow from OZ_RED_INT_DIM. */
#define OZ_RED_INT_DIM OZ_MAX_DIMS /* the dim of a single-dim op; std's flag for var/std */
#define OZ_RED_N_INTS (OZ_MAX_DIMS + 1)
/* Writes r's reduce mask into n's ints. */
void oz_red_node_set_mask(oz_node *n, const oz_red_dims *r);

/* ---- backward formulas (core/reductions_grad.c), see each for its saved tensors ---- */
int oz_rg_mean_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);
int oz_rg_prod_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);
int oz_rg_extreme_all_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);
int oz_rg_amax_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);
int oz_rg_index_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);
int oz_rg_var_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);
int oz_rg_logsumexp_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);
int oz_rg_norm_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);
int oz_rg_cumsum_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);
int oz_rg_cumprod_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin);

/* ---- kernel wrappers the formulas use (core/reductions_scan.c) ---- */
/* cumsum of g along dim from the end (the gradient of cumsum). */
oz_tensor *oz_red_cumsum_reverse(const oz_tensor *g, int64_t dim);
/* The gradient of cumprod(x) along dim given the output's gradient g (x's shape). */
oz_tensor *oz_red_cumprod_backward(const oz_tensor *x, const oz_tensor *g, int64_t dim);
/* out = op(x, y) for the elementwise helper ops LOGSUMEXP_BACKWARD / NORM_BACKWARD: y is
 * broadcast to x's shape and cast to x's dtype; scalar p for NORM_BACKWARD. */
oz_tensor *oz_red_elementwise_grad(int op, const oz_tensor *x, const oz_tensor *y, double p);

/* ---- the same formulas with recording ops, for a create_graph backward
 * (core/reductions_grad_graph.c); gk, rk: the gradient and result in keepdim form ---- */
/* True when a formula must record: grad mode is on (create_graph) and one of the tensors
 * requires grad. */
static inline bool oz_red_graph_wanted(const oz_tensor *a, const oz_tensor *b) {
  return oz_autograd_wanted2(a, b);
}
oz_tensor *oz_rgg_cumsum_reverse(const oz_tensor *g, int64_t dim);
oz_tensor *oz_rgg_cumprod_backward(const oz_tensor *x, const oz_tensor *g, int64_t dim);
/* prod along dim of x, or over every dim when all. */
oz_tensor *oz_rgg_prod_backward(const oz_tensor *x, const oz_tensor *gk, int64_t dim, bool all);
/* gk scattered along dim into zeros of gk's shape with `size` along dim (max(dim), sort, topk). */
oz_tensor *oz_rgg_scatter_into_zeros(const oz_tensor *gk, const oz_tensor *index, int64_t dim,
                                     int64_t size);
oz_tensor *oz_rgg_logsumexp_backward(const oz_tensor *x, const oz_tensor *rk,
                                     const oz_tensor *gk);
/* dims/n_dims: the reduced dims (the shared count of p = +-inf). */
oz_tensor *oz_rgg_norm_backward(const oz_tensor *x, const oz_tensor *rk, const oz_tensor *gk,
                                double p, const int64_t *dims, int n_dims);

#endif
