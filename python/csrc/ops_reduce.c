/* ops_reduce.c - Python bindings of the reductions: mean, prod, max/min (whole, along a dim, and
 * the binary form), amax/amin, argmax/argmin, var/std (and *_mean), logsumexp, norm, all/any,
 * count_nonzero; the shared binding plumbing of ops_reduce.h; and the family's method and
 * function tables (the ops along one dim are in ops_reduce_dim.c). Each binding parses its
 * arguments as PyTorch 1.13's overloads do and calls one core function (core/oz_ops_reduce.h). */
#include "python/csrc/ops_reduce.h"

#include <math.h>
#include <stdio.h>

#include "core/oz_ops_reduce.h"

/* ============================== shared plumbing ============================== */

static int sig_count(const ozpy_sig *s) {
  int n = 0;
  while (n < OZPY_MAX_ARGS && s->names[n])
    n++;
  return n;
}

PyObject *ozpy_red_function(red_binding *b, PyObject *const *args, Py_ssize_t nargs,
                            PyObject *kwnames) {
  PyObject *a[OZPY_MAX_ARGS];
  oz_tensor *x;
  if (ozpy_parse(&b->fsig, args, nargs, kwnames, a) < 0 ||
      ozpy_arg_tensor(b->fsig.fname, "input", 1, a[0], &x) < 0)
    return NULL;
  PyObject *out_obj = b->has_out ? a[sig_count(&b->msig) + 1] : NULL;
  return b->impl(b, a[0], a + 1, out_obj);
}

PyObject *ozpy_red_method(red_binding *b, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                          PyObject *kwnames) {
  PyObject *a[OZPY_MAX_ARGS];
  if (ozpy_parse(&b->msig, args, nargs, kwnames, a) < 0)
    return NULL;
  return b->impl(b, self, a, NULL);
}

PyObject *ozpy_red_result(const red_binding *b, PyObject *x_obj, PyObject *out_obj, oz_tensor *r) {
  if (b->inplace)
    return ozpy_wrap_same(x_obj, r);
  if (out_obj && out_obj != Py_None)
    return ozpy_wrap_same(out_obj, r);
  return ozpy_wrap(r);
}

PyObject *ozpy_red_named_pair(const char *name, PyObject *first, PyObject *second) {
  static PyObject *module; /* oztorch.return_types, imported on first use */
  PyObject *tuple = NULL, *cls = NULL, *r = NULL;
  if (!first || !second)
    goto done;
  if (!module && !(module = PyImport_ImportModule("oztorch.return_types")))
    goto done;
  if (!(cls = PyObject_GetAttrString(module, name)))
    goto done;
  if ((tuple = PyTuple_Pack(2, first, second)))
    r = PyObject_CallFunctionObjArgs(cls, tuple, NULL);
done:
  Py_XDECREF(first), Py_XDECREF(second), Py_XDECREF(cls), Py_XDECREF(tuple);
  return r;
}

int ozpy_red_out_pair(const char *fname, PyObject *out_obj, oz_tensor **v, oz_tensor **i,
                      PyObject **v_obj, PyObject **i_obj) {
  *v = *i = NULL;
  *v_obj = *i_obj = NULL;
  if (!out_obj || out_obj == Py_None)
    return 0;
  if (!PyTuple_Check(out_obj) && !PyList_Check(out_obj))
    goto bad;
  if (PySequence_Size(out_obj) != 2)
    goto bad;
  PyObject *p = PySequence_GetItem(out_obj, 0), *q = PySequence_GetItem(out_obj, 1);
  bool ok = p && q && ozpy_is_tensor(p) && ozpy_is_tensor(q);
  if (ok)
    *v = ozpy_T(p), *i = ozpy_T(q), *v_obj = p, *i_obj = q;
  /* the sequence keeps the items alive for the call */
  Py_XDECREF(p), Py_XDECREF(q);
  if (ok)
    return 0;
bad:
  PyErr_Format(PyExc_TypeError, "%s(): argument 'out' must be tuple of Tensors", fname);
  return -1;
}

