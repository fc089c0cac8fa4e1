/* ops.c - bindings of the core's ops: arithmetic and comparisons (functions, methods, in-place
 * methods, operator slots), neg, matmul, sum, and the value-moving methods (to, float(), copy_,
 * fill_, clone). Each binding parses its arguments and calls one core function: the semantics
 * (promotion, broadcasting, out= rules) are the core's. */
#include "core/oz_ops_binary.h" /* oz_div_rounding */
#include "python/csrc/ozpy.h"

static const oz_scalar one = {1.0, 1};

static oz_tensor *run_binary(int op, const oz_tensor *a, const oz_tensor *b, oz_scalar alpha,
                             oz_tensor *out) {
  switch (op) {
  case OZPY_ADD:
    return oz_add(a, b, alpha, out);
  case OZPY_SUB:
    return oz_sub(a, b, alpha, out);
  case OZPY_MUL:
    return oz_mul(a, b, out);
  case OZPY_DIV:
    return oz_div(a, b, out);
  case OZPY_MATMUL:
    return oz_matmul(a, b, out);
  case OZPY_EQ:
    return oz_compare(OZ_OP_EQ, a, b, out);
  case OZPY_NE:
    return oz_compare(OZ_OP_NE, a, b, out);
  case OZPY_LT:
    return oz_compare(OZ_OP_LT, a, b, out);
  case OZPY_LE:
    return oz_compare(OZ_OP_LE, a, b, out);
  case OZPY_GT:
    return oz_compare(OZ_OP_GT, a, b, out);
  case OZPY_GE:
    return oz_compare(OZ_OP_GE, a, b, out);
  default:
    oz_set_error(OZ_ERR_RUNTIME, "oztorch: unknown binary op %d", op);
    return NULL;
  }
}

/* ============================ operator slots ============================ */

/* matmul takes tensors only (`x @ 2` is a TypeError in PyTorch); the others take numbers, and
 * arithmetic takes a numpy array on the right of a tensor (`x + ndarray` works in PyTorch while
 * `ndarray + x` and `x == ndarray` do not). */
static int slot_operand(int op, PyObject *o, bool right_of_tensor, oz_tensor **t, oz_tensor **tmp) {
  *tmp = NULL;
  if (op == OZPY_MATMUL) {
    if (!ozpy_is_tensor(o))
      return 0;
    *t = ozpy_T(o);
    return 1;
  }
  int r = ozpy_operand(o, t, tmp);
  if (r != 0 || !right_of_tensor || op > OZPY_DIV)
    return r;
  PyObject *nd = ozpy_numpy_ndarray_type();
  if (!nd || PyObject_IsInstance(o, nd) != 1)
    return 0;
  *tmp = ozpy_tensor_from_data(o, -1, OZ_CPU, false);
  if (!*tmp)
    return -1;
  *t = *tmp;
  return 1;
}

PyObject *ozpy_binary_slot(int op, PyObject *a, PyObject *b) {
  oz_tensor *ta, *tb, *tmpa = NULL, *tmpb = NULL;
  int ra = slot_operand(op, a, false, &ta, &tmpa);
  if (ra <= 0) {
    if (ra == 0)
      Py_RETURN_NOTIMPLEMENTED;
    return NULL;
  }
  int rb = slot_operand(op, b, ozpy_is_tensor(a), &tb, &tmpb);
  if (rb <= 0) {
    oz_tensor_decref(tmpa);
    if (rb == 0)
      Py_RETURN_NOTIMPLEMENTED;
    return NULL;
  }
  oz_tensor *r = run_binary(op, ta, tb, one, NULL);
  oz_tensor_decref(tmpa);
  oz_tensor_decref(tmpb);
  return ozpy_wrap(r);
}

PyObject *ozpy_binary_inplace_slot(int op, PyObject *a, PyObject *b) {
  if (!ozpy_is_tensor(a))
    Py_RETURN_NOTIMPLEMENTED;
  oz_tensor *tb, *tmpb = NULL;
  int rb = slot_operand(op, b, true, &tb, &tmpb);
  if (rb <= 0) {
    if (rb == 0)
      Py_RETURN_NOTIMPLEMENTED;
    return NULL;
  }
  oz_tensor *self = ozpy_T(a);
  oz_tensor *r = run_binary(op, self, tb, one, self);
  oz_tensor_decref(tmpb);
  if (!r)
    return ozpy_raise();
  oz_tensor_decref(r);
  return Py_NewRef(a); /* `a += b` keeps the object */
}

