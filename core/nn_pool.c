/* nn_pool.c - max_pool2d (with indices), avg_pool2d and adaptive_avg_pool2d: PyTorch's checks
 * and output sizes (ceil_mode included), then the plane kernels over the input viewed as
 * [N*C, H, W]. Backward nodes: MaxPool2DWithIndicesBackward0, AvgPool2DBackward0,
 * AdaptiveAvgPool2DBackward0 (MeanBackward1 for a 1x1 output, which torch computes as a mean),
 * whose gradients are linear maps of the output gradient (differentiable again). */
#include "core/nn_internal.h"
#include "core/oz_ops_index.h"

/* floor(a / b) for b > 0 (C division truncates toward zero) */
static int64_t div_floor(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/* torch's pooling_output_shape */
static int64_t pooled_size(int64_t in, int64_t k, int64_t pad, int64_t stride, int64_t dil,
                           bool ceil_mode) {
  const int64_t span = in + 2 * pad - dil * (k - 1) - 1 + (ceil_mode ? stride - 1 : 0);
  int64_t out = div_floor(span, stride) + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad) out--; /* the last window starts inside */
  return out;
}

/* The input as planes [B, H, W] (contiguous), after torch's input checks: 3-d or 4-d, every dim
 * but a 4-d input's batch non-empty, and a floating dtype (or int64 when `int64_ok`). */
static oz_tensor *planes_of(const oz_tensor *x, const char *kernel, bool int64_ok) {
  bool ok = x->ndim == 3 || x->ndim == 4;
  for (int d = x->ndim == 4 ? 1 : 0; ok && d < x->ndim; d++) ok = x->shape[d] != 0;
  if (!ok) {
    char s[256];
    oz_set_error(OZ_ERR_RUNTIME,
                 "Expected 3D or 4D (batch mode) tensor with optional 0 dim batch size for "
                 "input, but got:%s",
                 oz_shape_str(s, sizeof s, x->ndim, x->shape));
    return NULL;
  }
  if (!(int64_ok && x->dtype == OZ_INT64) && nn_require_floating(kernel, x) != OZ_OK) return NULL;
  oz_tensor *c = oz_contiguous(x);
  const int d = x->ndim - 3;
  const int64_t b = x->ndim == 4 ? x->shape[0] * x->shape[1] : x->shape[0];
  oz_tensor *v = c ? oz_view_shape(c, 3, (const int64_t[]){b, x->shape[d + 1], x->shape[d + 2]})
                   : NULL;
  oz_tensor_decref(c);
  return v;
}

/* The output shape: x's leading dims with (oh, ow). */
static void pooled_shape(const oz_tensor *x, int64_t oh, int64_t ow, int64_t *shape) {
  memcpy(shape, x->shape, sizeof(int64_t) * (size_t)x->ndim);
  shape[x->ndim - 2] = oh, shape[x->ndim - 1] = ow;
}