PyObject *ozpy_red_pair_result(const char *name, int rc, oz_tensor *v, oz_tensor *i,
                               PyObject *v_obj, PyObject *i_obj) {
  if (rc != OZ_OK)
    return ozpy_raise();
  char out_name[64];
  if (v_obj)
    snprintf(out_name, sizeof out_name, "%s_out", name);
  PyObject *pv = v_obj ? ozpy_wrap_same(v_obj, v) : ozpy_wrap(v);
  if (!pv) {
    oz_tensor_decref(i);
    return NULL;
  }
  PyObject *pi = i_obj ? ozpy_wrap_same(i_obj, i) : ozpy_wrap(i);
  return ozpy_red_named_pair(v_obj ? out_name : name, pv, pi);
}

int ozpy_red_arg_dim(const char *fname, int pos, PyObject *o, int64_t *dim) {
  if (o == Py_None) {
    PyErr_SetString(PyExc_RuntimeError, "Please look up dimensions by name, got: name = None.");
    return -1;
  }
  return ozpy_arg_int(fname, "dim", pos, o, dim);
}

PyObject *ozpy_red_needs_dim(const char *fname, const char *arg) {
  PyErr_Format(PyExc_TypeError,
               "%s() received an invalid combination of arguments - got %s= without dim, but "
               "every overload that takes %s also takes dim",
               fname, arg, arg);
  return NULL;
}

/* Common converters of these bindings: a dim list (None/absent: all dims), keepdim, out. */
static int arg_dims(const char *fname, int pos, PyObject *o, int64_t *dims, int *n) {
  return ozpy_arg_int_list(fname, "dim", pos, o, dims, n);
}

/* ==================================== mean, prod ==================================== */

/* mean(dim=None, keepdim=False, *, dtype=None) */
static PyObject *impl_mean(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                           PyObject *out_obj) {
  const char *f = b->msig.fname;
  if (!a[0] && a[1])
    return ozpy_red_needs_dim(f, "keepdim");
  int64_t dims[OZPY_MAX_LIST];
  int n = 0, dtype;
  bool keepdim;
  oz_tensor *out;
  if (arg_dims(f, 1, a[0], dims, &n) < 0 ||
      ozpy_arg_bool(f, "keepdim", 2, a[1], false, &keepdim) < 0 ||
      ozpy_arg_dtype(f, "dtype", a[2], &dtype) < 0 || ozpy_arg_out(f, out_obj, &out) < 0)
    return NULL;
  return ozpy_red_result(b, x_obj, out_obj, oz_mean(ozpy_T(x_obj), dims, n, keepdim, dtype, out));
}

/* prod(*, dtype=None) / prod(dim, keepdim=False, *, dtype=None): one int dim */
static PyObject *impl_prod(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                           PyObject *out_obj) {
  const char *f = b->msig.fname;
  if (!a[0] && a[1])
    return ozpy_red_needs_dim(f, "keepdim");
  int64_t dim = 0;
  int dtype;
  bool keepdim;
  oz_tensor *out;
  if ((a[0] && ozpy_red_arg_dim(f, 1, a[0], &dim) < 0) ||
      ozpy_arg_bool(f, "keepdim", 2, a[1], false, &keepdim) < 0 ||
      ozpy_arg_dtype(f, "dtype", a[2], &dtype) < 0 || ozpy_arg_out(f, out_obj, &out) < 0)
    return NULL;
  return ozpy_red_result(
      b, x_obj, out_obj,
      oz_prod(ozpy_T(x_obj), a[0] ? &dim : NULL, a[0] ? 1 : 0, keepdim, dtype, out));
}

