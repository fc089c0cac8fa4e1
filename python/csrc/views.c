/* views.c - bindings of the shape and view ops (view, reshape, t, transpose, permute, squeeze,
 * unsqueeze, expand, flatten) as Tensor methods and module functions. */
#include "python/csrc/ozpy.h"

#define KW(fn) OZPY_FASTCALL_KW(fn), OZPY_FLAGS

/* `x.view(2, 3)`, `x.view((2, 3))`, `x.view(size=...)` and the like. */
static int varargs_shape(ozpy_sig *sig, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                         int64_t *shape, int *ndim) {
  PyObject *kw[OZPY_MAX_ARGS];
  bool given;
  if (ozpy_parse_varargs_ints(sig, args, nargs, kwnames, kw, shape, ndim, &given) < 0)
    return -1;
  if (!given) {
    PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (position 1)", sig->fname,
                 sig->names[0]);
    return -1;
  }
  return 0;
}

/* view(*shape), or view(dtype) for a dtype of the same element size (a reinterpretation). */
static PyObject *m_view(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("view", 0, 0, "size");
  const oz_tensor *t = ozpy_T(self);
  if (nargs == 1 && ozpy_is_dtype(args[0]) && !kw) {
    int dt = ozpy_dtype_id(args[0]);
    if (oz_dtype_size(dt) != oz_dtype_size(t->dtype)) {
      PyErr_SetString(PyExc_NotImplementedError,
                      "view(dtype) between dtypes of different sizes is not supported yet");
      return NULL;
    }
    return ozpy_wrap(oz_tensor_over(t->storage, t->offset, dt, t->ndim, t->shape, t->strides));
  }
  int64_t shape[OZPY_MAX_LIST];
  int ndim;
  if (varargs_shape(&sig, args, nargs, kw, shape, &ndim) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_view(t, ndim, shape));
}

static PyObject *m_reshape(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("reshape", 0, 0, "shape");
  int64_t shape[OZPY_MAX_LIST];
  int ndim;
  if (varargs_shape(&sig, args, nargs, kw, shape, &ndim) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_reshape(ozpy_T(self), ndim, shape));
}

static PyObject *m_expand(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("expand", 0, 0, "size");
  int64_t shape[OZPY_MAX_LIST];
  int ndim;
  if (varargs_shape(&sig, args, nargs, kw, shape, &ndim) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_expand(ozpy_T(self), ndim, shape));
}

static PyObject *m_permute(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("permute", 0, 0, "dims");
  int64_t dims[OZPY_MAX_LIST];
  int n;
  if (varargs_shape(&sig, args, nargs, kw, dims, &n) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_permute(ozpy_T(self), n, dims));
}

/* *_as(other): the same op with other's shape. */
static PyObject *m_view_as(PyObject *self, PyObject *other) {
  oz_tensor *o;
  if (ozpy_arg_tensor("view_as", "other", 1, other, &o) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_view(ozpy_T(self), o->ndim, o->shape));
}

static PyObject *m_reshape_as(PyObject *self, PyObject *other) {
  oz_tensor *o;
  if (ozpy_arg_tensor("reshape_as", "other", 1, other, &o) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_reshape(ozpy_T(self), o->ndim, o->shape));
}

static PyObject *m_expand_as(PyObject *self, PyObject *other) {
  oz_tensor *o;
  if (ozpy_arg_tensor("expand_as", "other", 1, other, &o) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_expand(ozpy_T(self), o->ndim, o->shape));
}

/* ---- t, T, transpose ---- */

static oz_tensor *t_impl(const oz_tensor *t) {
  if (t->ndim > 2) {
    oz_set_error(OZ_ERR_RUNTIME, "t() expects a tensor with <= 2 dimensions, but self is %dD",
                 (int)t->ndim);
    return NULL;
  }
  return oz_ad_t(t);
}

PyObject *ozpy_t_view(PyObject *self) { return ozpy_wrap(t_impl(ozpy_T(self))); }

