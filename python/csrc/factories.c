/* factories.c - tensor(), as_tensor(), zeros/ones/empty/full (and their *_like forms),
 * arange() and from_numpy(). */
#include "python/csrc/ozpy.h"

#define KW(fn) OZPY_FASTCALL_KW(fn), OZPY_FLAGS

/* ---- tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) ---- */

static PyObject *f_tensor(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  bool rg = false; /* requires_grad= */
  (void)m;
  static ozpy_sig sig =
      OZPY_SIG("tensor", 1, 1, "data", "dtype", "device", "requires_grad", "pin_memory");
  PyObject *a[5];
  int dtype;
  oz_device dev;
  bool given, pin;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_dtype("tensor", "dtype", a[1], &dtype) < 0 ||
      ozpy_arg_device("tensor", "device", a[2], &dev, &given) < 0 ||
      ozpy_arg_requires_grad("tensor", a[3], &rg) < 0 ||
      ozpy_arg_bool("tensor", "pin_memory", 0, a[4], false, &pin) < 0)
    return NULL;
  oz_tensor *t = ozpy_tensor_from_data(a[0], dtype, dev, true);
  return t ? ozpy_wrap(ozpy_apply_requires_grad(t, rg)) : NULL;
}

/* as_tensor(data, dtype=None, device=None): shares data when it already is a tensor (or numpy
 * array) of that dtype and device. */
static PyObject *f_as_tensor(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("as_tensor", 3, 1, "data", "dtype", "device");
  PyObject *a[3];
  int dtype;
  oz_device dev;
  bool given;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_dtype("as_tensor", "dtype", a[1], &dtype) < 0 ||
      ozpy_arg_device("as_tensor", "device", a[2], &dev, &given) < 0)
    return NULL;
  PyObject *data = a[0];
  if (ozpy_is_tensor(data)) {
    const oz_tensor *t = ozpy_T(data);
    if (!given)
      dev = t->storage ? t->storage->device : OZ_CPU;
    return ozpy_wrap_same(data, ozpy_to(t, dtype < 0 ? t->dtype : dtype, dev, false));
  }
  PyObject *nd = ozpy_numpy_ndarray_type();
  if (nd && PyObject_IsInstance(data, nd) == 1) {
    oz_tensor *shared = ozpy_from_numpy(data);
    if (!shared) { /* e.g. negative strides: fall back to a copy */
      PyErr_Clear();
    } else {
      oz_tensor *r = ozpy_to(shared, dtype < 0 ? shared->dtype : dtype, dev, false);
      oz_tensor_decref(shared);
      return ozpy_wrap(r);
    }
  }
  oz_tensor *t = ozpy_tensor_from_data(data, dtype, dev, false);
  return t ? ozpy_wrap(t) : NULL;
}

/* ---- zeros/ones/empty(*size, *, out=None, dtype=None, device=None, requires_grad=False) ---- */

enum { FILL_ZEROS, FILL_ONES, FILL_NONE };

/* zeros/ones/empty(size, out=t): t resized to size (its dtype must be the one asked for) and
 * filled; returns t itself. */
static PyObject *sized_into_out(PyObject *out_obj, oz_tensor *out, int ndim, const int64_t *shape,
                                int dtype, int fill) {
  if (dtype >= 0 && dtype != out->dtype) {
    PyErr_Format(PyExc_RuntimeError, "dtype %s does not match dtype of out parameter (%s)",
                 oz_dtype_scalar_type_name(dtype), oz_dtype_scalar_type_name(out->dtype));
    return NULL;
  }
  if (oz_check_inplace(out) != OZ_OK || oz_resize_(out, ndim, shape) != OZ_OK)
    return ozpy_raise();
  if (fill != FILL_NONE) {
    oz_scalar v = fill == FILL_ONES ? (oz_scalar){1.0, 1} : (oz_scalar){0.0, 0};
    if (oz_fill_(out, v) != OZ_OK)
      return ozpy_raise();
  }
  oz_bump_version(out);
  return Py_NewRef(out_obj);
}

