/* convert.c - Python data <-> tensors: torch.tensor's nested lists (shape and dtype inference as
 * PyTorch does it), item(), tolist(), numpy interop (__array_interface__, from_numpy sharing
 * memory) and moving between dtypes/devices. No numpy C headers: numpy is reached through its
 * array interface only. */
#include "python/csrc/ozpy.h"
#include "dispatch/oz_half.h"

#include <string.h>

/* ================================ numpy ================================ */

static PyObject *np_module, *np_ndarray, *np_generic;

/* Finds numpy in sys.modules (or imports it when `import` is set) once it exists. */
static PyObject *numpy_module(bool import) {
  if (np_module)
    return np_module;
  PyObject *mod = NULL;
  if (import) {
    mod = PyImport_ImportModule("numpy");
    if (!mod) {
      PyErr_Clear();
      return NULL;
    }
  } else {
    PyObject *modules = PySys_GetObject("modules"); /* borrowed */
    mod = modules ? PyDict_GetItemString(modules, "numpy") : NULL;
    if (!mod)
      return NULL;
    Py_INCREF(mod);
  }
  PyObject *nd = PyObject_GetAttrString(mod, "ndarray");
  PyObject *gen = PyObject_GetAttrString(mod, "generic");
  if (!nd || !gen) {
    PyErr_Clear();
    Py_XDECREF(nd);
    Py_XDECREF(gen);
    Py_DECREF(mod);
    return NULL;
  }
  np_module = mod; /* kept for the life of the process */
  np_ndarray = nd;
  np_generic = gen;
  return np_module;
}

PyObject *ozpy_numpy_ndarray_type(void) { return numpy_module(false) ? np_ndarray : NULL; }
PyObject *ozpy_numpy_generic_type(void) { return numpy_module(false) ? np_generic : NULL; }

static bool is_ndarray(PyObject *o) {
  PyObject *nd = ozpy_numpy_ndarray_type();
  return nd && PyObject_IsInstance(o, nd) == 1;
}

/* numpy's typestr ("<f4", "|b1") -> dtype, or -1 (unsupported), or -2 (foreign byte order). */
static int dtype_from_typestr(const char *ts) {
  static const struct {
    const char *code;
    int dtype;
  } table[] = {{"f8", OZ_FLOAT64}, {"f4", OZ_FLOAT32}, {"f2", OZ_FLOAT16},
               {"i8", OZ_INT64},   {"i4", OZ_INT32},   {"i2", OZ_INT16},
               {"i1", OZ_INT8},    {"u1", OZ_UINT8},   {"b1", OZ_BOOL}};
  if (!ts || strlen(ts) != 3)
    return -1;
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
    if (memcmp(ts + 1, table[i].code, 2) == 0) {
      if (ts[0] == '>' && table[i].code[1] != '1')
        return -2;
      return table[i].dtype;
    }
  }
  return -1;
}

static const char *typestr_of(int dtype) {
  switch (dtype) {
  case OZ_FLOAT32:
    return "<f4";
  case OZ_FLOAT64:
    return "<f8";
  case OZ_FLOAT16:
    return "<f2";
  case OZ_INT64:
    return "<i8";
  case OZ_INT32:
    return "<i4";
  case OZ_INT16:
    return "<i2";
  case OZ_INT8:
    return "|i1";
  case OZ_UINT8:
    return "|u1";
  case OZ_BOOL:
    return "|b1";
  default:
    return NULL;
  }
}

/* The dtype of an ndarray or numpy scalar, raising PyTorch's TypeError when unsupported. */
static int numpy_dtype_of(PyObject *o, PyObject *iface) {
  PyObject *ts = iface ? PyDict_GetItemString(iface, "typestr") : NULL;
  const char *s = ts && PyUnicode_Check(ts) ? PyUnicode_AsUTF8AndSize(ts, NULL) : NULL;
  int dt = dtype_from_typestr(s);
  if (dt == -2) {
    PyErr_SetString(PyExc_ValueError,
                    "given numpy array has byte order different from the native byte order. "
                    "Conversion between byte orders is currently not supported.");
    return -1;
  }
  if (dt >= 0)
    return dt;
  PyObject *name = PyObject_GetAttrString(o, "dtype");
  PyObject *tp = name ? PyObject_GetAttrString(name, "type") : NULL;
  PyObject *tpname = tp ? PyObject_GetAttrString(tp, "__name__") : NULL;
  if (tpname)
    PyErr_Format(PyExc_TypeError,
                 "can't convert np.ndarray of type numpy.%U. The only supported types are: "
                 "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
                 "uint8, and bool.",
                 tpname);
  Py_XDECREF(name);
  Py_XDECREF(tp);
  Py_XDECREF(tpname);
  return -1;
}

