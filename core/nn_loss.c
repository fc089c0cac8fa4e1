/* nn_loss.c - nll_loss and the elementwise losses (mse, l1, smooth_l1, huber,
 * binary_cross_entropy, binary_cross_entropy_with_logits): PyTorch's checks and result dtypes,
 * the unreduced loss from one kernel, the reduction with core ops, and one backward node per
 * call whose formula runs the fused backward kernel (nll_loss's as a linear map, the others'
 * as the same formulas in recorded core ops under create_graph, so both differentiate again). */
#include "core/nn_internal.h"
#include "core/oz_ops_unary.h"

/* ================================ NLL loss ================================ */

/* NLL_LOSS_BACKWARD puts -w[t] * g at each element's target class: linear in g, with
 * NLL_LOSS's loss output as its adjoint. The input side has the input's own shape, viewed as
 * [N, C, K] for the kernels. operands: target [N,K], weight [C]; ints[0]: ignore_index;
 * variant 1 for the 2-d node names. */
static void nll_nck(const nn_linear_args *a, int64_t *nck) {
  nck[0] = a->operands[0]->shape[0], nck[1] = a->operands[1]->shape[0];
  nck[2] = a->operands[0]->shape[1];
}

static oz_tensor *run_nll_backward(const nn_linear_map *map, const oz_tensor *g,
                                   const oz_input_meta *out, const nn_linear_args *a) {
  int64_t nck[3];
  nll_nck(a, nck);
  oz_tensor *r = nn_empty(g, out->ndim, out->shape, g->dtype);
  oz_tensor *r3 = r ? oz_view_shape(r, 3, nck) : NULL;
  const oz_tensor *ins[3] = {g, a->operands[0], a->operands[1]};
  if (!r3 || nn_run(map->op, ins, 3, &r3, 1, a->ints, 1, NULL, 0) != OZ_OK)
    oz_tensor_decref(r), r = NULL;
  oz_tensor_decref(r3);
  return r;
}

static oz_tensor *run_nll_loss(const nn_linear_map *map, const oz_tensor *x,
                               const oz_input_meta *out, const nn_linear_args *a) {
  int64_t nck[3];
  nll_nck(a, nck);
  oz_tensor *x3 = oz_view_shape(x, 3, nck);
  oz_tensor *loss = x3 ? nn_empty(x, out->ndim, out->shape, x->dtype) : NULL;
  oz_tensor *wsum = loss ? nn_empty(x, out->ndim, out->shape, x->dtype) : NULL;
  const oz_tensor *ins[3] = {x3, a->operands[0], a->operands[1]};
  oz_tensor *outs[2] = {loss, wsum};
  if (!wsum || nn_run(map->op, ins, 3, outs, 2, a->ints, 1, NULL, 0) != OZ_OK)
    oz_tensor_decref(loss), loss = NULL;
  oz_tensor_decref(x3), oz_tensor_decref(wsum);
  return loss;
}

static const char *const nll_backward_names[] = {"NllLossBackwardBackward0",
                                                 "NllLoss2DBackwardBackward0"};
static const char *const nll_names[] = {"NllLossBackward0", "NllLoss2DBackward0"};
static const nn_linear_map nll_scatter, nll_lookup;
static const nn_linear_map nll_scatter = {nll_backward_names, run_nll_backward,
                                          OZ_OP_NLL_LOSS_BACKWARD, &nll_lookup, true};
static const nn_linear_map nll_lookup = {nll_names, run_nll_loss, OZ_OP_NLL_LOSS, &nll_scatter,
                                         false};

/* saved: [0] target [N,K] view, [1] weight [C] (always present), [2] total weight (0-d).
 * ints: [0] reduction, [1] ignore_index, [2] 1 for NllLoss2DBackward0. */
