/* unary.c - front-ends of the unary math ops and activations: for each op, PyTorch's result
 * dtype, the dtypes it refuses and its out= rule (one table), then one kernel call. The clamp
 * family and the parametrised activations add their argument checks on top. Derivatives are
 * recorded through unary_grad.c. */
#include <float.h>
#include <math.h>

#include "core/unary_internal.h"

/* ---------------------------------------------------------------- what each op is */
enum result_rule {
  R_SAME,   /* the input's dtype; out= must have exactly that dtype */
  R_FLOAT,  /* integral and bool inputs give the default float dtype; out= may be any dtype the
               result casts to */
  R_BOOL,   /* bool; out= may be any dtype */
  R_SQUARE, /* square is pow(x, 2): bool becomes int64, otherwise as R_SAME */
};
/* What an integral or bool input gets when the op has floating kernels only. */
enum int_rule { I_KERNEL, I_COPY, I_FALSE, I_TRUE };

#define M_ALL (OZ_MASK_ALL | OZ_MASK_HALF) /* 16-bit floats: computed in float32 (dispatch/half_widen.c) */
#define M_NUM (OZ_MASK_NUMERIC | OZ_MASK_HALF)
#define M_FLT (OZ_MASK_FLOATING | OZ_MASK_HALF)
#define M_INT_BOOL (OZ_MASK_INTEGRAL | OZ_DTYPE_BIT(OZ_BOOL))

typedef struct unary_info {
  const char *name; /* torch's function name */
  int op;           /* the kernel */
  uint8_t result;   /* enum result_rule */
  uint8_t ints;     /* enum int_rule */
  uint32_t dtypes;  /* input dtypes torch accepts */
  /* torch's RuntimeError for any other input dtype; %s is the dtype's ScalarType name */
  const char *refusal;
} unary_info;