static void release_array(void *ctx, void *data) {
  (void)data;
  PyGILState_STATE g = PyGILState_Ensure();
  Py_DECREF((PyObject *)ctx);
  PyGILState_Release(g);
}

static int tuple_to_i64(PyObject *tup, int64_t *vals, int max, int *n) {
  if (!PyTuple_Check(tup)) {
    PyErr_SetString(PyExc_TypeError, "__array_interface__: expected a tuple");
    return -1;
  }
  Py_ssize_t len = PyTuple_Size(tup);
  if (len > max) {
    PyErr_Format(PyExc_ValueError,
                 "arrays with more than %d dimensions are not supported (got %zd)", max, len);
    return -1;
  }
  for (Py_ssize_t i = 0; i < len; i++) {
    long long v = PyLong_AsLongLong(PyTuple_GetItem(tup, i));
    if (v == -1 && PyErr_Occurred())
      return -1;
    vals[i] = (int64_t)v;
  }
  *n = (int)len;
  return 0;
}

static oz_tensor *from_numpy_impl(PyObject *arr, bool warn_readonly) {
  PyObject *iface = PyObject_GetAttrString(arr, "__array_interface__");
  if (!iface)
    return NULL;
  oz_tensor *t = NULL;
  int64_t shape[OZ_MAX_DIMS], strides[OZ_MAX_DIMS];
  int ndim = 0, nstrides = 0;
  int dtype = PyDict_Check(iface) ? numpy_dtype_of(arr, iface) : -1;
  if (dtype < 0) {
    if (!PyErr_Occurred())
      PyErr_SetString(PyExc_TypeError, "from_numpy(): bad __array_interface__");
    goto done;
  }
  PyObject *shape_obj = PyDict_GetItemString(iface, "shape");
  PyObject *strides_obj = PyDict_GetItemString(iface, "strides");
  PyObject *data_obj = PyDict_GetItemString(iface, "data");
  if (!shape_obj || !data_obj || !PyTuple_Check(data_obj) || PyTuple_Size(data_obj) != 2) {
    PyErr_SetString(PyExc_TypeError, "from_numpy(): bad __array_interface__");
    goto done;
  }
  if (tuple_to_i64(shape_obj, shape, OZ_MAX_DIMS, &ndim) < 0)
    goto done;
  const int64_t itemsize = (int64_t)oz_dtype_size(dtype);
  if (strides_obj && strides_obj != Py_None) {
    if (tuple_to_i64(strides_obj, strides, OZ_MAX_DIMS, &nstrides) < 0)
      goto done;
    for (int i = 0; i < ndim; i++) {
      if (strides[i] < 0) {
        PyErr_SetString(PyExc_ValueError,
                        "At least one stride in the given numpy array is negative, and tensors "
                        "with negative strides are not currently supported. (You can probably "
                        "work around this by making a copy of your array  with array.copy().) ");
        goto done;
      }
      if (strides[i] % itemsize != 0) {
        PyErr_SetString(PyExc_ValueError,
                        "given numpy array strides not a multiple of the element byte size. "
                        "Copy the numpy array to reallocate the memory.");
        goto done;
      }
      strides[i] /= itemsize;
    }
  } else { /* C-contiguous */
    int64_t s = 1;
    for (int i = ndim - 1; i >= 0; i--) {
      strides[i] = s;
      s *= shape[i];
    }
  }
  void *ptr = PyLong_AsVoidPtr(PyTuple_GetItem(data_obj, 0));
  if (!ptr && PyErr_Occurred())
    goto done;
  int readonly = PyObject_IsTrue(PyTuple_GetItem(data_obj, 1));
  if (readonly < 0)
    goto done;
  static bool warned_readonly;
  if (readonly && warn_readonly && !warned_readonly) {
    warned_readonly = true;
    if (PyErr_WarnEx(PyExc_UserWarning,
                     "The given NumPy array is not writable, and PyTorch does not support "
                     "non-writable tensors. This means writing to this tensor will result in "
                     "undefined behavior. You may want to copy the array to protect its data or "
                     "make it writable before converting it to a tensor. This type of warning "
                     "will be suppressed for the rest of this program.",
                     1) < 0)
      goto done;
  }
  /* Bytes from element 0 to one past the farthest element (all strides are >= 0). */
  int64_t extent = 1;
  for (int i = 0; i < ndim; i++) {
    if (shape[i] == 0) {
      extent = 0;
      break;
    }
    extent += (shape[i] - 1) * strides[i];
  }
  Py_INCREF(arr); /* the storage keeps the array alive; release_array lets go */
  oz_storage *st = oz_storage_wrap(ptr, (size_t)(extent * itemsize), OZ_CPU, release_array, arr);
  if (!st) {
    Py_DECREF(arr);
    ozpy_raise();
    goto done;
  }
  t = oz_tensor_over(st, 0, dtype, ndim, shape, strides);
  oz_storage_decref(st);
  if (!t)
    ozpy_raise();
done:
  Py_DECREF(iface);
  return t;
}