/* The window checks shared by max and avg pooling; computes the output size. */
static int window_check(const oz_tensor *x, const oz_pool_params *p, bool max, int64_t *oh,
                        int64_t *ow) {
  /* torch's pooling keeps the window in C ints (safe_downcast) */
  const int64_t *params[4] = {p->kernel, p->stride, p->padding, p->dilation};
  for (int i = 0; i < 4; i++)
    for (int j = 0; j < 2; j++)
      if (params[i][j] > INT32_MAX || params[i][j] < INT32_MIN)
        return oz_set_error(OZ_ERR_RUNTIME, "integer out of range");
  if (p->kernel[0] <= 0 || p->kernel[1] <= 0)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "kernel size should be greater than zero, but got kH: %lld kW: %lld",
                        (long long)p->kernel[0], (long long)p->kernel[1]);
  if (p->stride[0] <= 0 || p->stride[1] <= 0)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "stride should be greater than zero, but got dH: %lld dW: %lld",
                        (long long)p->stride[0], (long long)p->stride[1]);
  if (p->dilation[0] <= 0 || p->dilation[1] <= 0)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "dilation should be greater than zero, but got dilationH: %lld "
                        "dilationW: %lld",
                        (long long)p->dilation[0], (long long)p->dilation[1]);
  for (int i = 0; i < 2; i++)
    if (p->padding[i] < 0 || p->padding[i] > p->kernel[i] / 2)
      return oz_set_error(OZ_ERR_RUNTIME,
                          max ? "pad should be smaller than or equal to half of kernel size, but "
                                "got padW = %lld, padH = %lld, kW = %lld, kH = %lld"
                              : "pad should be at most half of kernel size, but got pad=%lld, "
                                "pad=%lld, kernel_size=%lld and kernel_size=%lld",
                          (long long)p->padding[1], (long long)p->padding[0],
                          (long long)p->kernel[1], (long long)p->kernel[0]);
  const int64_t H = x->shape[x->ndim - 2], W = x->shape[x->ndim - 1];
  *oh = pooled_size(H, p->kernel[0], p->padding[0], p->stride[0], p->dilation[0], p->ceil_mode);
  *ow = pooled_size(W, p->kernel[1], p->padding[1], p->stride[1], p->dilation[1], p->ceil_mode);
  if (*oh < 1 || *ow < 1)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Given input size: (%lldx%lldx%lld). Calculated output size: "
                        "(%lldx%lldx%lld). Output size is too small",
                        (long long)x->shape[x->ndim - 3], (long long)H, (long long)W,
                        (long long)x->shape[x->ndim - 3], (long long)*oh, (long long)*ow);
  return OZ_OK;
}

/* ====================== the gradients as linear maps ======================
 * Each pool's backward kernel is linear in the gradient; its adjoint is the forward kernel
 * (average pools) or a gather by the saved indices (max pool), so create_graph works through
 * nn_linear_apply. */

/* max pool's adjoint: out[b, i] = t[b, idx[b, i]] over flattened planes */
static oz_tensor *run_gather(const nn_linear_map *map, const oz_tensor *t,
                             const oz_input_meta *out, const nn_linear_args *a) {
  (void)map;
  const oz_tensor *idx = a->operands[0]; /* [B, oh, ow] */
  const int64_t hw = t->shape[t->ndim - 2] * t->shape[t->ndim - 1];
  oz_tensor *t2 = oz_view_shape(t, 2, (const int64_t[]){idx->shape[0], hw});
  oz_tensor *i2 = t2 ? oz_view_shape(idx, 2, (const int64_t[]){idx->shape[0],
                                                               idx->shape[1] * idx->shape[2]})
                     : NULL;
  oz_tensor *r2 = i2 ? oz_gather(t2, 1, i2, NULL) : NULL;
  oz_tensor *r = r2 ? oz_view_shape(r2, out->ndim, out->shape) : NULL;
  oz_tensor_decref(t2), oz_tensor_decref(i2), oz_tensor_decref(r2);
  return r;
}

static const char *const max_scatter_names[] = {"MaxPool2DWithIndicesBackwardBackward0"};
static const char *const max_gather_names[] = {"GatherBackward0"};
static const char *const avg_backward_names[] = {"AvgPool2DBackwardBackward0"};
static const char *const avg_names[] = {"AvgPool2DBackward0"};
static const char *const adaptive_backward_names[] = {"AdaptiveAvgPool2DBackwardBackward0"};
static const char *const adaptive_names[] = {"AdaptiveAvgPool2DBackward0"};

static const nn_linear_map max_scatter, max_gather, avg_backward, avg_forward, adaptive_backward,
    adaptive_forward;
static const nn_linear_map max_scatter = {max_scatter_names, nn_linear_run_planes,
                                          OZ_OP_MAX_POOL2D_BACKWARD, &max_gather, true};
static const nn_linear_map max_gather = {max_gather_names, run_gather, 0, &max_scatter, false};
static const nn_linear_map avg_backward = {avg_backward_names, nn_linear_run_planes,
                                           OZ_OP_AVG_POOL2D_BACKWARD, &avg_forward, true};
