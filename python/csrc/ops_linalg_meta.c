/* ops_linalg_meta.c - Tensor metadata and casting helpers PyTorch code leans on that had no home
 * yet: Tensor.type() (legacy type names such as 'torch.FloatTensor'), Tensor.new_zeros/new_ones/
 * new_empty/new_full/new_tensor (factories defaulting to the tensor's dtype and device), and
 * torch.result_type/promote_types/can_cast (the core's promotion rules, oz_dtype.h). Registered
 * through ops_linalg.c's tables (see ops_linalg_meta.h). */
#include "python/csrc/ops_linalg_meta.h"

#include <string.h>

/* =============================== Tensor.type =============================== */

/* torch's legacy tensor type names: 'torch.FloatTensor', 'torch.cuda.LongTensor', ... */
static const char *const legacy_names[OZ_NUM_DTYPES] = {
    [OZ_FLOAT32] = "Float", [OZ_FLOAT64] = "Double", [OZ_INT64] = "Long",
    [OZ_INT32] = "Int",     [OZ_INT16] = "Short",    [OZ_INT8] = "Char",
    [OZ_UINT8] = "Byte",    [OZ_BOOL] = "Bool",      [OZ_FLOAT16] = "Half",
    [OZ_BFLOAT16] = "BFloat16"};

static PyObject *type_name(const oz_tensor *t) {
  const bool cuda = t->storage && t->storage->device.type == OZ_DEVICE_CUDA;
  return PyUnicode_FromFormat("torch.%s%sTensor", cuda ? "cuda." : "", legacy_names[t->dtype]);
}

/* 'torch.DoubleTensor' / 'torch.cuda.DoubleTensor' -> dtype and device type; -1 if invalid. */
static int parse_type_name(const char *s, oz_device *device) {
  static const char prefix[] = "torch.", cuda[] = "cuda.", suffix[] = "Tensor";
  if (strncmp(s, prefix, sizeof prefix - 1) != 0) return -1;
  s += sizeof prefix - 1;
  *device = OZ_CPU;
  if (strncmp(s, cuda, sizeof cuda - 1) == 0) {
    s += sizeof cuda - 1;
    *device = (oz_device){OZ_DEVICE_CUDA, 0};
  }
  const size_t n = strlen(s), ns = sizeof suffix - 1;
  if (n <= ns || strcmp(s + n - ns, suffix) != 0) return -1;
  for (int dt = 0; dt < OZ_NUM_DTYPES; dt++)
    if (legacy_names[dt] && strlen(legacy_names[dt]) == n - ns && !strncmp(s, legacy_names[dt], n - ns))
      return dt;
  return -1;
}

static int invalid_type(PyObject *shown) {
  PyErr_Format(PyExc_ValueError, "invalid type: '%U'", shown);
  return -1;
}

/* The (dtype, device) a type() argument names: a dtype, a type name string, or a class (the
 * Tensor class itself means the default dtype; a legacy class carries a `dtype`). */
static int type_target(PyObject *o, const oz_tensor *t, int *dtype, oz_device *device) {
  *device = t->storage ? t->storage->device : OZ_CPU;
  if (ozpy_is_dtype(o)) {
    *dtype = ozpy_dtype_id(o);
    return 0;
  }
  if (PyUnicode_Check(o)) {
    const char *s = PyUnicode_AsUTF8AndSize(o, NULL);
    if (!s) return -1;
    *dtype = parse_type_name(s, device);
    return *dtype < 0 ? invalid_type(o) : 0;
  }
  if (PyType_Check(o)) {
    if (PyType_IsSubtype((PyTypeObject *)o, ozpy_tensor_base_type)) {
      *dtype = oz_default_dtype();
      return 0;
    }
    PyObject *dt = PyObject_GetAttrString(o, "dtype");
    if (dt && ozpy_is_dtype(dt)) {
      *dtype = ozpy_dtype_id(dt);
      Py_DECREF(dt);
      return 0;
    }
    Py_XDECREF(dt);
    PyErr_Clear();
    PyObject *name = PyObject_GetAttrString(o, "__name__");
    int rc = name && PyUnicode_Check(name) ? invalid_type(name) : -1;
    Py_XDECREF(name);
    return rc;
  }
  PyErr_SetString(PyExc_TypeError, "dtype must be a type, str, or dtype object");
  return -1;
}

