/* nn_conv.c - conv1d/conv2d (torch.nn.functional.conv*d): PyTorch's checks, then the CONV2D
 * kernel. A 1-d convolution runs as a 2-d one over [N, C, 1, L] (views, no copies); an
 * unbatched input gets a batch dim of 1 first (recorded, as torch does: SqueezeBackward1).
 * ConvolutionBackward0 computes the input and weight gradients with the two backward kernels
 * and the bias gradient as a sum. */
#include "core/nn_internal.h"

/* Node ints: [0] spatial, [1..2] stride, [3..4] pad_before, [5..6] dilation, [7] groups, all
 * in the 2-d form. saved: [0] input, [1] weight (as given: 3-d for conv1d). */
enum { I_SPATIAL, I_STRIDE, I_PAD = 3, I_DIL = 5, I_GROUPS = 7, N_CONV_INTS };

/* t viewed with a size-1 dim inserted at 2 (1-d) or as is (2-d); contiguous. */
static oz_tensor *as_2d(const oz_tensor *t, int spatial, int dtype) {
  oz_tensor *c = nn_contiguous_as(t, dtype);
  if (!c || spatial == 2) return c;
  oz_tensor *u = oz_unsqueeze(c, 2);
  oz_tensor_decref(c);
  return u;
}

/* The kernel's ints from the node's (stride, pad_before, dilation, groups). */
static void kernel_ints(const int64_t *ni, int64_t *ki) {
  ki[0] = ni[I_STRIDE], ki[1] = ni[I_STRIDE + 1], ki[2] = ni[I_PAD], ki[3] = ni[I_PAD + 1];
  ki[4] = ni[I_DIL], ki[5] = ni[I_DIL + 1], ki[6] = ni[I_GROUPS];
}

/* Runs one backward kernel into a new tensor shaped like `like` (2-d form), returned in the
 * original form of `orig_ndim` dims. */
static oz_tensor *conv_grad(int op, const oz_tensor *g4, const oz_tensor *other4,
                            const oz_tensor *like4, const oz_input_meta *meta, const int64_t *ki) {
  oz_tensor *r = nn_empty(g4, 4, like4->shape, g4->dtype);
  const oz_tensor *ins[2] = {g4, other4};
  if (r && nn_run(op, ins, 2, &r, 1, ki, 7, NULL, 0) != OZ_OK) {
    oz_tensor_decref(r);
    return NULL;
  }
  if (!r || meta->ndim == 4) return r;
  oz_tensor *v = oz_view_shape(r, meta->ndim, meta->shape);
  oz_tensor_decref(r);
  return v;
}

static int conv_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  const int spatial = (int)n->ints[I_SPATIAL];
  oz_tensor *x = nn_saved(n, 0), *w = x ? nn_saved(n, 1) : NULL;
  oz_tensor *g4 = NULL, *x4 = NULL, *w4 = NULL;
  oz_tensor *ts[3] = {g[0], x, w};
  int rc = w ? nn_no_double_backward(n->name, ts, 3) : oz_last_error_code();
  if (rc != OZ_OK) goto done;
  const int dt = x->dtype;
  g4 = as_2d(g[0], spatial, dt);
  x4 = g4 ? as_2d(x, spatial, dt) : NULL;
  w4 = x4 ? as_2d(w, spatial, dt) : NULL;
  if (!w4) goto fail;
  int64_t ki[7];
  kernel_ints(n->ints, ki);
  if (oz_node_needs_grad(n, 0) &&
      !(gin[0] = conv_grad(OZ_OP_CONV2D_BACKWARD_INPUT, g4, w4, x4, &n->in_meta[0], ki)))
    goto fail;
  if (oz_node_needs_grad(n, 1) &&
      !(gin[1] = conv_grad(OZ_OP_CONV2D_BACKWARD_WEIGHT, g4, x4, w4, &n->in_meta[1], ki)))
    goto fail;
  if (oz_node_needs_grad(n, 2) &&
      !(gin[2] = oz_sum(g4, (const int64_t[]){0, 2, 3}, 3, false, dt, NULL)))
    goto fail;
  goto done;
fail:
  rc = oz_last_error_code();
done:
  oz_tensor_decref(x), oz_tensor_decref(w);
  oz_tensor_decref(g4), oz_tensor_decref(x4), oz_tensor_decref(w4);
  return rc;
}