/* ====================== functions and methods ====================== */

/* PyTorch's alpha_check: the kind of Python number alpha is must suit the result dtype; only
 * this layer still knows whether alpha was written as 2 or 2.0. */
static int check_alpha(const ozpy_number *alpha, const oz_tensor *a, const oz_tensor *b) {
  if (alpha->dtype == OZ_INT64)
    return 0;
  oz_result_type_state s;
  oz_result_type_init(&s);
  oz_result_type_add(&s, a->dtype, a->is_wrapped_number ? 0 : a->ndim > 0 ? 2 : 1);
  oz_result_type_add(&s, b->dtype, b->is_wrapped_number ? 0 : b->ndim > 0 ? 2 : 1);
  int dt = oz_result_type_get(&s);
  if (alpha->dtype == OZ_BOOL && dt != OZ_BOOL) {
    PyErr_SetString(PyExc_RuntimeError, "Boolean alpha only supported for Boolean results.");
    return -1;
  }
  if (alpha->dtype == OZ_FLOAT64 && !oz_dtype_is_floating(dt)) {
    PyErr_SetString(PyExc_RuntimeError,
                    "For integral input tensors, argument alpha must not be a floating point "
                    "number.");
    return -1;
  }
  return 0;
}

/* One binding = a signature plus where its optional arguments sit in it. */
typedef struct binary_binding {
  ozpy_sig sig;
  int op;
  bool method;                    /* self is the input; sig starts at "other" */
  bool inplace;                   /* writes into self and returns it */
  bool swap;                      /* rsub: other - alpha * input */
  int i_alpha, i_rounding, i_out; /* indices into the parsed arguments, -1 if absent */
} binary_binding;

static PyObject *binary_call(binary_binding *b, PyObject *self, PyObject *const *args,
                             Py_ssize_t nargs, PyObject *kwnames) {
  PyObject *a[OZPY_MAX_ARGS];
  if (ozpy_parse(&b->sig, args, nargs, kwnames, a) < 0)
    return NULL;
  const char *fname = b->sig.fname;
  oz_tensor *x, *y, *tmpx = NULL, *tmpy = NULL, *out = NULL;
  PyObject *in_obj = b->method ? self : a[0];
  PyObject *other_obj = b->method ? a[0] : a[1];
  int other_pos = b->method ? 1 : 2;
  const char *rounding = NULL; /* div's rounding_mode; NULL: true division */
  if (b->i_rounding >= 0 && a[b->i_rounding] && a[b->i_rounding] != Py_None) {
    if (!PyUnicode_Check(a[b->i_rounding])) {
      ozpy_type_error(PyExc_TypeError, "div(): argument 'rounding_mode' must be str, not %U",
                      a[b->i_rounding]);
      return NULL;
    }
    if (!(rounding = PyUnicode_AsUTF8AndSize(a[b->i_rounding], NULL)))
      return NULL;
  }
  ozpy_number alpha = {one, OZ_INT64};
  if (b->i_alpha >= 0 && a[b->i_alpha] &&
      ozpy_arg_number(fname, "alpha", 0, a[b->i_alpha], &alpha) < 0)
    return NULL;
  if (b->i_out >= 0 && ozpy_arg_out(fname, a[b->i_out], &out) < 0)
    return NULL;
  if (b->method) {
    x = ozpy_T(self);
  } else if (!ozpy_is_tensor(in_obj) && !ozpy_is_tensor(other_obj)) {
    /* add/sub/mul/div(number, number) make the input a 0-d tensor (not a wrapped number) */
    ozpy_number v;
    int isnum = b->op <= OZPY_DIV ? ozpy_as_number(in_obj, &v) : 0;
    if (isnum <= 0) {
      if (isnum == 0)
        ozpy_arg_tensor(fname, "input", 1, in_obj, &x); /* raises the TypeError */
      return NULL;
    }
    int dt = v.dtype == OZ_FLOAT64 ? oz_default_dtype() : v.dtype;
    x = tmpx = oz_full(0, NULL, v.s, dt, OZ_CPU);
    if (!x)
      return ozpy_raise();
  } else if (ozpy_arg_operand(fname, "input", 1, in_obj, &x, &tmpx) < 0) {
    return NULL;
  }
  if (b->op == OZPY_MATMUL) {
    if (ozpy_arg_tensor(fname, "other", other_pos, other_obj, &y) < 0)
      goto fail;
  } else if (ozpy_arg_operand(fname, "other", other_pos, other_obj, &y, &tmpy) < 0) {
    goto fail;
  }
  if (b->i_alpha >= 0 && check_alpha(&alpha, x, y) < 0)
    goto fail;
  if (b->inplace)
    out = x;
  oz_tensor *r = rounding  ? oz_div_rounding(x, y, rounding, out)
                 : b->swap ? run_binary(b->op, y, x, alpha.s, out)
                           : run_binary(b->op, x, y, alpha.s, out);
  oz_tensor_decref(tmpx);
  oz_tensor_decref(tmpy);
  if (b->inplace)
    return ozpy_wrap_same(self, r);
  if (out)
    return ozpy_wrap_same(a[b->i_out], r);
  return ozpy_wrap(r);
fail:
  oz_tensor_decref(tmpx);
  oz_tensor_decref(tmpy);
  return NULL;
}

