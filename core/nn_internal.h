/* nn_internal.h - what the core's nn front-ends (core/nn_*.c) share: dtype checks with torch's
 * messages, kernel calls on contiguous operands, loss reductions and grad-mode scopes. */
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

/* Backward formulas here call kernels directly, which record nothing: when a create_graph
 * backward would need their graph (grad mode on and a gradient or saved tensor requires grad),
 * refuse clearly instead of returning a gradient that silently has no history. */
int nn_no_double_backward(const char *node, oz_tensor *const *ts, int n);

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
