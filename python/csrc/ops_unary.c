/* ops_unary.c - Python bindings of unary math and activations: torch functions, Tensor methods,
 * in-place forms and out=, and the activations torch.nn.functional calls (exported as
 * _C._nn_<name>, PyTorch's torch._C._nn.<name>).
 *
 * Every binding is a row: a signature, the kind of arguments it takes after the input, its form
 * (function or method, in place or not) and, for plain ops, the core function. One generic
 * call parses the arguments by kind and makes one core call; the semantics are the core's. */
#include "python/csrc/ozpy.h"

#include <string.h>

#include "core/oz_ops_unary.h"

typedef oz_tensor *(*plain_fn)(const oz_tensor *a, oz_tensor *out);

/* What follows the input. */
enum kind {
  K_PLAIN,      /* nothing */
  K_ROUND,      /* *, decimals: given (even 0), torch's round.decimals overload */
  K_NAN_TO_NUM, /* nan=0.0, posinf=None, neginf=None */
  K_CLAMP,      /* min=None, max=None: both numbers or both tensors */
  K_CLAMP_MIN,  /* min */
  K_CLAMP_MAX,  /* max */
  K_GELU,       /* *, approximate='none' */
  K_LEAKY_RELU, /* negative_slope=0.01 */
  K_ELU,        /* alpha=1, scale=1, input_scale=1 */
  K_SOFTPLUS,   /* beta=1, threshold=20 */
  K_HARDTANH,   /* min_val=-1, max_val=1 */
  K_CELU,       /* alpha=1.0 */
};
enum form { FUNCTION, FUNCTION_INPLACE, METHOD, METHOD_INPLACE };

typedef struct binding {
  ozpy_sig sig;
  uint8_t kind, form;
  plain_fn fn; /* K_PLAIN */
} binding;

/* ---------------------------------------------------------------- arguments */
/* A Scalar argument with a default. */
static int number_arg(const char *fname, const char *arg, int pos, PyObject *o, double dflt,
                      oz_scalar *v) {
  if (!o) {
    *v = oz_make_scalar_f(dflt);
    return 0;
  }
  ozpy_number n;
  if (ozpy_arg_number(fname, arg, pos, o, &n) < 0) return -1;
  *v = n.s;
  return 0;
}

/* An optional float argument (nan_to_num's): NULL/None leaves *given false. */
static int optional_float(const char *fname, const char *arg, int pos, PyObject *o, double *v,
                          bool *given) {
  *given = false;
  if (!o || o == Py_None) return 0;
  ozpy_number n;
  if (ozpy_arg_number(fname, arg, pos, o, &n) < 0) return -1;
  *v = n.s.f;
  *given = true;
  return 0;
}

/* A clamp bound: NULL/None (absent), a tensor (borrowed), or a number (a wrapped 0-d tensor in
 * *tmp). *is_tensor tells which overload it asks for. */
static int bound_arg(const char *fname, const char *arg, int pos, PyObject *o, oz_tensor **t,
                     oz_tensor **tmp, bool *is_tensor) {
  *t = *tmp = NULL;
  *is_tensor = false;
  if (!o || o == Py_None) return 0;
  if (ozpy_is_tensor(o)) {
    *t = ozpy_T(o);
    *is_tensor = true;
    return 0;
  }
  return ozpy_arg_operand(fname, arg, pos, o, t, tmp);
}

/* torch's two clamp overloads take (Tensor?, Tensor?) or (Number?, Number?), never a mix. */
static PyObject *clamp_mix_error(const char *fname) {
  PyErr_Format(PyExc_TypeError,
               "%s() received an invalid combination of arguments - expected min and max to be "
               "both tensors or both numbers",
               fname);
  return NULL;
}

/* The core call of one binding; NULL with a Python error already set is reported through
 * *py_error, otherwise a NULL result carries the core's error. */
