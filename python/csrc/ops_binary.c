/* ops_binary.c - Python bindings of the binary and ternary elementwise ops: functions, Tensor
 * methods, in-place methods and the operators (`**`, `%`, `//`, `&`, `|`, `^`, reflected and
 * in-place), plus where, lerp, addcmul/addcdiv and div's rounding modes. Each binding parses its
 * arguments and calls one core function (core/oz_ops_binary.h): the semantics are the core's.
 *
 * The operators are methods named __pow__, __rpow__, __ipow__, ...: oztorch.Tensor is a Python
 * subclass of _TensorBase, and Python fills a class's number slots from such methods. */
#include "core/oz_ops_binary.h"
#include "python/csrc/ozpy.h"

typedef oz_tensor *(*binary_core_fn)(const oz_tensor *a, const oz_tensor *b, oz_tensor *out);

/* Where a Python number may stand in for a tensor, as PyTorch's overloads allow. */
enum {
  NUM_OTHER = 1, /* the second operand: pow(x, 2) */
  NUM_INPUT = 2, /* the first, with a tensor second: pow(2, x), remainder(2, x) */
  NUM_BOTH = 4,  /* both: floor_divide(7, 2) is tensor(3) */
};

typedef struct binop_def {
  const char *name;  /* the function's name, for messages */
  const char *other; /* the second argument's keyword: "other" or "exponent" */
  binary_core_fn fn;
  int numbers;
} binop_def;

/* An operand: a tensor (borrowed) or, where allowed, a number as a wrapped 0-d tensor (*tmp,
 * released by the caller). Returns 0, or -1 with PyTorch's TypeError. */
static int operand(const binop_def *d, const char *arg, int pos, PyObject *o, bool allowed,
                   oz_tensor **t, oz_tensor **tmp) {
  *tmp = NULL;
  if (o && ozpy_is_tensor(o)) {
    *t = ozpy_T(o);
    return 0;
  }
  if (!allowed)
    return ozpy_arg_tensor(d->name, arg, pos, o, t); /* raises */
  return ozpy_arg_operand(d->name, arg, pos, o, t, tmp);
}

/* Two Python numbers (floor_divide(7, 2)): the first becomes a plain 0-d tensor, as PyTorch's
 * argument parser makes it, so the result is a 0-d tensor of the numbers' type. */
static int number_input(const binop_def *d, PyObject *o, oz_tensor **t) {
  ozpy_number v;
  if (ozpy_arg_number(d->name, "input", 1, o, &v) < 0)
    return -1;
  *t = oz_full(0, NULL, v.s, v.dtype == OZ_FLOAT64 ? oz_default_dtype() : v.dtype, OZ_CPU);
  return *t ? 0 : ozpy_raise_int();
}

enum { FORM_FUNCTION, FORM_METHOD, FORM_INPLACE };

/* function: (input, other, *, out); method and in-place method: (other). */
static PyObject *binop_call(const binop_def *d, ozpy_sig *sig, int form, PyObject *self,
                            PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
  PyObject *a[3] = {NULL, NULL, NULL};
  if (ozpy_parse(sig, args, nargs, kwnames, a) < 0)
    return NULL;
  oz_tensor *x, *y, *out = NULL, *tmpx = NULL, *tmpy = NULL;
  PyObject *x_obj = form == FORM_FUNCTION ? a[0] : self;
  PyObject *y_obj = form == FORM_FUNCTION ? a[1] : a[0];
  const int y_pos = form == FORM_FUNCTION ? 2 : 1;
  if (form == FORM_FUNCTION && ozpy_arg_out(d->name, a[2], &out) < 0)
    return NULL;
  if (form != FORM_FUNCTION || ozpy_is_tensor(x_obj)) {
    x = ozpy_T(x_obj);
  } else if ((d->numbers & NUM_BOTH) && !ozpy_is_tensor(y_obj)) {
    if (number_input(d, x_obj, &x) < 0)
      return NULL;
    tmpx = x;
  } else if (operand(d, "input", 1, x_obj, (d->numbers & NUM_INPUT) && ozpy_is_tensor(y_obj), &x,
                     &tmpx) < 0) {
    return NULL;
  }
  if (operand(d, d->other, y_pos, y_obj, d->numbers & (NUM_OTHER | NUM_BOTH), &y, &tmpy) < 0) {
    oz_tensor_decref(tmpx);
    return NULL;
  }
  if (form == FORM_INPLACE)
    out = x;
  oz_tensor *r = d->fn(x, y, out);
  oz_tensor_decref(tmpx);
  oz_tensor_decref(tmpy);
  if (form == FORM_INPLACE)
    return ozpy_wrap_same(self, r);
  return out ? ozpy_wrap_same(a[2], r) : ozpy_wrap(r);
}