static int nll_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  const int reduction = (int)n->ints[0];
  oz_tensor *target = nn_saved(n, 0), *weight = target ? nn_saved(n, 1) : NULL;
  /* the total weight divides the mean only */
  oz_tensor *total = weight && reduction == OZ_REDUCTION_MEAN ? nn_saved(n, 2) : NULL;
  oz_tensor *scaled = NULL, *gnk = NULL;
  int rc = weight && (total || reduction != OZ_REDUCTION_MEAN) ? OZ_OK : oz_last_error_code();
  if (rc != OZ_OK) goto done;
  /* the gradient of each unreduced element, as [N, K]; recorded ops for create_graph */
  if (reduction == OZ_REDUCTION_MEAN) {
    scaled = oz_div(g[0], total, NULL);
  } else {
    oz_tensor_incref(g[0]);
    scaled = g[0];
  }
  if (!scaled) goto fail;
  gnk = reduction == OZ_REDUCTION_NONE ? oz_ad_reshape(scaled, 2, target->shape)
                                       : oz_ad_expand(scaled, 2, target->shape);
  const nn_linear_args a = {{target, weight}, 2, &n->ints[1], 1, (int)n->ints[2]};
  if (!gnk || !(gin[0] = nn_linear_apply(&nll_scatter, gnk, &n->in_meta[0], &a, n, 0)))
    goto fail;
  goto done;
fail:
  rc = oz_last_error_code();
done:
  oz_tensor_decref(target), oz_tensor_decref(weight), oz_tensor_decref(total);
  oz_tensor_decref(scaled), oz_tensor_decref(gnk);
  return rc;
}

/* The [N, C, K] / [N, K] views of input and target that the kernel takes, after torch's checks;
 * out_ndim/out_shape: the unreduced loss's shape. */
static int nll_views(const oz_tensor *input, const oz_tensor *target, int64_t *nck, int64_t *nk,
                     int *out_ndim, int64_t *out_shape) {
  char a[256], b[256];
  if (input->ndim < 1)
    return oz_set_error(OZ_ERR_VALUE, "Expected 1 or more dimensions (got %d)", input->ndim);
  if (input->ndim != 1 && target->ndim >= 1 && input->shape[0] != target->shape[0])
    return oz_set_error(OZ_ERR_VALUE,
                        "Expected input batch_size (%lld) to match target batch_size (%lld).",
                        (long long)input->shape[0], (long long)target->shape[0]);
  if (input->ndim <= 2) {
    if (target->ndim > 1)
      return oz_set_error(OZ_ERR_RUNTIME,
                          "0D or 1D target tensor expected, multi-target not supported");
    const bool no_batch = input->ndim == 1 && target->ndim == 0;
    if (!no_batch && (target->ndim == 0 || input->shape[0] != target->shape[0]))
      return oz_set_error(OZ_ERR_RUNTIME, "size mismatch (got input: %s, target: %s)",
                          oz_shape_str(a, sizeof a, input->ndim, input->shape),
                          oz_shape_str(b, sizeof b, target->ndim, target->shape));
    nck[0] = no_batch ? 1 : input->shape[0];
    nck[1] = input->shape[input->ndim - 1];
    nck[2] = 1;
    *out_ndim = no_batch ? 0 : 1;
    out_shape[0] = nck[0];
  } else {
    bool same = target->ndim == input->ndim - 1;
    for (int d = 1; same && d < target->ndim; d++) same = target->shape[d] == input->shape[d + 1];
    if (!same) {
      int64_t want[OZ_MAX_DIMS];
      want[0] = input->shape[0];
      for (int d = 2; d < input->ndim; d++) want[d - 1] = input->shape[d];
      return oz_set_error(OZ_ERR_RUNTIME, "Expected target size %s, got %s",
                          oz_shape_str(a, sizeof a, input->ndim - 1, want),
                          oz_shape_str(b, sizeof b, target->ndim, target->shape));
    }
    nck[0] = input->shape[0];
    nck[1] = input->shape[1];
    nck[2] = 1;
    for (int d = 2; d < input->ndim; d++) nck[2] *= input->shape[d];
    *out_ndim = target->ndim;
    memcpy(out_shape, target->shape, sizeof(int64_t) * (size_t)target->ndim);
  }
  nk[0] = nck[0], nk[1] = nck[2];
  return OZ_OK;
}