#define FUNC_SIG(name, ...) OZPY_SIG(name, 2, 2, "input", "other", __VA_ARGS__)
#define METH_SIG(name, ...) OZPY_SIG(name, 1, 1, "other", __VA_ARGS__)

/* Functions: (input, other, *, [alpha|rounding_mode], out). */
static binary_binding fb_add = {.sig = FUNC_SIG("add", "alpha", "out"),
                                .op = OZPY_ADD,
                                .i_alpha = 2,
                                .i_rounding = -1,
                                .i_out = 3};
static binary_binding fb_sub = {.sig = FUNC_SIG("sub", "alpha", "out"),
                                .op = OZPY_SUB,
                                .i_alpha = 2,
                                .i_rounding = -1,
                                .i_out = 3};
static binary_binding fb_rsub = {.sig = FUNC_SIG("rsub", "alpha", "out"),
                                 .op = OZPY_SUB,
                                 .swap = true,
                                 .i_alpha = 2,
                                 .i_rounding = -1,
                                 .i_out = 3};
static binary_binding fb_mul = {
    .sig = FUNC_SIG("mul", "out"), .op = OZPY_MUL, .i_alpha = -1, .i_rounding = -1, .i_out = 2};
static binary_binding fb_div = {.sig = FUNC_SIG("div", "rounding_mode", "out"),
                                .op = OZPY_DIV,
                                .i_alpha = -1,
                                .i_rounding = 2,
                                .i_out = 3};
static binary_binding fb_matmul = {.sig = FUNC_SIG("matmul", "out"),
                                   .op = OZPY_MATMUL,
                                   .i_alpha = -1,
                                   .i_rounding = -1,
                                   .i_out = 2};
static binary_binding fb_eq = {
    .sig = FUNC_SIG("eq", "out"), .op = OZPY_EQ, .i_alpha = -1, .i_rounding = -1, .i_out = 2};
static binary_binding fb_ne = {
    .sig = FUNC_SIG("ne", "out"), .op = OZPY_NE, .i_alpha = -1, .i_rounding = -1, .i_out = 2};
static binary_binding fb_lt = {
    .sig = FUNC_SIG("lt", "out"), .op = OZPY_LT, .i_alpha = -1, .i_rounding = -1, .i_out = 2};
static binary_binding fb_le = {
    .sig = FUNC_SIG("le", "out"), .op = OZPY_LE, .i_alpha = -1, .i_rounding = -1, .i_out = 2};
static binary_binding fb_gt = {
    .sig = FUNC_SIG("gt", "out"), .op = OZPY_GT, .i_alpha = -1, .i_rounding = -1, .i_out = 2};
static binary_binding fb_ge = {
    .sig = FUNC_SIG("ge", "out"), .op = OZPY_GE, .i_alpha = -1, .i_rounding = -1, .i_out = 2};