/* type(dtype=None, non_blocking=False, *, memory_format=None) */
PyObject *ozpy_m_type(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("type", 2, 0, "dtype", "non_blocking", "memory_format");
  PyObject *a[3];
  bool non_blocking;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_bool("type", "non_blocking", nargs >= 2 ? 2 : 0, a[1], false, &non_blocking) < 0)
    return NULL;
  const oz_tensor *t = ozpy_T(self);
  if (!a[0] || a[0] == Py_None) return type_name(t);
  int dtype;
  oz_device device;
  if (type_target(a[0], t, &dtype, &device) < 0) return NULL;
  return ozpy_wrap_same(self, ozpy_to(t, dtype, device, false));
}

/* ======================== new_zeros, new_ones, ... ======================== */

/* dtype=, device=, requires_grad= (and the accepted-but-unused layout=, pin_memory=) defaulting
 * to self's dtype and device. */
typedef struct new_options {
  int dtype;
  oz_device device;
  bool requires_grad;
} new_options;

static int parse_new_options(const char *fname, const oz_tensor *self, PyObject *dtype_obj,
                             PyObject *device_obj, PyObject *rg_obj, PyObject *pin_obj,
                             new_options *o) {
  bool given, pin;
  if (ozpy_arg_dtype(fname, "dtype", dtype_obj, &o->dtype) < 0 ||
      ozpy_arg_device(fname, "device", device_obj, &o->device, &given) < 0 ||
      ozpy_arg_requires_grad(fname, rg_obj, &o->requires_grad) < 0 ||
      ozpy_arg_bool(fname, "pin_memory", 0, pin_obj, false, &pin) < 0)
    return -1;
  if (o->dtype < 0) o->dtype = self->dtype;
  if (!given) o->device = self->storage ? self->storage->device : OZ_CPU;
  return 0;
}

/* Keyword names after the size, shared by new_zeros/new_ones/new_empty. */
#define NEW_SIZED_SIG(name)                                                                        \
  OZPY_SIG(name, 0, 0, "size", "dtype", "device", "requires_grad", "pin_memory", "layout")

/* new_zeros(*size, ...), new_ones, new_empty: fill < 0 leaves the memory uninitialised. */
static PyObject *new_sized(ozpy_sig *sig, int fill, PyObject *self, PyObject *const *args,
                           Py_ssize_t nargs, PyObject *kw) {
  PyObject *a[6];
  int64_t shape[OZPY_MAX_LIST];
  int ndim;
  bool given;
  new_options o;
  const oz_tensor *t = ozpy_T(self);
  if (ozpy_parse_varargs_ints(sig, args, nargs, kw, a, shape, &ndim, &given) < 0) return NULL;
  if (!given) {
    PyErr_Format(PyExc_TypeError, "%s() missing 1 required positional arguments: \"size\"",
                 sig->fname);
    return NULL;
  }
  if (parse_new_options(sig->fname, t, a[1], a[2], a[3], a[4], &o) < 0) return NULL;
  oz_tensor *r = fill < 0 ? oz_empty(ndim, shape, o.dtype, o.device)
                          : oz_full(ndim, shape, oz_make_scalar_i(fill), o.dtype, o.device);
  return ozpy_wrap(r ? ozpy_apply_requires_grad(r, o.requires_grad) : NULL);
}

PyObject *ozpy_m_new_zeros(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = NEW_SIZED_SIG("new_zeros");
  return new_sized(&sig, 0, self, args, nargs, kw);
}

PyObject *ozpy_m_new_ones(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = NEW_SIZED_SIG("new_ones");
  return new_sized(&sig, 1, self, args, nargs, kw);
}

PyObject *ozpy_m_new_empty(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = NEW_SIZED_SIG("new_empty");
  return new_sized(&sig, -1, self, args, nargs, kw);
}