oz_tensor *oz_nll_loss(const oz_tensor *input, const oz_tensor *target, const oz_tensor *weight,
                       int reduction, int64_t ignore_index) {
  int64_t nck[3], nk[2], out_shape[OZ_MAX_DIMS];
  int out_ndim = 0;
  if (nn_check_reduction(reduction) != OZ_OK ||
      nll_views(input, target, nck, nk, &out_ndim, out_shape) != OZ_OK ||
      nn_require_floating("nll_loss_out_frame", input) != OZ_OK)
    return NULL;
  if (target->dtype != OZ_INT64) {
    oz_set_error(OZ_ERR_RUNTIME, "expected scalar type Long but found %s",
                 oz_dtype_scalar_type_name(target->dtype));
    return NULL;
  }
  if (weight && (weight->ndim != 1 || weight->shape[0] != nck[1])) {
    char s[256];
    oz_set_error(OZ_ERR_RUNTIME,
                 "weight tensor should be defined either for all %lld classes or no classes but "
                 "got weight tensor of shape: %s",
                 (long long)nck[1], oz_shape_str(s, sizeof s, weight->ndim, weight->shape));
    return NULL;
  }
  if (weight && weight->dtype != input->dtype) {
    oz_set_error(OZ_ERR_RUNTIME, "expected scalar type %s but found %s",
                 oz_dtype_scalar_type_name(input->dtype),
                 oz_dtype_scalar_type_name(weight->dtype));
    return NULL;
  }
  if (nn_check_not_differentiable("nll_loss_forward", "weight", weight) != OZ_OK) return NULL;

  oz_node *node;
  const char *name = input->ndim <= 2 ? "NllLossBackward0" : "NllLoss2DBackward0";
  if (oz_grad_begin("nll_loss", name, nll_backward, &input, 1, NULL, &node) != OZ_OK)
    return NULL;
  const int dt = input->dtype;
  /* torch computes 3-d and >4-d inputs as 4-d ones and views the unreduced loss back: the
   * node's output is then [N, K] and a ViewBackward0 follows */
  const bool view_after = reduction == OZ_REDUCTION_NONE && (input->ndim == 3 || input->ndim > 4);
  oz_tensor *x = NULL, *x3 = NULL, *t = NULL, *t2 = NULL, *w = NULL, *loss = NULL, *wsum = NULL;
  oz_tensor *total = NULL, *result = NULL;
  x = nn_contiguous_as(input, dt);
  x3 = x ? oz_view_shape(x, 3, nck) : NULL;
  t = x3 ? oz_contiguous(target) : NULL;
  t2 = t ? oz_view_shape(t, 2, nk) : NULL;
  if (weight)
    w = t2 ? nn_contiguous_as(weight, dt) : NULL;
  else
    w = t2 ? oz_full(1, &nck[1], oz_make_scalar_f(1.0), dt, oz_tensor_device(input)) : NULL;
  loss = w ? nn_empty(input, 2, nk, dt) : NULL;
  wsum = loss ? nn_empty(input, 2, nk, dt) : NULL;
  if (!wsum) goto done;
  const oz_tensor *ins[3] = {x3, t2, w};
  oz_tensor *outs[2] = {loss, wsum};
  if (nn_run(OZ_OP_NLL_LOSS, ins, 3, outs, 2, &ignore_index, 1, NULL, 0) != OZ_OK) goto done;
  bool prev = nn_grad_off();
  if (view_after) {
    oz_tensor_incref(loss);
    result = loss;
  } else if (reduction == OZ_REDUCTION_NONE) {
    result = oz_reshape(loss, out_ndim, out_shape);
  } else {
    oz_tensor *s = oz_sum(loss, NULL, 0, false, dt, NULL);
    total = s ? oz_sum(wsum, NULL, 0, false, dt, NULL) : NULL;
    result = reduction == OZ_REDUCTION_SUM || !total ? s : oz_div(s, total, NULL);
    if (result != s) oz_tensor_decref(s);
    if (!total) oz_tensor_decref(result), result = NULL;
  }
  nn_grad_restore(prev);
  if (result && node) {
    node->ints[node->n_ints++] = reduction;
    node->ints[node->n_ints++] = ignore_index;
    node->ints[node->n_ints++] = input->ndim > 2;
    if (oz_node_save(node, t2) != OZ_OK || oz_node_save(node, w) != OZ_OK ||
        oz_node_save(node, total) != OZ_OK)
      oz_tensor_decref(result), result = NULL;
  }
done:
  result = oz_grad_end(node, result, NULL);
  if (result && view_after) {
    oz_tensor *v = oz_ad_view(result, out_ndim, out_shape);
    oz_tensor_decref(result);
    result = v;
  }
  oz_tensor_decref(x), oz_tensor_decref(x3), oz_tensor_decref(t), oz_tensor_decref(t2);
  oz_tensor_decref(w), oz_tensor_decref(loss), oz_tensor_decref(wsum), oz_tensor_decref(total);
  return result;
}