static red_binding rb_mean = RED_BINDING_OUT("mean", impl_mean, 0, 2, 0, "dim", "keepdim", "dtype");
static red_binding rb_prod = RED_BINDING_OUT("prod", impl_prod, 0, 2, 0, "dim", "keepdim", "dtype");
RED_ENTRY_POINTS(mean)
RED_ENTRY_POINTS(prod)

/* ========================== max, min (three forms), amax, amin ========================== */

/* torch.max(input, other) is torch.maximum: the binary family's binding, looked up when called
 * so that this family does not depend on it being built. */
static PyObject *binary_extreme(bool is_max, PyObject *x_obj, PyObject *other, PyObject *out_obj) {
  const char *name = is_max ? "maximum" : "minimum";
  PyObject *mod = PyImport_ImportModule("oztorch._C");
  PyObject *fn = mod ? PyObject_GetAttrString(mod, name) : NULL;
  Py_XDECREF(mod);
  if (!fn) {
    if (PyErr_ExceptionMatches(PyExc_AttributeError)) {
      PyErr_Clear();
      PyErr_Format(PyExc_NotImplementedError,
                   "%s(input, other) needs torch.%s, which this "
                   "build of oztorch does not have",
                   is_max ? "max" : "min", name);
    }
    return NULL;
  }
  PyObject *args = PyTuple_Pack(2, x_obj, other);
  PyObject *kw = out_obj && out_obj != Py_None ? Py_BuildValue("{sO}", "out", out_obj) : NULL;
  PyObject *r = args && (kw || !out_obj || out_obj == Py_None) ? PyObject_Call(fn, args, kw) : NULL;
  Py_DECREF(fn), Py_XDECREF(args), Py_XDECREF(kw);
  return r;
}

/* max() / max(dim, keepdim=False) -> (values, indices) / max(other); variant 1 = max */
static PyObject *impl_max(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                          PyObject *out_obj) {
  const char *f = b->msig.fname;
  const bool is_max = b->variant == 1;
  PyObject *other = a[2];
  if (!other && a[0] && ozpy_is_tensor(a[0]))
    other = a[0];
  if (other) {
    if (a[1] || (a[2] && a[0])) {
      PyErr_Format(PyExc_TypeError,
                   "%s() received an invalid combination of arguments: "
                   "(Tensor other) takes no dim or keepdim",
                   f);
      return NULL;
    }
    if (!ozpy_is_tensor(other)) {
      ozpy_type_error(PyExc_TypeError, "max(): argument 'other' must be Tensor, not %U", other);
      return NULL;
    }
    return binary_extreme(is_max, x_obj, other, out_obj);
  }
  if (!a[0]) {
    if (a[1])
      return ozpy_red_needs_dim(f, "keepdim");
    oz_tensor *out;
    if (ozpy_arg_out(f, out_obj, &out) < 0)
      return NULL;
    oz_tensor *x = ozpy_T(x_obj);
    return ozpy_red_result(b, x_obj, out_obj, is_max ? oz_max_all(x, out) : oz_min_all(x, out));
  }
  int64_t dim;
  bool keepdim;
  oz_tensor *ov, *oi, *v = NULL, *i = NULL;
  PyObject *ov_obj, *oi_obj;
  if (ozpy_red_arg_dim(f, 1, a[0], &dim) < 0 ||
      ozpy_arg_bool(f, "keepdim", 2, a[1], false, &keepdim) < 0 ||
      ozpy_red_out_pair(f, out_obj, &ov, &oi, &ov_obj, &oi_obj) < 0)
    return NULL;
  int rc = (is_max ? oz_max_dim : oz_min_dim)(ozpy_T(x_obj), dim, keepdim, ov, oi, &v, &i);
  return ozpy_red_pair_result(f, rc, v, i, ov_obj, oi_obj);
}

