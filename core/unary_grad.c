/* unary_grad.c - derivatives of the unary math ops and activations (PyTorch's formulas and
 * grad_fn names), and the recording around their forwards.
 *
 * Smooth ops compose their derivative from core ops (so a create_graph backward records those
 * too and double backward works). Piecewise and activation derivatives run one fused kernel
 * (the *_BACKWARD ops of unary.def); the piecewise ones are linear in the gradient, so their
 * own derivative is the same kernel again; gelu/silu/elu/softplus compose their derivative from
 * core ops instead when a create_graph backward will differentiate it again. */
#include <math.h>

#include "core/unary_internal.h"

/* <math.h>'s M_* are not there under -std=c11. */
#define K_LN2 0.69314718055994530942
#define K_LN10 2.30258509299404568402
#define K_2_SQRTPI 1.12837916709551257390     /* 2/sqrt(pi) */
#define K_SQRT1_2 0.70710678118654752440      /* 1/sqrt(2) */
#define K_SQRT_2_PI 0.79788456080286535588    /* sqrt(2/pi) */
#define K_INV_SQRT_2PI 0.39894228040143267794 /* 1/sqrt(2 pi) */
#define K_GELU_KAPPA 0.044715

/* ---------------------------------------------------------------- formula building blocks
 * Each helper consumes the references it is given and returns a new one; NULL in gives NULL
 * out, so a whole formula is one expression and a failure anywhere surfaces at the end with
 * the first error kept. */
static oz_tensor *ref(const oz_tensor *t) {
  if (t) oz_tensor_incref((oz_tensor *)t);
  return (oz_tensor *)t;
}

static oz_tensor *number(double v) { return oz_wrapped_scalar(v, (int64_t)v, OZ_FLOAT64); }

typedef oz_tensor *(*binary_op)(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);
static oz_tensor *apply2(binary_op f, oz_tensor *a, oz_tensor *b) {
  oz_tensor *r = a && b ? f(a, b, NULL) : NULL;
  oz_tensor_decref(a), oz_tensor_decref(b);
  return r;
}
static oz_tensor *mul(oz_tensor *a, oz_tensor *b) { return apply2(oz_mul, a, b); }
static oz_tensor *divide(oz_tensor *a, oz_tensor *b) { return apply2(oz_div, a, b); }
static oz_tensor *add_(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return oz_add(a, b, oz_make_scalar_i(1), out);
}
static oz_tensor *sub_(const oz_tensor *a, const oz_tensor *b, oz_tensor *out) {
  return oz_sub(a, b, oz_make_scalar_i(1), out);
}
static oz_tensor *add(oz_tensor *a, oz_tensor *b) { return apply2(add_, a, b); }
static oz_tensor *sub(oz_tensor *a, oz_tensor *b) { return apply2(sub_, a, b); }
static oz_tensor *cmp(int op, oz_tensor *a, oz_tensor *b) {
  oz_tensor *r = a && b ? oz_compare(op, a, b, NULL) : NULL;
  oz_tensor_decref(a), oz_tensor_decref(b);
  return r;
}
/* logical and / or of bool masks: bool mul and add are and / or. */
static oz_tensor *and_(oz_tensor *a, oz_tensor *b) { return mul(a, b); }
static oz_tensor *or_(oz_tensor *a, oz_tensor *b) { return add(a, b); }

typedef oz_tensor *(*unary_op)(const oz_tensor *a, oz_tensor *out);
static oz_tensor *apply1(unary_op f, oz_tensor *a) {
  oz_tensor *r = a ? f(a, NULL) : NULL;
  oz_tensor_decref(a);
  return r;
}

static oz_tensor *zeros_like(const oz_tensor *t) {
  return oz_full(t->ndim, t->shape, oz_make_scalar_i(0), t->dtype, oz_tensor_device(t));
}

/* Stores a formula's result in gin[i]; the error code when it failed. */
static int put(oz_tensor **gin, int i, oz_tensor *r) {
  gin[i] = r;
  return r ? OZ_OK : oz_last_error_code();
}

/* Saved tensor i. A saved output comes back without history (it would be a reference cycle),
 * which a create_graph backward needs: the output's history is this node, so an alias of it is
 * attached here again and the second derivative flows through it as torch's unpacked
 * SavedVariable does. */
