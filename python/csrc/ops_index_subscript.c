/* ops_index_subscript.c - Python subscripts with PyTorch's full rules (_C._index_get and
 * _C._index_put, which Tensor.__getitem__/__setitem__ call when the subscript holds tensors,
 * lists or arrays) and index_put/index_put_.
 *
 * The conversion follows torch/csrc/autograd/python_variable_indexing.cpp: a non-tuple sequence
 * is read as a tuple when it holds a tensor, a sequence, a slice, `...` or None (numpy's
 * heuristic, for sequences shorter than 32); a list or array becomes an index tensor, int64
 * unless its values are bools (a mask) or it is a uint8 array; anything with __index__ is an int.
 * The core (oz_index_items) then does the slicing and the advanced indexing. */
#include <stdio.h>
#include <string.h>

#include "python/csrc/ops_index.h"

#define MAX_ITEMS 64

typedef struct parsed_index {
  int n;
  oz_index_item items[MAX_ITEMS];
  oz_tensor *owned[MAX_ITEMS]; /* index tensors made from lists/arrays */
} parsed_index;

static void parsed_free(parsed_index *p) {
  for (int i = 0; i < p->n; i++) oz_tensor_decref(p->owned[i]);
  p->n = 0;
}

/* treatSequenceAsTuple: numpy's heuristic for a subscript that is a sequence but not a tuple. */
static int sequence_is_tuple(PyObject *index) {
  if (PyTuple_Check(index)) return 1;
  if (ozpy_is_tensor(index) || !PySequence_Check(index) || PyUnicode_Check(index)) return 0;
  Py_ssize_t n = PySequence_Size(index);
  if (n < 0) {
    PyErr_Clear();
    return 0;
  }
  if (n >= 32) return 0;
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject *o = PySequence_GetItem(index, i);
    if (!o) {
      PyErr_Clear();
      return 0;
    }
    int yes = ozpy_is_tensor(o) || (PySequence_Check(o) && !PyUnicode_Check(o)) ||
              PySlice_Check(o) || o == Py_Ellipsis || o == Py_None;
    Py_DECREF(o);
    if (yes) return 1;
  }
  return 0;
}

/* A list or array as an index tensor: a mask when its values are bools (or a uint8 array),
 * int64 otherwise (floats truncate, as torch's indexing_tensor_from_data does). */
static oz_tensor *sequence_index(PyObject *o, oz_device device) {
  oz_tensor *t = ozpy_tensor_from_data(o, -1, device, false);
  if (!t || t->dtype == OZ_BOOL || t->dtype == OZ_UINT8 || t->dtype == OZ_INT64) return t;
  oz_tensor *l = oz_to_dtype(t, OZ_INT64, false);
  oz_tensor_decref(t);
  if (!l) ozpy_raise();
  return l;
}

static int invalid_index(PyObject *o) {
  ozpy_type_error(PyExc_IndexError,
                  "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
                  "are valid indices (got %U)",
                  o);
  return -1;
}

/* One subscript item into p->items[p->n]. */
static int classify(PyObject *o, oz_device device, parsed_index *p) {
  if (p->n >= MAX_ITEMS) {
    PyErr_SetString(PyExc_IndexError, "too many indices");
    return -1;
  }
  oz_index_item *it = &p->items[p->n];
  memset(it, 0, sizeof *it);
  p->owned[p->n] = NULL;
  if (PyBool_Check(o)) {
    it->kind = OZ_INDEX_BOOL;
    it->i = o == Py_True;
  } else if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) {
      PyErr_SetString(PyExc_RuntimeError, "Overflow when unpacking long");
      return -1;
    }
    if (v == -1 && PyErr_Occurred()) return -1;
    it->kind = OZ_INDEX_INT;
    it->i = v;
  } else if (PySlice_Check(o)) {
    Py_ssize_t start, stop, step;
    if (PySlice_Unpack(o, &start, &stop, &step) < 0) return -1;
    it->kind = OZ_INDEX_SLICE;
    it->start = start, it->stop = stop, it->step = step;
  } else if (o == Py_Ellipsis) {
    it->kind = OZ_INDEX_ELLIPSIS;
  } else if (o == Py_None) {
    it->kind = OZ_INDEX_NONE;
  } else if (ozpy_is_tensor(o)) {
    it->kind = OZ_INDEX_TENSOR;
    it->tensor = ozpy_T(o);
  } else if (PySequence_Check(o)) {
    oz_tensor *t = sequence_index(o, device);
    if (!t) return -1;
    it->kind = OZ_INDEX_TENSOR;
    it->tensor = p->owned[p->n] = t;
  } else if (PyFloat_Check(o) || !PyIndex_Check(o)) {
    return invalid_index(o);
  } else { /* numpy integers and other __index__ objects */
    PyObject *i = PyNumber_Index(o);
    if (!i) {
      PyErr_Clear();
      return invalid_index(o);
    }
    int r = PyLong_Check(i) ? 0 : -1;
    long long v = r == 0 ? PyLong_AsLongLong(i) : 0;
    Py_DECREF(i);
    if (r < 0 || (v == -1 && PyErr_Occurred())) return r < 0 ? invalid_index(o) : -1;
    it->kind = OZ_INDEX_INT;
    it->i = v;
  }
  p->n++;
  return 0;
}

