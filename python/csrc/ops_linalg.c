/* ops_linalg.c - Python bindings of linear algebra: mm, bmm, mv, dot, vdot, outer/ger, inner,
 * addmm, addmv, addbmm, baddbmm (function, method, in-place method), einsum, tensordot, trace;
 * plus the Tensor metadata and casting helpers of ops_linalg_meta.c (the family's one table
 * pair).
 * Each binding parses its arguments with PyTorch's names and calls one core function. */
#include "python/csrc/ozpy.h"

#include "core/oz_ops_linalg.h"
#include "python/csrc/ops_linalg_meta.h"

#define KW(fn) OZPY_FASTCALL_KW(fn), OZPY_FLAGS

static PyObject *wrap_result(oz_tensor *r, PyObject *out_obj, oz_tensor *out) {
  return out ? ozpy_wrap_same(out_obj, r) : ozpy_wrap(r);
}

/* ======================= products of two tensors ======================= */

typedef oz_tensor *(*product_fn)(const oz_tensor *, const oz_tensor *, oz_tensor *);

typedef struct product_binding {
  ozpy_sig fsig; /* (input, other, *, out) */
  ozpy_sig msig; /* (other) */
  product_fn fn;
} product_binding;

static PyObject *product_call(product_binding *b, PyObject *self, PyObject *const *args,
                              Py_ssize_t nargs, PyObject *kw) {
  PyObject *a[3];
  oz_tensor *x, *y, *out = NULL;
  ozpy_sig *sig = self ? &b->msig : &b->fsig;
  if (ozpy_parse(sig, args, nargs, kw, a) < 0) return NULL;
  const char *fname = sig->fname;
  if (self) {
    x = ozpy_T(self);
    if (ozpy_arg_tensor(fname, sig->names[0], 1, a[0], &y) < 0) return NULL;
  } else if (ozpy_arg_tensor(fname, "input", 1, a[0], &x) < 0 ||
             ozpy_arg_tensor(fname, sig->names[1], 2, a[1], &y) < 0 ||
             ozpy_arg_out(fname, a[2], &out) < 0) {
    return NULL;
  }
  return wrap_result(b->fn(x, y, out), self ? NULL : a[2], out);
}

/* X(cname, second argument's name, core function) */
#define LINALG_PRODUCTS(X)        \
  X(mm, "mat2", oz_mm)            \
  X(bmm, "mat2", oz_bmm)          \
  X(mv, "vec", oz_mv)             \
  X(dot, "tensor", oz_dot)        \
  X(vdot, "other", oz_vdot)       \
  X(outer, "vec2", oz_outer)      \
  X(ger, "vec2", oz_outer)        \
  X(inner, "other", oz_inner)