/* Methods: (other, *, [alpha|rounding_mode]); the `_` forms write into self. */
#define METHOD_PAIR(cname, pyname, OP, ALPHA_OR_ROUNDING, IA, IR)                                  \
  static binary_binding mb_##cname = {.sig = METH_SIG(pyname, ALPHA_OR_ROUNDING),                  \
                                      .op = OP,                                                    \
                                      .method = true,                                              \
                                      .i_alpha = IA,                                               \
                                      .i_rounding = IR,                                            \
                                      .i_out = -1};                                                \
  static binary_binding mb_##cname##_ = {.sig = METH_SIG(pyname "_", ALPHA_OR_ROUNDING),           \
                                         .op = OP,                                                 \
                                         .method = true,                                           \
                                         .inplace = true,                                          \
                                         .i_alpha = IA,                                            \
                                         .i_rounding = IR,                                         \
                                         .i_out = -1};                                             \
  static PyObject *m_##cname(PyObject *self, PyObject *const *args, Py_ssize_t n, PyObject *kw) {  \
    return binary_call(&mb_##cname, self, args, n, kw);                                            \
  }                                                                                                \
  static PyObject *m_##cname##_(PyObject *self, PyObject *const *args, Py_ssize_t n,               \
                                PyObject *kw) {                                                    \
    return binary_call(&mb_##cname##_, self, args, n, kw);                                         \
  }

METHOD_PAIR(add, "add", OZPY_ADD, "alpha", 1, -1)
METHOD_PAIR(sub, "sub", OZPY_SUB, "alpha", 1, -1)
METHOD_PAIR(mul, "mul", OZPY_MUL, NULL, -1, -1)
METHOD_PAIR(div, "div", OZPY_DIV, "rounding_mode", -1, 1)
METHOD_PAIR(eq, "eq", OZPY_EQ, NULL, -1, -1)
METHOD_PAIR(ne, "ne", OZPY_NE, NULL, -1, -1)
METHOD_PAIR(lt, "lt", OZPY_LT, NULL, -1, -1)
METHOD_PAIR(le, "le", OZPY_LE, NULL, -1, -1)
METHOD_PAIR(gt, "gt", OZPY_GT, NULL, -1, -1)
METHOD_PAIR(ge, "ge", OZPY_GE, NULL, -1, -1)

static binary_binding mb_matmul = {.sig = METH_SIG("matmul", NULL),
                                   .op = OZPY_MATMUL,
                                   .method = true,
                                   .i_alpha = -1,
                                   .i_rounding = -1,
                                   .i_out = -1};
static PyObject *m_matmul(PyObject *self, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  return binary_call(&mb_matmul, self, args, n, kw);
}

#define FUNCTION(cname)                                                                            \
  static PyObject *f_##cname(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {     \
    (void)m;                                                                                       \
    return binary_call(&fb_##cname, NULL, args, n, kw);                                            \
  }
FUNCTION(add)
FUNCTION(sub)
FUNCTION(rsub)
FUNCTION(mul)
FUNCTION(div)
FUNCTION(matmul)
FUNCTION(eq)
FUNCTION(ne)
FUNCTION(lt)
FUNCTION(le)
FUNCTION(gt)
FUNCTION(ge)

/* ================================ neg ================================ */

static PyObject *f_neg(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("neg", 1, 1, "input", "out");
  PyObject *a[2];
  oz_tensor *x, *out;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("neg", "input", 1, a[0], &x) < 0 || ozpy_arg_out("neg", a[1], &out) < 0)
    return NULL;
  oz_tensor *r = oz_neg(x, out);
  return out ? ozpy_wrap_same(a[1], r) : ozpy_wrap(r);
}

static PyObject *m_neg(PyObject *self, PyObject *unused) {
  (void)unused;
  return ozpy_wrap(oz_neg(ozpy_T(self), NULL));
}

static PyObject *m_neg_(PyObject *self, PyObject *unused) {
  (void)unused;
  return ozpy_wrap_same(self, oz_neg(ozpy_T(self), ozpy_T(self)));
}

/* ================================ sum ================================ */

static PyObject *sum_impl(const char *fname, oz_tensor *x, PyObject *dim_obj, PyObject *keepdim_obj,
                          PyObject *dtype_obj, PyObject *out_obj) {
  if (!dim_obj && keepdim_obj) { /* PyTorch has no sum(keepdim=) without dim */
    PyErr_SetString(PyExc_TypeError,
                    "sum() received an invalid combination of arguments - got keepdim without "
                    "dim, but expected one of:\n * (*, torch.dtype dtype)\n * (tuple of ints "
                    "dim, bool keepdim, *, torch.dtype dtype)");
    return NULL;
  }
  int64_t dims[OZPY_MAX_LIST];
  int n_dims = 0, dtype = -1;
  bool keepdim = false;
  oz_tensor *out = NULL;
  if (ozpy_arg_int_list(fname, "dim", 1, dim_obj, dims, &n_dims) < 0 ||
      ozpy_arg_bool(fname, "keepdim", 2, keepdim_obj, false, &keepdim) < 0 ||
      ozpy_arg_dtype(fname, "dtype", dtype_obj, &dtype) < 0 ||
      ozpy_arg_out(fname, out_obj, &out) < 0)
    return NULL;
  oz_tensor *r = oz_sum(x, n_dims ? dims : NULL, n_dims, keepdim, dtype, out);
  return out ? ozpy_wrap_same(out_obj, r) : ozpy_wrap(r);
}

