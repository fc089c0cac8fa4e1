/* random_internal.h - what the random family's core files share (not a public API). */
#ifndef OZ_RANDOM_INTERNAL_H
#define OZ_RANDOM_INTERNAL_H

#include "core/oz_autograd.h"
#include "core/oz_ops_random.h"

/* random_grad.c: the backward of every random op. A random draw does not depend smoothly on
 * its parameters in PyTorch's definition (no reparameterization), so each input's gradient is
 * zeros of its shape, as torch's derivatives.yaml says for uniform_, normal, bernoulli, ... */
int oz_random_zero_backward(oz_node *node, oz_tensor *const *grads_out, oz_tensor **grads_in);

/* '"<kernel>" not implemented for '<dtype>'' (RuntimeError) unless t's dtype is floating: the
 * words torch uses for samplers called on integer tensors. */
int oz_random_require_floating(const oz_tensor *t, const char *kernel_name);

#endif /* OZ_RANDOM_INTERNAL_H */