static oz_tensor *saved(oz_node *n, int i) {
  oz_tensor *s = oz_node_saved(n, i);
  if (!s || !n->saved[i].is_output || !oz_grad_enabled() || oz_requires_grad(s)) return s;
  oz_tensor *a = oz_alias(s);
  oz_tensor_decref(s);
  if (!a) return NULL;
  oz_node_incref(n); /* attach consumes a reference */
  if (oz_node_attach(n, &a, 1) != OZ_OK) {
    oz_tensor_decref(a);
    return NULL;
  }
  return a;
}

/* ---------------------------------------------------------------- formulas from core ops
 * Each reads the saved input x or output y (saved[0]) and the output gradient g. */
#define SAVED0_FORMULA(fname, EXPR)                                                                \
  static int fname(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {                          \
    const oz_tensor *g = gout[0];                                                                  \
    if (!g || !oz_node_needs_grad(n, 0)) return OZ_OK;                                             \
    oz_tensor *s = saved(n, 0);                                                                    \
    if (!s) return oz_last_error_code();                                                           \
    int rc = put(gin, 0, (EXPR));                                                                  \
    oz_tensor_decref(s);                                                                           \
    return rc;                                                                                     \
  }

/* x is the input (s), y the output (s) */
SAVED0_FORMULA(abs_backward, mul(ref(g), apply1(oz_sign, ref(s))))
SAVED0_FORMULA(exp_backward, mul(ref(g), ref(s)))
SAVED0_FORMULA(exp2_backward, mul(mul(ref(g), ref(s)), number(K_LN2)))
SAVED0_FORMULA(log_backward, divide(ref(g), ref(s)))
SAVED0_FORMULA(log2_backward, divide(ref(g), mul(ref(s), number(K_LN2))))
SAVED0_FORMULA(log10_backward, divide(ref(g), mul(ref(s), number(K_LN10))))
SAVED0_FORMULA(log1p_backward, divide(ref(g), add(ref(s), number(1))))
SAVED0_FORMULA(expm1_backward, mul(ref(g), add(ref(s), number(1))))
SAVED0_FORMULA(sqrt_backward, divide(ref(g), mul(number(2), ref(s))))
SAVED0_FORMULA(rsqrt_backward, mul(mul(number(-0.5), ref(g)), mul(mul(ref(s), ref(s)), ref(s))))
SAVED0_FORMULA(square_backward, mul(ref(g), mul(number(2), ref(s))))
SAVED0_FORMULA(reciprocal_backward, mul(apply1(oz_neg, ref(g)), mul(ref(s), ref(s))))
SAVED0_FORMULA(sin_backward, mul(ref(g), apply1(oz_cos, ref(s))))
SAVED0_FORMULA(cos_backward, mul(ref(g), apply1(oz_neg, apply1(oz_sin, ref(s)))))
SAVED0_FORMULA(tan_backward, mul(ref(g), add(number(1), mul(ref(s), ref(s)))))
SAVED0_FORMULA(tanh_backward, mul(ref(g), sub(number(1), mul(ref(s), ref(s)))))
SAVED0_FORMULA(sigmoid_backward, mul(mul(ref(g), sub(number(1), ref(s))), ref(s)))
SAVED0_FORMULA(nan_to_num_backward, mul(ref(g), apply1(oz_isfinite, ref(s))))
SAVED0_FORMULA(erf_backward, mul(ref(g), mul(number(K_2_SQRTPI),
                                             apply1(oz_exp, apply1(oz_neg, mul(ref(s), ref(s)))))))

/* sign, floor, ceil, round, trunc: zero almost everywhere (torch gives zeros, not None). */
static int zeros_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  if (!gout[0] || !oz_node_needs_grad(n, 0)) return OZ_OK;
  return put(gin, 0, zeros_like(gout[0]));
}

/* ---------------------------------------------------------------- fused derivative kernels */
typedef struct fused_info {
  const char *name; /* grad_fn of the kernel's own result (create_graph) */
  /* The kernel is linear in the gradient and piecewise constant in x: its own derivative is
   * itself. The others (gelu, silu, elu, softplus) are composed from core ops instead when a
   * create_graph backward needs their derivative (composed_derivative). */
  bool linear;
  /* x is an input of that grad_fn (and gets zeros), as in torch; clamp's backward is a
   * where(mask, grad, 0) there, whose mask has no gradient. */
  bool x_is_input;
} fused_info;