/* X(name, other keyword, core function, numbers): the ops with function, method and in-place
 * method; BINOPS_NO_INPLACE: function and method only (PyTorch has no maximum_). */
#define BINOPS(X)                                                                                  \
  X(pow, "exponent", oz_pow, NUM_INPUT | NUM_OTHER)                                                \
  X(float_power, "exponent", oz_float_power, NUM_INPUT | NUM_OTHER)                                \
  X(remainder, "other", oz_remainder, NUM_INPUT | NUM_OTHER)                                       \
  X(fmod, "other", oz_fmod, NUM_OTHER)                                                             \
  X(floor_divide, "other", oz_floor_divide, NUM_INPUT | NUM_OTHER | NUM_BOTH)                      \
  X(atan2, "other", oz_atan2, 0)                                                                   \
  X(logical_and, "other", oz_logical_and, 0)                                                       \
  X(logical_or, "other", oz_logical_or, 0)                                                         \
  X(logical_xor, "other", oz_logical_xor, 0)                                                       \
  X(bitwise_and, "other", oz_bitwise_and, NUM_INPUT | NUM_OTHER)                                   \
  X(bitwise_or, "other", oz_bitwise_or, NUM_INPUT | NUM_OTHER)                                     \
  X(bitwise_xor, "other", oz_bitwise_xor, NUM_INPUT | NUM_OTHER)
#define BINOPS_NO_INPLACE(X)                                                                       \
  X(maximum, "other", oz_maximum, 0)                                                               \
  X(minimum, "other", oz_minimum, 0)                                                               \
  X(fmax, "other", oz_fmax, 0)                                                                     \
  X(fmin, "other", oz_fmin, 0)

