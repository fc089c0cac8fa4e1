/* nn_conv.c - conv1d/conv2d (torch.nn.functional.conv*d): PyTorch's checks, then the CONV2D
 * kernel. A 1-d convolution runs as a 2-d one over [N, C, 1, L] (views, no copies); an
 * unbatched input gets a batch dim of 1 first (recorded, as torch does: SqueezeBackward1).
 * ConvolutionBackward0 computes the input and weight gradients with the two backward kernels
 * and the bias gradient as a sum; under create_graph those kernels are recorded as
 * ConvolutionBackwardBackward0, whose own gradients are convolutions and the same kernels. */
#include "core/nn_internal.h"

/* Node ints: [0] spatial, [1..2] stride, [3..4] pad_before, [5..6] dilation, [7] groups,
 * [8..9] pad_after, all in the 2-d form. saved: [0] input, [1] weight (as given: 3-d for
 * conv1d). */
enum {
  I_SPATIAL, I_STRIDE, I_PAD = 3, I_DIL = 5, I_GROUPS = 7, I_PAD_AFTER = 8, N_CONV_INTS = 10
};
/* ConvolutionBackwardBackward0 also keeps the shapes of x and weight (4-d). */
enum { I_XSHAPE = N_CONV_INTS, I_WSHAPE = N_CONV_INTS + 4, N_GRADS_INTS = N_CONV_INTS + 8 };

static oz_tensor *conv_batched(const oz_tensor *x, const oz_tensor *w, const oz_tensor *b,
                               const oz_conv_params *p);

/* t viewed with a size-1 dim inserted at 2 (1-d) or as is (2-d); contiguous. */
static oz_tensor *as_2d(const oz_tensor *t, int spatial, int dtype) {
  oz_tensor *c = nn_contiguous_as(t, dtype);
  if (!c || spatial == 2) return c;
  oz_tensor *u = oz_unsqueeze(c, 2);
  oz_tensor_decref(c);
  return u;
}

/* The same with the view recorded (no copy, no cast): for formulas that may be differentiated
 * again. from_4d undoes it. */
static oz_tensor *to_4d(const oz_tensor *t, int spatial) {
  if (spatial == 1) return oz_ad_unsqueeze(t, 2);
  oz_tensor_incref((oz_tensor *)t);
  return (oz_tensor *)t;
}

static oz_tensor *from_4d(oz_tensor *t, int spatial) {
  if (!t || spatial == 2) return t;
  oz_tensor *s = oz_ad_squeeze_dim(t, 2);
  oz_tensor_decref(t);
  return s;
}

/* The kernel's ints from the node's (stride, pad_before, dilation, groups). */
static void kernel_ints(const int64_t *ni, int64_t *ki) {
  ki[0] = ni[I_STRIDE], ki[1] = ni[I_STRIDE + 1], ki[2] = ni[I_PAD], ki[3] = ni[I_PAD + 1];
  ki[4] = ni[I_DIL], ki[5] = ni[I_DIL + 1], ki[6] = ni[I_GROUPS];
}

/* The recorded 2-d convolution of x and w (4-d, no bias) with the node's parameters. */
static oz_tensor *conv_again(const oz_tensor *x, const oz_tensor *w, const int64_t *ni) {
  oz_conv_params p = {.spatial = 2, .groups = ni[I_GROUPS]};
  for (int i = 0; i < 2; i++) {
    p.stride[i] = ni[I_STRIDE + i], p.dilation[i] = ni[I_DIL + i];
    p.pad_before[i] = ni[I_PAD + i], p.pad_after[i] = ni[I_PAD_AFTER + i];
  }
  return conv_batched(x, w, NULL, &p);
}