#define NOT_IMPL(kernel) "\"" kernel "\" not implemented for '%s'"
static const unary_info INFO[U_NUM_FNS] = {
    [U_ABS] = {"abs", OZ_OP_ABS, R_SAME, I_KERNEL, M_NUM, NOT_IMPL("abs_cpu")},
    [U_SIGN] = {"sign", OZ_OP_SIGN, R_SAME, I_KERNEL, M_ALL, NULL},
    [U_EXP] = {"exp", OZ_OP_EXP, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_EXP2] = {"exp2", OZ_OP_EXP2, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_LOG] = {"log", OZ_OP_LOG, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_LOG2] = {"log2", OZ_OP_LOG2, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_LOG10] = {"log10", OZ_OP_LOG10, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_LOG1P] = {"log1p", OZ_OP_LOG1P, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_EXPM1] = {"expm1", OZ_OP_EXPM1, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_SQRT] = {"sqrt", OZ_OP_SQRT, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_RSQRT] = {"rsqrt", OZ_OP_RSQRT, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_SQUARE] = {"square", OZ_OP_SQUARE, R_SQUARE, I_KERNEL, M_ALL, NULL},
    [U_RECIPROCAL] = {"reciprocal", OZ_OP_RECIPROCAL, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_SIN] = {"sin", OZ_OP_SIN, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_COS] = {"cos", OZ_OP_COS, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_TAN] = {"tan", OZ_OP_TAN, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_TANH] = {"tanh", OZ_OP_TANH, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_SIGMOID] = {"sigmoid", OZ_OP_SIGMOID, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_RELU] = {"relu", OZ_OP_RELU, R_SAME, I_KERNEL, M_NUM,
                "Boolean inputs not supported for relu"},
    [U_FLOOR] = {"floor", OZ_OP_FLOOR, R_SAME, I_COPY, M_NUM, NOT_IMPL("floor_vml_cpu")},
    [U_CEIL] = {"ceil", OZ_OP_CEIL, R_SAME, I_COPY, M_NUM, NOT_IMPL("ceil_vml_cpu")},
    [U_ROUND] = {"round", OZ_OP_ROUND, R_SAME, I_COPY, M_NUM, NOT_IMPL("round_vml_cpu")},
    [U_ROUND_DECIMALS] = {"round", OZ_OP_ROUND, R_SAME, I_KERNEL, M_FLT, NOT_IMPL("round_cpu")},
    [U_TRUNC] = {"trunc", OZ_OP_TRUNC, R_SAME, I_COPY, M_NUM, NOT_IMPL("trunc_vml_cpu")},
    [U_ISNAN] = {"isnan", OZ_OP_ISNAN, R_BOOL, I_FALSE, M_ALL, NULL},
    [U_ISINF] = {"isinf", OZ_OP_ISINF, R_BOOL, I_FALSE, M_ALL, NULL},
    [U_ISFINITE] = {"isfinite", OZ_OP_ISFINITE, R_BOOL, I_TRUE, M_ALL, NULL},
    [U_NAN_TO_NUM] = {"nan_to_num", OZ_OP_NAN_TO_NUM, R_SAME, I_COPY, M_ALL, NULL},
    [U_LOGICAL_NOT] = {"logical_not", OZ_OP_LOGICAL_NOT, R_BOOL, I_KERNEL, M_ALL, NULL},
    [U_BITWISE_NOT] = {"bitwise_not", OZ_OP_BITWISE_NOT, R_SAME, I_KERNEL, M_INT_BOOL,
                       NOT_IMPL("bitwise_not_cpu")},
    /* The clamp family and hardtanh compute their result dtype themselves (below). */
    [U_CLAMP] = {"clamp", OZ_OP_CLAMP, R_SAME, I_KERNEL, M_NUM, NOT_IMPL("clamp_scalar_cpu")},
    [U_CLAMP_MIN] = {"clamp_min", OZ_OP_CLAMP, R_SAME, I_KERNEL, M_NUM, NOT_IMPL("clamp_min_cpu")},
    [U_CLAMP_MAX] = {"clamp_max", OZ_OP_CLAMP, R_SAME, I_KERNEL, M_NUM, NOT_IMPL("clamp_max_cpu")},
    [U_CLAMP_T] = {"clamp", OZ_OP_CLAMP_MIN_TENSOR, R_SAME, I_KERNEL, M_ALL, NULL},
    [U_CLAMP_MIN_T] = {"clamp_min", OZ_OP_CLAMP_MIN_TENSOR, R_SAME, I_KERNEL, M_ALL, NULL},
    [U_CLAMP_MAX_T] = {"clamp_max", OZ_OP_CLAMP_MAX_TENSOR, R_SAME, I_KERNEL, M_ALL, NULL},
    [U_GELU] = {"gelu", OZ_OP_GELU, R_SAME, I_KERNEL, M_FLT, NOT_IMPL("GeluKernelImpl")},
    [U_SILU] = {"silu", OZ_OP_SILU, R_SAME, I_KERNEL, M_FLT, NOT_IMPL("silu_cpu")},
    [U_LEAKY_RELU] = {"leaky_relu", OZ_OP_LEAKY_RELU, R_SAME, I_KERNEL, M_FLT,
                      NOT_IMPL("leaky_relu_cpu")},
    [U_ELU] = {"elu", OZ_OP_ELU, R_SAME, I_KERNEL, M_FLT, NOT_IMPL("elu_cpu")},
    [U_CELU] = {"celu", OZ_OP_ELU, R_SAME, I_KERNEL, M_FLT, NOT_IMPL("elu_cpu")},
    [U_SOFTPLUS] = {"softplus", OZ_OP_SOFTPLUS, R_SAME, I_KERNEL, M_FLT, NOT_IMPL("softplus_cpu")},
    [U_ERF] = {"erf", OZ_OP_ERF, R_FLOAT, I_KERNEL, M_ALL, NULL},
    [U_HARDTANH] = {"hardtanh", OZ_OP_CLAMP, R_SAME, I_KERNEL, M_NUM,
                    "Bool inputs not supported for hardtanh"},
    [U_RELU6] = {"relu6", OZ_OP_CLAMP, R_SAME, I_KERNEL, M_NUM,
                 "Bool inputs not supported for hardtanh"},
};

static const char *type_name(int dtype) { return oz_dtype_scalar_type_name(dtype); }

static int check_accepted(const unary_info *u, const oz_tensor *a) {
  if (u->dtypes & OZ_DTYPE_BIT(a->dtype)) return OZ_OK;
  if (u->refusal) return oz_set_error(OZ_ERR_RUNTIME, u->refusal, type_name(a->dtype));
  return oz_set_error(OZ_ERR_RUNTIME, "%s: dtype %s is not supported", u->name,
                      oz_dtype_name(a->dtype));
}