static PyObject *f_sum(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("sum", 3, 1, "input", "dim", "keepdim", "dtype", "out");
  PyObject *a[5];
  oz_tensor *x;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 || ozpy_arg_tensor("sum", "input", 1, a[0], &x) < 0)
    return NULL;
  return sum_impl("sum", x, a[1], a[2], a[3], a[4]);
}

static PyObject *m_sum(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("sum", 2, 0, "dim", "keepdim", "dtype");
  PyObject *a[3];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  return sum_impl("sum", ozpy_T(self), a[0], a[1], a[2], NULL);
}

/* ======================= copying, filling, cloning ======================= */

static PyObject *f_clone(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("clone", 1, 1, "input", "memory_format");
  PyObject *a[2];
  oz_tensor *x;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("clone", "input", 1, a[0], &x) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_clone(x));
}

static PyObject *m_clone(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("clone", 0, 0, "memory_format");
  PyObject *a[1];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_clone(ozpy_T(self)));
}

static PyObject *m_contiguous(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                              PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("contiguous", 0, 0, "memory_format");
  PyObject *a[1];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  return ozpy_wrap_same(self, oz_ad_contiguous(ozpy_T(self)));
}

static PyObject *m_copy_(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("copy_", 2, 1, "src", "non_blocking");
  PyObject *a[2];
  oz_tensor *src, *tmp = NULL;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_operand("copy_", "src", 1, a[0], &src, &tmp) < 0)
    return NULL;
  int rc = oz_ad_copy_(ozpy_T(self), src);
  oz_tensor_decref(tmp);
  if (rc != OZ_OK)
    return ozpy_raise();
  return Py_NewRef(self);
}

static PyObject *fill_impl(PyObject *self, PyObject *value) {
  ozpy_number v;
  if (ozpy_is_tensor(value) && ozpy_T(value)->ndim != 0) {
    PyErr_Format(PyExc_RuntimeError,
                 "fill_ only supports 0-dimension value tensor but got tensor with %d "
                 "dimensions.",
                 (int)ozpy_T(value)->ndim);
    return NULL;
  }
  if (ozpy_is_tensor(value) && oz_requires_grad(ozpy_T(value)) && oz_grad_enabled()) {
    if (oz_ad_fill_tensor_(ozpy_T(self), ozpy_T(value)) != OZ_OK)
      return ozpy_raise();
    return Py_NewRef(self);
  }
  if (ozpy_arg_number("fill_", "value", 1, value, &v) < 0)
    return NULL;
  if (oz_ad_fill_(ozpy_T(self), v.s) != OZ_OK)
    return ozpy_raise();
  return Py_NewRef(self);
}

static PyObject *m_fill_(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("fill_", 1, 1, "value");
  PyObject *a[1];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  return fill_impl(self, a[0]);
}

static PyObject *m_zero_(PyObject *self, PyObject *unused) {
  (void)unused;
  if (oz_ad_fill_(ozpy_T(self), (oz_scalar){0.0, 0}) != OZ_OK)
    return ozpy_raise();
  return Py_NewRef(self);
}

/* ============================ dtype and device ============================ */

static PyObject *to_impl(PyObject *self, int dtype, bool has_device, oz_device device, bool copy) {
  const oz_tensor *t = ozpy_T(self);
  if (dtype < 0)
    dtype = t->dtype;
  if (!has_device)
    device = t->storage ? t->storage->device : OZ_CPU;
  return ozpy_wrap_same(self, ozpy_to(t, dtype, device, copy));
}

static bool is_device_like(PyObject *o) {
  return ozpy_is_device(o) || PyUnicode_Check(o) || (PyLong_Check(o) && !PyBool_Check(o));
}

/* to(dtype, non_blocking=False, copy=False)
 * to(device=None, dtype=None, non_blocking=False, copy=False)
 * to(other, non_blocking=False, copy=False) */
