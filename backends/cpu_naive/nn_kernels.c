/* nn_kernels.c - cpu_naive's registrations for the neural-network primitives (ops/nn.def).
 * The kernels live in nn_softmax.c, nn_conv.c, nn_pool.c, nn_loss.c, nn_norm.c and nn_gather.c.
 * The dtype masks are PyTorch 1.13's CPU ones: floating types, except convolution (every numeric
 * type), average pooling (also int64) and the pure lookups EMBEDDING and PAD (any dtype). */
#include "nn_kernels.h"

/* Registration rows for this family, ended by a row with op -1. */
const oz_kernel_reg naive_nn_kernels[] = {
    /* op                              dtypes            kernel */
    {OZ_OP_SOFTMAX, OZ_MASK_FLOATING, naive_nn_softmax, NULL},
    {OZ_OP_LOG_SOFTMAX, OZ_MASK_FLOATING, naive_nn_softmax, NULL},
    {OZ_OP_SOFTMAX_BACKWARD, OZ_MASK_FLOATING, naive_nn_softmax_backward, NULL},
    {OZ_OP_LOG_SOFTMAX_BACKWARD, OZ_MASK_FLOATING, naive_nn_softmax_backward, NULL},
    {OZ_OP_NLL_LOSS, OZ_MASK_FLOATING, naive_nn_nll_loss, NULL},
    {OZ_OP_NLL_LOSS_BACKWARD, OZ_MASK_FLOATING, naive_nn_nll_loss_backward, NULL},
    {OZ_OP_CONV2D, OZ_MASK_NUMERIC, naive_nn_conv2d, NULL}, /* integers wrap, as torch */
    {OZ_OP_CONV2D_BACKWARD_INPUT, OZ_MASK_FLOATING, naive_nn_conv2d_backward_input, NULL},
    {OZ_OP_CONV2D_BACKWARD_WEIGHT, OZ_MASK_FLOATING, naive_nn_conv2d_backward_weight, NULL},
    {OZ_OP_MAX_POOL2D, OZ_MASK_FLOATING, naive_nn_max_pool2d, NULL},
    {OZ_OP_MAX_POOL2D_BACKWARD, OZ_MASK_FLOATING, naive_nn_max_pool2d_backward, NULL},
    {OZ_OP_AVG_POOL2D, OZ_MASK_FLOATING | OZ_DTYPE_BIT(OZ_INT64), naive_nn_avg_pool2d, NULL},
    {OZ_OP_AVG_POOL2D_BACKWARD, OZ_MASK_FLOATING, naive_nn_avg_pool2d_backward, NULL},
    {OZ_OP_ADAPTIVE_AVG_POOL2D, OZ_MASK_FLOATING, naive_nn_adaptive_avg_pool2d, NULL},
    {OZ_OP_ADAPTIVE_AVG_POOL2D_BACKWARD, OZ_MASK_FLOATING, naive_nn_adaptive_avg_pool2d_backward,
     NULL},
    {OZ_OP_POINTWISE_LOSS, OZ_MASK_FLOATING, naive_nn_pointwise_loss, NULL},
    {OZ_OP_POINTWISE_LOSS_BACKWARD, OZ_MASK_FLOATING, naive_nn_pointwise_loss_backward, NULL},
    {OZ_OP_BATCH_NORM_STATS, OZ_MASK_FLOATING, naive_nn_batch_norm_stats, NULL},
    {OZ_OP_BATCH_NORM, OZ_MASK_FLOATING, naive_nn_batch_norm, NULL},
    {OZ_OP_BATCH_NORM_BACKWARD, OZ_MASK_FLOATING, naive_nn_batch_norm_backward, NULL},
    {OZ_OP_LAYER_NORM, OZ_MASK_FLOATING, naive_nn_layer_norm, NULL},
    {OZ_OP_LAYER_NORM_BACKWARD, OZ_MASK_FLOATING, naive_nn_layer_norm_backward, NULL},
    {OZ_OP_EMBEDDING, OZ_MASK_ALL, naive_nn_embedding, NULL},
    {OZ_OP_EMBEDDING_BACKWARD, OZ_MASK_FLOATING, naive_nn_embedding_backward, NULL},
    {OZ_OP_PAD, OZ_MASK_ALL, naive_nn_pad, NULL},
    {OZ_OP_PAD_BACKWARD, OZ_MASK_FLOATING, naive_nn_pad_backward, NULL},
    {-1, 0, NULL, NULL},
};
