/* args.c - argument parsing for every binding: one table-driven keyword parser (ozpy_sig) and
 * small converters (tensor, number, dtype, device, int lists, shapes) whose TypeErrors read like
 * PyTorch's ("add(): argument 'other' (position 2) must be Tensor, not str"). */
#include "python/csrc/ozpy.h"

/* ---- the keyword parser ---- */

static int sig_prepare(ozpy_sig *sig) {
  if (sig->n_names > 0 || !sig->names[0])
    return 0;
  int n = 0;
  while (n < OZPY_MAX_ARGS && sig->names[n]) {
    sig->interned[n] = PyUnicode_InternFromString(sig->names[n]);
    if (!sig->interned[n])
      return -1;
    n++;
  }
  sig->n_names = n;
  return 0;
}

static int sig_find(const ozpy_sig *sig, PyObject *key) {
  for (int j = 0; j < sig->n_names; j++) /* keyword names are interned: pointers usually match */
    if (sig->interned[j] == key)
      return j;
  for (int j = 0; j < sig->n_names; j++) {
    int eq = PyUnicode_Compare(key, sig->interned[j]);
    if (eq == 0)
      return j;
    if (eq == -1 && PyErr_Occurred())
      return -2;
  }
  return -1;
}

static int parse_keywords(ozpy_sig *sig, PyObject *const *kwvalues, PyObject *kwnames,
                          PyObject **out) {
  Py_ssize_t nkw = PyTuple_Size(kwnames);
  for (Py_ssize_t k = 0; k < nkw; k++) {
    PyObject *key = PyTuple_GetItem(kwnames, k);
    int j = sig_find(sig, key);
    if (j == -2)
      return -1;
    if (j < 0) {
      PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", sig->fname,
                   key);
      return -1;
    }
    if (out[j]) {
      PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", sig->fname,
                   sig->names[j]);
      return -1;
    }
    out[j] = kwvalues[k];
  }
  return 0;
}

int ozpy_parse(ozpy_sig *sig, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
               PyObject **out) {
  if (sig_prepare(sig) < 0)
    return -1;
  if (nargs > sig->n_pos) {
    if (sig->n_pos == sig->n_required)
      PyErr_Format(PyExc_TypeError, "%s() takes %d positional argument%s but %zd %s given",
                   sig->fname, sig->n_pos, sig->n_pos == 1 ? "" : "s", nargs,
                   nargs == 1 ? "was" : "were");
    else
      PyErr_Format(PyExc_TypeError,
                   "%s() takes from %d to %d positional arguments but %zd %s given", sig->fname,
                   sig->n_required, sig->n_pos, nargs, nargs == 1 ? "was" : "were");
    return -1;
  }
  for (int i = 0; i < sig->n_names; i++)
    out[i] = i < nargs ? args[i] : NULL;
  if (kwnames && parse_keywords(sig, args + nargs, kwnames, out) < 0)
    return -1;
  for (int i = 0; i < sig->n_required; i++) {
    if (!out[i]) {
      PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s' (position %d)", sig->fname,
                   sig->names[i], i + 1);
      return -1;
    }
  }
  return 0;
}

/* ---- numbers and operands ---- */

static int number_from_long(PyObject *o, ozpy_number *out) {
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
  if (overflow) {
    PyErr_SetString(PyExc_RuntimeError, "Overflow when unpacking long");
    return -1;
  }
  if (v == -1 && PyErr_Occurred())
    return -1;
  out->s.i = (int64_t)v;
  out->s.f = (double)v;
  out->dtype = OZ_INT64;
  return 1;
}

int ozpy_as_number(PyObject *o, ozpy_number *out) {
  if (PyBool_Check(o)) {
    int b = (o == Py_True);
    out->s.f = b;
    out->s.i = b;
    out->dtype = OZ_BOOL;
    return 1;
  }
  if (PyLong_Check(o))
    return number_from_long(o, out);
  if (PyFloat_Check(o)) {
    double f = PyFloat_AsDouble(o);
    if (f == -1.0 && PyErr_Occurred())
      return -1;
    ozpy_number_from_double(f, out);
    return 1;
  }
  /* numpy scalars (numpy.float32(2), numpy.int64(3), numpy.bool_(True)) count as numbers. */
  PyObject *generic = ozpy_numpy_generic_type();
  if (generic && PyObject_IsInstance(o, generic) == 1) {
    PyObject *item = PyObject_CallMethod(o, "item", NULL);
    if (!item)
      return -1;
    int r = (PyBool_Check(item) || PyLong_Check(item) || PyFloat_Check(item))
                ? ozpy_as_number(item, out)
                : 0;
    Py_DECREF(item);
    return r;
  }
  return 0;
}