#define FUSED_SLOT(op) ((op)-OZ_OP_THRESHOLD_BACKWARD)
static const fused_info FUSED[] = {
    [FUSED_SLOT(OZ_OP_THRESHOLD_BACKWARD)] = {"ThresholdBackwardBackward0", true, true},
    [FUSED_SLOT(OZ_OP_CLAMP_BACKWARD)] = {"WhereBackward0", true, false},
    [FUSED_SLOT(OZ_OP_HARDTANH_BACKWARD)] = {"HardtanhBackwardBackward0", true, true},
    [FUSED_SLOT(OZ_OP_LEAKY_RELU_BACKWARD)] = {"LeakyReluBackwardBackward0", true, true},
    [FUSED_SLOT(OZ_OP_GELU_BACKWARD)] = {"GeluBackwardBackward0", false, true},
    [FUSED_SLOT(OZ_OP_SILU_BACKWARD)] = {"SiluBackwardBackward0", false, true},
    [FUSED_SLOT(OZ_OP_ELU_BACKWARD)] = {"EluBackwardBackward0", false, true},
    [FUSED_SLOT(OZ_OP_SOFTPLUS_BACKWARD)] = {"SoftplusBackwardBackward0", false, true},
};
/* Where a fused node keeps the kernel's op id, after the kernel's own ints. */
#define FUSED_OP_INT 4

static oz_tensor *fused(int op, const oz_tensor *g, const oz_tensor *x, const oz_call *p);

/* d/d(grad) of a kernel linear in grad is the same kernel applied to the incoming gradient;
 * the kernels are piecewise constant in x, so x gets zeros (as torch's XBackwardBackward0). */
static int fused_linear_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  if (!gout[0]) return OZ_OK;
  oz_tensor *x = saved(n, 0);
  if (!x) return oz_last_error_code();
  if (oz_node_needs_grad(n, 1) && put(gin, 1, zeros_like(x)) != OZ_OK) {
    oz_tensor_decref(x);
    return oz_last_error_code();
  }
  if (!oz_node_needs_grad(n, 0)) {
    oz_tensor_decref(x);
    return OZ_OK;
  }
  oz_call p = oz_call_make(-1);
  memcpy(p.scalars, n->scalars, sizeof p.scalars);
  p.n_scalars = n->n_scalars;
  memcpy(p.ints, n->ints, sizeof(int64_t) * FUSED_OP_INT);
  p.n_ints = FUSED_OP_INT;
  int rc = put(gin, 0, fused((int)n->ints[FUSED_OP_INT], gout[0], x, &p));
  oz_tensor_decref(x);
  return rc;
}

/* Runs the derivative kernel `op` over (g, x) with p's scalars and ints. A kernel linear in g
 * records its own node when a create_graph backward made g require grad; the others are never
 * asked to (fused_backward composes them from core ops then). */
static oz_tensor *fused(int op, const oz_tensor *g, const oz_tensor *x, const oz_call *p) {
  const fused_info *f = &FUSED[FUSED_SLOT(op)];
  const oz_tensor *ins[2] = {g, x}, *edges[2] = {g, f->x_is_input ? x : NULL};
  oz_node *n = NULL;
  if (f->linear &&
      oz_grad_begin(oz_op_name(op), f->name, fused_linear_backward, edges, 2, NULL, &n) != OZ_OK)
    return NULL;
  if (n) {
    memcpy(n->scalars, p->scalars, sizeof n->scalars);
    n->n_scalars = p->n_scalars;
    memcpy(n->ints, p->ints, sizeof(int64_t) * FUSED_OP_INT);
    n->ints[FUSED_OP_INT] = op;
    n->n_ints = FUSED_OP_INT + 1;
    if (oz_node_save(n, x) != OZ_OK) {
      oz_node_decref(n);
      return NULL;
    }
  }
  const int dt = oz_promote_types(g->dtype, x->dtype);
  return oz_grad_end(n, unary_elementwise(op, ins, 2, dt, dt, p, NULL, false), NULL);
}

