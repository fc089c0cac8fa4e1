/* oz_ops_nn.h - the core's neural-network front-ends (torch.nn.functional's primitives):
 * PyTorch's argument checks, result dtypes and shapes, autograd recording (grad_fn names as
 * torch's), then the kernels of ops/nn.def. Conventions as oz_ops.h: new references, or NULL
 * with the last error set. Optional tensors (weight, bias, ...) may be NULL. */
#ifndef OZ_OPS_NN_H
#define OZ_OPS_NN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/oz_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* torch's Reduction enum (the numbers torch._C._nn functions take). */
typedef enum oz_reduction {
  OZ_REDUCTION_NONE = 0,
  OZ_REDUCTION_MEAN = 1,
  OZ_REDUCTION_SUM = 2
} oz_reduction;

/* ---- softmax ---- */
/* softmax / log_softmax over `dim`; dtype >= 0 casts the input first (torch's dtype=). out
 * (may be NULL): torch's out= form, which must have the result's dtype and records no history. */
oz_tensor *oz_softmax(const oz_tensor *x, int64_t dim, int dtype, oz_tensor *out);
oz_tensor *oz_log_softmax(const oz_tensor *x, int64_t dim, int dtype, oz_tensor *out);

/* ---- losses ---- */
/* input [N, C, d...] or [C]; target int64 [N, d...] or 0-d; weight [C]. */
oz_tensor *oz_nll_loss(const oz_tensor *input, const oz_tensor *target, const oz_tensor *weight,
                       int reduction, int64_t ignore_index);
/* The elementwise losses (ids of the POINTWISE_LOSS kernel). input and target have one shape
 * (F broadcasts first); weight (BCE, BCE with logits) and pos_weight (BCE with logits)
 * broadcast to it. param: smooth L1's beta, Huber's delta. */
typedef enum oz_loss_kind {
  OZ_LOSS_MSE = 0,
  OZ_LOSS_L1 = 1,
  OZ_LOSS_SMOOTH_L1 = 2,
  OZ_LOSS_HUBER = 3,
  OZ_LOSS_BCE = 4,
  OZ_LOSS_BCE_WITH_LOGITS = 5
} oz_loss_kind;
oz_tensor *oz_pointwise_loss(int loss, const oz_tensor *input, const oz_tensor *target,
                             const oz_tensor *weight, const oz_tensor *pos_weight, double param,
                             int reduction);

/* ---- convolution ---- */
/* conv1d (spatial 1: input [N, C, L] or [C, L]) and conv2d (spatial 2: [N, C, H, W] or
 * [C, H, W]). pad_before/pad_after may differ (padding='same' with an even kernel extent). */
typedef struct oz_conv_params {
  int spatial;
  int64_t stride[2], pad_before[2], pad_after[2], dilation[2], groups;
} oz_conv_params;
oz_tensor *oz_convolution(const oz_tensor *input, const oz_tensor *weight, const oz_tensor *bias,
                          const oz_conv_params *p);

/* ---- pooling: input [N, C, H, W] or [C, H, W] ---- */
typedef struct oz_pool_params {
  int64_t kernel[2], stride[2], padding[2], dilation[2];
  bool ceil_mode;
  bool count_include_pad;   /* avg_pool2d */
  int64_t divisor_override; /* avg_pool2d; 0: none */
} oz_pool_params;
/* *indices (when not NULL) receives the int64 indices (a new reference). */
oz_tensor *oz_max_pool2d(const oz_tensor *input, const oz_pool_params *p, oz_tensor **indices);
oz_tensor *oz_avg_pool2d(const oz_tensor *input, const oz_pool_params *p);
/* output_size[i] < 0 keeps the input's size (None). */
oz_tensor *oz_adaptive_avg_pool2d(const oz_tensor *input, const int64_t output_size[2]);

/* ---- normalization ---- */
/* input [N, C, *]; training updates running_mean/var in place (when given) with momentum. */
oz_tensor *oz_batch_norm(const oz_tensor *input, const oz_tensor *weight, const oz_tensor *bias,
                         oz_tensor *running_mean, oz_tensor *running_var, bool training,
                         double momentum, double eps);
oz_tensor *oz_layer_norm(const oz_tensor *input, int n_norm, const int64_t *normalized_shape,
                         const oz_tensor *weight, const oz_tensor *bias, double eps);

/* ---- lookups, padding, dropout ---- */
/* padding_idx: already in [0, num_embeddings) or -1 (none). */
oz_tensor *oz_embedding(const oz_tensor *weight, const oz_tensor *indices, int64_t padding_idx);
/* torch.constant_pad_nd: pad = (last dim before, after, next-to-last before, after, ...);
 * negative pads crop. */
oz_tensor *oz_constant_pad_nd(const oz_tensor *input, int n_pad, const int64_t *pad,
                              double value);
/* F.pad's reflect (mode 0), replicate (1) and circular (2) modes. */
oz_tensor *oz_pad_mode(const oz_tensor *input, int n_pad, const int64_t *pad, int mode);
/* torch.dropout(input, p, train) as torch's composite: input * noise, noise = bernoulli(1 - p)
 * / (1 - p) drawn from the default generator (so torch.manual_seed governs it); input itself
 * when p == 0, !train or input is empty. inplace: dropout_ (writes input). */
oz_tensor *oz_dropout(oz_tensor *input, double p, bool train, bool inplace);

#ifdef __cplusplus
}
#endif
#endif