#define DEFINE_BINOP(NAME, OTHER, FN, NUMBERS)                                                     \
  static const binop_def def_##NAME = {#NAME, OTHER, FN, NUMBERS};                                 \
  static PyObject *f_##NAME(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {      \
    (void)m;                                                                                       \
    static ozpy_sig sig = OZPY_SIG(#NAME, 2, 2, "input", OTHER, "out");                            \
    return binop_call(&def_##NAME, &sig, FORM_FUNCTION, NULL, args, n, kw);                        \
  }                                                                                                \
  static PyObject *m_##NAME(PyObject *self, PyObject *const *args, Py_ssize_t n, PyObject *kw) {   \
    static ozpy_sig sig = OZPY_SIG(#NAME, 1, 1, OTHER);                                            \
    return binop_call(&def_##NAME, &sig, FORM_METHOD, self, args, n, kw);                          \
  }
#define DEFINE_BINOP_INPLACE(NAME, OTHER, FN, NUMBERS)                                             \
  DEFINE_BINOP(NAME, OTHER, FN, NUMBERS)                                                           \
  static PyObject *m_##NAME##_(PyObject *self, PyObject *const *args, Py_ssize_t n,                \
                               PyObject *kw) {                                                     \
    static ozpy_sig sig = OZPY_SIG(#NAME "_", 1, 1, OTHER);                                        \
    return binop_call(&def_##NAME, &sig, FORM_INPLACE, self, args, n, kw);                         \
  }
BINOPS(DEFINE_BINOP_INPLACE)
BINOPS_NO_INPLACE(DEFINE_BINOP)

/* ================================ operators ================================
 * Python numbers either side; anything else is NotImplemented, so Python tries the other
 * operand (and raises its TypeError). Errors of the op itself (`x & 1.5`) raise. */

static PyObject *forward_operator(binary_core_fn fn, PyObject *self, PyObject *other) {
  oz_tensor *y, *tmp;
  int r = ozpy_operand(other, &y, &tmp);
  if (r <= 0)
    return r < 0 ? NULL : Py_NewRef(Py_NotImplemented);
  oz_tensor *res = fn(ozpy_T(self), y, NULL);
  oz_tensor_decref(tmp);
  return ozpy_wrap(res);
}

static PyObject *reflected_operator(binary_core_fn fn, PyObject *self, PyObject *other) {
  oz_tensor *x, *tmp;
  int r = ozpy_operand(other, &x, &tmp);
  if (r <= 0)
    return r < 0 ? NULL : Py_NewRef(Py_NotImplemented);
  oz_tensor *res = fn(x, ozpy_T(self), NULL);
  oz_tensor_decref(tmp);
  return ozpy_wrap(res);
}

static PyObject *inplace_operator(binary_core_fn fn, PyObject *self, PyObject *other) {
  oz_tensor *y, *tmp;
  int r = ozpy_operand(other, &y, &tmp);
  if (r <= 0)
    return r < 0 ? NULL : Py_NewRef(Py_NotImplemented);
  oz_tensor *res = fn(ozpy_T(self), y, ozpy_T(self));
  oz_tensor_decref(tmp);
  return ozpy_wrap_same(self, res);
}

/* `number ** x` is PyTorch's torch.tensor(number, dtype=result_type(number, x)) ** x: the base
 * is a 0-d tensor (not a Python number), so the grad_fn is PowBackward1. */
static oz_tensor *rpow_core(const oz_tensor *base, const oz_tensor *x, oz_tensor *out) {
  oz_result_type_state s;
  oz_result_type_init(&s);
  oz_result_type_add(&s, base->dtype, 0);
  oz_result_type_add(&s, x->dtype, x->is_wrapped_number ? 0 : x->ndim > 0 ? 2 : 1);
  oz_tensor *b = oz_to_dtype(base, oz_result_type_get(&s), true);
  if (!b)
    return NULL;
  b->is_wrapped_number = false;
  oz_tensor *r = oz_pow(b, x, out);
  oz_tensor_decref(b);
  return r;
}

/* x.__pow__(other, modulo=None): a modulo makes it NotImplemented, as in PyTorch. */
static PyObject *m___pow__(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
  if (nargs < 1 || nargs > 2) {
    PyErr_Format(PyExc_TypeError, "__pow__ expected 1 or 2 arguments, got %zd", nargs);
    return NULL;
  }
  if (nargs == 2 && args[1] != Py_None)
    Py_RETURN_NOTIMPLEMENTED;
  return forward_operator(oz_pow, self, args[0]);
}
static PyObject *m___rpow__(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
  if (nargs < 1 || nargs > 2) {
    PyErr_Format(PyExc_TypeError, "__rpow__ expected 1 or 2 arguments, got %zd", nargs);
    return NULL;
  }
  if (nargs == 2 && args[1] != Py_None)
    Py_RETURN_NOTIMPLEMENTED;
  return reflected_operator(rpow_core, self, args[0]);
}
static PyObject *m___ipow__(PyObject *self, PyObject *other) {
  return inplace_operator(oz_pow, self, other);
}

/* X(python suffix, core function): __<op>__, __r<op>__, __i<op>__. */
#define OPERATORS(X)                                                                               \
  X(mod, oz_remainder)                                                                             \
  X(floordiv, oz_floor_divide)                                                                     \
  X(and, oz_bitwise_and)                                                                           \
  X(or, oz_bitwise_or)                                                                             \
  X(xor, oz_bitwise_xor)
#define DEFINE_OPERATORS(OP, FN)                                                                   \
  static PyObject *m___##OP##__(PyObject *self, PyObject *other) {                                 \
    return forward_operator(FN, self, other);                                                      \
  }                                                                                                \
  static PyObject *m___r##OP##__(PyObject *self, PyObject *other) {                                \
    return reflected_operator(FN, self, other);                                                    \
  }                                                                                                \
  static PyObject *m___i##OP##__(PyObject *self, PyObject *other) {                                \
    return inplace_operator(FN, self, other);                                                      \
  }
OPERATORS(DEFINE_OPERATORS)

/* ====================== div(rounding_mode=...) ======================
 * _div_rounding(input, other, rounding_mode=None, *, out=None): torch.div with a rounding mode,
 * for the foundation's div binding (ops.c) to call. */
static const binop_def def_div = {"div", "other", NULL, NUM_INPUT | NUM_OTHER | NUM_BOTH};

static int rounding_mode_arg(PyObject *o, const char **mode) {
  *mode = NULL;
  if (!o || o == Py_None)
    return 0;
  if (!PyUnicode_Check(o)) {
    ozpy_type_error(PyExc_TypeError, "div(): argument 'rounding_mode' must be str, not %U", o);
    return -1;
  }
  *mode = PyUnicode_AsUTF8AndSize(o, NULL);
  return *mode ? 0 : -1;
}