PyObject *ozpy_T_view(PyObject *self) {
  const oz_tensor *t = ozpy_T(self);
  if (t->ndim <= 2)
    return ozpy_wrap(t_impl(t));
  if (PyErr_WarnEx(PyExc_UserWarning,
                   "The use of `x.T` on tensors of dimension other than 2 to reverse their "
                   "shape is deprecated and it will throw an error in a future release. "
                   "Consider `x.mT` to transpose batches of matrices or `x.permute(*torch."
                   "arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor.",
                   1) < 0)
    return NULL;
  int64_t dims[OZ_MAX_DIMS];
  for (int i = 0; i < t->ndim; i++)
    dims[i] = t->ndim - 1 - i;
  return ozpy_wrap(oz_ad_permute(t, t->ndim, dims));
}

static PyObject *m_t(PyObject *self, PyObject *unused) {
  (void)unused;
  return ozpy_t_view(self);
}

static PyObject *transpose_impl(const char *fname, oz_tensor *t, PyObject *d0, PyObject *d1,
                                int pos) {
  int64_t a, b;
  if (ozpy_arg_int(fname, "dim0", pos, d0, &a) < 0 ||
      ozpy_arg_int(fname, "dim1", pos + 1, d1, &b) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_transpose(t, a, b));
}

static PyObject *m_transpose(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("transpose", 2, 2, "dim0", "dim1");
  PyObject *a[2];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  return transpose_impl("transpose", ozpy_T(self), a[0], a[1], 1);
}

/* ---- squeeze, unsqueeze ---- */

static PyObject *squeeze_impl(oz_tensor *t, PyObject *dim_obj, int pos) {
  if (!dim_obj || dim_obj == Py_None)
    return ozpy_wrap(oz_ad_squeeze(t));
  int64_t d;
  if (ozpy_arg_int("squeeze", "dim", pos, dim_obj, &d) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_squeeze_dim(t, d));
}

static PyObject *m_squeeze(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("squeeze", 1, 0, "dim");
  PyObject *a[1];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  return squeeze_impl(ozpy_T(self), a[0], 1);
}

static PyObject *m_unsqueeze(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("unsqueeze", 1, 1, "dim");
  PyObject *a[1];
  int64_t d;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 || ozpy_arg_int("unsqueeze", "dim", 1, a[0], &d) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_unsqueeze(ozpy_T(self), d));
}

/* ---- select, narrow ---- */

static PyObject *select_impl(oz_tensor *t, PyObject *d_obj, PyObject *i_obj, int pos) {
  int64_t d, i;
  if (ozpy_arg_int("select", "dim", pos, d_obj, &d) < 0 ||
      ozpy_arg_int("select", "index", pos + 1, i_obj, &i) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_select(t, d, i));
}

static PyObject *m_select(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("select", 2, 2, "dim", "index");
  PyObject *a[2];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  return select_impl(ozpy_T(self), a[0], a[1], 1);
}

/* narrow(dim, start, length): a slice of `length` entries from `start` (may be negative). */
static PyObject *narrow_impl(oz_tensor *t, PyObject *d_obj, PyObject *s_obj, PyObject *l_obj,
                             int pos) {
  int64_t d, start, length;
  if (ozpy_arg_int("narrow", "dim", pos, d_obj, &d) < 0 ||
      ozpy_arg_int("narrow", "start", pos + 1, s_obj, &start) < 0 ||
      ozpy_arg_int("narrow", "length", pos + 2, l_obj, &length) < 0)
    return NULL;
  if (t->ndim == 0) {
    PyErr_SetString(PyExc_RuntimeError, "narrow() cannot be applied to a 0-dim tensor.");
    return NULL;
  }
  int dim = oz_wrap_dim(d, t->ndim);
  if (dim < 0)
    return ozpy_raise();
  int64_t size = t->shape[dim];
  /* PyTorch wraps `start` like a dim index over the size, with the same message */
  if (start < -size || start >= size) {
    if (!(start == 0 && size == 0)) {
      PyErr_Format(PyExc_IndexError,
                   "Dimension out of range (expected to be in range of [%lld, %lld], but got "
                   "%lld)",
                   (long long)-size, (long long)size - 1, (long long)start);
      return NULL;
    }
  }
  if (start < 0)
    start += size;
  if (length < 0 || start > size - length) {
    PyErr_Format(PyExc_RuntimeError, "start (%lld) + length (%lld) exceeds dimension size (%lld).",
                 (long long)start, (long long)length, (long long)size);
    return NULL;
  }
  return ozpy_wrap(oz_ad_slice(t, dim, start, start + length, 1));
}