oz_tensor *ozpy_from_numpy(PyObject *array) {
  numpy_module(true);
  if (!is_ndarray(array)) {
    ozpy_type_error(PyExc_TypeError, "expected np.ndarray (got %U)", array);
    return NULL;
  }
  return from_numpy_impl(array, true);
}

PyObject *ozpy_array_interface(const oz_tensor *t) {
  if (t->storage && t->storage->device.type != OZ_DEVICE_CPU) {
    PyErr_Format(PyExc_TypeError,
                 "can't convert cuda:%d device type tensor to numpy. Use Tensor.cpu() to copy "
                 "the tensor to host memory first.",
                 (int)t->storage->device.index);
    return NULL;
  }
  const char *ts = typestr_of(t->dtype);
  if (!ts) {
    PyErr_SetString(PyExc_TypeError, "Got unsupported ScalarType BFloat16");
    return NULL;
  }
  const int64_t itemsize = (int64_t)oz_dtype_size(t->dtype);
  PyObject *shape = PyTuple_New(t->ndim), *strides = PyTuple_New(t->ndim);
  if (!shape || !strides)
    goto fail;
  for (int i = 0; i < t->ndim; i++) {
    PyObject *a = PyLong_FromLongLong(t->shape[i]);
    if (!a || PyTuple_SetItem(shape, i, a) < 0)
      goto fail;
    PyObject *b = PyLong_FromLongLong(t->strides[i] * itemsize);
    if (!b || PyTuple_SetItem(strides, i, b) < 0)
      goto fail;
  }
  void *ptr = t->storage && t->storage->data ? oz_data_ptr(t) : NULL;
  /* numpy rejects a NULL data pointer even for empty arrays; any aligned address will do for
   * an array that is never dereferenced. */
  static int64_t empty_dummy;
  if (!ptr)
    ptr = &empty_dummy;
  PyObject *d = Py_BuildValue("{s:i,s:N,s:s,s:(NO),s:N}", "version", 3, "shape", shape, "typestr",
                              ts, "data", PyLong_FromVoidPtr(ptr), Py_False, "strides", strides);
  return d;
fail:
  Py_XDECREF(shape);
  Py_XDECREF(strides);
  return NULL;
}

/* ============================ element access ============================ */

static void read_elem(const char *p, int dtype, ozpy_number *n) {
  switch (dtype) {
  case OZ_FLOAT32: {
    float v;
    memcpy(&v, p, 4);
    ozpy_number_from_double(v, n);
    return;
  }
  case OZ_FLOAT64: {
    double v;
    memcpy(&v, p, 8);
    ozpy_number_from_double(v, n);
    return;
  }
  case OZ_FLOAT16:
  case OZ_BFLOAT16: {
    uint16_t v;
    memcpy(&v, p, 2);
    ozpy_number_from_double(dtype == OZ_FLOAT16 ? oz_half_to_float(v) : oz_bf16_to_float(v), n);
    return;
  }
  case OZ_INT64: {
    int64_t v;
    memcpy(&v, p, 8);
    ozpy_number_from_int(v, OZ_INT64, n);
    return;
  }
  case OZ_INT32: {
    int32_t v;
    memcpy(&v, p, 4);
    ozpy_number_from_int(v, OZ_INT64, n);
    return;
  }
  case OZ_INT16: {
    int16_t v;
    memcpy(&v, p, 2);
    ozpy_number_from_int(v, OZ_INT64, n);
    return;
  }
  case OZ_INT8:
    ozpy_number_from_int(*(const int8_t *)p, OZ_INT64, n);
    return;
  case OZ_UINT8:
    ozpy_number_from_int(*(const uint8_t *)p, OZ_INT64, n);
    return;
  case OZ_BOOL:
  default:
    ozpy_number_from_int(*(const uint8_t *)p != 0, OZ_BOOL, n);
    return;
  }
}