static PyObject *f__div_rounding(PyObject *m, PyObject *const *args, Py_ssize_t nargs,
                                 PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("div", 3, 2, "input", "other", "rounding_mode", "out");
  PyObject *a[4];
  const char *mode;
  oz_tensor *x, *y, *out, *tmpx = NULL, *tmpy = NULL;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 || rounding_mode_arg(a[2], &mode) < 0 ||
      ozpy_arg_out("div", a[3], &out) < 0)
    return NULL;
  if (ozpy_is_tensor(a[0])) {
    x = ozpy_T(a[0]);
  } else if (!ozpy_is_tensor(a[1])) {
    if (number_input(&def_div, a[0], &x) < 0)
      return NULL;
    tmpx = x;
  } else if (operand(&def_div, "input", 1, a[0], true, &x, &tmpx) < 0) {
    return NULL;
  }
  if (operand(&def_div, "other", 2, a[1], true, &y, &tmpy) < 0) {
    oz_tensor_decref(tmpx);
    return NULL;
  }
  oz_tensor *r = oz_div_rounding(x, y, mode, out);
  oz_tensor_decref(tmpx);
  oz_tensor_decref(tmpy);
  return out ? ozpy_wrap_same(a[3], r) : ozpy_wrap(r);
}

/* ================================ where ================================ */

/* where(condition): torch.nonzero(condition, as_tuple=True), whichever family provides it. */
static PyObject *where_nonzero(PyObject *cond) {
  PyObject *mod = PyImport_ImportModule("oztorch");
  PyObject *nonzero = mod ? PyObject_GetAttrString(mod, "nonzero") : NULL;
  Py_XDECREF(mod);
  if (!nonzero) {
    if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
      PyErr_Clear();
      PyErr_SetString(PyExc_NotImplementedError, "where(condition) needs torch.nonzero");
    }
    return NULL;
  }
  PyObject *args = PyTuple_Pack(1, cond), *kw = Py_BuildValue("{s:O}", "as_tuple", Py_True);
  PyObject *r = args && kw ? PyObject_Call(nonzero, args, kw) : NULL;
  Py_XDECREF(args);
  Py_XDECREF(kw);
  Py_DECREF(nonzero);
  return r;
}

static PyObject *where_impl(PyObject *cond_obj, PyObject *x_obj, PyObject *y_obj,
                            PyObject *out_obj, bool method) {
  static const binop_def def_where = {"where", "other", NULL, NUM_INPUT | NUM_OTHER};
  oz_tensor *cond, *x, *y, *out, *tmpx = NULL, *tmpy = NULL;
  if (ozpy_arg_tensor("where", "condition", 1, cond_obj, &cond) < 0 ||
      ozpy_arg_out("where", out_obj, &out) < 0)
    return NULL;
  /* Numbers for input/other: the function without out= (PyTorch's Scalar overloads). */
  bool numbers = !method && !out;
  if (operand(&def_where, method ? "self" : "input", 2, x_obj, numbers, &x, &tmpx) < 0)
    return NULL;
  if (operand(&def_where, "other", method ? 2 : 3, y_obj, numbers, &y, &tmpy) < 0) {
    oz_tensor_decref(tmpx);
    return NULL;
  }
  if (cond->dtype == OZ_UINT8 &&
      PyErr_WarnEx(PyExc_UserWarning,
                   "where received a uint8 condition tensor. This behavior is deprecated and "
                   "will be removed in a future version of PyTorch. Use a boolean condition "
                   "instead.",
                   1) < 0) {
    oz_tensor_decref(tmpx);
    oz_tensor_decref(tmpy);
    return NULL;
  }
  oz_tensor *r = oz_where(cond, x, y, out);
  oz_tensor_decref(tmpx);
  oz_tensor_decref(tmpy);
  return out ? ozpy_wrap_same(out_obj, r) : ozpy_wrap(r);
}

static PyObject *f_where(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("where", 3, 1, "condition", "input", "other", "out");
  PyObject *a[4];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  if (!a[1] && !a[2] && !a[3]) {
    oz_tensor *cond;
    if (ozpy_arg_tensor("where", "condition", 1, a[0], &cond) < 0)
      return NULL;
    return where_nonzero(a[0]);
  }
  if (!a[1] || !a[2]) {
    PyErr_Format(PyExc_TypeError, "where() missing required argument '%s' (position %d)",
                 a[1] ? "other" : "input", a[1] ? 3 : 2);
    return NULL;
  }
  return where_impl(a[0], a[1], a[2], a[3], false);
}