/* amax(dim=(), keepdim=False); variant 1 = amax */
static PyObject *impl_amax(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                           PyObject *out_obj) {
  const char *f = b->msig.fname;
  int64_t dims[OZPY_MAX_LIST];
  int n = 0;
  bool keepdim;
  oz_tensor *out;
  if (arg_dims(f, 1, a[0], dims, &n) < 0 ||
      ozpy_arg_bool(f, "keepdim", 2, a[1], false, &keepdim) < 0 ||
      ozpy_arg_out(f, out_obj, &out) < 0)
    return NULL;
  oz_tensor *x = ozpy_T(x_obj);
  return ozpy_red_result(b, x_obj, out_obj,
                         b->variant == 1 ? oz_amax(x, dims, n, keepdim, out)
                                         : oz_amin(x, dims, n, keepdim, out));
}

/* argmax(dim=None, keepdim=False); variant 1 = argmax */
static PyObject *impl_argmax(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                             PyObject *out_obj) {
  const char *f = b->msig.fname;
  int64_t dim = 0;
  bool keepdim, has_dim = a[0] && a[0] != Py_None;
  oz_tensor *out;
  if ((has_dim && ozpy_arg_int(f, "dim", 1, a[0], &dim) < 0) ||
      ozpy_arg_bool(f, "keepdim", 2, a[1], false, &keepdim) < 0 ||
      ozpy_arg_out(f, out_obj, &out) < 0)
    return NULL;
  oz_tensor *x = ozpy_T(x_obj);
  const int64_t *pd = has_dim ? &dim : NULL;
  return ozpy_red_result(b, x_obj, out_obj,
                         b->variant == 1 ? oz_argmax(x, pd, keepdim, out)
                                         : oz_argmin(x, pd, keepdim, out));
}

static red_binding rb_max = RED_BINDING_OUT("max", impl_max, 1, 2, 0, "dim", "keepdim", "other");
static red_binding rb_min = RED_BINDING_OUT("min", impl_max, 0, 2, 0, "dim", "keepdim", "other");
static red_binding rb_amax = RED_BINDING_OUT("amax", impl_amax, 1, 2, 0, "dim", "keepdim");
static red_binding rb_amin = RED_BINDING_OUT("amin", impl_amax, 0, 2, 0, "dim", "keepdim");
static red_binding rb_argmax = RED_BINDING_OUT("argmax", impl_argmax, 1, 2, 0, "dim", "keepdim");
static red_binding rb_argmin = RED_BINDING_OUT("argmin", impl_argmax, 0, 2, 0, "dim", "keepdim");
RED_ENTRY_POINTS(max)
RED_ENTRY_POINTS(min)
RED_ENTRY_POINTS(amax)
RED_ENTRY_POINTS(amin)
RED_ENTRY_POINTS(argmax)
RED_ENTRY_POINTS(argmin)

/* ================================ var, std, *_mean ================================ */

/* var(dim, unbiased=True, keepdim=False) / var(unbiased) / var(dim, *, correction, keepdim).
 * variant: bit 0 std, bit 1 also return the mean. */