static PyObject *m_to(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig =
      OZPY_SIG("to", 0, 0, "dtype", "device", "non_blocking", "copy", "memory_format");
  PyObject *a[5];
  if (nargs > 4) {
    PyErr_SetString(PyExc_TypeError, "to() received too many positional arguments");
    return NULL;
  }
  if (ozpy_parse(&sig, args + nargs, 0, kw, a) < 0)
    return NULL;
  int dtype = -1;
  bool has_device = false, copy = false, dummy;
  oz_device device = OZ_CPU;
  PyObject *dtype_obj = a[0], *copy_obj = a[3];
  if (nargs >= 1) {
    PyObject *p0 = args[0];
    bool device_form = false;
    if (ozpy_dtype_like(p0) >= 0) {
      dtype_obj = p0;
    } else if (ozpy_is_tensor(p0)) {
      const oz_tensor *o = ozpy_T(p0);
      dtype = o->dtype;
      device = o->storage ? o->storage->device : OZ_CPU;
      has_device = true;
    } else if (is_device_like(p0)) {
      if (ozpy_device_from_object(p0, &device) < 0)
        return NULL;
      has_device = device_form = true;
    } else if (p0 != Py_None) {
      ozpy_type_error(PyExc_TypeError,
                      "to() received an invalid combination of arguments - got (%U, ...)", p0);
      return NULL;
    } else {
      device_form = true;
    }
    /* after the device: dtype, non_blocking, copy; otherwise: non_blocking, copy */
    int k = 1;
    if (device_form && nargs > k)
      dtype_obj = args[k++];
    if (nargs > k && ozpy_arg_bool("to", "non_blocking", k + 1, args[k], false, &dummy) < 0)
      return NULL;
    k++;
    if (nargs > k)
      copy_obj = args[k];
  }
  if (a[1] && a[1] != Py_None) {
    if (ozpy_arg_device("to", "device", a[1], &device, &has_device) < 0)
      return NULL;
  }
  if (dtype_obj && ozpy_arg_dtype("to", "dtype", dtype_obj, &dtype) < 0)
    return NULL;
  if (ozpy_arg_bool("to", "copy", 0, copy_obj, false, &copy) < 0 ||
      ozpy_arg_bool("to", "non_blocking", 0, a[2], false, &dummy) < 0)
    return NULL;
  return to_impl(self, dtype, has_device, device, copy);
}

static PyObject *m_cpu(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("cpu", 0, 0, "memory_format");
  PyObject *a[1];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  return to_impl(self, -1, true, OZ_CPU, false);
}

static PyObject *m_cuda(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("cuda", 2, 0, "device", "non_blocking", "memory_format");
  PyObject *a[3];
  oz_device d = {OZ_DEVICE_CUDA, 0};
  bool dummy;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_bool("cuda", "non_blocking", 2, a[1], false, &dummy) < 0)
    return NULL;
  if (a[0] && a[0] != Py_None) {
    if (ozpy_device_from_object(a[0], &d) < 0)
      return NULL;
    if (d.type != OZ_DEVICE_CUDA) {
      PyErr_SetString(PyExc_RuntimeError, "Invalid device, must be cuda device");
      return NULL;
    }
  }
  return to_impl(self, -1, true, d, false);
}

static PyObject *m_type_as(PyObject *self, PyObject *other) {
  oz_tensor *o;
  if (ozpy_arg_tensor("type_as", "other", 1, other, &o) < 0)
    return NULL;
  return to_impl(self, o->dtype, false, OZ_CPU, false);
}