/* Tensor.where(condition, other): self is the value where condition holds. */
static PyObject *m_where(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("where", 2, 2, "condition", "other");
  PyObject *a[2];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  return where_impl(a[0], self, a[1], NULL, true);
}

/* ================================ lerp ================================ */

/* The core call, or NULL with the Python error raised. */
static oz_tensor *lerp_impl(oz_tensor *x, PyObject *end_obj, PyObject *weight_obj,
                            oz_tensor *out) {
  oz_tensor *end, *weight, *tmp = NULL;
  if (ozpy_arg_tensor("lerp", "end", 2, end_obj, &end) < 0 ||
      ozpy_arg_operand("lerp", "weight", 3, weight_obj, &weight, &tmp) < 0)
    return NULL;
  oz_tensor *r = oz_lerp(x, end, weight, out);
  oz_tensor_decref(tmp);
  if (!r)
    ozpy_raise();
  return r;
}

static PyObject *f_lerp(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("lerp", 3, 3, "input", "end", "weight", "out");
  PyObject *a[4];
  oz_tensor *x, *out, *r;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("lerp", "input", 1, a[0], &x) < 0 || ozpy_arg_out("lerp", a[3], &out) < 0 ||
      !(r = lerp_impl(x, a[1], a[2], out)))
    return NULL;
  return out ? ozpy_wrap_same(a[3], r) : ozpy_wrap(r);
}

static PyObject *lerp_method(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kw, ozpy_sig *sig, bool inplace) {
  PyObject *a[2];
  oz_tensor *r;
  if (ozpy_parse(sig, args, nargs, kw, a) < 0 ||
      !(r = lerp_impl(ozpy_T(self), a[0], a[1], inplace ? ozpy_T(self) : NULL)))
    return NULL;
  return inplace ? ozpy_wrap_same(self, r) : ozpy_wrap(r);
}
static PyObject *m_lerp(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("lerp", 2, 2, "end", "weight");
  return lerp_method(self, args, nargs, kw, &sig, false);
}
static PyObject *m_lerp_(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("lerp_", 2, 2, "end", "weight");
  return lerp_method(self, args, nargs, kw, &sig, true);
}

/* =========================== addcmul, addcdiv ===========================
 * addcmul(input, tensor1, tensor2, *, value=1, out=None); methods (tensor1, tensor2, *, value). */

typedef oz_tensor *(*addc_core_fn)(const oz_tensor *a, const oz_tensor *t1, const oz_tensor *t2,
                                   oz_scalar value, oz_tensor *out);

/* a[0..1] tensor1, tensor2, a[2] value; the core call or NULL with the Python error raised. */
static oz_tensor *addc_impl(const char *fname, addc_core_fn fn, oz_tensor *x, PyObject *const *a,
                            int pos, oz_tensor *out) {
  oz_tensor *t1, *t2;
  ozpy_number value = {{1.0, 1}, OZ_INT64};
  if (ozpy_arg_tensor(fname, "tensor1", pos, a[0], &t1) < 0 ||
      ozpy_arg_tensor(fname, "tensor2", pos + 1, a[1], &t2) < 0 ||
      (a[2] && ozpy_arg_number(fname, "value", 0, a[2], &value) < 0))
    return NULL;
  oz_tensor *r = fn(x, t1, t2, value.s, out);
  if (!r)
    ozpy_raise();
  return r;
}