/* The subscript as items; uint8 index tensors warn as in torch. */
static int parse_subscript(PyObject *index, oz_device device, parsed_index *p) {
  p->n = 0;
  int as_tuple = sequence_is_tuple(index);
  PyObject *tuple = as_tuple ? PySequence_Tuple(index) : NULL;
  if (as_tuple && !tuple) return -1;
  int rc = 0;
  if (tuple) {
    for (Py_ssize_t i = 0; i < PyTuple_Size(tuple) && rc == 0; i++)
      rc = classify(PyTuple_GetItem(tuple, i), device, p);
    Py_DECREF(tuple);
  } else {
    rc = classify(index, device, p);
  }
  for (int i = 0; i < p->n && rc == 0; i++)
    if (p->items[i].kind == OZ_INDEX_TENSOR && p->items[i].tensor->dtype == OZ_UINT8 &&
        p->items[i].tensor->ndim > 0)
      rc = PyErr_WarnEx(PyExc_UserWarning, "indexing with dtype torch.uint8 is now deprecated, "
                        "please use a dtype torch.bool instead.", 1);
  if (rc < 0) parsed_free(p);
  return rc;
}

/* ============================== the Tensor type's hooks ============================== */

/* A subscript item that basic indexing (views) cannot express. */
static bool item_is_advanced(PyObject *o) {
  if (PyBool_Check(o)) return true; /* torch indexes with [0] / [] on a new dim: a copy */
  if (ozpy_is_tensor(o)) {
    const oz_tensor *t = ozpy_T(o);
    return !(t->ndim == 0 && oz_dtype_is_integral(t->dtype, false)); /* 0-d ints select */
  }
  return PySequence_Check(o) && !PyUnicode_Check(o) && !PyBytes_Check(o);
}

int ozpy_ix_is_advanced(PyObject *index) {
  /* a list or array subscript is ours even when numpy's rule reads it as a tuple of basic items
   * (x[[0, slice(None)]]): basic indexing takes tuples only */
  if (!PyTuple_Check(index)) return item_is_advanced(index);
  for (Py_ssize_t i = 0; i < PyTuple_Size(index); i++)
    if (item_is_advanced(PyTuple_GetItem(index, i))) return 1;
  return 0;
}

PyObject *ozpy_ix_getitem(PyObject *self, PyObject *index) {
  oz_tensor *t = ozpy_T(self);
  parsed_index p;
  if (parse_subscript(index, oz_tensor_device(t), &p) < 0) return NULL;
  oz_tensor *r = oz_index_items(t, p.n, p.items);
  parsed_free(&p);
  return ozpy_wrap(r);
}

static int setitem_impl(oz_tensor *t, PyObject *index, PyObject *value_obj, bool accumulate);

int ozpy_ix_setitem(PyObject *self, PyObject *index, PyObject *value) {
  if (!value) {
    PyErr_SetString(PyExc_TypeError, "Tensor does not support deleting items");
    return -1;
  }
  return setitem_impl(ozpy_T(self), index, value, false);
}

PyObject *ozpy_ix_index_get(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("_index_get", 2, 2, "tensor", "index");
  PyObject *a[2];
  oz_tensor *t;
  parsed_index p;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("_index_get", "tensor", 1, a[0], &t) < 0 ||
      parse_subscript(a[1], oz_tensor_device(t), &p) < 0)
    return NULL;
  oz_tensor *r = oz_index_items(t, p.n, p.items);
  parsed_free(&p);
  return ozpy_wrap(r);
}

/* "torch.FloatTensor" (the legacy type name torch's messages use). */
static const char *legacy_type_name(const oz_tensor *t, char *buf, size_t n) {
  static const char *names[OZ_NUM_DTYPES] = {
      [OZ_FLOAT32] = "Float", [OZ_FLOAT64] = "Double", [OZ_INT64] = "Long",
      [OZ_INT32] = "Int",     [OZ_INT16] = "Short",    [OZ_INT8] = "Char",
      [OZ_UINT8] = "Byte",    [OZ_BOOL] = "Bool",      [OZ_FLOAT16] = "Half",
      [OZ_BFLOAT16] = "BFloat16"};
  const char *dt = t->dtype >= 0 && t->dtype < OZ_NUM_DTYPES && names[t->dtype] ? names[t->dtype]
                                                                              : "Unknown";
  snprintf(buf, n, "torch.%s%sTensor", oz_tensor_device(t).type == OZ_DEVICE_CUDA ? "cuda." : "",
           dt);
  return buf;
}