/* new_full(size, fill_value, *, dtype, device, requires_grad): size is a sequence, not an int. */
PyObject *ozpy_m_new_full(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("new_full", 2, 2, "size", "fill_value", "dtype", "device",
                                 "requires_grad", "pin_memory", "layout");
  PyObject *a[7];
  int64_t shape[OZPY_MAX_LIST];
  int ndim;
  ozpy_number v;
  new_options o;
  const oz_tensor *t = ozpy_T(self);
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0) return NULL;
  if (PyLong_Check(a[0]) || ozpy_is_tensor(a[0])) {
    ozpy_type_error(PyExc_TypeError,
                    "new_full(): argument 'size' (position 1) must be tuple of SymInts, not %U",
                    a[0]);
    return NULL;
  }
  if (ozpy_arg_int_list("new_full", "size", 1, a[0], shape, &ndim) < 0 ||
      ozpy_arg_number("new_full", "fill_value", 2, a[1], &v) < 0 ||
      parse_new_options("new_full", t, a[2], a[3], a[4], a[5], &o) < 0)
    return NULL;
  oz_tensor *r = oz_full(ndim, shape, v.s, o.dtype, o.device);
  return ozpy_wrap(r ? ozpy_apply_requires_grad(r, o.requires_grad) : NULL);
}

/* new_tensor(data, *, dtype, device, requires_grad): torch.tensor(data) in self's dtype and
 * device unless given; a copy without history (warning, as torch, when data is a tensor). */
PyObject *ozpy_m_new_tensor(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                            PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("new_tensor", 1, 1, "data", "dtype", "device", "requires_grad",
                                 "pin_memory", "layout");
  PyObject *a[6];
  new_options o;
  const oz_tensor *t = ozpy_T(self);
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      parse_new_options("new_tensor", t, a[1], a[2], a[3], a[4], &o) < 0)
    return NULL;
  oz_tensor *r = ozpy_tensor_from_data(a[0], o.dtype, o.device, true);
  return r ? ozpy_wrap(ozpy_apply_requires_grad(r, o.requires_grad)) : NULL;
}

/* ================== result_type, promote_types, can_cast ================== */

static const char result_type_usage[] =
    "result_type() received an invalid combination of arguments - got (%U), but expected one "
    "of:\n"
    " * (Tensor tensor, Tensor other)\n"
    " * (Tensor tensor, Number other)\n"
    " * (Number scalar, Tensor tensor)\n"
    " * (Number scalar1, Number scalar2)\n";

/* Adds one operand (a tensor, or a Python number as a wrapped number) to the promotion state;
 * 0 when it is neither. */
static int add_operand(oz_result_type_state *s, PyObject *o) {
  if (ozpy_is_tensor(o)) {
    const oz_tensor *t = ozpy_T(o);
    oz_result_type_add(s, t->dtype, t->is_wrapped_number ? 0 : t->ndim > 0 ? 2 : 1);
    return 1;
  }
  ozpy_number n;
  int r = ozpy_as_number(o, &n);
  if (r > 0) oz_result_type_add(s, n.dtype, 0);
  return r;
}

/* "Tensor, str" for the usage message: the types of the arguments as torch names them. */
static PyObject *arg_types(PyObject *const *args, Py_ssize_t n) {
  PyObject *parts = PyList_New(0), *sep = PyUnicode_FromString(", "), *r = NULL;
  for (Py_ssize_t i = 0; parts && sep && i < n; i++) {
    PyObject *name = ozpy_is_tensor(args[i]) ? PyUnicode_FromString("Tensor")
                                             : ozpy_type_name(args[i]);
    if (!name || PyList_Append(parts, name) < 0) {
      Py_XDECREF(name);
      goto done;
    }
    Py_DECREF(name);
  }
  if (parts && sep) r = PyUnicode_Join(sep, parts);
done:
  Py_XDECREF(parts), Py_XDECREF(sep);
  return r;
}

/* Where a keyword puts its operand: (tensor, other), (scalar, tensor), (scalar1, scalar2), and
 * what it must be: 1 a tensor, 2 a number, 0 either ("other"). -1 for an unknown keyword.
 * `tensor=` is the first operand of (tensor, other) and the second of (scalar, tensor). */
static int keyword_slot(PyObject *key, bool tensor_second, int *kind) {
  static const struct { const char *name; int slot, kind; } keys[] = {
      {"other", 1, 0}, {"scalar", 0, 2}, {"scalar1", 0, 2}, {"scalar2", 1, 2}};
  if (PyUnicode_CompareWithASCIIString(key, "tensor") == 0) {
    *kind = 1;
    return tensor_second ? 1 : 0;
  }
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
    if (PyUnicode_CompareWithASCIIString(key, keys[i].name) == 0) {
      *kind = keys[i].kind;
      return keys[i].slot;
    }
  return -1;
}