static int64_t trunc_to_i64(double f) {
  ozpy_number n;
  ozpy_number_from_double(f, &n);
  return n.s.i;
}

/* Stores a value (a double when is_float, else an int64) cast like a C++ static_cast. */
static void write_elem(char *p, int dtype, bool is_float, double f, int64_t i) {
  switch (dtype) {
  case OZ_FLOAT32: {
    float v = is_float ? (float)f : (float)i;
    memcpy(p, &v, 4);
    return;
  }
  case OZ_FLOAT64: {
    double v = is_float ? f : (double)i;
    memcpy(p, &v, 8);
    return;
  }
  case OZ_FLOAT16:
  case OZ_BFLOAT16: {
    float v = is_float ? (float)f : (float)i;
    uint16_t h = dtype == OZ_FLOAT16 ? oz_float_to_half(v) : oz_float_to_bf16(v);
    memcpy(p, &h, 2);
    return;
  }
  case OZ_BOOL:
    *(uint8_t *)p = is_float ? f != 0.0 : i != 0;
    return;
  default:
    break;
  }
  int64_t v = is_float ? trunc_to_i64(f) : i;
  switch (dtype) {
  case OZ_INT64:
    memcpy(p, &v, 8);
    return;
  case OZ_INT32: {
    int32_t w = (int32_t)(uint32_t)v;
    memcpy(p, &w, 4);
    return;
  }
  case OZ_INT16: {
    int16_t w = (int16_t)(uint16_t)v;
    memcpy(p, &w, 2);
    return;
  }
  case OZ_INT8:
    *(int8_t *)p = (int8_t)(uint8_t)v;
    return;
  case OZ_UINT8:
    *(uint8_t *)p = (uint8_t)v;
    return;
  default:
    return;
  }
}

static PyObject *number_to_py(const ozpy_number *n) {
  if (n->dtype == OZ_FLOAT64)
    return PyFloat_FromDouble(n->s.f);
  if (n->dtype == OZ_BOOL)
    return PyBool_FromLong(n->s.i != 0);
  return PyLong_FromLongLong(n->s.i);
}

/* ============================ moving and casting ============================ */


oz_tensor *ozpy_to(const oz_tensor *t, int dtype, oz_device device, bool copy) {
  return oz_ad_to(t, dtype, device, copy); /* records ToCopyBackward0 when t requires grad */
}

oz_tensor *ozpy_cpu_contiguous(const oz_tensor *t) {
  if (!t->storage || t->storage->device.type == OZ_DEVICE_CPU)
    return oz_contiguous(t);
  return ozpy_to(t, t->dtype, OZ_CPU, true);
}

/* ============================ item and tolist ============================ */

int ozpy_item_number(const oz_tensor *t, ozpy_number *out) {
  if (oz_numel(t) != 1) {
    PyErr_SetString(PyExc_ValueError, "only one element tensors can be converted to Python "
                                      "scalars");
    return -1;
  }
  if (!t->storage || t->storage->device.type == OZ_DEVICE_CPU) { /* no copy needed */
    read_elem((const char *)oz_data_ptr(t), t->dtype, out);
    return 0;
  }
  oz_tensor *c = ozpy_cpu_contiguous(t);
  if (!c)
    return ozpy_raise_int();
  read_elem((const char *)oz_data_ptr(c), c->dtype, out);
  oz_tensor_decref(c);
  return 0;
}

PyObject *ozpy_item(const oz_tensor *t) {
  ozpy_number n;
  if (ozpy_item_number(t, &n) < 0)
    return NULL;
  return number_to_py(&n);
}