/* torch's check for ops whose out= must have the result's dtype exactly. */
static int check_out_dtype_exact(const oz_tensor *out, int dtype) {
  if (!out || out->dtype == dtype) return OZ_OK;
  return oz_set_error(OZ_ERR_RUNTIME, "Found dtype %s but expected %s", type_name(out->dtype),
                      type_name(dtype));
}

/* ---------------------------------------------------------------- running a kernel */
oz_tensor *unary_elementwise(int op, const oz_tensor *const *ins, int n_in, int compute_dtype,
                             int result_dtype, const oz_call *params, oz_tensor *out,
                             bool inplace) {
  oz_device device;
  if (oz_common_device(ins, n_in, &device) != OZ_OK) return NULL;
  int ndim = ins[0]->ndim;
  int64_t shape[OZ_MAX_DIMS];
  memcpy(shape, ins[0]->shape, sizeof shape);
  for (int i = 1; i < n_in; i++) {
    int64_t acc[OZ_MAX_DIMS];
    int acc_ndim;
    if (oz_broadcast_shapes(ndim, shape, ins[i]->ndim, ins[i]->shape, &acc_ndim, acc) != OZ_OK)
      return NULL;
    ndim = acc_ndim;
    memcpy(shape, acc, sizeof shape);
  }
  if (out) {
    bool out_is_input = inplace;
    for (int i = 0; i < n_in; i++) out_is_input |= out == ins[i];
    if (oz_check_out(out, out_is_input, ndim, shape, result_dtype, device) != OZ_OK) return NULL;
    for (int i = 0; i < n_in; i++)
      if (oz_check_partial_overlap(out, ins[i]) != OZ_OK) return NULL;
  }
  oz_tensor *result;
  if (out && out->dtype == result_dtype) {
    oz_tensor_incref(out);
    result = out;
  } else {
    /* Laid out like a full-size input, as torch's TensorIterator does. */
    const oz_tensor *like = ins[0];
    for (int i = n_in - 1; i >= 0; i--)
      if (ins[i]->ndim == ndim) like = ins[i];
    result = oz_empty_like_layout(like, ndim, shape, result_dtype, device);
    if (!result) return NULL;
  }
  oz_call call = params ? *params : oz_call_make(op);
  call.op = op;
  call.n_in = call.n_out = 0;
  oz_tensor *cast[2] = {NULL, NULL}, *expanded[2] = {NULL, NULL};
  bool ok = n_in <= 2;
  for (int i = 0; i < n_in && ok; i++) {
    cast[i] = oz_operand_as(ins[i], compute_dtype, device);
    expanded[i] = cast[i] ? oz_expand(cast[i], ndim, shape) : NULL;
    ok = expanded[i] != NULL;
    if (ok) oz_call_in(&call, expanded[i]);
  }
  if (ok) {
    oz_call_out(&call, result);
    ok = oz_dispatch_call(&call) == OZ_OK;
  }
  for (int i = 0; i < 2; i++) oz_tensor_decref(cast[i]), oz_tensor_decref(expanded[i]);
  if (!ok) {
    oz_tensor_decref(result);
    return NULL;
  }
  return oz_finish_out(result, out);
}

/* A result computed without a kernel (copies, constant masks) written to out when given. */
static oz_tensor *finish_without_kernel(oz_tensor *result, const oz_tensor *a, oz_tensor *out) {
  if (!result || !out || result == out) return result;
  if (oz_check_out(out, out == a, result->ndim, result->shape, result->dtype,
                   oz_tensor_device(a)) != OZ_OK) {
    oz_tensor_decref(result);
    return NULL;
  }
  return oz_finish_out(result, out);
}

/* ---------------------------------------------------------------- the table-driven ops */
static int result_dtype_of(const unary_info *u, const oz_tensor *a) {
  switch (u->result) {
  case R_FLOAT:
    return oz_dtype_is_floating(a->dtype) ? a->dtype : oz_default_dtype();
  case R_BOOL:
    return OZ_BOOL;
  case R_SQUARE:
    return a->dtype == OZ_BOOL ? OZ_INT64 : a->dtype;
  default:
    return a->dtype;
  }
}