static PyObject *impl_var(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                          PyObject *out_obj) {
  const char *f = b->msig.fname;
  PyObject *dim_obj = a[0], *unbiased_obj = a[1];
  /* var(True): the one positional is `unbiased` when it is a bool */
  if (dim_obj && PyBool_Check(dim_obj)) {
    if (unbiased_obj || a[2] || a[3]) {
      PyErr_Format(PyExc_TypeError,
                   "%s() received an invalid combination of arguments - "
                   "(bool unbiased) takes no other argument",
                   f);
      return NULL;
    }
    unbiased_obj = dim_obj, dim_obj = NULL;
  }
  if (!dim_obj && (a[2] || a[3]))
    return ozpy_red_needs_dim(f, a[2] ? "keepdim" : "correction");
  if (a[3] && a[3] != Py_None && unbiased_obj) {
    PyErr_Format(PyExc_TypeError,
                 "%s() received an invalid combination of arguments - got "
                 "both unbiased and correction",
                 f);
    return NULL;
  }
  int64_t dims[OZPY_MAX_LIST], correction = 1;
  int n = 0;
  bool keepdim, unbiased;
  oz_tensor *out;
  if (arg_dims(f, 1, dim_obj, dims, &n) < 0 ||
      ozpy_arg_bool(f, "unbiased", 2, unbiased_obj, true, &unbiased) < 0 ||
      ozpy_arg_bool(f, "keepdim", 3, a[2], false, &keepdim) < 0 ||
      ozpy_arg_out(f, out_obj, &out) < 0)
    return NULL;
  if (a[3] && a[3] != Py_None) {
    if (ozpy_arg_int(f, "correction", 0, a[3], &correction) < 0)
      return NULL;
  } else {
    correction = unbiased;
  }
  const bool std = b->variant & 1, with_mean = b->variant & 2;
  oz_tensor *r = NULL, *m = NULL;
  int rc = oz_var_mean(ozpy_T(x_obj), dims, n, (double)correction, keepdim, std, out, &r,
                       with_mean ? &m : NULL);
  if (rc != OZ_OK)
    return ozpy_raise();
  if (!with_mean)
    return ozpy_red_result(b, x_obj, out_obj, r);
  PyObject *pr = ozpy_wrap(r);
  if (!pr) {
    oz_tensor_decref(m);
    return NULL;
  }
  PyObject *pm = ozpy_wrap(m);
  PyObject *t = pm ? PyTuple_Pack(2, pr, pm) : NULL;
  Py_DECREF(pr), Py_XDECREF(pm);
  return t;
}

static red_binding rb_var =
    RED_BINDING_OUT("var", impl_var, 0, 3, 0, "dim", "unbiased", "keepdim", "correction");
static red_binding rb_std =
    RED_BINDING_OUT("std", impl_var, 1, 3, 0, "dim", "unbiased", "keepdim", "correction");
static red_binding rb_var_mean =
    RED_BINDING("var_mean", impl_var, 2, 3, 0, "dim", "unbiased", "keepdim", "correction");
static red_binding rb_std_mean =
    RED_BINDING("std_mean", impl_var, 3, 3, 0, "dim", "unbiased", "keepdim", "correction");
RED_ENTRY_POINTS(var)
RED_ENTRY_POINTS(std)
RED_ENTRY_POINTS(var_mean)
RED_ENTRY_POINTS(std_mean)

/* ================================= logsumexp, norm ================================= */

/* logsumexp(dim, keepdim=False): dim is required */
static PyObject *impl_logsumexp(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                                PyObject *out_obj) {
  const char *f = b->msig.fname;
  int64_t dims[OZPY_MAX_LIST];
  int n = 0;
  bool keepdim;
  oz_tensor *out;
  if (a[0] == Py_None) {
    PyErr_SetString(PyExc_TypeError, "logsumexp(): argument 'dim' must be tuple of ints, not "
                                     "NoneType");
    return NULL;
  }
  if (arg_dims(f, 1, a[0], dims, &n) < 0 ||
      ozpy_arg_bool(f, "keepdim", 2, a[1], false, &keepdim) < 0 ||
      ozpy_arg_out(f, out_obj, &out) < 0)
    return NULL;
  return ozpy_red_result(b, x_obj, out_obj, oz_logsumexp(ozpy_T(x_obj), dims, n, keepdim, out));
}

static red_binding rb_logsumexp =
    RED_BINDING_OUT("logsumexp", impl_logsumexp, 0, 2, 1, "dim", "keepdim");
RED_ENTRY_POINTS(logsumexp)

/* p as torch.norm reads it: absent is "fro"; None -> 2; "fro" -> 2 over at most two distinct
 * dims; "nuc" unsupported; else a number (not a bool). *fro is set for "fro". */