int ozpy_operand(PyObject *o, oz_tensor **t, oz_tensor **tmp) {
  *tmp = NULL;
  if (ozpy_is_tensor(o)) {
    *t = ozpy_T(o);
    return 1;
  }
  ozpy_number n;
  int r = ozpy_as_number(o, &n);
  if (r <= 0)
    return r;
  *tmp = oz_wrapped_scalar(n.s.f, n.s.i, n.dtype);
  if (!*tmp)
    return ozpy_raise_int();
  *t = *tmp;
  return 1;
}

/* ---- converters ---- */

/* "add(): argument 'other' (position 2) must be Tensor, not str" */
static int arg_type_error(const char *fname, const char *arg, int pos, const char *expected,
                          PyObject *o) {
  PyObject *name = ozpy_type_name(o);
  if (!name)
    return -1;
  if (pos > 0)
    PyErr_Format(PyExc_TypeError, "%s(): argument '%s' (position %d) must be %s, not %U", fname,
                 arg, pos, expected, name);
  else
    PyErr_Format(PyExc_TypeError, "%s(): argument '%s' must be %s, not %U", fname, arg, expected,
                 name);
  Py_DECREF(name);
  return -1;
}

int ozpy_arg_tensor(const char *fname, const char *arg, int pos, PyObject *o, oz_tensor **t) {
  if (o && ozpy_is_tensor(o)) {
    *t = ozpy_T(o);
    return 0;
  }
  return arg_type_error(fname, arg, pos, "Tensor", o ? o : Py_None);
}

int ozpy_arg_operand(const char *fname, const char *arg, int pos, PyObject *o, oz_tensor **t,
                     oz_tensor **tmp) {
  int r = ozpy_operand(o, t, tmp);
  if (r < 0)
    return -1;
  if (r == 0)
    return arg_type_error(fname, arg, pos, "Tensor", o);
  return 0;
}

int ozpy_arg_out(const char *fname, PyObject *o, oz_tensor **out) {
  *out = NULL;
  if (!o || o == Py_None)
    return 0;
  return ozpy_arg_tensor(fname, "out", 0, o, out);
}

int ozpy_arg_dtype(const char *fname, const char *arg, PyObject *o, int *dtype) {
  *dtype = -1;
  if (!o || o == Py_None)
    return 0;
  int dt = ozpy_dtype_like(o);
  if (dt >= 0) {
    *dtype = dt;
    return 0;
  }
  return arg_type_error(fname, arg, 0, "torch.dtype", o);
}

int ozpy_arg_device(const char *fname, const char *arg, PyObject *o, oz_device *d, bool *given) {
  *given = false;
  *d = ozpy_default_device;
  if (!o || o == Py_None)
    return 0;
  if (!ozpy_is_device(o) && !PyUnicode_Check(o) && !PyLong_Check(o))
    return arg_type_error(fname, arg, 0, "torch.device", o);
  if (ozpy_device_from_object(o, d) < 0)
    return -1;
  *given = true;
  return 0;
}

int ozpy_arg_bool(const char *fname, const char *arg, int pos, PyObject *o, bool dflt, bool *v) {
  if (!o || o == Py_None) {
    *v = dflt;
    return 0;
  }
  if (PyBool_Check(o)) {
    *v = (o == Py_True);
    return 0;
  }
  return arg_type_error(fname, arg, pos, "bool", o);
}

/* Ints: Python ints, numpy integers and integer 0-d tensors (anything with __index__ except
 * bool, floats and multi-element tensors). */
static int as_index(PyObject *o, int64_t *v) {
  if (PyBool_Check(o) || PyFloat_Check(o) || !PyIndex_Check(o))
    return 0;
  PyObject *i = PyNumber_Index(o);
  if (!i) {
    PyErr_Clear();
    return 0;
  }
  int overflow = 0;
  long long x = PyLong_AsLongLongAndOverflow(i, &overflow);
  Py_DECREF(i);
  if (overflow) {
    PyErr_SetString(PyExc_RuntimeError, "Overflow when unpacking long");
    return -1;
  }
  if (x == -1 && PyErr_Occurred())
    return -1;
  *v = (int64_t)x;
  return 1;
}

int ozpy_arg_int(const char *fname, const char *arg, int pos, PyObject *o, int64_t *v) {
  if (o && PyLong_Check(o) && !PyBool_Check(o)) { /* the common case, without __index__ */
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) {
      PyErr_SetString(PyExc_RuntimeError, "Overflow when unpacking long");
      return -1;
    }
    *v = (int64_t)x;
    return 0;
  }
  int r = o ? as_index(o, v) : 0;
  if (r < 0)
    return -1;
  if (r == 0)
    return arg_type_error(fname, arg, pos, "int", o ? o : Py_None);
  return 0;
}