/* The forward of a table-driven op; params: its scalars/ints (NULL: none). */
static oz_tensor *plain_forward(unary_fn fn, const oz_tensor *a, const oz_call *params,
                                oz_tensor *out) {
  const unary_info *u = &INFO[fn];
  const int rd = result_dtype_of(u, a);
  if (!oz_dtype_is_floating(a->dtype) && u->ints != I_KERNEL) {
    if (u->ints == I_COPY) {
      if (out == a) {
        oz_tensor_incref(out);
        return out;
      }
      return finish_without_kernel(oz_clone(a), a, out);
    }
    oz_scalar v = oz_make_scalar_i(u->ints == I_TRUE);
    return finish_without_kernel(oz_full(a->ndim, a->shape, v, OZ_BOOL, oz_tensor_device(a)), a,
                                 out);
  }
  /* R_BOOL ops read the input as it is (logical_not of anything); the others compute in the
   * result dtype. */
  const int compute = u->result == R_BOOL ? a->dtype : rd;
  return unary_elementwise(u->op, &a, 1, compute, rd, params, out, out == a);
}

/* Checks everything torch checks before it computes (accepted dtype, out='s dtype). */
static int plain_check(unary_fn fn, const oz_tensor *a, const oz_tensor *out) {
  const unary_info *u = &INFO[fn];
  if (check_accepted(u, a) != OZ_OK) return oz_last_error_code();
  if (u->result == R_SAME || u->result == R_SQUARE) {
    if (fn == U_NAN_TO_NUM && out && out->dtype != a->dtype)
      return oz_set_error(OZ_ERR_RUNTIME,
                          "nan_to_num: dtype of out: %s should be same as input: %s",
                          type_name(out->dtype), type_name(a->dtype));
    return check_out_dtype_exact(out, result_dtype_of(u, a));
  }
  return OZ_OK;
}

/* Copies the call's scalars and ints into the node, where the derivative formula reads them. */
static void keep_params(oz_node *n, const oz_call *params) {
  if (!n || !params) return;
  for (int k = 0; k < params->n_scalars && k < 4; k++) n->scalars[k] = params->scalars[k];
  for (int k = 0; k < params->n_ints && k < OZ_NODE_MAX_INTS; k++) n->ints[k] = params->ints[k];
  n->n_scalars = params->n_scalars < 4 ? params->n_scalars : 4;
  n->n_ints = params->n_ints < OZ_NODE_MAX_INTS ? params->n_ints : OZ_NODE_MAX_INTS;
}

static oz_tensor *plain(unary_fn fn, const oz_tensor *a, const oz_call *params, oz_tensor *out) {
  oz_node *n;
  if (plain_check(fn, a, out) != OZ_OK ||
      unary_grad_begin(fn, INFO[fn].name, &a, 1, out, &n) != OZ_OK)
    return NULL;
  keep_params(n, params);
  return unary_grad_end(fn, n, plain_forward(fn, a, params, out), out);
}

/* oz_abs, oz_exp, ...: the public names of the table-driven rows (relu6 is hardtanh(0, 6), both
 * defined below, with silu and selu). */
#define PLAIN_OPS(X)                                                                               \
  X(abs, ABS) X(sign, SIGN) X(exp, EXP) X(exp2, EXP2) X(log, LOG) X(log2, LOG2) X(log10, LOG10)    \
  X(log1p, LOG1P) X(expm1, EXPM1) X(sqrt, SQRT) X(rsqrt, RSQRT) X(square, SQUARE)                  \
  X(reciprocal, RECIPROCAL) X(sin, SIN) X(cos, COS) X(tan, TAN) X(tanh, TANH)                      \
  X(sigmoid, SIGMOID) X(relu, RELU) X(floor, FLOOR) X(ceil, CEIL) X(round, ROUND)                  \
  X(trunc, TRUNC)                                                                                  \
  X(isnan, ISNAN) X(isinf, ISINF) X(isfinite, ISFINITE) X(logical_not, LOGICAL_NOT)                \
  X(bitwise_not, BITWISE_NOT) X(erf, ERF)
#define DEFINE_PLAIN(name, ID)                                                                     \
  oz_tensor *oz_##name(const oz_tensor *a, oz_tensor *out) { return plain(U_##ID, a, NULL, out); }
PLAIN_OPS(DEFINE_PLAIN)

/* ---------------------------------------------------------------- scalar arguments */
static oz_call params_make(void) { return oz_call_make(-1); }