static const nn_linear_map avg_forward = {avg_names, nn_linear_run_planes, OZ_OP_AVG_POOL2D,
                                          &avg_backward, false};
static const nn_linear_map adaptive_backward = {adaptive_backward_names, nn_linear_run_planes,
                                                OZ_OP_ADAPTIVE_AVG_POOL2D_BACKWARD,
                                                &adaptive_forward, true};
static const nn_linear_map adaptive_forward = {adaptive_names, nn_linear_run_planes,
                                               OZ_OP_ADAPTIVE_AVG_POOL2D, &adaptive_backward,
                                               false};

/* A pool's input gradient: map applied to g with the node's kernel ints (and indices). */
static int pool_backward(oz_node *n, const nn_linear_map *map, const oz_tensor *g,
                         const oz_tensor *indices, bool zeros_for_input, oz_tensor **gin) {
  const nn_linear_args a = {{indices, NULL}, indices ? 1 : 0, n->ints, n->n_ints, 0};
  gin[0] = nn_linear_apply(map, g, &n->in_meta[0], &a, zeros_for_input ? n : NULL, 0);
  return gin[0] ? OZ_OK : oz_last_error_code();
}

/* ================================ max ================================ */

/* saved[0]: the indices as planes */
static int max_pool_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *idx = nn_saved(n, 0);
  if (!idx) return oz_last_error_code();
  int rc = pool_backward(n, &max_scatter, g[0], idx, true, gin);
  oz_tensor_decref(idx);
  return rc;
}

oz_tensor *oz_max_pool2d(const oz_tensor *input, const oz_pool_params *p, oz_tensor **indices) {
  int64_t oh, ow, shape[4];
  if (indices) *indices = NULL;
  oz_tensor *x3 = planes_of(input, "max_pool2d", false);
  if (!x3) return NULL;
  oz_node *node = NULL;
  oz_tensor *y = NULL, *idx = NULL, *result = NULL;
  if (window_check(input, p, true, &oh, &ow) != OZ_OK ||
      oz_grad_begin("max_pool2d", "MaxPool2DWithIndicesBackward0", max_pool_backward, &input, 1,
                    NULL, &node) != OZ_OK)
    goto done;
  const int64_t out3[3] = {x3->shape[0], oh, ow};
  y = nn_empty(input, 3, out3, input->dtype);
  idx = y ? nn_empty(input, 3, out3, OZ_INT64) : NULL;
  const int64_t ki[8] = {p->kernel[0], p->kernel[1], p->stride[0],   p->stride[1],
                         p->padding[0], p->padding[1], p->dilation[0], p->dilation[1]};
  oz_tensor *outs[2] = {y, idx};
  if (!idx || nn_run(OZ_OP_MAX_POOL2D, (const oz_tensor *const *)&x3, 1, outs, 2, ki, 8, NULL,
                     0) != OZ_OK)
    goto done;
  pooled_shape(input, oh, ow, shape);
  result = oz_view_shape(y, input->ndim, shape);
  if (result && indices && !(*indices = oz_view_shape(idx, input->ndim, shape)))
    oz_tensor_decref(result), result = NULL;
  if (result && node) {
    memcpy(node->ints, ki, sizeof ki);
    node->n_ints = 8;
    if (oz_node_save(node, idx) != OZ_OK) oz_tensor_decref(result), result = NULL;
  }
done:
  result = oz_grad_end(node, result, NULL);
  if (!result && indices) oz_tensor_decref(*indices), *indices = NULL;
  oz_tensor_decref(x3), oz_tensor_decref(y), oz_tensor_decref(idx);
  return result;
}

/* ============================ average ============================ */

static int avg_pool_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  return pool_backward(n, &avg_backward, g[0], NULL, true, gin);
}