/* f'(x) of gelu/silu/elu/softplus from core ops, so that a create_graph backward records it
 * and can differentiate again. p holds the forward's scalars/ints as the fused kernel gets
 * them. Branches are blended with bool masks, each branch kept finite where it is not taken. */
static oz_tensor *mulc(oz_tensor *t, double c) { return mul(t, number(c)); }
static oz_tensor *addc(oz_tensor *t, double c) { return add(t, number(c)); }
static oz_tensor *blend(oz_tensor *mask, oz_tensor *yes, oz_tensor *no) {
  oz_tensor *not_mask = mask ? oz_logical_not(mask, NULL) : NULL;
  return add(mul(mask, yes), mul(not_mask, no));
}

static oz_tensor *composed_derivative(int op, const oz_tensor *x, const oz_call *p) {
  switch (op) {
  case OZ_OP_SILU: {
    oz_tensor *s = oz_sigmoid(x, NULL);
    oz_tensor *r = mul(ref(s), addc(mul(ref(x), sub(number(1), ref(s))), 1));
    oz_tensor_decref(s);
    return r;
  }
  case OZ_OP_GELU:
    if (p->ints[0] == OZ_GELU_NONE) /* cdf(x) + x pdf(x) */
      return add(mulc(addc(apply1(oz_erf, mulc(ref(x), K_SQRT1_2)), 1), 0.5),
                 mul(ref(x), mulc(apply1(oz_exp, mulc(mul(ref(x), ref(x)), -0.5)),
                                  K_INV_SQRT_2PI)));
    else {
      oz_tensor *x2 = mul(ref(x), ref(x));
      oz_tensor *t = apply1(oz_tanh, mulc(add(ref(x), mulc(mul(ref(x2), ref(x)), K_GELU_KAPPA)),
                                          K_SQRT_2_PI));
      oz_tensor *r = add(mulc(addc(ref(t), 1), 0.5),
                         mul(mulc(mul(ref(x), sub(number(1), mul(ref(t), ref(t)))),
                                  0.5 * K_SQRT_2_PI),
                             addc(mulc(ref(x2), 3 * K_GELU_KAPPA), 1)));
      oz_tensor_decref(x2), oz_tensor_decref(t);
      return r;
    }
  case OZ_OP_ELU: { /* x <= 0 ? input_scale * alpha * scale * e^(x input_scale) : scale */
    const double alpha = p->scalars[0].f, scale = p->scalars[1].f, in_scale = p->scalars[2].f;
    oz_tensor *neg = cmp(OZ_OP_LE, ref(x), number(0));
    oz_tensor *slope =
        p->ints[0] /* x is the result y: input_scale * (y + alpha * scale) */
            ? mulc(addc(ref(x), alpha * scale), in_scale)
            : mulc(apply1(oz_exp, mulc(apply1(oz_relu, apply1(oz_neg, ref(x))), -in_scale)),
                   in_scale * alpha * scale); /* e^(min(x, 0) input_scale): finite */
    return blend(neg, slope, oz_full(0, NULL, oz_make_scalar_f(scale), x->dtype,
                                     oz_tensor_device(x)));
  }
  case OZ_OP_SOFTPLUS: { /* x beta > threshold ? 1 : sigmoid(x beta) */
    const double beta = p->scalars[0].f, threshold = p->scalars[1].f;
    oz_tensor *xb = mulc(ref(x), beta);
    oz_tensor *r = blend(cmp(OZ_OP_GT, ref(xb), number(threshold)),
                         oz_full(0, NULL, oz_make_scalar_i(1), x->dtype, oz_tensor_device(x)),
                         apply1(oz_sigmoid, ref(xb)));
    oz_tensor_decref(xb);
    return r;
  }
  default:
    oz_set_error(OZ_ERR_RUNTIME, "no composed derivative for %s", oz_op_name(op));
    return NULL;
  }
}

/* The forward op each non-linear derivative kernel belongs to. */
static int forward_op_of(int backward_op) {
  return backward_op == OZ_OP_GELU_BACKWARD   ? OZ_OP_GELU
         : backward_op == OZ_OP_SILU_BACKWARD ? OZ_OP_SILU
         : backward_op == OZ_OP_ELU_BACKWARD  ? OZ_OP_ELU
                                              : OZ_OP_SOFTPLUS;
}