static PyObject *tolist_rec(const oz_tensor *c, int dim, const char **p, size_t itemsize) {
  if (dim == c->ndim) {
    ozpy_number n;
    read_elem(*p, c->dtype, &n);
    *p += itemsize;
    return number_to_py(&n);
  }
  PyObject *list = PyList_New((Py_ssize_t)c->shape[dim]);
  if (!list)
    return NULL;
  for (int64_t i = 0; i < c->shape[dim]; i++) {
    PyObject *item = tolist_rec(c, dim + 1, p, itemsize);
    if (!item || PyList_SetItem(list, (Py_ssize_t)i, item) < 0) {
      Py_DECREF(list);
      return NULL;
    }
  }
  return list;
}

PyObject *ozpy_tolist(const oz_tensor *t) {
  oz_tensor *c = ozpy_cpu_contiguous(t);
  if (!c)
    return ozpy_raise();
  const char *p = (const char *)oz_data_ptr(c);
  PyObject *r = tolist_rec(c, 0, &p, oz_dtype_size(c->dtype));
  oz_tensor_decref(c);
  return r;
}

/* ========================= torch.tensor(data) ========================= */

static bool is_text(PyObject *o) { return PyUnicode_Check(o) || PyBytes_Check(o); }

static int invalid_data_type(PyObject *o) {
  ozpy_type_error(PyExc_TypeError, "new(): invalid data type '%U'", o);
  return -1;
}

/* Item k of a sequence as a new reference (lists and tuples without the generic protocol). */
static PyObject *seq_item(PyObject *seq, Py_ssize_t k) {
  if (PyList_Check(seq))
    return Py_XNewRef(PyList_GetItem(seq, k));
  if (PyTuple_Check(seq))
    return Py_XNewRef(PyTuple_GetItem(seq, k));
  return PySequence_GetItem(seq, k);
}

/* PyTorch's compute_sizes: follow the first element down while it is a sequence. */
static int compute_sizes(PyObject *data, int *ndim, int64_t *shape) {
  PyObject *seq = Py_NewRef(data);
  int n = 0;
  int rc = 0;
  while (true) {
    if (ozpy_is_tensor(seq)) { /* a tensor contributes its own shape */
      const oz_tensor *t = ozpy_T(seq);
      if (n + t->ndim > OZ_MAX_DIMS) {
        PyErr_Format(PyExc_ValueError, "too many dimensions 'Tensor'");
        rc = -1;
        break;
      }
      for (int i = 0; i < t->ndim; i++)
        shape[n++] = t->shape[i];
      break;
    }
    if (!PySequence_Check(seq))
      break;
    Py_ssize_t len = PySequence_Size(seq);
    if (len < 0) {
      rc = -1;
      break;
    }
    if (n == OZ_MAX_DIMS) {
      PyObject *name = ozpy_type_name(seq);
      if (name) {
        PyErr_Format(PyExc_ValueError, "too many dimensions '%U'", name);
        Py_DECREF(name);
      }
      rc = -1;
      break;
    }
    shape[n++] = len;
    if (len == 0)
      break;
    PyObject *item = seq_item(seq, 0);
    if (!item) {
      rc = -1;
      break;
    }
    Py_DECREF(seq);
    seq = item;
  }
  Py_DECREF(seq);
  *ndim = n;
  return rc;
}

static void promote(int *acc, int dt) { *acc = *acc < 0 ? dt : oz_promote_types(*acc, dt); }