/* ============================ elementwise losses ============================ */

typedef struct loss_info {
  const char *kernel;  /* the name in torch's "not implemented for" message */
  const char *fn;      /* torch's function name (for the not-differentiable message) */
  const char *node[3]; /* grad_fn per reduction none, mean, sum */
} loss_info;

/* Indexed by oz_pointwise_loss. L1 is a composite in torch (abs, then mean or sum), hence its
 * node names. */
static const loss_info losses[] = {
    {"mse_cpu", "mse_loss", {"MseLossBackward0", "MseLossBackward0", "MseLossBackward0"}},
    {"abs_cpu", "l1_loss", {"AbsBackward0", "MeanBackward0", "SumBackward0"}},
    {"smooth_l1_cpu", "smooth_l1_loss",
     {"SmoothL1LossBackward0", "SmoothL1LossBackward0", "SmoothL1LossBackward0"}},
    {"huber_cpu", "huber_loss",
     {"HuberLossBackward0", "HuberLossBackward0", "HuberLossBackward0"}},
    {"binary_cross_entropy", "binary_cross_entropy",
     {"BinaryCrossEntropyBackward0", "BinaryCrossEntropyBackward0",
      "BinaryCrossEntropyBackward0"}},
    {"binary_cross_entropy_with_logits", "binary_cross_entropy_with_logits",
     {"BinaryCrossEntropyWithLogitsBackward0", "BinaryCrossEntropyWithLogitsBackward0",
      "BinaryCrossEntropyWithLogitsBackward0"}},
};

/* The kernel's operands for one call: input, target and pos_weight in the compute dtype,
 * expanded to the loss's shape (pos_weight: ones when absent). */
typedef struct loss_operands {
  int ndim;
  int64_t shape[OZ_MAX_DIMS];
  int dtype;
  oz_tensor *x, *t, *p; /* expanded views (own references) */
} loss_operands;

static void operands_release(loss_operands *o) {
  oz_tensor_decref(o->x), oz_tensor_decref(o->t), oz_tensor_decref(o->p);
  o->x = o->t = o->p = NULL;
}

static oz_tensor *expanded_as(const oz_tensor *t, const loss_operands *o) {
  oz_tensor *c = oz_operand_as(t, o->dtype, oz_tensor_device(t));
  oz_tensor *e = c ? oz_expand(c, o->ndim, o->shape) : NULL;
  oz_tensor_decref(c);
  return e;
}

static int operands_make(const oz_tensor *input, const oz_tensor *target,
                         const oz_tensor *pos_weight, int dtype, loss_operands *o) {
  memset(o, 0, sizeof *o);
  o->dtype = dtype;
  if (oz_broadcast_shapes(input->ndim, input->shape, target->ndim, target->shape, &o->ndim,
                          o->shape) != OZ_OK)
    return oz_last_error_code();
  if (pos_weight) {
    int nd;
    int64_t sh[OZ_MAX_DIMS];
    if (oz_broadcast_shapes(o->ndim, o->shape, pos_weight->ndim, pos_weight->shape, &nd, sh) !=
        OZ_OK)
      return oz_last_error_code();
    if (nd != o->ndim || memcmp(sh, o->shape, sizeof(int64_t) * (size_t)nd)) {
      char a[256], b[256];
      return oz_set_error(OZ_ERR_RUNTIME,
                          "The size of pos_weight %s does not broadcast to the loss's shape %s",
                          oz_shape_str(a, sizeof a, pos_weight->ndim, pos_weight->shape),
                          oz_shape_str(b, sizeof b, o->ndim, o->shape));
    }
  }
  o->x = expanded_as(input, o);
  o->t = o->x ? expanded_as(target, o) : NULL;
  if (o->t && pos_weight) {
    o->p = expanded_as(pos_weight, o);
  } else if (o->t) {
    oz_tensor *one = oz_full(0, NULL, oz_make_scalar_f(1.0), dtype, oz_tensor_device(input));
    o->p = one ? oz_expand(one, o->ndim, o->shape) : NULL;
    oz_tensor_decref(one);
  }
  if (!o->p) {
    operands_release(o);
    return oz_last_error_code();
  }
  return OZ_OK;
}

