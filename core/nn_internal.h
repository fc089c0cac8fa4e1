/* nn_internal.h - what the core's nn front-ends (core/nn_*.c) share: dtype checks with torch's
 * messages, kernel calls on contiguous operands, loss reductions, grad-mode scopes, and the
 * linear-map form of backward kernels that makes them differentiable again (create_graph). */
#ifndef OZ_NN_INTERNAL_H
#define OZ_NN_INTERNAL_H

#include "core/op_support.h"
#include "core/oz_autograd.h"
#include "core/oz_ops_nn.h"
#include "core/oz_views_grad.h"

/* RuntimeError "\"<kernel>\" not implemented for 'Long'" (torch's dispatch-macro message)
 * unless t is floating. */
int nn_require_floating(const char *kernel, const oz_tensor *t);

/* A contiguous tensor with t's values in `dtype` (t itself, new reference, when it already is). */
oz_tensor *nn_contiguous_as(const oz_tensor *t, int dtype);

/* A new contiguous tensor of `shape` in `dtype` on t's device. */
static inline oz_tensor *nn_empty(const oz_tensor *like, int ndim, const int64_t *shape,
                                  int dtype) {
  return oz_empty(ndim, shape, dtype, oz_tensor_device(like));
}

/* Dispatches `op` with the given inputs/outputs (NULL-terminated lists are overkill: counts),
 * ints and scalars. */
int nn_run(int op, const oz_tensor *const *ins, int n_in, oz_tensor *const *outs, int n_out,
           const int64_t *ints, int n_ints, const double *scalars, int n_scalars);

/* none: l itself (new reference); sum: l.sum(); mean: l.sum() / l.numel(). */
oz_tensor *nn_reduce(const oz_tensor *l, int reduction);
/* The gradient of each element of an unreduced loss of `shape` given the gradient g of the
 * reduced loss: g (none), g expanded (sum), g / numel expanded (mean). New reference. */
oz_tensor *nn_reduce_backward(const oz_tensor *g, int reduction, int ndim, const int64_t *shape);

/* ValueError/RuntimeError text for a reduction number out of range. */
int nn_check_reduction(int reduction);

/* ---- backward formulas that are linear in the gradient (core/nn_linear.c) ----
 * Pooling, padding, embedding and nll_loss compute their input gradient with one kernel that
 * is linear in the output gradient. Each such kernel is a map with a known adjoint (the
 * matching forward kernel, or a gather). nn_linear_apply runs the map; when grad mode is on (a
 * create_graph backward) and the result needs a history it also records a node whose backward
 * applies the adjoint the same way, so derivatives of every order exist while a plain backward
 * stays one kernel call. */
typedef struct nn_linear_map nn_linear_map;

/* What one application needs besides the tensor it is linear in. */
typedef struct nn_linear_args {
  const oz_tensor *operands[2]; /* indices, target, class weights: never differentiated */
  int n_operands;
  const int64_t *ints;          /* the kernel's ints */
  int n_ints;
  int variant;                  /* picks the recorded node's name in the map's table */
} nn_linear_args;

struct nn_linear_map {
  const char *const *names; /* grad_fn name of a recorded application, per variant (torch's) */
  /* map(t) for t contiguous in out's dtype; the result has out's shape. Runs with grad off. */
  oz_tensor *(*run)(const nn_linear_map *map, const oz_tensor *t, const oz_input_meta *out,
                    const nn_linear_args *args);
  int op;                      /* the kernel, for maps that are one kernel call */
  const nn_linear_map *adjoint;
  /* A backward-type map: torch's formula also takes the forward's input and gives it a zero
   * gradient, so its result requires grad whenever that input does. */
  bool zeros_for_input;
};

/* map(t) with out's shape and dtype. When map->zeros_for_input, input edge `input_nr` of
 * `input_of` (may be NULL: none) is that forward input. */
oz_tensor *nn_linear_apply(const nn_linear_map *map, const oz_tensor *t, const oz_input_meta *out,
                           const nn_linear_args *args, const oz_node *input_of, int input_nr);

/* One kernel call on t's planes [B, h, w] into planes of out's last two sizes (pooling). */
oz_tensor *nn_linear_run_planes(const nn_linear_map *map, const oz_tensor *t,
                                const oz_input_meta *out, const nn_linear_args *args);
/* One kernel call from t into out's shape, operands after t (padding). */
oz_tensor *nn_linear_run_kernel(const nn_linear_map *map, const oz_tensor *t,
                                const oz_input_meta *out, const nn_linear_args *args);

/* RuntimeError "The function '<fn>' is not differentiable with respect to argument '<arg>'.
 * This input cannot have requires_grad True." when grad mode is on and t requires grad. */
int nn_check_not_differentiable(const char *fn, const char *arg, const oz_tensor *t);

/* Grad mode off for the core's own intermediate tensors; restore with nn_grad_restore. */
static inline bool nn_grad_off(void) {
  bool prev = oz_grad_enabled();
  oz_set_grad_enabled(false);
  return prev;
}
static inline void nn_grad_restore(bool prev) { oz_set_grad_enabled(prev); }

/* Saved tensor i of n, or NULL with the error set (a NULL saved "None" is an error here). */
oz_tensor *nn_saved(oz_node *n, int i);

#endif