/* torch's checks (ConvUtils.h check_shape_forward and friends); all RuntimeErrors. */
static int conv_check(const oz_tensor *x, const oz_tensor *w, const oz_tensor *b,
                      const oz_conv_params *p) {
  const int k = p->spatial;
  char a[256], c[256];
  for (int i = 0; i < k; i++) {
    if (p->stride[i] <= 0)
      return oz_set_error(OZ_ERR_RUNTIME, "non-positive stride is not supported");
    if (p->pad_before[i] < 0 || p->pad_after[i] < 0)
      return oz_set_error(OZ_ERR_RUNTIME, "negative padding is not supported");
    if (p->dilation[i] <= 0)
      return oz_set_error(OZ_ERR_RUNTIME, "dilation should be greater than zero");
  }
  if (p->groups <= 0) return oz_set_error(OZ_ERR_RUNTIME, "non-positive groups is not supported");
  if (w->ndim != k + 2)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Expected %d-dimensional input for %d-dimensional weight %s, but got "
                        "%d-dimensional input of size %s instead",
                        w->ndim, w->ndim, oz_shape_str(a, sizeof a, w->ndim, w->shape), x->ndim,
                        oz_shape_str(c, sizeof c, x->ndim, x->shape));
  for (int i = 0; i < k; i++)
    if (w->shape[2 + i] <= 0)
      return oz_set_error(OZ_ERR_RUNTIME,
                          "kernel size should be greater than zero, but got kernel_height: %lld "
                          "kernel_width: %lld",
                          (long long)w->shape[2], (long long)(k == 2 ? w->shape[3] : 1));
  if (w->shape[0] < p->groups)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Given groups=%lld, expected weight to be at least %lld at dimension 0, "
                        "but got weight of size %s instead",
                        (long long)p->groups, (long long)p->groups,
                        oz_shape_str(a, sizeof a, w->ndim, w->shape));
  if (x->dtype != w->dtype || (b && b->dtype != x->dtype))
    return oz_set_error(OZ_ERR_RUNTIME, "expected scalar type %s but found %s",
                        oz_dtype_scalar_type_name(x->dtype),
                        oz_dtype_scalar_type_name(x->dtype != w->dtype ? w->dtype : b->dtype));
  if (x->dtype == OZ_BOOL) /* integers convolve (wrapping), as in torch; bool does not */
    return oz_set_error(OZ_ERR_RUNTIME, "\"slow_conv2d_cpu\" not implemented for 'Bool'");
  if (w->shape[0] % p->groups != 0)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Given groups=%lld, expected weight to be divisible by %lld at dimension "
                        "0, but got weight of size %s instead",
                        (long long)p->groups, (long long)p->groups,
                        oz_shape_str(a, sizeof a, w->ndim, w->shape));
  if (x->shape[1] != w->shape[1] * p->groups)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Given groups=%lld, weight of size %s, expected input%s to have %lld "
                        "channels, but got %lld channels instead",
                        (long long)p->groups, oz_shape_str(a, sizeof a, w->ndim, w->shape),
                        oz_shape_str(c, sizeof c, x->ndim, x->shape),
                        (long long)(w->shape[1] * p->groups), (long long)x->shape[1]);
  if (b && (b->ndim != 1 || b->shape[0] != w->shape[0]))
    return oz_set_error(OZ_ERR_RUNTIME,
                        "Given weight of size %s, expected bias to be 1-dimensional with %lld "
                        "elements, but got bias of size %s instead",
                        oz_shape_str(a, sizeof a, w->ndim, w->shape), (long long)w->shape[0],
                        oz_shape_str(c, sizeof c, b->ndim, b->shape));
  for (int i = 0; i < k; i++) {
    const int64_t padded = x->shape[2 + i] + p->pad_before[i] + p->pad_after[i];
    const int64_t extent = p->dilation[i] * (w->shape[2 + i] - 1) + 1;
    if (padded < extent) {
      int64_t ps[2], ks[2];
      for (int j = 0; j < k; j++) {
        ps[j] = x->shape[2 + j] + p->pad_before[j] + p->pad_after[j];
        ks[j] = p->dilation[j] * (w->shape[2 + j] - 1) + 1;
      }
      if (k == 1)
        return oz_set_error(OZ_ERR_RUNTIME,
                            "Calculated padded input size per channel: (%lld). Kernel size: "
                            "(%lld). Kernel size can't be greater than actual input size",
                            (long long)ps[0], (long long)ks[0]);
      return oz_set_error(OZ_ERR_RUNTIME,
                          "Calculated padded input size per channel: (%lld x %lld). Kernel size: "
                          "(%lld x %lld). Kernel size can't be greater than actual input size",
                          (long long)ps[0], (long long)ps[1], (long long)ks[0], (long long)ks[1]);
    }
  }
  return OZ_OK;
}