/* Runs one backward kernel on (gc: g contiguous, other) into a new tensor of `shape` (4-d). */
static oz_tensor *grad_kernel(int op, const oz_tensor *gc, const oz_tensor *other,
                              const int64_t *shape, const int64_t *ni) {
  oz_tensor *oc = nn_contiguous_as(other, gc->dtype);
  oz_tensor *r = oc ? nn_empty(gc, 4, shape, gc->dtype) : NULL;
  int64_t ki[7];
  kernel_ints(ni, ki);
  const oz_tensor *ins[2] = {gc, oc};
  if (r && nn_run(op, ins, 2, &r, 1, ki, 7, NULL, 0) != OZ_OK) oz_tensor_decref(r), r = NULL;
  oz_tensor_decref(oc);
  return r;
}

static int conv_grads(const oz_tensor *g, const oz_tensor *x, const oz_tensor *w,
                      const int64_t *ni, oz_tensor **gx, oz_tensor **gw);

/* ConvolutionBackwardBackward0: inputs [0] g, [1] x, [2] w (4-d; x or w may be absent), saved
 * the same; outputs [0] grad of x = BACKWARD_INPUT(g, w), [1] grad of w = BACKWARD_WEIGHT(g, x).
 * Both are bilinear, and the adjoint of each is a convolution or the other backward kernel:
 * d/dg = conv(ggx, w) + conv(x, ggw), d/dx = BACKWARD_INPUT(g, ggw), d/dw =
 * BACKWARD_WEIGHT(g, ggx). */
static int conv_grads_backward(oz_node *n, oz_tensor *const *gg, oz_tensor **gin) {
  oz_tensor *g = nn_saved(n, 0), *x = NULL, *w = NULL, *a = NULL, *b = NULL;
  int rc = g ? OZ_OK : oz_last_error_code();
  if (rc == OZ_OK && n->saved[1].tensor && !(x = nn_saved(n, 1))) rc = oz_last_error_code();
  if (rc == OZ_OK && n->saved[2].tensor && !(w = nn_saved(n, 2))) rc = oz_last_error_code();
  if (rc != OZ_OK) goto done;
  if (oz_node_needs_grad(n, 0)) {
    if (gg[0] && !(a = conv_again(gg[0], w, n->ints))) goto fail;
    if (gg[1] && !(b = conv_again(x, gg[1], n->ints))) goto fail;
    if (a && b) {
      if (!(gin[0] = oz_add(a, b, oz_make_scalar_i(1), NULL))) goto fail;
    } else {
      gin[0] = a ? a : b; /* the reference moves */
      a = b = NULL;
    }
  }
  /* the shapes of the missing operands come from the ints */
  if (oz_node_needs_grad(n, 1) && gg[1] &&
      conv_grads(g, NULL, gg[1], n->ints, &gin[1], NULL) != OZ_OK)
    goto fail;
  if (oz_node_needs_grad(n, 2) && gg[0] &&
      conv_grads(g, gg[0], NULL, n->ints, NULL, &gin[2]) != OZ_OK)
    goto fail;
  goto done;
fail:
  rc = oz_last_error_code();
done:
  oz_tensor_decref(g), oz_tensor_decref(x), oz_tensor_decref(w);
  oz_tensor_decref(a), oz_tensor_decref(b);
  return rc;
}

/* The input and weight gradients of a 2-d convolution for its output gradient g (gx, gw: NULL
 * when not wanted; gx needs w and gw needs x). ni: N_GRADS_INTS ints, the shapes included.
 * Recorded when grad mode is on and g, x or w requires grad (a create_graph backward). */