static oz_tensor *run(const binding *b, const oz_tensor *x, PyObject *const *p, int pos0,
                      oz_tensor *out, bool *py_error) {
  const char *f = b->sig.fname;
  *py_error = true;
  switch (b->kind) {
  case K_PLAIN:
    *py_error = false;
    return b->fn(x, out);
  case K_ROUND: {
    int64_t decimals = 0;
    if (p[0] && ozpy_arg_int(f, "decimals", 0, p[0], &decimals) < 0) return NULL;
    *py_error = false;
    return p[0] ? oz_round_decimals(x, decimals, out) : oz_round(x, out);
  }
  case K_NAN_TO_NUM: {
    double nan = 0.0, posinf = 0.0, neginf = 0.0;
    bool has_nan, has_pos, has_neg;
    if (optional_float(f, "nan", pos0, p[0], &nan, &has_nan) < 0 ||
        optional_float(f, "posinf", pos0 + 1, p[1], &posinf, &has_pos) < 0 ||
        optional_float(f, "neginf", pos0 + 2, p[2], &neginf, &has_neg) < 0)
      return NULL;
    *py_error = false;
    return oz_nan_to_num(x, has_nan ? nan : 0.0, has_pos ? &posinf : NULL,
                         has_neg ? &neginf : NULL, out);
  }
  case K_CLAMP:
  case K_CLAMP_MIN:
  case K_CLAMP_MAX: {
    const bool two = b->kind == K_CLAMP;
    if (!two && (!p[0] || p[0] == Py_None)) {
      PyErr_Format(PyExc_TypeError, "%s(): argument '%s' (position %d) must be Tensor or Number, "
                   "not NoneType", f, b->kind == K_CLAMP_MIN ? "min" : "max", pos0);
      return NULL;
    }
    oz_tensor *lo, *hi, *tmp_lo, *tmp_hi;
    bool lo_t, hi_t;
    if (bound_arg(f, b->kind == K_CLAMP_MAX ? "max" : "min", pos0, p[0], &lo, &tmp_lo, &lo_t) < 0)
      return NULL;
    if (bound_arg(f, "max", pos0 + 1, two ? p[1] : NULL, &hi, &tmp_hi, &hi_t) < 0) {
      oz_tensor_decref(tmp_lo);
      return NULL;
    }
    oz_tensor *r = NULL;
    if ((lo && hi && lo_t != hi_t)) {
      clamp_mix_error(f);
    } else {
      *py_error = false;
      r = b->kind == K_CLAMP_MIN   ? oz_clamp_min(x, lo, out)
          : b->kind == K_CLAMP_MAX ? oz_clamp_max(x, lo, out)
                                   : oz_clamp(x, lo, hi, out);
    }
    oz_tensor_decref(tmp_lo);
    oz_tensor_decref(tmp_hi);
    return r;
  }
  case K_GELU: {
    int approximate = OZ_GELU_NONE;
    if (p[0]) {
      if (!PyUnicode_Check(p[0])) {
        ozpy_type_error(PyExc_TypeError, "gelu(): argument 'approximate' must be str, not %U",
                        p[0]);
        return NULL;
      }
      approximate = PyUnicode_CompareWithASCIIString(p[0], "none") == 0   ? OZ_GELU_NONE
                    : PyUnicode_CompareWithASCIIString(p[0], "tanh") == 0 ? OZ_GELU_TANH
                                                                           : -1;
    }
    *py_error = false;
    return oz_gelu(x, approximate, out);
  }
  case K_LEAKY_RELU: {
    oz_scalar slope;
    if (number_arg(f, "negative_slope", pos0, p[0], 0.01, &slope) < 0) return NULL;
    *py_error = false;
    return oz_leaky_relu(x, slope, out);
  }
  case K_ELU: {
    oz_scalar alpha, scale, input_scale;
    if (number_arg(f, "alpha", pos0, p[0], 1.0, &alpha) < 0 ||
        number_arg(f, "scale", pos0 + 1, p[1], 1.0, &scale) < 0 ||
        number_arg(f, "input_scale", pos0 + 2, p[2], 1.0, &input_scale) < 0)
      return NULL;
    *py_error = false;
    return oz_elu(x, alpha, scale, input_scale, out);
  }
  case K_SOFTPLUS: {
    oz_scalar beta, threshold;
    if (number_arg(f, "beta", pos0, p[0], 1.0, &beta) < 0 ||
        number_arg(f, "threshold", pos0 + 1, p[1], 20.0, &threshold) < 0)
      return NULL;
    *py_error = false;
    return oz_softplus(x, beta, threshold, out);
  }
  case K_HARDTANH: {
    oz_scalar lo, hi;
    if (number_arg(f, "min_val", pos0, p[0], -1.0, &lo) < 0 ||
        number_arg(f, "max_val", pos0 + 1, p[1], 1.0, &hi) < 0)
      return NULL;
    *py_error = false;
    return oz_hardtanh(x, lo, hi, out);
  }
  case K_CELU: {
    oz_scalar alpha;
    if (number_arg(f, "alpha", pos0, p[0], 1.0, &alpha) < 0) return NULL;
    *py_error = false;
    return oz_celu(x, alpha, out);
  }
  default:
    PyErr_Format(PyExc_SystemError, "%s: unknown binding kind %d", f, (int)b->kind);
    return NULL;
  }
}