PyObject *ozpy_ix_index_set(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("_index_put", 4, 3, "tensor", "index", "value", "accumulate");
  PyObject *a[4];
  oz_tensor *t;
  bool accumulate;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("_index_put", "tensor", 1, a[0], &t) < 0 ||
      ozpy_arg_bool("_index_put", "accumulate", 4, a[3], false, &accumulate) < 0)
    return NULL;
  return setitem_impl(t, a[1], a[2], accumulate) < 0 ? NULL : Py_NewRef(Py_None);
}

/* x[index] = value (accumulate: +=, as index_put_(..., accumulate=True)). */
static int setitem_impl(oz_tensor *t, PyObject *index, PyObject *value_obj, bool accumulate) {
  /* valueToTensor: a tensor, or a Python number (which takes self's dtype in the core) */
  oz_tensor *value, *tmp = NULL;
  int r = ozpy_operand(value_obj, &value, &tmp);
  if (r < 0) return -1;
  if (r == 0) {
    char buf[64];
    PyObject *name = PyType_GetName(Py_TYPE(value_obj));
    if (name)
      PyErr_Format(PyExc_TypeError, "can't assign a %U to a %s", name,
                   legacy_type_name(t, buf, sizeof buf));
    Py_XDECREF(name);
    return -1;
  }
  parsed_index p;
  if (parse_subscript(index, oz_tensor_device(t), &p) < 0) {
    oz_tensor_decref(tmp);
    return -1;
  }
  int rc = oz_index_items_put(t, p.n, p.items, value, accumulate);
  parsed_free(&p);
  oz_tensor_decref(tmp);
  return rc == OZ_OK ? 0 : ozpy_raise_int();
}

/* ============================== index_put, index_put_ ============================== */

/* indices: a tuple or list of tensors. Borrowed into ix[]. */
static int indices_arg(const char *fname, PyObject *o, const oz_tensor **ix, int *n) {
  if (!o || !(PyTuple_Check(o) || PyList_Check(o))) {
    PyObject *name = ozpy_type_name(o ? o : Py_None);
    if (name)
      PyErr_Format(PyExc_TypeError, "%s(): argument 'indices' (position 1) must be tuple of "
                   "Tensors, not %U", fname, name);
    Py_XDECREF(name);
    return -1;
  }
  Py_ssize_t len = PySequence_Size(o);
  if (len > MAX_ITEMS) {
    PyErr_SetString(PyExc_IndexError, "too many indices");
    return -1;
  }
  for (Py_ssize_t i = 0; i < len; i++) {
    PyObject *item = PyTuple_Check(o) ? PyTuple_GetItem(o, i) : PyList_GetItem(o, i);
    if (item && ozpy_is_tensor(item)) { /* torch's binding takes no None here */
      ix[i] = ozpy_T(item);
      if (ix[i]->dtype == OZ_UINT8 &&
          PyErr_WarnEx(PyExc_UserWarning, "indexing with dtype torch.uint8 is now deprecated, "
                       "please use a dtype torch.bool instead.", 1) < 0)
        return -1;
    } else {
      PyObject *name = item ? ozpy_type_name(item) : NULL;
      if (name)
        PyErr_Format(PyExc_TypeError, "expected Tensor as element %zd in argument 0, but got %U",
                     i, name);
      Py_XDECREF(name);
      return -1;
    }
  }
  *n = (int)len;
  return 0;
}

static PyObject *index_put_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                                PyObject *out_obj) {
  const char *fname = b->msig.fname;
  const oz_tensor *ix[MAX_ITEMS];
  int n;
  oz_tensor *x = ozpy_T(x_obj), *values;
  bool accumulate;
  /* the indices tuple keeps its tensors alive through the call */
  if (indices_arg(fname, a[0], ix, &n) < 0 || ozpy_arg_tensor(fname, "values", 2, a[1], &values) < 0 ||
      ozpy_arg_bool(fname, "accumulate", 3, a[2], false, &accumulate) < 0)
    return NULL;
  oz_tensor *r = oz_index_put(x, n, ix, values, accumulate, b->inplace ? x : NULL);
  return ozpy_ix_result(b, x_obj, out_obj, r);
}

static ix_binding ixb_index_put =
    IX_BINDING("index_put", index_put_impl, 3, 2, "indices", "values", "accumulate");
static ix_binding ixb_index_put_ =
    IX_BINDING_INPLACE("index_put_", index_put_impl, 3, 2, "indices", "values", "accumulate");

IX_SUBSCRIPT_OPS(IX_ENTRY_POINTS)