#define DEFINE_PRODUCT(cname, arg, fn)                                                            \
  static product_binding pb_##cname = {OZPY_SIG(#cname, 2, 2, "input", arg, "out"),               \
                                       OZPY_SIG(#cname, 1, 1, arg), fn};                           \
  static PyObject *f_##cname(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {    \
    (void)m;                                                                                      \
    return product_call(&pb_##cname, NULL, args, n, kw);                                          \
  }                                                                                               \
  static PyObject *m_##cname(PyObject *self, PyObject *const *args, Py_ssize_t n, PyObject *kw) { \
    return product_call(&pb_##cname, self, args, n, kw);                                          \
  }
LINALG_PRODUCTS(DEFINE_PRODUCT)

/* ================== products with an addend (beta, alpha) ================== */

typedef oz_tensor *(*addmm_fn)(const oz_tensor *, const oz_tensor *, const oz_tensor *, oz_scalar,
                               oz_scalar, oz_tensor *);

typedef struct addmm_binding {
  ozpy_sig fsig; /* (input, x, y, *, beta, alpha, out) */
  ozpy_sig msig; /* (x, y, *, beta, alpha), for the method and the in-place method */
  ozpy_sig isig;
  addmm_fn fn;
} addmm_binding;

static PyObject *addmm_call(addmm_binding *b, PyObject *self, bool inplace, PyObject *const *args,
                            Py_ssize_t nargs, PyObject *kw) {
  PyObject *a[6];
  ozpy_sig *sig = inplace ? &b->isig : self ? &b->msig : &b->fsig;
  if (ozpy_parse(sig, args, nargs, kw, a) < 0) return NULL;
  const char *fname = sig->fname;
  const int o = self ? 0 : 1; /* a[o], a[o + 1]: the two operands; then beta, alpha, out */
  oz_tensor *input = self ? ozpy_T(self) : NULL, *x, *y, *out = NULL;
  ozpy_number beta = {{1.0, 1}, OZ_INT64}, alpha = beta;
  if ((!self && ozpy_arg_tensor(fname, "input", 1, a[0], &input) < 0) ||
      ozpy_arg_tensor(fname, sig->names[o], o + 1, a[o], &x) < 0 ||
      ozpy_arg_tensor(fname, sig->names[o + 1], o + 2, a[o + 1], &y) < 0 ||
      (a[o + 2] && ozpy_arg_number(fname, "beta", 0, a[o + 2], &beta) < 0) ||
      (a[o + 3] && ozpy_arg_number(fname, "alpha", 0, a[o + 3], &alpha) < 0) ||
      (!self && ozpy_arg_out(fname, a[5], &out) < 0))
    return NULL;
  if (inplace) return ozpy_wrap_same(self, b->fn(input, x, y, beta.s, alpha.s, input));
  return wrap_result(b->fn(input, x, y, beta.s, alpha.s, out), self ? NULL : a[5], out);
}

/* X(cname, operand names, core function) */
#define LINALG_ADDMM_OPS(X)                  \
  X(addmm, "mat1", "mat2", oz_addmm)         \
  X(addmv, "mat", "vec", oz_addmv)           \
  X(addbmm, "batch1", "batch2", oz_addbmm)   \
  X(baddbmm, "batch1", "batch2", oz_baddbmm)

#define DEFINE_ADDMM(cname, x, y, fn)                                                              \
  static addmm_binding ab_##cname = {                                                              \
      OZPY_SIG(#cname, 3, 3, "input", x, y, "beta", "alpha", "out"),                               \
      OZPY_SIG(#cname, 2, 2, x, y, "beta", "alpha"), OZPY_SIG(#cname "_", 2, 2, x, y, "beta",      \
                                                              "alpha"),                            \
      fn};                                                                                         \
  static PyObject *f_##cname(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {     \
    (void)m;                                                                                       \
    return addmm_call(&ab_##cname, NULL, false, args, n, kw);                                      \
  }                                                                                                \
  static PyObject *m_##cname(PyObject *self, PyObject *const *args, Py_ssize_t n, PyObject *kw) {  \
    return addmm_call(&ab_##cname, self, false, args, n, kw);                                      \
  }                                                                                                \
  static PyObject *m_##cname##_(PyObject *self, PyObject *const *args, Py_ssize_t n,               \
                                PyObject *kw) {                                                    \
    return addmm_call(&ab_##cname, self, true, args, n, kw);                                       \
  }
LINALG_ADDMM_OPS(DEFINE_ADDMM)

/* ================================ einsum ================================ */

static const char einsum_arity_msg[] =
    "einsum(): must specify the equation string and at least one operand, or at least one operand "
    "and its subscripts list";

/* Appends sublist's subscripts (ints in [0, 52) or Ellipsis) to `eq` as letters. */
static int append_sublist(PyObject *eq_parts, PyObject *sublist) {
  const Py_ssize_t n = PySequence_Check(sublist) ? PySequence_Size(sublist) : -1;
  if (n < 0) {
    if (!PyErr_Occurred())
      ozpy_type_error(PyExc_TypeError, "einsum(): a subscripts list must be a sequence, not %U",
                      sublist);
    return -1;
  }
  int rc = 0;
  for (Py_ssize_t k = 0; rc == 0 && k < n; k++) {
    PyObject *item = PySequence_GetItem(sublist, k), *s = NULL;
    if (!item) return -1;
    if (item == Py_Ellipsis) {
      s = PyUnicode_FromString("...");
    } else if (!PyLong_Check(item)) {
      ozpy_type_error(PyExc_TypeError, "einsum(): subscripts must be ints or Ellipsis, not %U",
                      item);
    } else {
      long v = PyLong_AsLong(item);
      if (!PyErr_Occurred() && v >= 0 && v < 52) {
        char c = (char)(v < 26 ? 'A' + v : 'a' + v - 26);
        s = PyUnicode_FromStringAndSize(&c, 1);
      } else {
        PyErr_Clear();
        PyErr_SetString(PyExc_ValueError, "einsum(): subscript in subscript list is not within "
                                          "the valid range [0, 52)");
      }
    }
    Py_DECREF(item);
    rc = s ? PyList_Append(eq_parts, s) : -1;
    Py_XDECREF(s);
  }
  return rc;
}

/* einsum(op1, sub1, op2, sub2, ..., [sub_out]): the equation string and the operands. */
static int sublist_format(PyObject *const *args, Py_ssize_t nargs, PyObject **equation,
                          PyObject **operands) {
  PyObject *parts = PyList_New(0), *ops = PyList_New(0), *comma = NULL, *arrow = NULL;
  int rc = parts && ops ? 0 : -1;
  const Py_ssize_t n_in = nargs / 2;
  for (Py_ssize_t i = 0; rc == 0 && i < n_in; i++) {
    if (i > 0) {
      comma = comma ? comma : PyUnicode_FromString(",");
      rc = comma ? PyList_Append(parts, comma) : -1;
    }
    if (rc == 0) rc = PyList_Append(ops, args[2 * i]);
    if (rc == 0) rc = append_sublist(parts, args[2 * i + 1]);
  }
  if (rc == 0 && nargs % 2 == 1) {
    arrow = PyUnicode_FromString("->");
    rc = arrow ? PyList_Append(parts, arrow) : -1;
    if (rc == 0) rc = append_sublist(parts, args[nargs - 1]);
  }
  PyObject *empty = rc == 0 ? PyUnicode_FromString("") : NULL;
  *equation = empty ? PyUnicode_Join(empty, parts) : NULL;
  Py_XDECREF(empty), Py_XDECREF(parts), Py_XDECREF(comma), Py_XDECREF(arrow);
  if (!*equation) {
    Py_XDECREF(ops);
    return -1;
  }
  *operands = ops;
  return 0;
}

static PyObject *f_einsum(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  if (kw && PyTuple_Size(kw) > 0) {
    PyErr_Format(PyExc_TypeError, "einsum() got an unexpected keyword argument '%U'",
                 PyTuple_GetItem(kw, 0));
    return NULL;
  }
  if (nargs < 2) {
    PyErr_SetString(PyExc_ValueError, einsum_arity_msg);
    return NULL;
  }
  PyObject *equation = NULL, *operands = NULL, *result = NULL;
  if (ozpy_is_tensor(args[0])) {
    if (sublist_format(args, nargs, &equation, &operands) < 0) return NULL;
  } else if (!PyUnicode_Check(args[0])) {
    ozpy_type_error(PyExc_TypeError,
                    "einsum(): argument 'equation' (position 1) must be str, not %U", args[0]);
    return NULL;
  } else {
    equation = Py_NewRef(args[0]);
    /* einsum(eq, [a, b]) is the older form of einsum(eq, a, b) */
    bool one_list = nargs == 2 && (PyList_Check(args[1]) || PyTuple_Check(args[1]));
    operands = one_list ? PySequence_List(args[1]) : PyList_New(0);
    for (Py_ssize_t i = 1; operands && !one_list && i < nargs; i++)
      if (PyList_Append(operands, args[i]) < 0) Py_CLEAR(operands);
    if (!operands) goto done;
  }
  const Py_ssize_t n = PyList_Size(operands);
  const char *eq = PyUnicode_AsUTF8AndSize(equation, NULL);
  const oz_tensor **ts = eq ? PyMem_Calloc((size_t)(n ? n : 1), sizeof *ts) : NULL;
  if (!ts) {
    if (eq) PyErr_NoMemory();
    goto done;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject *o = PyList_GetItem(operands, i);
    if (!ozpy_is_tensor(o)) {
      PyObject *name = ozpy_type_name(o);
      if (name)
        PyErr_Format(PyExc_TypeError, "expected Tensor as element %zd in argument 1, but got %U",
                     i, name);
      Py_XDECREF(name);
      PyMem_Free(ts);
      goto done;
    }
    ts[i] = ozpy_T(o);
  }
  result = ozpy_wrap(oz_einsum(eq, (int)n, ts));
  PyMem_Free(ts);
done:
  Py_XDECREF(equation), Py_XDECREF(operands);
  return result;
}

/* =============================== tensordot =============================== */

static const char tensordot_dims_msg[] =
    "tensordot expects dims to be int or Tuple[List[int], List[int]] or List[List[int]] "
    "containing two lists, but got dims=%S";

/* One of the two dim lists of dims=(dims_a, dims_b): a sequence of ints (not a bare int). */
static int dims_list(PyObject *o, const char *arg, int pos, int64_t *vals, int *n) {
  if (PyLong_Check(o) || ozpy_is_tensor(o) || !PySequence_Check(o) || PyUnicode_Check(o)) {
    PyObject *name = ozpy_type_name(o);
    if (name)
      PyErr_Format(PyExc_TypeError, "tensordot(): argument '%s' (position %d) must be tuple of "
                   "ints, not %U", arg, pos, name);
    Py_XDECREF(name);
    return -1;
  }
  return ozpy_arg_int_list("tensordot", arg, pos, o, vals, n);
}

/* dims=k: the last k dims of a with the first k of b, as torch.functional.tensordot does. */
static int dims_count(PyObject *dims, int64_t k, int64_t *da, int64_t *db, int *n) {
  if (k < 0) {
    PyErr_Format(PyExc_RuntimeError, "tensordot expects dims >= 0, but got dims=%S", dims);
    return -1;
  }
  if (k > OZPY_MAX_LIST) {
    PyErr_Format(PyExc_IndexError, "tensordot: dims=%lld is more than any tensor has", (long long)k);
    return -1;
  }
  for (int64_t i = 0; i < k; i++) da[i] = i - k, db[i] = i;
  *n = (int)k;
  return 0;
}

static int parse_dims(PyObject *dims, int64_t *da, int64_t *db, int *n) {
  if (!dims) return dims_count(NULL, 2, da, db, n);
  if (PyLong_Check(dims)) {
    int overflow;
    long long k = PyLong_AsLongLongAndOverflow(dims, &overflow);
    if (k == -1 && PyErr_Occurred()) return -1;
    return dims_count(dims, overflow ? -1 : k, da, db, n);
  }
  if (ozpy_is_tensor(dims)) {
    oz_tensor *t = ozpy_T(dims);
    if (oz_numel(t) <= 1) {
      ozpy_number v;
      if (ozpy_item_number(t, &v) < 0) return -1;
      return dims_count(dims, v.s.i, da, db, n);
    }
    PyObject *lists = ozpy_tolist(t); /* [[dims of a], [dims of b]] */
    if (!lists) return -1;
    int rc = PyList_Size(lists) == 2 ? 0 : -1;
    if (rc < 0) PyErr_SetString(PyExc_RuntimeError, "tensordot: a dims tensor must have 2 rows");
    int na = 0, nb = 0;
    if (rc == 0)
      rc = dims_list(PyList_GetItem(lists, 0), "dims_self", 3, da, &na) < 0 ||
                   dims_list(PyList_GetItem(lists, 1), "dims_other", 4, db, &nb) < 0
               ? -1
               : 0;
    Py_DECREF(lists);
    *n = na;
    return rc;
  }
  if (!PyTuple_Check(dims) && !PyList_Check(dims)) {
    PyErr_Format(PyExc_RuntimeError, tensordot_dims_msg, dims);
    return -1;
  }
  const Py_ssize_t len = PySequence_Size(dims);
  if (len != 2) { /* Python's own words for `dims_a, dims_b = dims` */
    if (len < 2)
      PyErr_Format(PyExc_ValueError, "not enough values to unpack (expected 2, got %zd)", len);
    else
      PyErr_SetString(PyExc_ValueError, "too many values to unpack (expected 2)");
    return -1;
  }
  PyObject *a = PySequence_GetItem(dims, 0), *b = a ? PySequence_GetItem(dims, 1) : NULL;
  int na = 0, nb = 0;
  int rc = b && dims_list(a, "dims_self", 3, da, &na) == 0 &&
                   dims_list(b, "dims_other", 4, db, &nb) == 0
               ? 0
               : -1;
  Py_XDECREF(a), Py_XDECREF(b);
  if (rc == 0 && na != nb) {
    PyErr_SetString(PyExc_RuntimeError, "both dimension lists should have same length");
    rc = -1;
  }
  *n = na;
  return rc;
}

static PyObject *f_tensordot(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("tensordot", 4, 2, "a", "b", "dims", "out");
  PyObject *a[4];
  oz_tensor *x, *y, *out = NULL;
  int64_t da[OZPY_MAX_LIST], db[OZPY_MAX_LIST];
  int n = 0;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("tensordot", "self", 1, a[0], &x) < 0 ||
      ozpy_arg_tensor("tensordot", "other", 2, a[1], &y) < 0 ||
      ozpy_arg_out("tensordot", a[3], &out) < 0 || parse_dims(a[2], da, db, &n) < 0)
    return NULL;
  return wrap_result(oz_tensordot(x, y, n, da, db, out), a[3], out);
}