PyObject *ozpy_f_result_type(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  const Py_ssize_t nkw = kw ? PyTuple_Size(kw) : 0;
  PyObject *ops[2] = {NULL, NULL};
  int kinds[2] = {0, 0};
  bool ok = nargs + nkw == 2;
  /* (scalar, tensor): a positional or scalar= before tensor= */
  bool tensor_second = nargs == 1;
  for (Py_ssize_t k = 0; k < nkw; k++)
    tensor_second |= PyUnicode_CompareWithASCIIString(PyTuple_GetItem(kw, k), "scalar") == 0;
  for (Py_ssize_t i = 0; ok && i < nargs; i++) ops[i] = args[i];
  for (Py_ssize_t k = 0; ok && k < nkw; k++) {
    int kind, slot = keyword_slot(PyTuple_GetItem(kw, k), tensor_second, &kind);
    if (slot < 0 || ops[slot]) {
      ok = false;
    } else {
      ops[slot] = args[nargs + k];
      kinds[slot] = kind;
    }
  }
  oz_result_type_state s;
  oz_result_type_init(&s);
  int r[2] = {0, 0};
  for (int i = 0; ok && i < 2; i++) {
    const bool is_t = ozpy_is_tensor(ops[i]);
    if ((kinds[i] == 1 && !is_t) || (kinds[i] == 2 && is_t)) break;
    if ((r[i] = add_operand(&s, ops[i])) <= 0) break;
  }
  if (PyErr_Occurred()) return NULL;
  if (r[0] == 0 || r[1] == 0) {
    PyObject *got = arg_types(args, nargs + nkw);
    if (got) PyErr_Format(PyExc_TypeError, result_type_usage, got);
    Py_XDECREF(got);
    return NULL;
  }
  PyObject *d = ozpy_dtype_obj(oz_result_type_get(&s));
  return d ? Py_NewRef(d) : ozpy_raise();
}

/* A dtype argument (torch.dtype or Python's float/int/bool), with torch's TypeError otherwise. */
static int dtype_arg(const char *fname, const char *arg, int pos, PyObject *o, int *dtype) {
  *dtype = ozpy_dtype_like(o);
  if (*dtype >= 0) return 0;
  PyObject *name = ozpy_type_name(o);
  if (name)
    PyErr_Format(PyExc_TypeError, "%s(): argument '%s' (position %d) must be torch.dtype, not %U",
                 fname, arg, pos, name);
  Py_XDECREF(name);
  return -1;
}

/* (name1, name2) given positionally or by keyword; torch's "missing ... arguments" otherwise. */
static int two_dtypes(ozpy_sig *sig, PyObject *const *args, Py_ssize_t nargs, PyObject *kw,
                      int *d1, int *d2) {
  PyObject *a[2];
  if (ozpy_parse(sig, args, nargs, kw, a) < 0) return -1;
  if (!a[0] || !a[1]) {
    PyErr_Format(PyExc_TypeError, "%s() missing %d required positional arguments: \"%s\"",
                 sig->fname, !a[0] + !a[1], !a[0] ? sig->names[0] : sig->names[1]);
    return -1;
  }
  return dtype_arg(sig->fname, sig->names[0], 1, a[0], d1) < 0 ||
                 dtype_arg(sig->fname, sig->names[1], 2, a[1], d2) < 0
             ? -1
             : 0;
}

PyObject *ozpy_f_promote_types(PyObject *m, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("promote_types", 2, 0, "type1", "type2");
  int d1, d2;
  if (two_dtypes(&sig, args, nargs, kw, &d1, &d2) < 0) return NULL;
  PyObject *d = ozpy_dtype_obj(oz_promote_types(d1, d2));
  return d ? Py_NewRef(d) : ozpy_raise();
}

/* can_cast(from, to): `from` is a Python keyword, so torch's parser takes both positionally. */
PyObject *ozpy_f_can_cast(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("can_cast", 2, 0, "from", "to");
  if (kw && PyTuple_Size(kw) > 0 && nargs < 2) {
    PyErr_Format(PyExc_TypeError, "can_cast() missing %zd required positional argument: %s",
                 2 - nargs, nargs == 0 ? "\"from\", \"to\"" : "\"to\"");
    return NULL;
  }
  int d1, d2;
  if (two_dtypes(&sig, args, nargs, kw, &d1, &d2) < 0) return NULL;
  return PyBool_FromLong(oz_can_cast(d1, d2));
}