static PyObject *sized_factory(ozpy_sig *sig, int fill, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kw) {
  bool rg = false; /* requires_grad= */
  PyObject *a[OZPY_MAX_ARGS];
  int64_t shape[OZPY_MAX_LIST];
  int ndim, dtype;
  bool given, dev_given, pin;
  oz_device dev;
  oz_tensor *out;
  const char *fname = sig->fname;
  if (ozpy_parse_varargs_ints(sig, args, nargs, kw, a, shape, &ndim, &given) < 0)
    return NULL;
  if (!given) {
    PyErr_Format(PyExc_TypeError, "%s() missing required argument 'size' (position 1)", fname);
    return NULL;
  }
  if (ozpy_arg_out(fname, a[1], &out) < 0 || ozpy_arg_dtype(fname, "dtype", a[2], &dtype) < 0 ||
      ozpy_arg_device(fname, "device", a[3], &dev, &dev_given) < 0 ||
      ozpy_arg_requires_grad(fname, a[4], &rg) < 0 ||
      ozpy_arg_bool(fname, "pin_memory", 0, a[5], false, &pin) < 0)
    return NULL;
  if (a[6] && a[6] != Py_None) { /* layout: only the strided layout exists here */
    PyErr_Format(PyExc_NotImplementedError, "%s(): only the strided layout is supported", fname);
    return NULL;
  }
  if (out) /* resized to `size` and filled in place, as torch */
    return sized_into_out(a[1], out, ndim, shape, dtype, fill);
  if (dtype < 0)
    dtype = oz_default_dtype();
  if (fill == FILL_NONE)
    return ozpy_wrap(ozpy_apply_requires_grad(oz_empty(ndim, shape, dtype, dev), rg));
  oz_scalar v = fill == FILL_ONES ? (oz_scalar){1.0, 1} : (oz_scalar){0.0, 0};
  return ozpy_wrap(ozpy_apply_requires_grad(oz_full(ndim, shape, v, dtype, dev), rg));
}

#define SIZED_SIG(name)                                                                            \
  OZPY_SIG(name, 0, 0, "size", "out", "dtype", "device", "requires_grad", "pin_memory", "layout",  \
           "memory_format")

static PyObject *f_zeros(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = SIZED_SIG("zeros");
  return sized_factory(&sig, FILL_ZEROS, args, n, kw);
}
static PyObject *f_ones(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = SIZED_SIG("ones");
  return sized_factory(&sig, FILL_ONES, args, n, kw);
}
static PyObject *f_empty(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = SIZED_SIG("empty");
  return sized_factory(&sig, FILL_NONE, args, n, kw);
}

/* The dtype full() infers from its fill value: bool, int64, or the default float. */
static int dtype_of_number(const ozpy_number *v) {
  return v->dtype == OZ_FLOAT64 ? oz_default_dtype() : v->dtype;
}

/* ---- full(size, fill_value, *, dtype=None, device=None, requires_grad=False) ---- */