/* The derivative of a forward node through kernel `op`, whose arguments are the forward's
 * (kept in the node by the front-end); `flag` replaces ints[flag_index] when that is >= 0. */
static int fused_backward(int op, oz_node *n, oz_tensor *const *gout, oz_tensor **gin,
                          int flag_index, int64_t flag) {
  if (!gout[0] || !oz_node_needs_grad(n, 0)) return OZ_OK;
  oz_tensor *x = saved(n, 0);
  if (!x) return oz_last_error_code();
  oz_call p = oz_call_make(-1);
  memcpy(p.scalars, n->scalars, sizeof p.scalars);
  p.n_scalars = 4;
  for (int k = 0; k < FUSED_OP_INT; k++) p.ints[k] = k < n->n_ints ? n->ints[k] : 0;
  if (flag_index >= 0) p.ints[flag_index] = flag;
  p.n_ints = FUSED_OP_INT;
  const bool compose = !FUSED[FUSED_SLOT(op)].linear && oz_grad_enabled(); /* create_graph */
  int rc = put(gin, 0, compose ? mul(ref(gout[0]), composed_derivative(forward_op_of(op), x, &p))
                               : fused(op, gout[0], x, &p));
  oz_tensor_decref(x);
  return rc;
}

static int relu_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  /* threshold_backward(grad, result, 0); the forward kept no scalars, so scalars[0] is 0. */
  return fused_backward(OZ_OP_THRESHOLD_BACKWARD, n, gout, gin, -1, 0);
}
static int clamp_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  return fused_backward(OZ_OP_CLAMP_BACKWARD, n, gout, gin, -1, 0);
}
static int hardtanh_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  return fused_backward(OZ_OP_HARDTANH_BACKWARD, n, gout, gin, -1, 0);
}
static int gelu_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  return fused_backward(OZ_OP_GELU_BACKWARD, n, gout, gin, -1, 0);
}
static int silu_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  return fused_backward(OZ_OP_SILU_BACKWARD, n, gout, gin, -1, 0);
}
static int softplus_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  return fused_backward(OZ_OP_SOFTPLUS_BACKWARD, n, gout, gin, -1, 0);
}
/* In place, elu and leaky_relu keep their result instead of the input (EluBackward1,
 * LeakyReluBackward1): the kernel is told which one it gets. */
static int elu_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  return fused_backward(OZ_OP_ELU_BACKWARD, n, gout, gin, 0, n->saved[0].is_output);
}
/* celu's formula in torch takes input_scale = 1 / alpha with alpha rounded to float first. */
static int celu_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  n->scalars[2] = oz_make_scalar_f(1.0 / (double)(float)n->scalars[0].f);
  return elu_backward(n, gout, gin);
}
static int leaky_relu_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  if (n->saved[0].is_output && n->scalars[0].f < 0)
    return oz_set_error(OZ_ERR_RUNTIME,
                        "In-place leakyReLu backward calculation is triggered with a negative "
                        "slope which is not supported. This is caused by calling in-place "
                        "forward function with a negative slope, please call out-of-place "
                        "version instead. File an issue at https://github.com/pytorch/pytorch "
                        "if you do require supporting in-place leakRelu backward calculation "
                        "with negative slope");
  return fused_backward(OZ_OP_LEAKY_RELU_BACKWARD, n, gout, gin, -1, 0);
}

/* ---------------------------------------------------------------- clamp with tensor bounds
 * saved: x, min, max (ints[0]/ints[1]: whether min/max were given). PyTorch's
 * clamp_backward_min_max: x gets the gradient where it was inside the bounds; a bound gets it
 * where it was the one that won (min only while min < max; max also where max < min). */