/* ---- create_graph: the gradient formulas in recorded ops ---- */

/* An owned-reference helper: *slot = value (new reference); false when value is NULL. */
static bool set(oz_tensor **slot, oz_tensor *value) {
  oz_tensor_decref(*slot);
  *slot = value;
  return value != NULL;
}

static oz_tensor *number(double v) { return oz_wrapped_scalar(v, 0, OZ_FLOAT64); }

/* t in `dtype`, the cast recorded */
static oz_tensor *in_dtype(const oz_tensor *t, int dtype) {
  return oz_ad_to(t, dtype, oz_tensor_device(t), false);
}

/* log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)), finite for every x */
static oz_tensor *log_sigmoid(const oz_tensor *x) {
  oz_tensor *zero = number(0.0), *m = NULL, *a = NULL, *e = NULL, *r = NULL;
  if (zero && set(&m, oz_clamp_max(x, zero, NULL)) && set(&a, oz_abs(x, NULL)) &&
      set(&a, oz_neg(a, NULL)) && set(&e, oz_exp(a, NULL)) && set(&e, oz_log1p(e, NULL)))
    r = oz_sub(m, e, oz_make_scalar_i(1), NULL);
  oz_tensor_decref(zero), oz_tensor_decref(m), oz_tensor_decref(a), oz_tensor_decref(e);
  return r;
}

/* d loss / d x for the losses whose target derivative is its negation: f(d), d = x - t */
static oz_tensor *difference_factor(int loss, const oz_tensor *d, double param) {
  switch (loss) {
    case OZ_LOSS_MSE: return oz_add(d, d, oz_make_scalar_i(1), NULL);
    case OZ_LOSS_L1: return oz_sign(d, NULL);
    case OZ_LOSS_SMOOTH_L1: {
      if (param == 0) return oz_sign(d, NULL); /* beta 0 is L1 */
      oz_tensor *beta = number(param), *q = beta ? oz_div(d, beta, NULL) : NULL;
      oz_tensor *r = q ? oz_hardtanh(q, oz_make_scalar_f(-1.0), oz_make_scalar_f(1.0), NULL)
                       : NULL;
      oz_tensor_decref(beta), oz_tensor_decref(q);
      return r;
    }
    default: /* Huber */
      return oz_hardtanh(d, oz_make_scalar_f(-param), oz_make_scalar_f(param), NULL);
  }
}

/* BCE: dx = (x - t) / max(x (1 - x), 1e-12), dt = log(1 - x) - log(x) (torch's, unclamped) */
static int bce_factors(const oz_tensor *x, const oz_tensor *d, oz_tensor **fx, oz_tensor **ft) {
  const oz_scalar one = oz_make_scalar_i(1);
  oz_tensor *c1 = number(1.0), *eps = c1 ? number(1e-12) : NULL, *u = NULL, *v = NULL;
  bool ok = eps && set(&u, oz_sub(c1, x, one, NULL)) && set(&v, oz_mul(x, u, NULL)) &&
            set(&v, oz_clamp_min(v, eps, NULL)) && set(fx, oz_div(d, v, NULL)) &&
            set(&u, oz_neg(x, NULL)) && set(&u, oz_log1p(u, NULL)) && set(&v, oz_log(x, NULL)) &&
            set(ft, oz_sub(u, v, one, NULL));
  oz_tensor_decref(c1), oz_tensor_decref(eps), oz_tensor_decref(u), oz_tensor_decref(v);
  return ok ? OZ_OK : oz_last_error_code();
}