/* torch converts a Scalar argument to the op's dtype with an overflow check
 * (c10::checked_convert): "value cannot be converted to type float without overflow". `s` is
 * a number whose f and i fields agree (i truncates f). */
static int check_fits(oz_scalar s, bool is_float, int dtype) {
  static const char *const ctype[OZ_NUM_DTYPES] = {
      [OZ_FLOAT32] = "float", [OZ_FLOAT64] = "double", [OZ_INT64] = "int64_t",
      [OZ_INT32] = "int",     [OZ_INT16] = "int16_t",  [OZ_INT8] = "int8_t",
      [OZ_UINT8] = "uint8_t", [OZ_BOOL] = "bool"};
  bool overflow = false;
  if (dtype == OZ_FLOAT32) {
    overflow = isfinite(s.f) && fabs(s.f) > FLT_MAX;
  } else if (oz_dtype_is_integral(dtype, false)) {
    static const int64_t lo[OZ_NUM_DTYPES] = {[OZ_INT64] = INT64_MIN, [OZ_INT32] = INT32_MIN,
                                              [OZ_INT16] = INT16_MIN, [OZ_INT8] = INT8_MIN,
                                              [OZ_UINT8] = -255};
    static const int64_t hi[OZ_NUM_DTYPES] = {[OZ_INT64] = INT64_MAX, [OZ_INT32] = INT32_MAX,
                                              [OZ_INT16] = INT16_MAX, [OZ_INT8] = INT8_MAX,
                                              [OZ_UINT8] = 255};
    /* uint8 accepts negatives down to -255: they wrap, as torch allows. */
    if (is_float)
      overflow = !(s.f >= (double)lo[dtype] && s.f <= (double)hi[dtype]);
    else
      overflow = s.i < lo[dtype] || s.i > hi[dtype];
  }
  if (!overflow) return OZ_OK;
  return oz_set_error(OZ_ERR_RUNTIME, "value cannot be converted to type %s without overflow",
                      oz_dtype_is_valid(dtype) && ctype[dtype] ? ctype[dtype] : "?");
}

/* Scalar::toLong: truncation with the overflow check. */
static int to_long(oz_scalar s, int64_t *v) {
  if (!(s.f >= -0x1p63 && s.f < 0x1p63))
    return oz_set_error(OZ_ERR_RUNTIME,
                        "value cannot be converted to type int64_t without overflow");
  *v = s.f == (double)s.i ? s.i : (int64_t)s.f;
  return OZ_OK;
}

/* ---------------------------------------------------------------- round, nan_to_num */
oz_tensor *oz_round_decimals(const oz_tensor *a, int64_t decimals, oz_tensor *out) {
  if (decimals == 0 && !oz_dtype_is_floating(a->dtype)) { /* torch's message names its kernel */
    oz_set_error(OZ_ERR_RUNTIME, NOT_IMPL("round_vml_cpu"), type_name(a->dtype));
    return NULL;
  }
  oz_call p = params_make();
  const double d = decimals < 0 ? -(double)decimals : (double)decimals;
  p.scalars[p.n_scalars++] = oz_make_scalar_f(pow(10.0, d));
  p.ints[p.n_ints++] = decimals;
  return plain(U_ROUND_DECIMALS, a, &p, out);
}

oz_tensor *oz_nan_to_num(const oz_tensor *a, double nan, const double *posinf,
                         const double *neginf, oz_tensor *out) {
  const double big = a->dtype == OZ_FLOAT32 ? FLT_MAX : DBL_MAX;
  oz_call p = params_make();
  p.scalars[p.n_scalars++] = oz_make_scalar_f(nan);
  p.scalars[p.n_scalars++] = oz_make_scalar_f(posinf ? *posinf : big);
  p.scalars[p.n_scalars++] = oz_make_scalar_f(neginf ? *neginf : -big);
  return plain(U_NAN_TO_NUM, a, &p, out);
}

/* ---------------------------------------------------------------- activations */
/* An activation with floating kernels only and Scalar arguments converted to the input's
 * dtype. */