static PyObject *m_narrow(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("narrow", 3, 3, "dim", "start", "length");
  PyObject *a[3];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  return narrow_impl(ozpy_T(self), a[0], a[1], a[2], 1);
}

/* ---- flatten ---- */

static PyObject *flatten_impl(PyObject *self_obj, oz_tensor *t, PyObject *s_obj, PyObject *e_obj,
                              int pos) {
  int64_t s = 0, e = -1;
  if ((s_obj && ozpy_arg_int("flatten", "start_dim", pos, s_obj, &s) < 0) ||
      (e_obj && ozpy_arg_int("flatten", "end_dim", pos + 1, e_obj, &e) < 0))
    return NULL;
  if (t->ndim == 0) {
    int64_t one = 1;
    return ozpy_wrap(oz_ad_reshape(t, 1, &one));
  }
  int start = oz_wrap_dim(s, t->ndim), end = oz_wrap_dim(e, t->ndim);
  if (start < 0 || end < 0)
    return ozpy_raise();
  if (start > end) {
    PyErr_SetString(PyExc_RuntimeError,
                    "flatten() has invalid args: start_dim cannot come after end_dim");
    return NULL;
  }
  if (start == end) /* PyTorch returns the input itself */
    return self_obj ? Py_NewRef(self_obj) : ozpy_wrap(oz_ad_alias(t));
  int64_t shape[OZ_MAX_DIMS];
  int n = 0;
  for (int i = 0; i < start; i++)
    shape[n++] = t->shape[i];
  int64_t prod = 1;
  for (int i = start; i <= end; i++)
    prod *= t->shape[i];
  shape[n++] = prod;
  for (int i = end + 1; i < t->ndim; i++)
    shape[n++] = t->shape[i];
  return ozpy_wrap(oz_ad_reshape(t, n, shape));
}

static PyObject *m_flatten(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("flatten", 2, 0, "start_dim", "end_dim");
  PyObject *a[2];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0)
    return NULL;
  return flatten_impl(self, ozpy_T(self), a[0], a[1], 1);
}

PyMethodDef ozpy_tensor_methods_views[] = {
    {"view", KW(m_view), "view(*shape) or view(dtype)"},
    {"reshape", KW(m_reshape), "reshape(*shape)"},
    {"expand", KW(m_expand), "expand(*sizes)"},
    {"permute", KW(m_permute), "permute(*dims)"},
    {"view_as", m_view_as, METH_O, NULL},
    {"reshape_as", m_reshape_as, METH_O, NULL},
    {"expand_as", m_expand_as, METH_O, NULL},
    {"t", m_t, METH_NOARGS, "transpose of a <= 2-d tensor"},
    {"transpose", KW(m_transpose), "transpose(dim0, dim1)"},
    {"swapaxes", KW(m_transpose), "swapaxes(axis0, axis1)"},
    {"squeeze", KW(m_squeeze), "squeeze(dim=None)"},
    {"unsqueeze", KW(m_unsqueeze), "unsqueeze(dim)"},
    {"flatten", KW(m_flatten), "flatten(start_dim=0, end_dim=-1)"},
    {"select", KW(m_select), "select(dim, index): the sub-tensor at index along dim"},
    {"narrow", KW(m_narrow), "narrow(dim, start, length)"},
    {NULL, NULL, 0, NULL},
};

