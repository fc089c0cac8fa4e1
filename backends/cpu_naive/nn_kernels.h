/* nn_kernels.h - what cpu_naive's neural-network kernel files (nn_*.c) share: the kernel entry
 * points that nn_kernels.c registers, and small helpers for checking operands. Internal. */
#ifndef NAIVE_NN_KERNELS_H
#define NAIVE_NN_KERNELS_H

#include <stdbool.h>

#include "naive.h"

/* nn_softmax.c: SOFTMAX, LOG_SOFTMAX and their backward ops, chosen by call->op */
NAIVE_INTERNAL int naive_nn_softmax(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_softmax_backward(void *ctx, const oz_call *call);
/* nn_conv.c */
NAIVE_INTERNAL int naive_nn_conv2d(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_conv2d_backward_input(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_conv2d_backward_weight(void *ctx, const oz_call *call);
/* nn_pool.c */
NAIVE_INTERNAL int naive_nn_max_pool2d(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_max_pool2d_backward(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_avg_pool2d(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_avg_pool2d_backward(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_adaptive_avg_pool2d(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_adaptive_avg_pool2d_backward(void *ctx, const oz_call *call);
/* nn_loss.c */
NAIVE_INTERNAL int naive_nn_nll_loss(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_nll_loss_backward(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_pointwise_loss(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_pointwise_loss_backward(void *ctx, const oz_call *call);
/* nn_norm.c */
NAIVE_INTERNAL int naive_nn_batch_norm_stats(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_batch_norm(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_batch_norm_backward(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_layer_norm(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_layer_norm_backward(void *ctx, const oz_call *call);
/* nn_gather.c: EMBEDDING, PAD and their backward ops */
NAIVE_INTERNAL int naive_nn_embedding(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_embedding_backward(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_pad(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_nn_pad_backward(void *ctx, const oz_call *call);

/* ---- operand checks (nn_checks.c); each sets the error and returns nonzero ---- */
/* `v` has `ndim` dims of the given sizes (a size < 0 is not checked). `what` names it. */
NAIVE_INTERNAL int naive_nn_check_shape(const oz_call *call, const oz_view *v, const char *what,
                                        int ndim, const int64_t *shape);
/* `v` is contiguous (row-major; size-1 dims may have any stride). */
NAIVE_INTERNAL int naive_nn_check_contiguous(const oz_call *call, const oz_view *v,
                                             const char *what);
/* `v` has `dtype`. */
NAIVE_INTERNAL int naive_nn_check_dtype(const oz_call *call, const oz_view *v, const char *what,
                                        int dtype);
/* Scratch memory for n elements of `size` bytes from the host (free with naive_host->host_free);
 * NULL with OZ_ERR_NOMEM set when it can't be had. */
NAIVE_INTERNAL void *naive_nn_scratch(const oz_call *call, int64_t n, size_t size);

#endif /* NAIVE_NN_KERNELS_H */