static int norm_p(PyObject *p_obj, double *p, bool *fro) {
  *fro = !p_obj;
  *p = 2.0;
  if (!p_obj || p_obj == Py_None)
    return 0;
  if (PyUnicode_Check(p_obj)) {
    if (PyUnicode_CompareWithASCIIString(p_obj, "fro") == 0) {
      *fro = true;
      return 0;
    }
    if (PyUnicode_CompareWithASCIIString(p_obj, "nuc") == 0) {
      PyErr_SetString(PyExc_NotImplementedError,
                      "norm(p='nuc'): the nuclear norm is not supported by oztorch yet");
      return -1;
    }
    PyErr_Format(PyExc_RuntimeError, "only valid string values are 'fro' and 'nuc', found %U",
                 p_obj);
    return -1;
  }
  ozpy_number v;
  int r = ozpy_is_tensor(p_obj) ? 0 : ozpy_as_number(p_obj, &v);
  if (r < 0)
    return -1;
  if (r == 0) {
    ozpy_type_error(PyExc_TypeError, "norm(): argument 'p' must be Number, not %U", p_obj);
    return -1;
  }
  if (v.dtype == OZ_BOOL) { /* torch's kernel refuses a bool p */
    PyErr_SetString(PyExc_RuntimeError,
                    "norm_kernel_tensor_iterator_impl expects norm to be integer or float");
    return -1;
  }
  *p = v.s.f;
  return 0;
}

/* norm(p='fro', dim=None, keepdim=False, dtype=None), following torch.functional.norm */
static PyObject *impl_norm(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                           PyObject *out_obj) {
  const char *f = b->msig.fname;
  double p;
  bool fro, keepdim;
  int64_t dims[OZPY_MAX_LIST];
  int n = 0, dtype;
  oz_tensor *out;
  if (norm_p(a[0], &p, &fro) < 0 || arg_dims(f, 2, a[1], dims, &n) < 0 ||
      ozpy_arg_bool(f, "keepdim", 3, a[2], false, &keepdim) < 0 ||
      ozpy_arg_dtype(f, "dtype", a[3], &dtype) < 0 || ozpy_arg_out(f, out_obj, &out) < 0)
    return NULL;
  if (fro && dtype >= 0) {
    PyErr_SetString(PyExc_ValueError, "dtype argument is not supported in frobenius norm");
    return NULL;
  }
  bool explicit_dims = a[1] && a[1] != Py_None;
  if (fro && explicit_dims) { /* torch's frobenius_norm takes one or two distinct dims */
    if (n > 2) {
      PyErr_Format(PyExc_RuntimeError,
                   "Expected at most 2 dimensions, but got %d dimensions "
                   "instead.",
                   n);
      return NULL;
    }
    if (n == 2 && dims[0] == dims[1]) {
      PyErr_Format(PyExc_RuntimeError,
                   "Expected dims to be different, got [%lld, %lld] "
                   "instead",
                   (long long)dims[0], (long long)dims[1]);
      return NULL;
    }
  }
  return ozpy_red_result(b, x_obj, out_obj,
                         oz_norm(ozpy_T(x_obj), p, dims, n, keepdim, dtype, out));
}

/* torch.norm(input, p, dim, keepdim, out, dtype): out comes before dtype positionally. */
static red_binding rb_norm =
    RED_BINDING_OUT("norm", impl_norm, 0, 4, 0, "p", "dim", "keepdim", "dtype");
PyObject *ozpy_red_f_norm(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("norm", 6, 1, "input", "p", "dim", "keepdim", "out", "dtype");
  PyObject *a[6];
  oz_tensor *x;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 || ozpy_arg_tensor("norm", "input", 1, a[0], &x) < 0)
    return NULL;
  PyObject *const in_method_order[4] = {a[1], a[2], a[3], a[5]};
  return impl_norm(&rb_norm, a[0], in_method_order, a[4]);
}
PyObject *ozpy_red_m_norm(PyObject *self, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  return ozpy_red_method(&rb_norm, self, args, n, kw);
}

/* ============================== all, any, count_nonzero ============================== */