/* ================================= trace ================================= */

static PyObject *f_trace(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("trace", 1, 1, "input");
  PyObject *a[1];
  oz_tensor *x;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 || ozpy_arg_tensor("trace", "input", 1, a[0], &x) < 0)
    return NULL;
  return ozpy_wrap(oz_trace(x));
}

static PyObject *m_trace(PyObject *self, PyObject *unused) {
  (void)unused;
  return ozpy_wrap(oz_trace(ozpy_T(self)));
}

/* ================================ tables ================================ */

#define PRODUCT_METHOD(cname, arg, fn) {#cname, KW(m_##cname), #cname "(" arg ")"},
#define PRODUCT_FUNCTION(cname, arg, fn) \
  {#cname, KW(f_##cname), #cname "(input, " arg ", *, out=None)"},
#define ADDMM_METHODS(cname, x, y, fn)                                              \
  {#cname, KW(m_##cname), #cname "(" x ", " y ", *, beta=1, alpha=1)"},             \
      {#cname "_", KW(m_##cname##_), #cname "_(" x ", " y ", *, beta=1, alpha=1)"},
#define ADDMM_FUNCTION(cname, x, y, fn) \
  {#cname, KW(f_##cname), #cname "(input, " x ", " y ", *, beta=1, alpha=1, out=None)"},

PyMethodDef ozpy_tensor_methods_linalg[] = {
    LINALG_PRODUCTS(PRODUCT_METHOD) LINALG_ADDMM_OPS(ADDMM_METHODS) OZPY_LINALG_META_METHODS
    {"trace", m_trace, METH_NOARGS, "trace(): the sum of the diagonal"},
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_linalg[] = {
    LINALG_PRODUCTS(PRODUCT_FUNCTION) LINALG_ADDMM_OPS(ADDMM_FUNCTION)
    {"einsum", KW(f_einsum), "einsum(equation, *operands)"},
    {"tensordot", KW(f_tensordot), "tensordot(a, b, dims=2, out=None)"},
    {"trace", KW(f_trace), "trace(input): the sum of the diagonal"},
    OZPY_LINALG_META_FUNCTIONS
    {NULL, NULL, 0, NULL},
};