/* BCE with logits, tp = p t: dx = (tp + 1 - t) sigmoid(x) - tp, dt = (1 - p) log_sigmoid(x) - x
 * (without pos_weight: sigmoid(x) - t and -x) */
static int bce_logits_factors(const oz_tensor *x, const oz_tensor *t, const oz_tensor *p,
                              oz_tensor **fx, oz_tensor **ft) {
  const oz_scalar one = oz_make_scalar_i(1);
  oz_tensor *s = oz_sigmoid(x, NULL), *tp = NULL, *a = NULL, *c1 = NULL, *ls = NULL;
  bool ok = s != NULL;
  if (ok && !p) {
    ok = set(fx, oz_sub(s, t, one, NULL)) && set(ft, oz_neg(x, NULL));
  } else if (ok) {
    ok = set(&tp, oz_mul(p, t, NULL)) && set(&a, oz_sub(tp, t, one, NULL)) &&
         set(&c1, number(1.0)) && set(&a, oz_add(a, c1, one, NULL)) &&
         set(&a, oz_mul(a, s, NULL)) && set(fx, oz_sub(a, tp, one, NULL)) &&
         set(&a, oz_sub(c1, p, one, NULL)) && set(&ls, log_sigmoid(x)) &&
         set(&a, oz_mul(a, ls, NULL)) && set(ft, oz_sub(a, x, one, NULL));
  }
  oz_tensor_decref(s), oz_tensor_decref(tp), oz_tensor_decref(a), oz_tensor_decref(c1);
  oz_tensor_decref(ls);
  return ok ? OZ_OK : oz_last_error_code();
}

/* The whole create_graph backward: input and target with their history (cast to the compute
 * dtype), weight and pos_weight constants. */
static int differentiable_loss_backward(oz_node *n, const oz_tensor *g, const oz_tensor *input,
                                        const oz_tensor *target, const oz_tensor *weight,
                                        const oz_tensor *pos_weight, oz_tensor **gin) {
  const int loss = (int)n->ints[0], reduction = (int)n->ints[1], dtype = (int)n->ints[2];
  const oz_scalar one = oz_make_scalar_i(1);
  oz_tensor *x = in_dtype(input, dtype), *t = x ? in_dtype(target, dtype) : NULL;
  oz_tensor *w = NULL, *p = NULL, *d = NULL, *ge = NULL, *fx = NULL, *ft = NULL;
  bool ok = t && set(&d, oz_sub(x, t, one, NULL)) &&
            set(&ge, nn_reduce_backward(g, reduction, d->ndim, d->shape));
  if (ok && weight)
    ok = set(&w, nn_contiguous_as(weight, dtype)) && set(&ge, oz_mul(ge, w, NULL));
  if (ok && pos_weight) ok = set(&p, nn_contiguous_as(pos_weight, dtype));
  if (ok && loss == OZ_LOSS_BCE)
    ok = bce_factors(x, d, &fx, &ft) == OZ_OK;
  else if (ok && loss == OZ_LOSS_BCE_WITH_LOGITS)
    ok = bce_logits_factors(x, t, p, &fx, &ft) == OZ_OK;
  else if (ok)
    ok = set(&fx, difference_factor(loss, d, n->scalars[0].f)) && set(&ft, oz_neg(fx, NULL));
  /* of the loss's shape: the engine sums broadcast dims away and casts, recording both */
  for (int k = 0; k < 2 && ok; k++)
    if (oz_node_needs_grad(n, k)) ok = (gin[k] = oz_mul(ge, k ? ft : fx, NULL)) != NULL;
  oz_tensor_decref(x), oz_tensor_decref(t), oz_tensor_decref(w), oz_tensor_decref(p);
  oz_tensor_decref(d), oz_tensor_decref(ge), oz_tensor_decref(fx), oz_tensor_decref(ft);
  return ok ? OZ_OK : oz_last_error_code();
}

/* saved: [0] input, [1] target, [2] weight or None, [3] pos_weight or None.
 * ints: [0] loss, [1] reduction, [2] compute dtype; scalars[0]: beta / delta. */