static oz_tensor *activation(unary_fn fn, const oz_tensor *a, const oz_scalar *s, int n_s,
                             int64_t flag, oz_tensor *out) {
  if (plain_check(fn, a, out) != OZ_OK) return NULL;
  oz_call p = params_make();
  for (int k = 0; k < n_s; k++) {
    if (check_fits(s[k], true, a->dtype) != OZ_OK) return NULL;
    p.scalars[p.n_scalars++] = s[k];
  }
  p.ints[p.n_ints++] = flag;
  oz_node *n;
  if (unary_grad_begin(fn, INFO[fn].name, &a, 1, out, &n) != OZ_OK) return NULL;
  keep_params(n, &p);
  return unary_grad_end(fn, n, plain_forward(fn, a, &p, out), out);
}

oz_tensor *oz_gelu(const oz_tensor *a, int approximate, oz_tensor *out) {
  if (approximate != OZ_GELU_NONE && approximate != OZ_GELU_TANH) {
    oz_set_error(OZ_ERR_RUNTIME, "approximate argument must be either none or tanh.");
    return NULL;
  }
  return activation(U_GELU, a, NULL, 0, approximate, out);
}

oz_tensor *oz_silu(const oz_tensor *a, oz_tensor *out) {
  return activation(U_SILU, a, NULL, 0, 0, out);
}

oz_tensor *oz_leaky_relu(const oz_tensor *a, oz_scalar negative_slope, oz_tensor *out) {
  return activation(U_LEAKY_RELU, a, &negative_slope, 1, 0, out);
}

oz_tensor *oz_elu(const oz_tensor *a, oz_scalar alpha, oz_scalar scale, oz_scalar input_scale,
                  oz_tensor *out) {
  const oz_scalar s[3] = {alpha, scale, input_scale};
  return activation(U_ELU, a, s, 3, 0, out);
}

/* torch.selu: elu with the self-normalising constants (and elu's grad_fn, as in torch). */
oz_tensor *oz_selu(const oz_tensor *a, oz_tensor *out) {
  const oz_scalar s[3] = {oz_make_scalar_f(1.6732632423543772848170429916717),
                          oz_make_scalar_f(1.0507009873554804934193349852946),
                          oz_make_scalar_f(1.0)};
  return activation(U_ELU, a, s, 3, 0, out);
}

oz_tensor *oz_celu(const oz_tensor *a, oz_scalar alpha, oz_tensor *out) {
  if (alpha.f == 0) {
    oz_set_error(OZ_ERR_RUNTIME, "ZeroDivisionError: alpha cannot be 0 for CELU");
    return NULL;
  }
  const oz_scalar s[3] = {alpha, oz_make_scalar_f(1.0), oz_make_scalar_f(1.0 / alpha.f)};
  return activation(U_CELU, a, s, 3, 0, out);
}

oz_tensor *oz_softplus(const oz_tensor *a, oz_scalar beta, oz_scalar threshold, oz_tensor *out) {
  const oz_scalar s[2] = {beta, threshold};
  return activation(U_SOFTPLUS, a, s, 2, 0, out);
}

/* ---------------------------------------------------------------- clamp with number bounds */
/* A bound given as a wrapped Python number: its value, and whether it was a float. */
typedef struct bound {
  bool given, is_float;
  int dtype;
  oz_scalar v;
} bound;

static int read_bound(const oz_tensor *t, bound *b) {
  memset(b, 0, sizeof *b);
  if (!t) return OZ_OK;
  double f;
  int64_t i;
  if (oz_read_element(t, 0, &f, &i) != OZ_OK) return oz_last_error_code();
  b->given = true;
  b->dtype = t->dtype;
  b->is_float = oz_dtype_is_floating(t->dtype);
  b->v = b->is_float ? oz_make_scalar_f(f) : oz_make_scalar_i(i);
  return OZ_OK;
}

/* CLAMP over a in dtype `rd` with the bounds already checked to fit. */
static oz_tensor *clamp_kernel(unary_fn fn, const oz_tensor *a, const bound *lo, const bound *hi,
                               int rd, oz_tensor *out) {
  oz_call p = params_make();
  p.scalars[0] = lo->v, p.scalars[1] = hi->v, p.n_scalars = 2;
  p.ints[0] = lo->given, p.ints[1] = hi->given, p.n_ints = 2;
  oz_node *n;
  const oz_tensor *ins[1] = {a};
  if (unary_grad_begin(fn, INFO[fn].name, ins, 1, out, &n) != OZ_OK) return NULL;
  keep_params(n, &p); /* the derivative sees the bounds as given, NaN or not */
  /* torch.clamp with a single bound compares as std::max/std::min do, so a NaN bound changes
   * nothing (clamp_min/clamp_max and two bounds give NaN, as the kernel does). */
  const bool single = lo->given != hi->given;
  if (fn == U_CLAMP && single && isnan(lo->given ? lo->v.f : hi->v.f)) p.ints[0] = p.ints[1] = 0;
  oz_tensor *r = unary_elementwise(OZ_OP_CLAMP, ins, 1, rd, rd, &p, out, out == a);
  return unary_grad_end(fn, n, r, out);
}