static int out_index(const ozpy_sig *sig) {
  for (int i = 0; i < OZPY_MAX_ARGS && sig->names[i]; i++)
    if (!strcmp(sig->names[i], "out")) return i;
  return -1;
}

static PyObject *call(binding *b, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                      PyObject *kwnames) {
  PyObject *a[OZPY_MAX_ARGS];
  if (ozpy_parse(&b->sig, args, nargs, kwnames, a) < 0) return NULL;
  const bool method = b->form == METHOD || b->form == METHOD_INPLACE;
  const bool inplace = b->form == FUNCTION_INPLACE || b->form == METHOD_INPLACE;
  PyObject *input = method ? self : a[0];
  oz_tensor *x, *out = NULL;
  if (ozpy_arg_tensor(b->sig.fname, "input", 1, input, &x) < 0) return NULL;
  const int i_out = out_index(&b->sig);
  if (i_out >= 0 && ozpy_arg_out(b->sig.fname, a[i_out], &out) < 0) return NULL;
  if (inplace) out = x;
  bool py_error;
  oz_tensor *r = run(b, x, method ? a : a + 1, method ? 1 : 2, out, &py_error);
  if (!r && py_error) return NULL;
  if (inplace) return ozpy_wrap_same(input, r);
  if (out) return ozpy_wrap_same(a[i_out], r);
  return ozpy_wrap(r);
}