static int clamp_tensor_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  const oz_tensor *g = gout[0];
  if (!g) return OZ_OK;
  const bool has_min = n->ints[0], has_max = n->ints[1];
  oz_tensor *x = saved(n, 0);
  oz_tensor *lo = x && has_min ? saved(n, 1) : NULL;
  oz_tensor *hi = x && has_max ? saved(n, 2) : NULL;
  int rc = !x || (has_min && !lo) || (has_max && !hi) ? oz_last_error_code() : OZ_OK;
  if (rc == OZ_OK && oz_node_needs_grad(n, 0)) {
    oz_tensor *inside = has_min && has_max
                            ? and_(cmp(OZ_OP_GE, ref(x), ref(lo)), cmp(OZ_OP_LE, ref(x), ref(hi)))
                        : has_min ? cmp(OZ_OP_GE, ref(x), ref(lo))
                                  : cmp(OZ_OP_LE, ref(x), ref(hi));
    rc = put(gin, 0, mul(ref(g), inside));
  }
  if (rc == OZ_OK && has_min && oz_node_needs_grad(n, 1)) {
    oz_tensor *won = cmp(OZ_OP_LT, ref(x), ref(lo));
    if (has_max) won = and_(won, cmp(OZ_OP_LT, ref(lo), ref(hi)));
    rc = put(gin, 1, mul(ref(g), won));
  }
  if (rc == OZ_OK && has_max && oz_node_needs_grad(n, 2)) {
    oz_tensor *won = cmp(OZ_OP_GT, ref(x), ref(hi));
    if (has_min) won = or_(won, cmp(OZ_OP_LT, ref(hi), ref(lo)));
    rc = put(gin, 2, mul(ref(g), won));
  }
  oz_tensor_decref(x), oz_tensor_decref(lo), oz_tensor_decref(hi);
  return rc;
}

/* ---------------------------------------------------------------- what each op records */
enum save_rule { S_NONE, S_INPUTS, S_OUTPUT };

typedef struct grad_spec {
  const char *name; /* PyTorch's grad_fn name; NULL: not differentiable */
  oz_backward_fn backward;
  uint8_t save; /* enum save_rule */
  /* The in-place form's, where it differs (it keeps the result instead of the input). */
  const char *inplace_name;
  uint8_t inplace_save;
} grad_spec;

static const grad_spec GRADS[U_NUM_FNS] = {
    [U_ABS] = {"AbsBackward0", abs_backward, S_INPUTS, NULL, 0},
    [U_SIGN] = {"SignBackward0", zeros_backward, S_NONE, NULL, 0},
    [U_EXP] = {"ExpBackward0", exp_backward, S_OUTPUT, NULL, 0},
    [U_EXP2] = {"Exp2Backward0", exp2_backward, S_OUTPUT, NULL, 0},
    [U_LOG] = {"LogBackward0", log_backward, S_INPUTS, NULL, 0},
    [U_LOG2] = {"Log2Backward0", log2_backward, S_INPUTS, NULL, 0},
    [U_LOG10] = {"Log10Backward0", log10_backward, S_INPUTS, NULL, 0},
    [U_LOG1P] = {"Log1PBackward0", log1p_backward, S_INPUTS, NULL, 0},
    [U_EXPM1] = {"Expm1Backward0", expm1_backward, S_OUTPUT, NULL, 0},
    [U_SQRT] = {"SqrtBackward0", sqrt_backward, S_OUTPUT, NULL, 0},
    [U_RSQRT] = {"RsqrtBackward0", rsqrt_backward, S_OUTPUT, NULL, 0},
    [U_SQUARE] = {"PowBackward0", square_backward, S_INPUTS, NULL, 0},
    [U_RECIPROCAL] = {"ReciprocalBackward0", reciprocal_backward, S_OUTPUT, NULL, 0},
    [U_SIN] = {"SinBackward0", sin_backward, S_INPUTS, NULL, 0},
    [U_COS] = {"CosBackward0", cos_backward, S_INPUTS, NULL, 0},
    [U_TAN] = {"TanBackward0", tan_backward, S_OUTPUT, NULL, 0},
    [U_TANH] = {"TanhBackward0", tanh_backward, S_OUTPUT, NULL, 0},
    [U_SIGMOID] = {"SigmoidBackward0", sigmoid_backward, S_OUTPUT, NULL, 0},
    [U_RELU] = {"ReluBackward0", relu_backward, S_OUTPUT, NULL, 0},
    [U_FLOOR] = {"FloorBackward0", zeros_backward, S_NONE, NULL, 0},
    [U_CEIL] = {"CeilBackward0", zeros_backward, S_NONE, NULL, 0},
    [U_ROUND] = {"RoundBackward0", zeros_backward, S_NONE, NULL, 0},
    [U_ROUND_DECIMALS] = {"RoundBackward1", zeros_backward, S_NONE, NULL, 0},
    [U_TRUNC] = {"TruncBackward0", zeros_backward, S_NONE, NULL, 0},
    [U_NAN_TO_NUM] = {"NanToNumBackward0", nan_to_num_backward, S_INPUTS, NULL, 0},
    [U_CLAMP] = {"ClampBackward1", clamp_backward, S_INPUTS, NULL, 0},
    [U_CLAMP_MIN] = {"ClampMinBackward0", clamp_backward, S_INPUTS, NULL, 0},
    [U_CLAMP_MAX] = {"ClampMaxBackward0", clamp_backward, S_INPUTS, NULL, 0},
    [U_CLAMP_T] = {"ClampBackward0", clamp_tensor_backward, S_INPUTS, NULL, 0},
    [U_CLAMP_MIN_T] = {"ClampMinBackward1", clamp_tensor_backward, S_INPUTS, NULL, 0},
    [U_CLAMP_MAX_T] = {"ClampMaxBackward1", clamp_tensor_backward, S_INPUTS, NULL, 0},
    [U_GELU] = {"GeluBackward0", gelu_backward, S_INPUTS, NULL, 0},
    [U_SILU] = {"SiluBackward0", silu_backward, S_INPUTS, NULL, 0},
    [U_LEAKY_RELU] = {"LeakyReluBackward0", leaky_relu_backward, S_INPUTS, "LeakyReluBackward1",
                      S_OUTPUT},
    [U_ELU] = {"EluBackward0", elu_backward, S_INPUTS, "EluBackward1", S_OUTPUT},
    [U_CELU] = {"CeluBackward0", celu_backward, S_INPUTS, "CeluBackward1", S_OUTPUT},
    [U_SOFTPLUS] = {"SoftplusBackward0", softplus_backward, S_INPUTS, NULL, 0},
    [U_ERF] = {"ErfBackward0", erf_backward, S_INPUTS, NULL, 0},
    [U_HARDTANH] = {"HardtanhBackward0", hardtanh_backward, S_INPUTS, NULL, 0},
    [U_RELU6] = {"HardtanhBackward0", hardtanh_backward, S_INPUTS, NULL, 0},
    /* isnan, isinf, isfinite, logical_not, bitwise_not: bool/integral results, no grad_fn */
};