int ozpy_arg_number(const char *fname, const char *arg, int pos, PyObject *o, ozpy_number *v) {
  if (o && ozpy_is_tensor(o)) {
    const oz_tensor *t = ozpy_T(o);
    if (t->ndim != 0)
      return arg_type_error(fname, arg, pos, "Number", o);
    return ozpy_item_number(t, v);
  }
  int r = o ? ozpy_as_number(o, v) : 0;
  if (r < 0)
    return -1;
  if (r == 0)
    return arg_type_error(fname, arg, pos, "Number", o ? o : Py_None);
  return 0;
}

static int int_list_from_sequence(const char *fname, const char *arg, int pos, PyObject *o,
                                  int64_t *vals, int *n) {
  Py_ssize_t len = PySequence_Size(o);
  if (len < 0)
    return -1;
  if (len > OZPY_MAX_LIST) {
    PyErr_Format(PyExc_ValueError, "%s(): argument '%s' has too many dimensions (%zd)", fname, arg,
                 len);
    return -1;
  }
  for (Py_ssize_t k = 0; k < len; k++) {
    PyObject *item = PySequence_GetItem(o, k);
    if (!item)
      return -1;
    int r = as_index(item, &vals[k]);
    if (r == 0 && !PyErr_Occurred()) {
      PyObject *name = ozpy_type_name(item);
      if (name) {
        PyErr_Format(PyExc_TypeError,
                     "%s(): argument '%s' must be tuple of ints, but found element of type %U "
                     "at pos %zd",
                     fname, arg, name, k + 1);
        Py_DECREF(name);
      }
    }
    Py_DECREF(item);
    if (r <= 0)
      return -1;
  }
  (void)pos;
  *n = (int)len;
  return 0;
}

int ozpy_arg_int_list(const char *fname, const char *arg, int pos, PyObject *o, int64_t *vals,
                      int *n) {
  *n = 0;
  if (!o || o == Py_None)
    return 0;
  int r = as_index(o, &vals[0]);
  if (r < 0)
    return -1;
  if (r == 1) {
    *n = 1;
    return 0;
  }
  if (ozpy_is_tensor(o) || PyUnicode_Check(o) || !PySequence_Check(o))
    return arg_type_error(fname, arg, pos, "tuple of ints", o);
  return int_list_from_sequence(fname, arg, pos, o, vals, n);
}

int ozpy_parse_varargs_ints(ozpy_sig *sig, PyObject *const *args, Py_ssize_t nargs,
                            PyObject *kwnames, PyObject **out, int64_t *vals, int *n, bool *given) {
  /* Keywords only: the positionals are the list. Keyword values follow the positionals. */
  ozpy_sig *s = sig;
  if (sig_prepare(s) < 0)
    return -1;
  for (int i = 0; i < s->n_names; i++)
    out[i] = NULL;
  if (kwnames && parse_keywords(s, args + nargs, kwnames, out) < 0)
    return -1;
  *n = 0;
  *given = false;
  const char *arg = s->names[0];
  if (nargs > 0) {
    if (out[0]) {
      PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", s->fname, arg);
      return -1;
    }
    *given = true;
    if (nargs == 1) {
      int r = as_index(args[0], &vals[0]);
      if (r < 0)
        return -1;
      if (r == 1) {
        *n = 1;
        return 0;
      }
      if (ozpy_is_tensor(args[0]) || PyUnicode_Check(args[0]) || !PySequence_Check(args[0]))
        return arg_type_error(s->fname, arg, 1, "tuple of ints", args[0]);
      return int_list_from_sequence(s->fname, arg, 1, args[0], vals, n);
    }
    if (nargs > OZPY_MAX_LIST) {
      PyErr_Format(PyExc_ValueError, "%s(): too many dimensions (%zd)", s->fname, nargs);
      return -1;
    }
    for (Py_ssize_t k = 0; k < nargs; k++) {
      int r = as_index(args[k], &vals[k]);
      if (r < 0)
        return -1;
      if (r == 0)
        return arg_type_error(s->fname, arg, (int)k + 1, "tuple of ints", args[k]);
    }
    *n = (int)nargs;
    return 0;
  }
  if (out[0] && out[0] != Py_None) {
    *given = true;
    return ozpy_arg_int_list(s->fname, arg, 0, out[0], vals, n);
  }
  return 0;
}

int ozpy_arg_requires_grad(const char *fname, PyObject *o, bool *rg) {
  return ozpy_arg_bool(fname, "requires_grad", 0, o, false, rg);
}

oz_tensor *ozpy_apply_requires_grad(oz_tensor *t, bool requires_grad) {
  if (t && requires_grad && oz_set_requires_grad(t, true) != OZ_OK) {
    oz_tensor_decref(t);
    return NULL; /* ozpy_wrap(NULL) raises the core's error */
  }
  return t;
}