#define DEFINE_ADDC(NAME)                                                                          \
  static PyObject *f_##NAME(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {      \
    (void)m;                                                                                       \
    static ozpy_sig sig = OZPY_SIG(#NAME, 3, 3, "input", "tensor1", "tensor2", "value", "out");    \
    PyObject *a[5];                                                                                \
    oz_tensor *x, *out, *r;                                                                        \
    if (ozpy_parse(&sig, args, n, kw, a) < 0 ||                                                    \
        ozpy_arg_tensor(#NAME, "input", 1, a[0], &x) < 0 || ozpy_arg_out(#NAME, a[4], &out) < 0 || \
        !(r = addc_impl(#NAME, oz_##NAME, x, a + 1, 2, out)))                                      \
      return NULL;                                                                                 \
    return out ? ozpy_wrap_same(a[4], r) : ozpy_wrap(r);                                           \
  }                                                                                                \
  static PyObject *m_##NAME(PyObject *self, PyObject *const *args, Py_ssize_t n, PyObject *kw) {   \
    static ozpy_sig sig = OZPY_SIG(#NAME, 2, 2, "tensor1", "tensor2", "value");                    \
    PyObject *a[3];                                                                                \
    oz_tensor *r;                                                                                  \
    if (ozpy_parse(&sig, args, n, kw, a) < 0 ||                                                    \
        !(r = addc_impl(#NAME, oz_##NAME, ozpy_T(self), a, 1, NULL)))                              \
      return NULL;                                                                                 \
    return ozpy_wrap(r);                                                                           \
  }                                                                                                \
  static PyObject *m_##NAME##_(PyObject *self, PyObject *const *args, Py_ssize_t n,                \
                               PyObject *kw) {                                                     \
    static ozpy_sig sig = OZPY_SIG(#NAME "_", 2, 2, "tensor1", "tensor2", "value");                \
    PyObject *a[3];                                                                                \
    oz_tensor *r;                                                                                  \
    if (ozpy_parse(&sig, args, n, kw, a) < 0 ||                                                    \
        !(r = addc_impl(#NAME "_", oz_##NAME, ozpy_T(self), a, 1, ozpy_T(self))))                  \
      return NULL;                                                                                 \
    return ozpy_wrap_same(self, r);                                                                \
  }
DEFINE_ADDC(addcmul)
DEFINE_ADDC(addcdiv)

/* ================================ tables ================================ */

#define KW(fn) OZPY_FASTCALL_KW(fn), OZPY_FLAGS
#define METHOD_ENTRY(NAME, OTHER, FN, NUMBERS) {#NAME, KW(m_##NAME), NULL},
#define METHOD_ENTRIES_INPLACE(NAME, OTHER, FN, NUMBERS)                                           \
  METHOD_ENTRY(NAME, OTHER, FN, NUMBERS){#NAME "_", KW(m_##NAME##_), NULL},
#define OPERATOR_ENTRIES(OP, FN)                                                                   \
  {"__" #OP "__", m___##OP##__, METH_O, NULL}, {"__r" #OP "__", m___r##OP##__, METH_O, NULL},     \
      {"__i" #OP "__", m___i##OP##__, METH_O, NULL},
#define FUNCTION_ENTRY(NAME, OTHER, FN, NUMBERS) {#NAME, KW(f_##NAME), NULL},

PyMethodDef ozpy_tensor_methods_binary[] = {
    BINOPS(METHOD_ENTRIES_INPLACE)
    BINOPS_NO_INPLACE(METHOD_ENTRY)
    {"arctan2", KW(m_atan2), NULL},
    {"arctan2_", KW(m_atan2_), NULL},
    {"where", KW(m_where), "where(condition, other)"},
    {"lerp", KW(m_lerp), "lerp(end, weight)"},
    {"lerp_", KW(m_lerp_), "lerp_(end, weight)"},
    {"addcmul", KW(m_addcmul), "addcmul(tensor1, tensor2, *, value=1)"},
    {"addcmul_", KW(m_addcmul_), "addcmul_(tensor1, tensor2, *, value=1)"},
    {"addcdiv", KW(m_addcdiv), "addcdiv(tensor1, tensor2, *, value=1)"},
    {"addcdiv_", KW(m_addcdiv_), "addcdiv_(tensor1, tensor2, *, value=1)"},
    {"__pow__", (PyCFunction)(void (*)(void))m___pow__, METH_FASTCALL, NULL},
    {"__rpow__", (PyCFunction)(void (*)(void))m___rpow__, METH_FASTCALL, NULL},
    {"__ipow__", m___ipow__, METH_O, NULL},
    OPERATORS(OPERATOR_ENTRIES)
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_binary[] = {
    BINOPS(FUNCTION_ENTRY)
    BINOPS_NO_INPLACE(FUNCTION_ENTRY)
    {"arctan2", KW(f_atan2), NULL},
    {"where", KW(f_where), "where(condition, input, other, *, out=None) / where(condition)"},
    {"lerp", KW(f_lerp), "lerp(input, end, weight, *, out=None)"},
    {"addcmul", KW(f_addcmul), "addcmul(input, tensor1, tensor2, *, value=1, out=None)"},
    {"addcdiv", KW(f_addcdiv), "addcdiv(input, tensor1, tensor2, *, value=1, out=None)"},
    {"_div_rounding", KW(f__div_rounding),
     "_div_rounding(input, other, rounding_mode=None, *, out=None): torch.div with a rounding "
     "mode, for the div binding"},
    {NULL, NULL, 0, NULL},
};