oz_tensor *oz_avg_pool2d(const oz_tensor *input, const oz_pool_params *p) {
  int64_t oh, ow, shape[4];
  if (input->ndim < 3) { /* torch indexes dim -3 first */
    oz_set_error(OZ_ERR_INDEX,
                 "Dimension out of range (expected to be in range of [%d, %d], but got -3)",
                 input->ndim ? -input->ndim : -1, input->ndim ? input->ndim - 1 : 0);
    return NULL;
  }
  oz_tensor *x3 = planes_of(input, "avg_pool2d", true);
  if (!x3) return NULL;
  oz_node *node = NULL;
  oz_tensor *y = NULL, *result = NULL;
  oz_pool_params q = *p;
  q.dilation[0] = q.dilation[1] = 1;
  if (window_check(input, &q, false, &oh, &ow) != OZ_OK ||
      oz_grad_begin("avg_pool2d", "AvgPool2DBackward0", avg_pool_backward, &input, 1, NULL,
                    &node) != OZ_OK)
    goto done;
  y = nn_empty(input, 3, (const int64_t[]){x3->shape[0], oh, ow}, input->dtype);
  const int64_t ki[8] = {p->kernel[0],  p->kernel[1],  p->stride[0],         p->stride[1],
                         p->padding[0], p->padding[1], p->count_include_pad, p->divisor_override};
  if (!y || nn_run(OZ_OP_AVG_POOL2D, (const oz_tensor *const *)&x3, 1, &y, 1, ki, 8, NULL, 0) !=
                OZ_OK)
    goto done;
  pooled_shape(input, oh, ow, shape);
  result = oz_view_shape(y, input->ndim, shape);
  if (result && node) {
    memcpy(node->ints, ki, sizeof ki);
    node->n_ints = 8;
  }
done:
  result = oz_grad_end(node, result, NULL);
  oz_tensor_decref(x3), oz_tensor_decref(y);
  return result;
}

/* ======================== adaptive average ======================== */

/* torch computes a 1x1 output as a mean, whose gradient does not take the input */
static int adaptive_pool_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  const bool mean = !strcmp(n->name, "MeanBackward1");
  return pool_backward(n, &adaptive_backward, g[0], NULL, !mean, gin);
}

oz_tensor *oz_adaptive_avg_pool2d(const oz_tensor *input, const int64_t output_size[2]) {
  char s[256];
  if (input->ndim != 3 && input->ndim != 4) {
    oz_set_error(OZ_ERR_RUNTIME, "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got %s",
                 oz_shape_str(s, sizeof s, input->ndim, input->shape));
    return NULL;
  }
  for (int d = 1; d < input->ndim; d++)
    if (input->shape[d] == 0) {
      oz_set_error(OZ_ERR_RUNTIME,
                   "adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch "
                   "dimensions, but input has sizes %s with dimension %d being empty",
                   oz_shape_str(s, sizeof s, input->ndim, input->shape), d);
      return NULL;
    }
  int64_t oh = output_size[0] < 0 ? input->shape[input->ndim - 2] : output_size[0];
  int64_t ow = output_size[1] < 0 ? input->shape[input->ndim - 1] : output_size[1];
  oz_tensor *x3 = planes_of(input, "adaptive_avg_pool2d", false);
  if (!x3) return NULL;
  oz_node *node = NULL;
  oz_tensor *y = NULL, *result = NULL;
  int64_t shape[4];
  const char *name = oh == 1 && ow == 1 ? "MeanBackward1" : "AdaptiveAvgPool2DBackward0";
  if (oz_grad_begin("adaptive_avg_pool2d", name, adaptive_pool_backward, &input, 1, NULL, &node) !=
      OZ_OK)
    goto done;
  y = nn_empty(input, 3, (const int64_t[]){x3->shape[0], oh, ow}, input->dtype);
  if (!y || nn_run(OZ_OP_ADAPTIVE_AVG_POOL2D, (const oz_tensor *const *)&x3, 1, &y, 1, NULL, 0,
                   NULL, 0) != OZ_OK)
    goto done;
  pooled_shape(input, oh, ow, shape);
  result = oz_view_shape(y, input->ndim, shape);
done:
  result = oz_grad_end(node, result, NULL);
  oz_tensor_decref(x3), oz_tensor_decref(y);
  return result;
}
