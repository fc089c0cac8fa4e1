/* random_grad.c - the backward formula shared by the random ops (see random_internal.h). */
#include "core/op_support.h"
#include "core/random_internal.h"

int oz_random_zero_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  if (!gout[0]) return OZ_OK; /* no gradient arrived: none to pass on */
  for (int i = 0; i < n->n_inputs; i++) {
    if (!oz_node_needs_grad(n, i)) continue;
    const oz_input_meta *m = &n->in_meta[i];
    gin[i] = oz_full(m->ndim, m->shape, oz_make_scalar_i(0), m->dtype, m->device);
    if (!gin[i]) return oz_last_error_code();
  }
  return OZ_OK;
}