/* ---------------------------------------------------------------- the bindings */
#define BIND(cname, KIND, FORM, FN, ...)                                                           \
  static binding b_##cname = {.sig = OZPY_SIG(__VA_ARGS__), .kind = KIND, .form = FORM, .fn = FN}; \
  static PyObject *py_##cname(PyObject *self, PyObject *const *args, Py_ssize_t nargs,             \
                              PyObject *kw) {                                                      \
    return call(&b_##cname, self, args, nargs, kw);                                                \
  }

/* Plain ops: torch.exp(input, *, out), torch.exp_(input), Tensor.exp(), Tensor.exp_(). */
#define PLAIN_WITH_INPLACE_FUNCTION(X)                                                             \
  X(abs) X(exp) X(exp2) X(log) X(log2) X(log10) X(log1p) X(expm1) X(sqrt) X(rsqrt) X(square)       \
  X(reciprocal) X(sin) X(cos) X(tan) X(tanh) X(sigmoid) X(floor) X(ceil) X(trunc) X(erf)
/* ... without torch.<name>_: */
#define PLAIN_WITHOUT_INPLACE_FUNCTION(X) X(sign) X(logical_not) X(bitwise_not)
/* ... without out= or any in-place form: */
#define PLAIN_PREDICATES(X) X(isnan) X(isinf) X(isfinite)

#define BIND_FUNCTION(name)                                                                        \
  BIND(f_##name, K_PLAIN, FUNCTION, oz_##name, #name, 1, 1, "input", "out")
#define BIND_FUNCTION_(name)                                                                       \
  BIND(f_##name##_, K_PLAIN, FUNCTION_INPLACE, oz_##name, #name "_", 1, 1, "input")
#define BIND_METHOD(name) BIND(m_##name, K_PLAIN, METHOD, oz_##name, #name, 0, 0, NULL)
#define BIND_METHOD_(name)                                                                         \
  BIND(m_##name##_, K_PLAIN, METHOD_INPLACE, oz_##name, #name "_", 0, 0, NULL)
#define BIND_ALL4(name)                                                                            \
  BIND_FUNCTION(name) BIND_FUNCTION_(name) BIND_METHOD(name) BIND_METHOD_(name)
#define BIND_ALL3(name) BIND_FUNCTION(name) BIND_METHOD(name) BIND_METHOD_(name)
#define BIND_PRED(name)                                                                            \
  BIND(f_##name, K_PLAIN, FUNCTION, oz_##name, #name, 1, 1, "input") BIND_METHOD(name)
PLAIN_WITH_INPLACE_FUNCTION(BIND_ALL4)
PLAIN_WITHOUT_INPLACE_FUNCTION(BIND_ALL3)
PLAIN_PREDICATES(BIND_PRED)

/* relu has no out=. */
BIND(f_relu, K_PLAIN, FUNCTION, oz_relu, "relu", 1, 1, "input")
BIND_FUNCTION_(relu)
BIND_METHOD(relu)
BIND_METHOD_(relu)

/* torch.round(input, *, decimals=0, out=None) */
BIND(f_round, K_ROUND, FUNCTION, NULL, "round", 1, 1, "input", "decimals", "out")
BIND(f_round_, K_ROUND, FUNCTION_INPLACE, NULL, "round_", 1, 1, "input", "decimals")
BIND(m_round, K_ROUND, METHOD, NULL, "round", 0, 0, "decimals")
BIND(m_round_, K_ROUND, METHOD_INPLACE, NULL, "round_", 0, 0, "decimals")

/* torch.nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None) */
#define NAN_ARGS "nan", "posinf", "neginf"
BIND(f_nan_to_num, K_NAN_TO_NUM, FUNCTION, NULL, "nan_to_num", 4, 1, "input", NAN_ARGS, "out")
BIND(f_nan_to_num_, K_NAN_TO_NUM, FUNCTION_INPLACE, NULL, "nan_to_num_", 4, 1, "input", NAN_ARGS)
BIND(m_nan_to_num, K_NAN_TO_NUM, METHOD, NULL, "nan_to_num", 3, 0, NAN_ARGS)
BIND(m_nan_to_num_, K_NAN_TO_NUM, METHOD_INPLACE, NULL, "nan_to_num_", 3, 0, NAN_ARGS)

/* torch.clamp(input, min=None, max=None, *, out=None), clip the same; clamp_min(input, min). */
#define BIND_CLAMP(cname, pyname, KIND, N, ...)                                                    \
  BIND(f_##cname, KIND, FUNCTION, NULL, pyname, N + 1, 1 + (N == 1), "input", __VA_ARGS__, "out")  \
  BIND(f_##cname##_, KIND, FUNCTION_INPLACE, NULL, pyname "_", N + 1, 1 + (N == 1), "input",       \
       __VA_ARGS__)                                                                                \
  BIND(m_##cname, KIND, METHOD, NULL, pyname, N, (N == 1), __VA_ARGS__)                            \
  BIND(m_##cname##_, KIND, METHOD_INPLACE, NULL, pyname "_", N, (N == 1), __VA_ARGS__)
BIND_CLAMP(clamp, "clamp", K_CLAMP, 2, "min", "max")
BIND_CLAMP(clip, "clip", K_CLAMP, 2, "min", "max")
BIND_CLAMP(clamp_min, "clamp_min", K_CLAMP_MIN, 1, "min")
BIND_CLAMP(clamp_max, "clamp_max", K_CLAMP_MAX, 1, "max")

/* torch.selu(input), torch.celu(input, alpha=1.0) and their in-place forms (functions only). */
BIND(f_selu, K_PLAIN, FUNCTION, oz_selu, "selu", 1, 1, "input")
BIND(f_selu_, K_PLAIN, FUNCTION_INPLACE, oz_selu, "selu_", 1, 1, "input")
BIND(f_celu, K_CELU, FUNCTION, NULL, "celu", 2, 1, "input", "alpha")
BIND(f_celu_, K_CELU, FUNCTION_INPLACE, NULL, "celu_", 2, 1, "input", "alpha")

/* torch._C._nn's activations, as _C._nn_<name>. */
BIND(nn_gelu, K_GELU, FUNCTION, NULL, "gelu", 1, 1, "input", "approximate", "out")
BIND(nn_gelu_, K_GELU, FUNCTION_INPLACE, NULL, "gelu_", 1, 1, "input", "approximate")
BIND(nn_silu, K_PLAIN, FUNCTION, oz_silu, "silu", 1, 1, "input", "out")
BIND(nn_silu_, K_PLAIN, FUNCTION_INPLACE, oz_silu, "silu_", 1, 1, "input")
BIND(nn_leaky_relu, K_LEAKY_RELU, FUNCTION, NULL, "leaky_relu", 2, 1, "input", "negative_slope",
     "out")
BIND(nn_leaky_relu_, K_LEAKY_RELU, FUNCTION_INPLACE, NULL, "leaky_relu_", 2, 1, "input",
     "negative_slope")
#define ELU_ARGS "alpha", "scale", "input_scale"
BIND(nn_elu, K_ELU, FUNCTION, NULL, "elu", 4, 1, "input", ELU_ARGS, "out")
BIND(nn_elu_, K_ELU, FUNCTION_INPLACE, NULL, "elu_", 4, 1, "input", ELU_ARGS)
BIND(nn_softplus, K_SOFTPLUS, FUNCTION, NULL, "softplus", 3, 1, "input", "beta", "threshold",
     "out")
BIND(nn_hardtanh, K_HARDTANH, FUNCTION, NULL, "hardtanh", 3, 1, "input", "min_val", "max_val",
     "out")
BIND(nn_hardtanh_, K_HARDTANH, FUNCTION_INPLACE, NULL, "hardtanh_", 3, 1, "input", "min_val",
     "max_val")
BIND(nn_relu6, K_PLAIN, FUNCTION, oz_relu6, "relu6", 1, 1, "input")
BIND(nn_relu6_, K_PLAIN, FUNCTION_INPLACE, oz_relu6, "relu6_", 1, 1, "input")

/* ~x and abs(x): the Python subclass Tensor turns these methods into its number slots. */
static PyObject *m_invert(PyObject *self, PyObject *unused) {
  (void)unused;
  if (oz_dtype_is_floating(ozpy_T(self)->dtype)) {
    PyErr_SetString(PyExc_TypeError,
                    "~ (operator.invert) is only implemented on integer and Boolean-type tensors");
    return NULL;
  }
  return ozpy_wrap(oz_bitwise_not(ozpy_T(self), NULL));
}

static PyObject *m_abs_slot(PyObject *self, PyObject *unused) {
  (void)unused;
  return ozpy_wrap(oz_abs(ozpy_T(self), NULL));
}

/* ---------------------------------------------------------------- tables */
#define KW(fn) OZPY_FASTCALL_KW(fn), OZPY_FLAGS
#define DEF(pyname, cname) {pyname, KW(py_##cname), NULL},
#define DEF_FUNCTIONS4(name) DEF(#name, f_##name) DEF(#name "_", f_##name##_)
#define DEF_FUNCTIONS1(name) DEF(#name, f_##name)
#define DEF_METHODS2(name) DEF(#name, m_##name) DEF(#name "_", m_##name##_)
#define DEF_METHODS1(name) DEF(#name, m_##name)

PyMethodDef ozpy_tensor_methods_unary[] = {
    PLAIN_WITH_INPLACE_FUNCTION(DEF_METHODS2)
    PLAIN_WITHOUT_INPLACE_FUNCTION(DEF_METHODS2)
    PLAIN_PREDICATES(DEF_METHODS1)
    DEF_METHODS2(relu)
    DEF_METHODS2(round)
    DEF_METHODS2(nan_to_num)
    DEF_METHODS2(clamp)
    DEF_METHODS2(clip)
    DEF_METHODS2(clamp_min)
    DEF_METHODS2(clamp_max)
    DEF("absolute", m_abs)
    DEF("absolute_", m_abs_)
    {"__invert__", m_invert, METH_NOARGS, NULL},
    {"__abs__", m_abs_slot, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_unary[] = {
    PLAIN_WITH_INPLACE_FUNCTION(DEF_FUNCTIONS4)
    PLAIN_WITHOUT_INPLACE_FUNCTION(DEF_FUNCTIONS1)
    PLAIN_PREDICATES(DEF_FUNCTIONS1)
    DEF_FUNCTIONS4(relu)
    DEF_FUNCTIONS4(round)
    DEF_FUNCTIONS4(nan_to_num)
    DEF_FUNCTIONS4(clamp)
    DEF_FUNCTIONS4(clip)
    DEF_FUNCTIONS4(clamp_min)
    DEF_FUNCTIONS4(clamp_max)
    DEF("absolute", f_abs)
    DEF_FUNCTIONS4(selu)
    DEF_FUNCTIONS4(celu)
    DEF("_nn_gelu", nn_gelu)
    DEF("_nn_gelu_", nn_gelu_)
    DEF("_nn_silu", nn_silu)
    DEF("_nn_silu_", nn_silu_)
    DEF("_nn_leaky_relu", nn_leaky_relu)
    DEF("_nn_leaky_relu_", nn_leaky_relu_)
    DEF("_nn_elu", nn_elu)
    DEF("_nn_elu_", nn_elu_)
    DEF("_nn_softplus", nn_softplus)
    DEF("_nn_hardtanh", nn_hardtanh)
    DEF("_nn_hardtanh_", nn_hardtanh_)
    DEF("_nn_relu6", nn_relu6)
    DEF("_nn_relu6_", nn_relu6_)
    {NULL, NULL, 0, NULL},
};