static oz_tensor *clamp_scalar(unary_fn fn, const oz_tensor *a, const oz_tensor *min_t,
                               const oz_tensor *max_t, oz_tensor *out) {
  bound lo, hi;
  if (read_bound(min_t, &lo) != OZ_OK || read_bound(max_t, &hi) != OZ_OK) return NULL;
  /* Only integral inputs promote with the bounds (clamp(int tensor, 0.5) is float). */
  int rd = a->dtype;
  if (!oz_dtype_is_floating(rd)) {
    oz_result_type_state s;
    oz_result_type_init(&s);
    oz_result_type_add(&s, a->dtype, oz_operand_priority(a));
    if (lo.given) oz_result_type_add(&s, lo.dtype, 0);
    if (hi.given) oz_result_type_add(&s, hi.dtype, 0);
    rd = oz_result_type_get(&s);
  }
  if (rd == OZ_BOOL) {
    oz_set_error(OZ_ERR_RUNTIME, INFO[fn].refusal, type_name(rd));
    return NULL;
  }
  if (out == a && rd != a->dtype) {
    oz_set_error(OZ_ERR_RUNTIME, "result type %s can't be cast to the desired output type %s",
                 type_name(rd), type_name(a->dtype));
    return NULL;
  }
  if (out != a && check_out_dtype_exact(out, rd) != OZ_OK) return NULL;
  if ((lo.given && check_fits(lo.v, lo.is_float, rd) != OZ_OK) ||
      (hi.given && check_fits(hi.v, hi.is_float, rd) != OZ_OK))
    return NULL;
  return clamp_kernel(fn, a, &lo, &hi, rd, out);
}

/* ---------------------------------------------------------------- clamp with tensor bounds */
static oz_tensor *clamp_tensor_forward(const oz_tensor *a, const oz_tensor *lo,
                                       const oz_tensor *hi, int rd, oz_tensor *out) {
  if (lo && hi) {
    const oz_tensor *first[2] = {a, lo};
    oz_tensor *tmp = unary_elementwise(OZ_OP_CLAMP_MIN_TENSOR, first, 2, rd, rd, NULL, NULL, false);
    if (!tmp) return NULL;
    const oz_tensor *second[2] = {tmp, hi};
    oz_tensor *r = unary_elementwise(OZ_OP_CLAMP_MAX_TENSOR, second, 2, rd, rd, NULL, out, false);
    oz_tensor_decref(tmp);
    return r;
  }
  const oz_tensor *ins[2] = {a, lo ? lo : hi};
  return unary_elementwise(lo ? OZ_OP_CLAMP_MIN_TENSOR : OZ_OP_CLAMP_MAX_TENSOR, ins, 2, rd, rd,
                           NULL, out, out == a);
}