static PyObject *f_full(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  bool rg = false; /* requires_grad= */
  (void)m;
  static ozpy_sig sig = OZPY_SIG("full", 2, 2, "size", "fill_value", "out", "dtype", "device",
                                 "requires_grad", "pin_memory", "layout");
  PyObject *a[8];
  int64_t shape[OZPY_MAX_LIST];
  int ndim, dtype;
  ozpy_number v;
  oz_device dev;
  bool given, pin;
  oz_tensor *out;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  if (PyLong_Check(a[0]) || !PySequence_Check(a[0])) { /* PyTorch wants a sequence here */
    ozpy_type_error(PyExc_TypeError,
                    "full(): argument 'size' (position 1) must be tuple of ints, not %U", a[0]);
    return NULL;
  }
  if (ozpy_arg_int_list("full", "size", 1, a[0], shape, &ndim) < 0 ||
      ozpy_arg_number("full", "fill_value", 2, a[1], &v) < 0 ||
      ozpy_arg_out("full", a[2], &out) < 0 || ozpy_arg_dtype("full", "dtype", a[3], &dtype) < 0 ||
      ozpy_arg_device("full", "device", a[4], &dev, &given) < 0 ||
      ozpy_arg_requires_grad("full", a[5], &rg) < 0 ||
      ozpy_arg_bool("full", "pin_memory", 0, a[6], false, &pin) < 0)
    return NULL;
  if (out) {
    PyErr_SetString(PyExc_NotImplementedError, "full(): out= is not supported yet");
    return NULL;
  }
  if (dtype < 0)
    dtype = dtype_of_number(&v);
  return ozpy_wrap(ozpy_apply_requires_grad(oz_full(ndim, shape, v.s, dtype, dev), rg));
}

/* ---- zeros_like/ones_like/empty_like(input, *, dtype, device, requires_grad), full_like ---- */

static PyObject *like_factory(const char *fname, int fill, PyObject *input, const ozpy_number *v,
                              PyObject *dtype_obj, PyObject *device_obj, PyObject *rg_obj) {
  bool rg = false; /* requires_grad= */
  oz_tensor *t;
  int dtype;
  oz_device dev;
  bool given;
  if (ozpy_arg_tensor(fname, "input", 1, input, &t) < 0 ||
      ozpy_arg_dtype(fname, "dtype", dtype_obj, &dtype) < 0 ||
      ozpy_arg_device(fname, "device", device_obj, &dev, &given) < 0 ||
      ozpy_arg_requires_grad(fname, rg_obj, &rg) < 0)
    return NULL;
  if (dtype < 0)
    dtype = t->dtype;
  if (!given)
    dev = t->storage ? t->storage->device : OZ_CPU;
  if (fill == FILL_NONE)
    return ozpy_wrap(ozpy_apply_requires_grad(oz_empty(t->ndim, t->shape, dtype, dev), rg));
  oz_scalar s = v ? v->s : fill == FILL_ONES ? (oz_scalar){1.0, 1} : (oz_scalar){0.0, 0};
  return ozpy_wrap(ozpy_apply_requires_grad(oz_full(t->ndim, t->shape, s, dtype, dev), rg));
}

#define LIKE_SIG(name)                                                                             \
  OZPY_SIG(name, 1, 1, "input", "dtype", "device", "requires_grad", "layout", "pin_memory",        \
           "memory_format")

#define LIKE_FUNCTION(cname, FILL)                                                                 \
  static PyObject *f_##cname(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {     \
    (void)m;                                                                                       \
    static ozpy_sig sig = LIKE_SIG(#cname);                                                        \
    PyObject *a[7];                                                                                \
    if (ozpy_parse(&sig, args, n, kw, a) < 0)                                                      \
      return NULL;                                                                                 \
    return like_factory(#cname, FILL, a[0], NULL, a[1], a[2], a[3]);                               \
  }
LIKE_FUNCTION(zeros_like, FILL_ZEROS)
LIKE_FUNCTION(ones_like, FILL_ONES)
LIKE_FUNCTION(empty_like, FILL_NONE)

static PyObject *f_full_like(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("full_like", 2, 2, "input", "fill_value", "dtype", "device",
                                 "requires_grad", "layout", "pin_memory", "memory_format");
  PyObject *a[8];
  ozpy_number v;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_number("full_like", "fill_value", 2, a[1], &v) < 0)
    return NULL;
  return like_factory("full_like", FILL_ZEROS, a[0], &v, a[2], a[3], a[4]);
}

/* ---- arange(end) / arange(start, end, step=1, *, dtype=None, device=None) ---- */