#define CAST_METHOD(name, DT)                                                                      \
  static PyObject *m_##name(PyObject *self, PyObject *const *args, Py_ssize_t nargs,               \
                            PyObject *kw) {                                                        \
    static ozpy_sig sig = OZPY_SIG(#name, 0, 0, "memory_format");                                  \
    PyObject *a[1];                                                                                \
    if (ozpy_parse(&sig, args, nargs, kw, a) < 0)                                                  \
      return NULL;                                                                                 \
    return to_impl(self, DT, false, OZ_CPU, false); /* records ToCopyBackward0 */                  \
  }
CAST_METHOD(float, OZ_FLOAT32)
CAST_METHOD(double, OZ_FLOAT64)
CAST_METHOD(half, OZ_FLOAT16)
CAST_METHOD(bfloat16, OZ_BFLOAT16)
CAST_METHOD(long, OZ_INT64)
CAST_METHOD(int, OZ_INT32)
CAST_METHOD(short, OZ_INT16)
CAST_METHOD(char, OZ_INT8)
CAST_METHOD(byte, OZ_UINT8)
CAST_METHOD(bool, OZ_BOOL)

/* ================================ tables ================================ */

#define KW(fn) OZPY_FASTCALL_KW(fn), OZPY_FLAGS
#define PAIR(py, c)                                                                                \
  {py, KW(m_##c), NULL}, { py "_", KW(m_##c##_), NULL }

PyMethodDef ozpy_tensor_methods_ops[] = {
    PAIR("add", add),
    PAIR("sub", sub),
    PAIR("subtract", sub),
    PAIR("mul", mul),
    PAIR("multiply", mul),
    PAIR("div", div),
    PAIR("divide", div),
    PAIR("true_divide", div),
    PAIR("eq", eq),
    PAIR("ne", ne),
    PAIR("not_equal", ne),
    PAIR("lt", lt),
    PAIR("less", lt),
    PAIR("le", le),
    PAIR("less_equal", le),
    PAIR("gt", gt),
    PAIR("greater", gt),
    PAIR("ge", ge),
    PAIR("greater_equal", ge),
    {"matmul", KW(m_matmul), "matmul(other)"},
    {"neg", m_neg, METH_NOARGS, NULL},
    {"neg_", m_neg_, METH_NOARGS, NULL},
    {"negative", m_neg, METH_NOARGS, NULL},
    {"negative_", m_neg_, METH_NOARGS, NULL},
    {"sum", KW(m_sum), "sum(dim=None, keepdim=False, *, dtype=None)"},
    {"clone", KW(m_clone), NULL},
    {"contiguous", KW(m_contiguous), NULL},
    {"copy_", KW(m_copy_), "copy_(src, non_blocking=False)"},
    {"fill_", KW(m_fill_), "fill_(value)"},
    {"zero_", m_zero_, METH_NOARGS, NULL},
    {"to", KW(m_to), "to(dtype) / to(device, dtype=None) / to(other); copy=False"},
    {"cpu", KW(m_cpu), NULL},
    {"cuda", KW(m_cuda), NULL},
    {"type_as", m_type_as, METH_O, NULL},
    {"float", KW(m_float), NULL},
    {"double", KW(m_double), NULL},
    {"half", KW(m_half), NULL},
    {"bfloat16", KW(m_bfloat16), NULL},
    {"long", KW(m_long), NULL},
    {"int", KW(m_int), NULL},
    {"short", KW(m_short), NULL},
    {"char", KW(m_char), NULL},
    {"byte", KW(m_byte), NULL},
    {"bool", KW(m_bool), NULL},
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_ops[] = {
    {"add", KW(f_add), "add(input, other, *, alpha=1, out=None)"},
    {"sub", KW(f_sub), "sub(input, other, *, alpha=1, out=None)"},
    {"subtract", KW(f_sub), "subtract(input, other, *, alpha=1, out=None)"},
    {"rsub", KW(f_rsub), "rsub(input, other, *, alpha=1): other - alpha * input"},
    {"mul", KW(f_mul), "mul(input, other, *, out=None)"},
    {"multiply", KW(f_mul), "multiply(input, other, *, out=None)"},
    {"div", KW(f_div), "div(input, other, *, rounding_mode=None, out=None)"},
    {"divide", KW(f_div), "divide(input, other, *, rounding_mode=None, out=None)"},
    {"true_divide", KW(f_div), "true_divide(input, other, *, out=None)"},
    {"matmul", KW(f_matmul), "matmul(input, other, *, out=None)"},
    {"eq", KW(f_eq), NULL},
    {"ne", KW(f_ne), NULL},
    {"not_equal", KW(f_ne), NULL},
    {"lt", KW(f_lt), NULL},
    {"less", KW(f_lt), NULL},
    {"le", KW(f_le), NULL},
    {"less_equal", KW(f_le), NULL},
    {"gt", KW(f_gt), NULL},
    {"greater", KW(f_gt), NULL},
    {"ge", KW(f_ge), NULL},
    {"greater_equal", KW(f_ge), NULL},
    {"neg", KW(f_neg), "neg(input, *, out=None)"},
    {"negative", KW(f_neg), "negative(input, *, out=None)"},
    {"sum", KW(f_sum), "sum(input, dim=None, keepdim=False, *, dtype=None, out=None)"},
    {"clone", KW(f_clone), "clone(input)"},
    {NULL, NULL, 0, NULL},
};