/* PyTorch's infer_scalar_type over every element. */
static int infer_dtype(PyObject *o, int *acc) {
  /* numpy scalars keep their dtype, even numpy.float64 (a float subclass) */
  PyObject *generic = ozpy_numpy_generic_type();
  bool np_scalar = !PyFloat_CheckExact(o) && !PyLong_CheckExact(o) && !PyBool_Check(o) && generic &&
                   PyObject_IsInstance(o, generic) == 1;
  if (PyFloat_Check(o) && !np_scalar) {
    promote(acc, oz_default_dtype());
    return 0;
  }
  if (PyBool_Check(o)) {
    promote(acc, OZ_BOOL);
    return 0;
  }
  if (PyLong_Check(o) && !np_scalar) {
    promote(acc, OZ_INT64);
    return 0;
  }
  if (ozpy_is_tensor(o)) {
    promote(acc, ozpy_T(o)->dtype);
    return 0;
  }
  if (is_text(o))
    return invalid_data_type(o);
  if (PyComplex_Check(o)) {
    PyErr_SetString(PyExc_TypeError, "oztorch does not support complex numbers");
    return -1;
  }
  if (np_scalar || is_ndarray(o)) {
    PyObject *iface = PyObject_GetAttrString(o, "__array_interface__");
    if (!iface)
      return -1;
    int dt = PyDict_Check(iface) ? numpy_dtype_of(o, iface) : -1;
    Py_DECREF(iface);
    if (dt < 0) {
      if (!PyErr_Occurred())
        PyErr_SetString(PyExc_TypeError, "bad __array_interface__");
      return -1;
    }
    promote(acc, dt);
    return 0;
  }
  if (PySequence_Check(o)) {
    Py_ssize_t len = PySequence_Size(o);
    if (len < 0)
      return -1;
    if (len == 0) { /* like numpy, but the default dtype instead of float64 */
      promote(acc, oz_default_dtype());
      return 0;
    }
    for (Py_ssize_t k = 0; k < len; k++) {
      PyObject *item = seq_item(o, k);
      if (!item)
        return -1;
      int r = infer_dtype(item, acc);
      Py_DECREF(item);
      if (r < 0)
        return -1;
    }
    return 0;
  }
  PyObject *name = ozpy_type_name(o);
  if (name) {
    PyErr_Format(PyExc_RuntimeError, "Could not infer dtype of %U", name);
    Py_DECREF(name);
  }
  return -1;
}

/* One leaf, converted like PyTorch's store_scalar for the target dtype. */
static int store_scalar(PyObject *o, int dtype, char *p) {
  bool floating = oz_dtype_is_floating(dtype);
  if (PyFloat_Check(o)) {
    double f = PyFloat_AsDouble(o);
    if (f == -1.0 && PyErr_Occurred())
      return -1;
    write_elem(p, dtype, true, f, 0);
    return 0;
  }
  if (PyLong_Check(o)) { /* bool included */
    if (floating) {
      double f = PyLong_AsDouble(o);
      if (f == -1.0 && PyErr_Occurred())
        return -1;
      write_elem(p, dtype, true, f, 0);
      return 0;
    }
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) {
      PyErr_SetString(PyExc_RuntimeError, "Overflow when unpacking long");
      return -1;
    }
    if (v == -1 && PyErr_Occurred())
      return -1;
    write_elem(p, dtype, false, 0.0, (int64_t)v);
    return 0;
  }
  if (ozpy_is_tensor(o)) {
    ozpy_number n;
    if (ozpy_item_number(ozpy_T(o), &n) < 0)
      return -1;
    write_elem(p, dtype, n.dtype == OZ_FLOAT64, n.s.f, n.s.i);
    return 0;
  }
  /* numpy scalars and other number-likes; for anything else Python's own TypeError text. */
  if (floating || !PyIndex_Check(o)) {
    if (!floating && !PyNumber_Check(o)) {
      PyObject *i = PyNumber_Index(o); /* "'list' object cannot be interpreted as an integer" */
      Py_XDECREF(i);
      if (!i)
        return -1;
    }
    double f = PyFloat_AsDouble(o);
    if (f == -1.0 && PyErr_Occurred())
      return -1;
    write_elem(p, dtype, true, f, 0);
    return 0;
  }
  PyObject *i = PyNumber_Index(o);
  if (!i)
    return -1;
  int r = store_scalar(i, dtype, p);
  Py_DECREF(i);
  return r;
}

typedef struct store_ctx {
  int ndim;
  const int64_t *shape;
  int dtype;
  size_t itemsize;
  char *p; /* next element to write (row-major) */
} store_ctx;

static int store_tensor(store_ctx *c, int dim, const oz_tensor *t) {
  if (t->ndim != c->ndim - dim) {
    PyErr_SetString(PyExc_ValueError, "only one element tensors can be converted to Python "
                                      "scalars");
    return -1;
  }
  for (int i = 0; i < t->ndim; i++) {
    if (t->shape[i] != c->shape[dim + i]) {
      PyErr_Format(PyExc_ValueError, "expected sequence of length %lld at dim %d (got %lld)",
                   (long long)c->shape[dim + i], dim + i, (long long)t->shape[i]);
      return -1;
    }
  }
  oz_tensor *cast = ozpy_to(t, c->dtype, OZ_CPU, false);
  oz_tensor *cont = cast ? oz_contiguous(cast) : NULL;
  oz_tensor_decref(cast);
  if (!cont)
    return ozpy_raise_int();
  size_t nbytes = (size_t)oz_numel(cont) * c->itemsize;
  if (nbytes)
    memcpy(c->p, oz_data_ptr(cont), nbytes);
  c->p += nbytes;
  oz_tensor_decref(cont);
  return 0;
}