static PyObject *f_arange(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  bool rg = false; /* requires_grad= */
  (void)m;
  static ozpy_sig sig = OZPY_SIG("arange", 3, 0, "start", "end", "step", "out", "dtype", "device",
                                 "requires_grad", "layout", "pin_memory");
  PyObject *a[9];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  /* arange(end): the single positional is the end */
  bool end_only = nargs == 1 && !a[1];
  if (end_only) {
    a[1] = a[0];
    a[0] = NULL;
  }
  if (!a[1]) {
    PyErr_SetString(PyExc_TypeError, "arange() missing required argument 'end'");
    return NULL;
  }
  ozpy_number v[3];
  const char *names[3] = {"start", "end", "step"};
  bool all_int = true;
  for (int k = 0; k < 3; k++) {
    if (!a[k]) {
      v[k].s = (oz_scalar){k == 2 ? 1.0 : 0.0, k == 2 ? 1 : 0};
      v[k].dtype = OZ_INT64;
    } else if (ozpy_arg_number("arange", names[k], end_only ? 1 : k + 1, a[k], &v[k]) < 0) {
      return NULL;
    }
    if (v[k].dtype == OZ_FLOAT64)
      all_int = false;
  }
  int dtype;
  oz_device dev;
  bool given, pin;
  oz_tensor *out;
  if (ozpy_arg_out("arange", a[3], &out) < 0 ||
      ozpy_arg_dtype("arange", "dtype", a[4], &dtype) < 0 ||
      ozpy_arg_device("arange", "device", a[5], &dev, &given) < 0 ||
      ozpy_arg_requires_grad("arange", a[6], &rg) < 0 ||
      ozpy_arg_bool("arange", "pin_memory", 0, a[8], false, &pin) < 0)
    return NULL;
  if (out) {
    PyErr_SetString(PyExc_NotImplementedError, "arange(): out= is not supported yet");
    return NULL;
  }
  double f[3];
  for (int k = 0; k < 3; k++)
    f[k] = v[k].dtype == OZ_FLOAT64 ? v[k].s.f : (double)v[k].s.i;
  return ozpy_wrap(ozpy_apply_requires_grad(oz_arange(f[0], f[1], f[2], all_int, dtype, dev), rg));
}

/* ---- from_numpy(ndarray): shares memory ---- */

static PyObject *f_from_numpy(PyObject *m, PyObject *array) {
  (void)m;
  oz_tensor *t = ozpy_from_numpy(array);
  return t ? ozpy_wrap(t) : NULL;
}

PyMethodDef ozpy_functions_factories[] = {
    {"tensor", KW(f_tensor), "tensor(data, *, dtype=None, device=None, requires_grad=False)"},
    {"as_tensor", KW(f_as_tensor), "as_tensor(data, dtype=None, device=None)"},
    {"zeros", KW(f_zeros), "zeros(*size, *, dtype=None, device=None, requires_grad=False)"},
    {"ones", KW(f_ones), "ones(*size, *, dtype=None, device=None, requires_grad=False)"},
    {"empty", KW(f_empty), "empty(*size, *, dtype=None, device=None, requires_grad=False)"},
    {"full", KW(f_full), "full(size, fill_value, *, dtype=None, device=None)"},
    {"zeros_like", KW(f_zeros_like), "zeros_like(input, *, dtype=None, device=None)"},
    {"ones_like", KW(f_ones_like), "ones_like(input, *, dtype=None, device=None)"},
    {"empty_like", KW(f_empty_like), "empty_like(input, *, dtype=None, device=None)"},
    {"full_like", KW(f_full_like), "full_like(input, fill_value, *, dtype=None, device=None)"},
    {"arange", KW(f_arange), "arange(end) / arange(start, end, step=1, *, dtype=None)"},
    {"from_numpy", f_from_numpy, METH_O, "from_numpy(ndarray): a tensor sharing its memory"},
    {NULL, NULL, 0, NULL},
};