static int conv_grads(const oz_tensor *g, const oz_tensor *x, const oz_tensor *w,
                      const int64_t *ni, oz_tensor **gx, oz_tensor **gw) {
  oz_tensor *outs[2] = {NULL, NULL};
  oz_tensor *gc = nn_contiguous_as(g, (gx ? w : x)->dtype); /* the kernels' operand, once */
  bool ok = gc && (!gx || (outs[0] = grad_kernel(OZ_OP_CONV2D_BACKWARD_INPUT, gc, w,
                                                 ni + I_XSHAPE, ni)));
  ok = ok && (!gw || (outs[1] = grad_kernel(OZ_OP_CONV2D_BACKWARD_WEIGHT, gc, x, ni + I_WSHAPE,
                                            ni)));
  oz_tensor_decref(gc);
  if (!ok) {
    oz_tensor_decref(outs[0]), oz_tensor_decref(outs[1]);
    return oz_last_error_code();
  }
  const oz_tensor *ins[3] = {g, x, w};
  if (oz_autograd_wanted(ins, 3)) {
    oz_node *n = oz_node_new("ConvolutionBackwardBackward0", conv_grads_backward, 3, 2);
    int rc = n ? OZ_OK : oz_last_error_code();
    for (int i = 0; i < 3 && rc == OZ_OK; i++) rc = oz_node_set_input(n, i, ins[i]);
    for (int i = 0; i < 3 && rc == OZ_OK; i++) rc = oz_node_save(n, ins[i]);
    if (rc == OZ_OK) {
      memcpy(n->ints, ni, sizeof(int64_t) * N_GRADS_INTS);
      n->n_ints = N_GRADS_INTS;
      rc = oz_node_attach(n, outs, 2);
    } else if (n) {
      oz_node_decref(n);
    }
    if (rc != OZ_OK) {
      oz_tensor_decref(outs[0]), oz_tensor_decref(outs[1]);
      return rc;
    }
  }
  if (gx) *gx = outs[0];
  if (gw) *gw = outs[1];
  return OZ_OK;
}

static int conv_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  const int spatial = (int)n->ints[I_SPATIAL];
  oz_tensor *x = nn_saved(n, 0), *w = x ? nn_saved(n, 1) : NULL;
  oz_tensor *g4 = NULL, *x4 = NULL, *w4 = NULL, *gx = NULL, *gw = NULL;
  int rc = w ? OZ_OK : oz_last_error_code();
  if (rc != OZ_OK) goto done;
  /* 4-d views, recorded so that a create_graph backward can differentiate through them */
  g4 = to_4d(g[0], spatial);
  x4 = g4 ? to_4d(x, spatial) : NULL;
  w4 = x4 ? to_4d(w, spatial) : NULL;
  if (!w4) goto fail;
  int64_t ni[N_GRADS_INTS];
  memcpy(ni, n->ints, sizeof(int64_t) * N_CONV_INTS);
  memcpy(ni + I_XSHAPE, x4->shape, sizeof(int64_t) * 4);
  memcpy(ni + I_WSHAPE, w4->shape, sizeof(int64_t) * 4);
  if (conv_grads(g4, x4, w4, ni, oz_node_needs_grad(n, 0) ? &gx : NULL,
                 oz_node_needs_grad(n, 1) ? &gw : NULL) != OZ_OK)
    goto fail;
  gin[0] = from_4d(gx, spatial), gin[1] = from_4d(gw, spatial); /* consume gx, gw */
  if ((gx && !gin[0]) || (gw && !gin[1])) goto fail;
  if (oz_node_needs_grad(n, 2) &&
      !(gin[2] = oz_sum(g4, (const int64_t[]){0, 2, 3}, 3, false, x->dtype, NULL)))
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
  int64_t ni[N_CONV_INTS] = {k, 1, 1, 0, 0, 1, 1, p->groups, 0, 0};
  for (int i = 0; i < k; i++) {
    ni[I_STRIDE + 2 - k + i] = p->stride[i];
    ni[I_PAD + 2 - k + i] = p->pad_before[i];
    ni[I_DIL + 2 - k + i] = p->dilation[i];
    ni[I_PAD_AFTER + 2 - k + i] = p->pad_after[i];
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
    out[2 + i] = (x4->shape[2 + i] + ni[I_PAD + i] + ni[I_PAD_AFTER + i] -
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