static int pointwise_loss_backward(oz_node *n, oz_tensor *const *g, oz_tensor **gin) {
  oz_tensor *input = nn_saved(n, 0), *target = input ? nn_saved(n, 1) : NULL;
  oz_tensor *weight = NULL, *pos_weight = NULL, *gel = NULL, *gw = NULL, *ge = NULL;
  oz_tensor *outs[2] = {NULL, NULL};
  loss_operands o = {0};
  int rc = OZ_OK;
  if (!target) goto fail;
  weight = oz_node_saved(n, 2); /* None when absent */
  if (!weight && n->saved[2].tensor) goto fail;
  pos_weight = oz_node_saved(n, 3);
  if (!pos_weight && n->saved[3].tensor) goto fail;
  if (oz_grad_enabled()) { /* create_graph */
    rc = differentiable_loss_backward(n, g[0], input, target, weight, pos_weight, gin);
    goto done;
  }
  if (operands_make(input, target, pos_weight, (int)n->ints[2], &o) != OZ_OK) goto fail;
  /* d loss / d element: g spread by the reduction, times the weight */
  gel = nn_reduce_backward(g[0], (int)n->ints[1], o.ndim, o.shape);
  gw = gel && weight ? oz_mul(gel, weight, NULL) : gel;
  if (gw == gel && gel) oz_tensor_incref(gel);
  ge = gw ? expanded_as(gw, &o) : NULL;
  for (int k = 0; k < 2 && ge; k++)
    if (!(outs[k] = nn_empty(input, o.ndim, o.shape, o.dtype))) goto fail;
  if (!ge) goto fail;
  const oz_tensor *ins[4] = {o.x, o.t, o.p, ge};
  const int64_t loss = n->ints[0];
  const double param = n->scalars[0].f;
  if (nn_run(OZ_OP_POINTWISE_LOSS_BACKWARD, ins, 4, outs, 2, &loss, 1, &param, 1) != OZ_OK)
    goto fail;
  for (int k = 0; k < 2; k++)
    if (oz_node_needs_grad(n, k)) gin[k] = outs[k], outs[k] = NULL;
  goto done;
fail:
  rc = oz_last_error_code();
done:
  operands_release(&o);
  oz_tensor_decref(input), oz_tensor_decref(target), oz_tensor_decref(weight);
  oz_tensor_decref(pos_weight), oz_tensor_decref(gel), oz_tensor_decref(gw);
  oz_tensor_decref(ge), oz_tensor_decref(outs[0]), oz_tensor_decref(outs[1]);
  return rc;
}

/* The dtype the loss is computed in, after torch's dtype checks. */
static int loss_dtype(int loss, const oz_tensor *input, const oz_tensor *target, int *dtype) {
  if (loss == OZ_LOSS_BCE && target->dtype != input->dtype)
    return oz_set_error(OZ_ERR_RUNTIME, "Found dtype %s but expected %s",
                        oz_dtype_scalar_type_name(target->dtype),
                        oz_dtype_scalar_type_name(input->dtype));
  oz_result_type_state s;
  oz_result_type_init(&s);
  oz_result_type_add(&s, input->dtype, oz_operand_priority(input));
  oz_result_type_add(&s, target->dtype, oz_operand_priority(target));
  *dtype = oz_result_type_get(&s);
  if (!oz_dtype_is_floating(*dtype))
    return oz_set_error(OZ_ERR_RUNTIME, "\"%s\" not implemented for '%s'", losses[loss].kernel,
                        oz_dtype_scalar_type_name(*dtype));
  return OZ_OK;
}

/* torch's l1_loss is (input - target).abs() reduced, so integers work except for the mean. */
static oz_tensor *integer_l1_loss(const oz_tensor *input, const oz_tensor *target,
                                  int reduction) {
  oz_tensor *d = oz_sub(input, target, oz_make_scalar_i(1), NULL);
  oz_tensor *a = d ? oz_abs(d, NULL) : NULL;
  oz_tensor_decref(d);
  if (!a || reduction == OZ_REDUCTION_NONE) return a;
  oz_tensor *r = NULL;
  if (reduction == OZ_REDUCTION_SUM)
    r = oz_sum(a, NULL, 0, false, -1, NULL);
  else
    oz_set_error(OZ_ERR_RUNTIME,
                 "mean(): could not infer output dtype. Input dtype must be either a floating "
                 "point or complex dtype. Got: %s",
                 oz_dtype_scalar_type_name(a->dtype));
  oz_tensor_decref(a);
  return r;
}