static oz_tensor *clamp_tensor(unary_fn fn, const oz_tensor *a, const oz_tensor *lo,
                               const oz_tensor *hi, oz_tensor *out) {
  const oz_tensor *ins[3] = {a, lo, hi};
  oz_result_type_state s;
  oz_result_type_init(&s);
  for (int i = 0; i < 3; i++)
    if (ins[i]) oz_result_type_add(&s, ins[i]->dtype, oz_operand_priority(ins[i]));
  const int rd = oz_result_type_get(&s);
  if (lo && hi && rd == OZ_BOOL) { /* torch has bool kernels for one bound only */
    oz_set_error(OZ_ERR_RUNTIME, NOT_IMPL("clamp_cpu"), type_name(rd));
    return NULL;
  }
  /* In place, the bounds must broadcast to a's shape (checked here because the two kernel calls
   * of clamp(a, lo, hi) see an intermediate, not a). */
  if (out == a) {
    int ndim = a->ndim, nd2;
    int64_t shape[OZ_MAX_DIMS], s2[OZ_MAX_DIMS];
    memcpy(shape, a->shape, sizeof shape);
    for (int i = 1; i < 3; i++) {
      if (!ins[i]) continue;
      if (oz_broadcast_shapes(ndim, shape, ins[i]->ndim, ins[i]->shape, &nd2, s2) != OZ_OK)
        return NULL;
      ndim = nd2;
      memcpy(shape, s2, sizeof shape);
    }
    if (oz_check_out(out, true, ndim, shape, rd, oz_tensor_device(a)) != OZ_OK) return NULL;
  }
  oz_node *n;
  if (unary_grad_begin(fn, INFO[fn].name, ins, 3, out, &n) != OZ_OK) return NULL;
  if (n) n->ints[0] = lo != NULL, n->ints[1] = hi != NULL, n->n_ints = 2; /* which are saved */
  return unary_grad_end(fn, n, clamp_tensor_forward(a, lo, hi, rd, out), out);
}

static bool is_number(const oz_tensor *t) { return t && t->is_wrapped_number; }

oz_tensor *oz_clamp(const oz_tensor *a, const oz_tensor *min, const oz_tensor *max,
                    oz_tensor *out) {
  if (!min && !max) {
    oz_set_error(OZ_ERR_RUNTIME, "torch.clamp: At least one of 'min' or 'max' must not be None");
    return NULL;
  }
  if ((!min || is_number(min)) && (!max || is_number(max)))
    return clamp_scalar(U_CLAMP, a, min, max, out);
  return clamp_tensor(U_CLAMP_T, a, min, max, out);
}

oz_tensor *oz_clamp_min(const oz_tensor *a, const oz_tensor *min, oz_tensor *out) {
  return is_number(min) ? clamp_scalar(U_CLAMP_MIN, a, min, NULL, out)
                        : clamp_tensor(U_CLAMP_MIN_T, a, min, NULL, out);
}

oz_tensor *oz_clamp_max(const oz_tensor *a, const oz_tensor *max, oz_tensor *out) {
  return is_number(max) ? clamp_scalar(U_CLAMP_MAX, a, NULL, max, out)
                        : clamp_tensor(U_CLAMP_MAX_T, a, NULL, max, out);
}

/* ---------------------------------------------------------------- hardtanh, relu6 */
/* torch's hardtanh: clamp without type promotion; integral inputs get integral bounds. */
static oz_tensor *hardtanh_impl(unary_fn fn, const oz_tensor *a, oz_scalar min_val,
                                oz_scalar max_val, oz_tensor *out) {
  if (check_accepted(&INFO[fn], a) != OZ_OK || check_out_dtype_exact(out, a->dtype) != OZ_OK)
    return NULL;
  bound lo = {true, true, OZ_FLOAT64, min_val}, hi = {true, true, OZ_FLOAT64, max_val};
  if (oz_dtype_is_integral(a->dtype, false)) {
    int64_t l = 0, h = 0;
    if (to_long(min_val, &l) != OZ_OK || to_long(max_val, &h) != OZ_OK) return NULL;
    if (a->dtype == OZ_UINT8 && (l < 0 || h < 0)) {
      oz_set_error(OZ_ERR_RUNTIME, "cannot do hardtanh on an unsigned type with negative limits");
      return NULL;
    }
    lo = (bound){true, false, OZ_INT64, oz_make_scalar_i(l)};
    hi = (bound){true, false, OZ_INT64, oz_make_scalar_i(h)};
  }
  if (check_fits(lo.v, lo.is_float, a->dtype) != OZ_OK ||
      check_fits(hi.v, hi.is_float, a->dtype) != OZ_OK)
    return NULL;
  return clamp_kernel(fn, a, &lo, &hi, a->dtype, out);
}

oz_tensor *oz_hardtanh(const oz_tensor *a, oz_scalar min_val, oz_scalar max_val, oz_tensor *out) {
  return hardtanh_impl(U_HARDTANH, a, min_val, max_val, out);
}

oz_tensor *oz_relu6(const oz_tensor *a, oz_tensor *out) {
  return hardtanh_impl(U_RELU6, a, oz_make_scalar_i(0), oz_make_scalar_i(6), out);
}