/* all() / all(dim, keepdim=False): one int dim; variant 1 = all */
static PyObject *impl_all(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                          PyObject *out_obj) {
  const char *f = b->msig.fname;
  if (!a[0] && a[1])
    return ozpy_red_needs_dim(f, "keepdim");
  int64_t dim = 0;
  bool keepdim;
  oz_tensor *out;
  if (a[0] == Py_None) {
    PyErr_Format(PyExc_RuntimeError,
                 "%s: You passed a dimname (string) to this op in place of "
                 "a dimension index but it does not yet support this behavior. Please pass a "
                 "dimension index to work around this.",
                 f);
    return NULL;
  }
  if ((a[0] && ozpy_arg_int(f, "dim", 1, a[0], &dim) < 0) ||
      ozpy_arg_bool(f, "keepdim", 2, a[1], false, &keepdim) < 0 ||
      ozpy_arg_out(f, out_obj, &out) < 0)
    return NULL;
  oz_tensor *x = ozpy_T(x_obj);
  int nd = a[0] ? 1 : 0;
  return ozpy_red_result(b, x_obj, out_obj,
                         b->variant == 1 ? oz_all(x, &dim, nd, keepdim, out)
                                         : oz_any(x, &dim, nd, keepdim, out));
}

/* count_nonzero(dim=None): int or tuple */
static PyObject *impl_count_nonzero(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                                    PyObject *out_obj) {
  (void)out_obj;
  const char *f = b->msig.fname;
  int64_t dims[OZPY_MAX_LIST];
  int n = 0;
  if (arg_dims(f, 1, a[0], dims, &n) < 0)
    return NULL;
  return ozpy_wrap(oz_count_nonzero(ozpy_T(x_obj), dims, n));
}

static red_binding rb_all = RED_BINDING_OUT("all", impl_all, 1, 2, 0, "dim", "keepdim");
static red_binding rb_any = RED_BINDING_OUT("any", impl_all, 0, 2, 0, "dim", "keepdim");
static red_binding rb_count_nonzero =
    RED_BINDING("count_nonzero", impl_count_nonzero, 0, 1, 0, "dim");
RED_ENTRY_POINTS(all)
RED_ENTRY_POINTS(any)
RED_ENTRY_POINTS(count_nonzero)

/* ==================================== tables ==================================== */

/* clang-format off */
#define KW(fn) OZPY_FASTCALL_KW(fn), OZPY_FLAGS
#define METHOD_ROW(cname) {#cname, KW(ozpy_red_m_##cname), NULL},
#define FUNCTION_ROW(cname) {#cname, KW(ozpy_red_f_##cname), NULL},

PyMethodDef ozpy_tensor_methods_reduce[] = {
    RED_FOLD_OPS(METHOD_ROW)
    {"cumsum", KW(ozpy_red_m_cumsum), NULL},
    {"cumprod", KW(ozpy_red_m_cumprod), NULL},
    {"cumsum_", KW(ozpy_red_m_cumsum_), NULL},
    {"cumprod_", KW(ozpy_red_m_cumprod_), NULL},
    {"sort", KW(ozpy_red_m_sort), NULL},
    {"argsort", KW(ozpy_red_m_argsort), NULL},
    {"topk", KW(ozpy_red_m_topk), NULL},
    {"unique", KW(ozpy_red_m_unique), NULL},
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_reduce[] = {
    RED_FOLD_OPS(FUNCTION_ROW)
    {"cumsum", KW(ozpy_red_f_cumsum), NULL},
    {"cumprod", KW(ozpy_red_f_cumprod), NULL},
    {"sort", KW(ozpy_red_f_sort), NULL},
    {"argsort", KW(ozpy_red_f_argsort), NULL},
    {"topk", KW(ozpy_red_f_topk), NULL},
    {"unique", KW(ozpy_red_f_unique), NULL},
    {NULL, NULL, 0, NULL},
};
/* clang-format on */