static bool writes_input(const oz_tensor *const *ins, int n_ins, const oz_tensor *out) {
  for (int i = 0; i < n_ins && out; i++)
    if (ins[i] == out) return true;
  return false;
}

int unary_grad_begin(unary_fn fn, const char *fname, const oz_tensor *const *ins, int n_ins,
                     const oz_tensor *out, oz_node **node) {
  const grad_spec *s = &GRADS[fn];
  *node = NULL;
  const bool inplace = writes_input(ins, n_ins, out);
  if (!s->name) return inplace ? oz_check_inplace(out) : OZ_OK;
  const char *name = inplace && s->inplace_name ? s->inplace_name : s->name;
  int rc = oz_grad_begin(fname, name, s->backward, ins, n_ins, out, node);
  if (rc != OZ_OK || !*node) return rc;
  const int save = inplace && s->inplace_name ? s->inplace_save : s->save;
  for (int i = 0; save == S_INPUTS && i < n_ins && rc == OZ_OK; i++)
    rc = oz_node_save_input(*node, ins[i], out);
  if (rc != OZ_OK) {
    oz_node_decref(*node);
    *node = NULL;
  }
  return rc;
}

oz_tensor *unary_grad_end(unary_fn fn, oz_node *node, oz_tensor *result, oz_tensor *out) {
  const grad_spec *s = &GRADS[fn];
  if (!node) return oz_grad_end(node, result, out);
  /* Kept alive past oz_grad_end: through a view, the node ends up inside the base's CopySlices
   * rather than as result's grad_fn, and it still needs the result saved. */
  oz_node_incref(node);
  result = oz_grad_end(node, result, out);
  /* A recorded op with `out` is in place (out= with grad is refused by oz_grad_begin). */
  const int save = out && s->inplace_name ? s->inplace_save : s->save;
  if (result && save == S_OUTPUT && oz_node_save_output(node, result) != OZ_OK) {
    oz_tensor_decref(result);
    result = NULL;
  }
  oz_node_decref(node);
  return result;
}