static int store_rec(store_ctx *c, int dim, PyObject *o) {
  if (dim == c->ndim) {
    if (store_scalar(o, c->dtype, c->p) < 0)
      return -1;
    c->p += c->itemsize;
    return 0;
  }
  if (ozpy_is_tensor(o))
    return store_tensor(c, dim, ozpy_T(o));
  if (!PySequence_Check(o)) {
    PyErr_SetString(PyExc_TypeError, "not a sequence");
    return -1;
  }
  Py_ssize_t len = PySequence_Size(o);
  if (len < 0)
    return -1;
  if (len != c->shape[dim]) {
    PyErr_Format(PyExc_ValueError, "expected sequence of length %lld at dim %d (got %lld)",
                 (long long)c->shape[dim], dim, (long long)len);
    return -1;
  }
  for (Py_ssize_t k = 0; k < len; k++) {
    PyObject *item = seq_item(o, k);
    if (!item)
      return -1;
    int r = store_rec(c, dim + 1, item);
    Py_DECREF(item);
    if (r < 0)
      return -1;
  }
  return 0;
}

static const char copy_warning[] =
    "To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or "
    "sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor(sourceTensor).";

oz_tensor *ozpy_tensor_from_data(PyObject *data, int dtype, oz_device device, bool warn_copy) {
  if (ozpy_is_tensor(data)) {
    if (warn_copy && PyErr_WarnEx(PyExc_UserWarning, copy_warning, 1) < 0)
      return NULL;
    const oz_tensor *src = ozpy_T(data);
    const bool grad_was = oz_grad_enabled(); /* a new leaf: the copy records no history */
    oz_set_grad_enabled(false);
    oz_tensor *r = ozpy_to(src, dtype < 0 ? src->dtype : dtype, device, true);
    oz_set_grad_enabled(grad_was);
    if (!r)
      ozpy_raise();
    return r;
  }
  if (is_ndarray(data)) { /* copy through a temporary view of the array's memory */
    oz_tensor *a = from_numpy_impl(data, false);
    if (!a)
      return NULL;
    oz_tensor *r = ozpy_to(a, dtype < 0 ? a->dtype : dtype, device, true);
    oz_tensor_decref(a);
    if (!r)
      ozpy_raise();
    return r;
  }
  if (is_text(data)) {
    invalid_data_type(data);
    return NULL;
  }
  int64_t shape[OZ_MAX_DIMS];
  int ndim = 0;
  if (compute_sizes(data, &ndim, shape) < 0)
    return NULL;
  if (dtype < 0 && infer_dtype(data, &dtype) < 0)
    return NULL;
  if (dtype < 0)
    dtype = oz_default_dtype();
  oz_tensor *t = oz_empty(ndim, shape, dtype, OZ_CPU);
  if (!t) {
    ozpy_raise();
    return NULL;
  }
  store_ctx c = {ndim, shape, dtype, oz_dtype_size(dtype), (char *)oz_data_ptr(t)};
  if (store_rec(&c, 0, data) < 0) {
    oz_tensor_decref(t);
    return NULL;
  }
  if (device.type != OZ_DEVICE_CPU) {
    oz_tensor *moved = ozpy_to(t, dtype, device, false);
    oz_tensor_decref(t);
    if (!moved)
      ozpy_raise();
    return moved;
  }
  return t;
}

/* ============================ tensor methods ============================ */

static PyObject *m_item(PyObject *self, PyObject *unused) {
  (void)unused;
  return ozpy_item(ozpy_T(self));
}

static PyObject *m_tolist(PyObject *self, PyObject *unused) {
  (void)unused;
  return ozpy_tolist(ozpy_T(self));
}

PyMethodDef ozpy_tensor_methods_convert[] = {
    {"item", m_item, METH_NOARGS, "the value of a one-element tensor as a Python number"},
    {"tolist", m_tolist, METH_NOARGS, "nested lists of Python numbers"},
    {NULL, NULL, 0, NULL},
};