/* ---- module functions: the same ops with the tensor as first argument ---- */

static PyObject *f_reshape(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("reshape", 2, 2, "input", "shape");
  PyObject *a[2];
  oz_tensor *t;
  int64_t shape[OZPY_MAX_LIST];
  int ndim;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("reshape", "input", 1, a[0], &t) < 0 ||
      ozpy_arg_int_list("reshape", "shape", 2, a[1], shape, &ndim) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_reshape(t, ndim, shape));
}

static PyObject *f_permute(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("permute", 2, 2, "input", "dims");
  PyObject *a[2];
  oz_tensor *t;
  int64_t dims[OZPY_MAX_LIST];
  int n;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("permute", "input", 1, a[0], &t) < 0 ||
      ozpy_arg_int_list("permute", "dims", 2, a[1], dims, &n) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_permute(t, n, dims));
}

static PyObject *f_t(PyObject *m, PyObject *o) {
  (void)m;
  oz_tensor *t;
  if (ozpy_arg_tensor("t", "input", 1, o, &t) < 0)
    return NULL;
  return ozpy_wrap(t_impl(t));
}

static PyObject *f_transpose(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("transpose", 3, 3, "input", "dim0", "dim1");
  PyObject *a[3];
  oz_tensor *t;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("transpose", "input", 1, a[0], &t) < 0)
    return NULL;
  return transpose_impl("transpose", t, a[1], a[2], 2);
}

static PyObject *f_squeeze(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("squeeze", 2, 1, "input", "dim");
  PyObject *a[2];
  oz_tensor *t;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("squeeze", "input", 1, a[0], &t) < 0)
    return NULL;
  return squeeze_impl(t, a[1], 2);
}

static PyObject *f_unsqueeze(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("unsqueeze", 2, 2, "input", "dim");
  PyObject *a[2];
  oz_tensor *t;
  int64_t d;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("unsqueeze", "input", 1, a[0], &t) < 0 ||
      ozpy_arg_int("unsqueeze", "dim", 2, a[1], &d) < 0)
    return NULL;
  return ozpy_wrap(oz_ad_unsqueeze(t, d));
}

static PyObject *f_flatten(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("flatten", 3, 1, "input", "start_dim", "end_dim");
  PyObject *a[3];
  oz_tensor *t;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("flatten", "input", 1, a[0], &t) < 0)
    return NULL;
  return flatten_impl(a[0], t, a[1], a[2], 2);
}

static PyObject *f_select(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("select", 3, 3, "input", "dim", "index");
  PyObject *a[3];
  oz_tensor *t;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("select", "input", 1, a[0], &t) < 0)
    return NULL;
  return select_impl(t, a[1], a[2], 2);
}

static PyObject *f_narrow(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("narrow", 4, 4, "input", "dim", "start", "length");
  PyObject *a[4];
  oz_tensor *t;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("narrow", "input", 1, a[0], &t) < 0)
    return NULL;
  return narrow_impl(t, a[1], a[2], a[3], 2);
}

PyMethodDef ozpy_functions_views[] = {
    {"select", KW(f_select), "select(input, dim, index)"},
    {"narrow", KW(f_narrow), "narrow(input, dim, start, length)"},
    {"reshape", KW(f_reshape), "reshape(input, shape)"},
    {"permute", KW(f_permute), "permute(input, dims)"},
    {"t", f_t, METH_O, "t(input)"},
    {"transpose", KW(f_transpose), "transpose(input, dim0, dim1)"},
    {"swapaxes", KW(f_transpose), "swapaxes(input, axis0, axis1)"},
    {"squeeze", KW(f_squeeze), "squeeze(input, dim=None)"},
    {"unsqueeze", KW(f_unsqueeze), "unsqueeze(input, dim)"},
    {"flatten", KW(f_flatten), "flatten(input, start_dim=0, end_dim=-1)"},
    {NULL, NULL, 0, NULL},
};