/* The batched convolution: x [N, C, *spatial]. */
static oz_tensor *conv_batched(const oz_tensor *x, const oz_tensor *w, const oz_tensor *b,
                               const oz_conv_params *p) {
  if (conv_check(x, w, b, p) != OZ_OK) return NULL;
  const int k = p->spatial;
  const oz_tensor *ins3[3] = {x, w, b};
  oz_node *node;
  if (oz_grad_begin("convolution", "ConvolutionBackward0", conv_backward, ins3, 3, NULL, &node) !=
      OZ_OK)
    return NULL;
  /* the 2-d form: a 1-d convolution is a 2-d one with a height of 1 */
  int64_t ni[N_CONV_INTS] = {k, 1, 1, 0, 0, 1, 1, p->groups};
  int64_t pad_after[2] = {0, 0};
  for (int i = 0; i < k; i++) {
    ni[I_STRIDE + 2 - k + i] = p->stride[i];
    ni[I_PAD + 2 - k + i] = p->pad_before[i];
    ni[I_DIL + 2 - k + i] = p->dilation[i];
    pad_after[2 - k + i] = p->pad_after[i];
  }
  const int dt = x->dtype;
  oz_tensor *x4 = as_2d(x, k, dt), *w4 = x4 ? as_2d(w, k, dt) : NULL, *b1 = NULL, *y4 = NULL;
  oz_tensor *result = NULL;
  if (!w4) goto done;
  b1 = b ? nn_contiguous_as(b, dt)
         : oz_full(1, &w->shape[0], oz_make_scalar_f(0.0), dt, oz_tensor_device(x));
  if (!b1) goto done;
  int64_t out[4] = {x4->shape[0], w4->shape[0], 0, 0};
  for (int i = 0; i < 2; i++)
    out[2 + i] = (x4->shape[2 + i] + ni[I_PAD + i] + pad_after[i] -
                  ni[I_DIL + i] * (w4->shape[2 + i] - 1) - 1) / ni[I_STRIDE + i] + 1;
  y4 = nn_empty(x, 4, out, dt);
  int64_t ki[7];
  kernel_ints(ni, ki);
  const oz_tensor *ins[3] = {x4, w4, b1};
  if (!y4 || nn_run(OZ_OP_CONV2D, ins, 3, &y4, 1, ki, 7, NULL, 0) != OZ_OK) goto done;
  result = k == 2 ? (oz_tensor_incref(y4), y4)
                  : oz_view_shape(y4, 3, (const int64_t[]){out[0], out[1], out[3]});
  if (result && node) {
    memcpy(node->ints, ni, sizeof ni);
    node->n_ints = N_CONV_INTS;
    if (oz_node_save(node, x) != OZ_OK || oz_node_save(node, w) != OZ_OK)
      oz_tensor_decref(result), result = NULL;
  }
done:
  result = oz_grad_end(node, result, NULL);
  oz_tensor_decref(x4), oz_tensor_decref(w4), oz_tensor_decref(b1), oz_tensor_decref(y4);
  return result;
}

oz_tensor *oz_convolution(const oz_tensor *input, const oz_tensor *weight, const oz_tensor *bias,
                          const oz_conv_params *p) {
  const int k = p->spatial;
  if (k != 1 && k != 2) {
    oz_set_error(OZ_ERR_RUNTIME, "oz_convolution: %d spatial dims (1 or 2 supported)", k);
    return NULL;
  }
  if (input->ndim == k + 2) return conv_batched(input, weight, bias, p);
  if (input->ndim != k + 1) {
    char s[256];
    oz_set_error(OZ_ERR_RUNTIME,
                 "Expected %dD (unbatched) or %dD (batched) input to conv%dd, but got input of "
                 "size: %s",
                 k + 1, k + 2, k, oz_shape_str(s, sizeof s, input->ndim, input->shape));
    return NULL;
  }
  /* unbatched: a batch of one, squeezed again (recorded as torch does) */
  oz_tensor *x = oz_ad_unsqueeze(input, 0);
  oz_tensor *y = x ? conv_batched(x, weight, bias, p) : NULL;
  oz_tensor *r = y ? oz_ad_squeeze_dim(y, 0) : NULL;
  oz_tensor_decref(x), oz_tensor_decref(y);
  return r;
}