oz_tensor *oz_pointwise_loss(int loss, const oz_tensor *input, const oz_tensor *target,
                             const oz_tensor *weight, const oz_tensor *pos_weight, double param,
                             int reduction) {
  if (loss < OZ_LOSS_MSE || loss > OZ_LOSS_BCE_WITH_LOGITS) {
    oz_set_error(OZ_ERR_RUNTIME, "oz_pointwise_loss: unknown loss %d", loss);
    return NULL;
  }
  if (loss == OZ_LOSS_L1 && nn_check_reduction(reduction) == OZ_OK &&
      !oz_dtype_is_floating(oz_promote_types(input->dtype, target->dtype)))
    return integer_l1_loss(input, target, reduction);
  const loss_info *info = &losses[loss];
  int dtype = OZ_FLOAT32;
  if (nn_check_reduction(reduction) != OZ_OK || loss_dtype(loss, input, target, &dtype) != OZ_OK ||
      nn_check_not_differentiable(info->fn, "weight", weight) != OZ_OK ||
      nn_check_not_differentiable(info->fn, "pos_weight", pos_weight) != OZ_OK)
    return NULL;
  if (loss == OZ_LOSS_SMOOTH_L1 && param < 0) {
    oz_set_error(OZ_ERR_RUNTIME, "smooth_l1_loss does not support negative values for beta.");
    return NULL;
  }
  if (loss == OZ_LOSS_HUBER && param <= 0) {
    oz_set_error(OZ_ERR_RUNTIME, "huber_loss does not support non-positive values for delta.");
    return NULL;
  }
  const oz_tensor *ins2[2] = {input, target};
  oz_node *node;
  if (oz_grad_begin(info->fn, info->node[reduction], pointwise_loss_backward, ins2, 2, NULL,
                    &node) != OZ_OK)
    return NULL;
  loss_operands o;
  oz_tensor *el = NULL, *weighted = NULL, *result = NULL;
  if (operands_make(input, target, pos_weight, dtype, &o) != OZ_OK) goto done;
  el = nn_empty(input, o.ndim, o.shape, dtype);
  const oz_tensor *ins[3] = {o.x, o.t, o.p};
  const int64_t id = loss;
  if (!el || nn_run(OZ_OP_POINTWISE_LOSS, ins, 3, &el, 1, &id, 1, &param, 1) != OZ_OK) goto done;
  bool prev = nn_grad_off();
  weighted = weight ? oz_mul(el, weight, NULL) : el;
  if (weighted == el) oz_tensor_incref(el);
  if (weighted && weighted->ndim != o.ndim) { /* a weight may not add dims */
    char a[256], b[256];
    oz_set_error(OZ_ERR_RUNTIME, "The size of weight %s does not broadcast to the loss's shape %s",
                 oz_shape_str(a, sizeof a, weight->ndim, weight->shape),
                 oz_shape_str(b, sizeof b, o.ndim, o.shape));
  } else if (weighted) {
    result = nn_reduce(weighted, reduction);
  }
  /* Huber keeps the input's dtype (torch computes into a tensor like the input) */
  if (result && loss == OZ_LOSS_HUBER && result->dtype != input->dtype) {
    oz_tensor *c = oz_to_dtype(result, input->dtype, false);
    oz_tensor_decref(result);
    result = c;
  }
  nn_grad_restore(prev);
  if (result && node) {
    node->ints[node->n_ints++] = loss;
    node->ints[node->n_ints++] = reduction;
    node->ints[node->n_ints++] = dtype;
    node->scalars[node->n_scalars++] = oz_make_scalar_f(param);
    if (oz_node_save(node, input) != OZ_OK || oz_node_save(node, target) != OZ_OK ||
        oz_node_save(node, weight) != OZ_OK || oz_node_save(node, pos_weight) != OZ_OK)
      oz_tensor_decref(result), result = NULL;
  }
done:
  result = oz_grad_end(node, result, NULL);
  operands_release(&o);
  oz_tensor_decref(el), oz_tensor_decref(weighted);
  return result;
}
