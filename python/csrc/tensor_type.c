/* tensor_type.c - the _TensorBase type: the Python object around an oz_tensor, its attributes
 * (shape, dtype, device, ...), its number/mapping slots (operators call the op bindings of
 * ops.c directly, no Python in between), the registered Tensor and Size classes, and the
 * small query methods (dim, size, stride, ...). */
#include "python/csrc/ozpy.h"

#include <stdlib.h>
#include <string.h>

PyTypeObject *ozpy_tensor_base_type;

/* The class every tensor made in C is an instance of: oztorch.Tensor once _tensor.py registered
 * it (so Python-level methods and nn.Parameter's subclassing work), _TensorBase before. */
static PyTypeObject *tensor_class;
static allocfunc tensor_alloc;
static freefunc tensor_free;
/* oztorch.Size (a tuple subclass with no __dict__), or NULL for plain tuples. */
static PyTypeObject *size_class;
static allocfunc size_alloc;

/* =============================== wrapping =============================== */

PyObject *ozpy_wrap_as(PyTypeObject *cls, oz_tensor *t) {
  if (!t)
    return ozpy_raise();
  allocfunc alloc =
      cls == tensor_class ? tensor_alloc : (allocfunc)PyType_GetSlot(cls, Py_tp_alloc);
  PyObject *o = alloc(cls, 0);
  if (!o) {
    oz_tensor_decref(t);
    return NULL;
  }
  ((ozpy_tensor_object *)o)->t = t;
  return o;
}

PyObject *ozpy_wrap(oz_tensor *t) {
  if (!t)
    return ozpy_raise();
  PyObject *o = tensor_alloc(tensor_class, 0);
  if (!o) {
    oz_tensor_decref(t);
    return NULL;
  }
  ((ozpy_tensor_object *)o)->t = t;
  return o;
}

PyObject *ozpy_wrap_same(PyObject *same, oz_tensor *t) {
  if (t && same && ozpy_T(same) == t) {
    oz_tensor_decref(t);
    return Py_NewRef(same);
  }
  return ozpy_wrap(t);
}

static PyObject *make_size(int n, const int64_t *vals) {
  PyObject *tup = size_class ? size_alloc(size_class, n) : PyTuple_New(n);
  if (!tup)
    return NULL;
  for (int i = 0; i < n; i++) {
    PyObject *v = PyLong_FromLongLong(vals[i]);
    if (!v || PyTuple_SetItem(tup, i, v) < 0) {
      Py_DECREF(tup);
      return NULL;
    }
  }
  return tup;
}

static PyObject *make_int_tuple(int n, const int64_t *vals) {
  PyObject *tup = PyTuple_New(n);
  if (!tup)
    return NULL;
  for (int i = 0; i < n; i++) {
    PyObject *v = PyLong_FromLongLong(vals[i]);
    if (!v || PyTuple_SetItem(tup, i, v) < 0) {
      Py_DECREF(tup);
      return NULL;
    }
  }
  return tup;
}

/* =========================== object lifecycle =========================== */

static void tensor_dealloc(PyObject *self) {
  PyTypeObject *tp = Py_TYPE(self);
  oz_tensor *t = ozpy_T(self);
  ((ozpy_tensor_object *)self)->t = NULL;
  oz_tensor_decref(t);
  freefunc f = tp == tensor_class ? tensor_free : (freefunc)PyType_GetSlot(tp, Py_tp_free);
  f(self);
  Py_DECREF(tp);
}

static bool is_size_object(PyObject *o) { return size_class && PyObject_TypeCheck(o, size_class); }

/* Tensor(), Tensor(*sizes), Tensor(torch.Size), Tensor(sequence), Tensor(tensor): the legacy
 * constructor, in the default dtype. */
static PyObject *tensor_tp_new(PyTypeObject *cls, PyObject *args, PyObject *kwargs) {
  if (kwargs && PyDict_Size(kwargs) > 0) {
    PyErr_SetString(PyExc_TypeError, "Tensor(): keyword arguments are not supported; use "
                                     "torch.tensor(data, dtype=..., device=...)");
    return NULL;
  }
  Py_ssize_t n = PyTuple_Size(args);
  int64_t shape[OZPY_MAX_LIST];
  int ndim = 0;
  oz_tensor *t = NULL;
  PyObject *a0 = n > 0 ? PyTuple_GetItem(args, 0) : NULL;
  if (n == 0) {
    shape[0] = 0;
    t = oz_empty(1, shape, oz_default_dtype(), ozpy_default_device);
  } else if (n == 1 && ozpy_is_tensor(a0)) {
    t = oz_alias(ozpy_T(a0));
  } else if (n == 1 && !is_size_object(a0) && PySequence_Check(a0)) {
    if (PyUnicode_Check(a0)) {
      ozpy_type_error(PyExc_TypeError, "Tensor(): expected sizes or a sequence, got %U", a0);
      return NULL;
    }
    t = ozpy_tensor_from_data(a0, oz_default_dtype(), ozpy_default_device, false);
    if (!t)
      return NULL;
  } else {
    static ozpy_sig sig = OZPY_SIG("Tensor", 0, 0, "size");
    PyObject *kw[1];
    PyObject *items[OZPY_MAX_LIST];
    if (n > OZPY_MAX_LIST) {
      PyErr_SetString(PyExc_ValueError, "Tensor(): too many dimensions");
      return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++)
      items[i] = PyTuple_GetItem(args, i);
    bool given;
    if (ozpy_parse_varargs_ints(&sig, items, n, NULL, kw, shape, &ndim, &given) < 0)
      return NULL;
    t = oz_empty(ndim, shape, oz_default_dtype(), ozpy_default_device);
  }
  return ozpy_wrap_as(cls, t);
}

/* Tensor._make_subclass(cls, data, require_grad=False): an instance of `cls` sharing data's
 * storage; how nn.Parameter is made. */
static PyObject *tensor_make_subclass(PyObject *unused, PyObject *args, PyObject *kwargs) {
  (void)unused;
  static char *kwlist[] = {"cls", "data", "require_grad", NULL};
  PyObject *cls, *data;
  int require_grad = 0;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|p:_make_subclass", kwlist, &cls, &data,
                                   &require_grad))
    return NULL;
  if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, ozpy_tensor_base_type)) {
    PyErr_SetString(PyExc_TypeError, "_make_subclass(): cls must be a subclass of Tensor");
    return NULL;
  }
  if (!ozpy_is_tensor(data)) {
    ozpy_type_error(PyExc_TypeError, "_make_subclass(): argument 'data' must be Tensor, not %U",
                    data);
    return NULL;
  }
  oz_tensor *t = oz_alias(ozpy_T(data)); /* a fresh leaf sharing data's memory */
  if (t && require_grad && oz_set_requires_grad(t, true) != OZ_OK) {
    oz_tensor_decref(t);
    return ozpy_raise();
  }
  return ozpy_wrap_as((PyTypeObject *)cls, t);
}

/* ============================== attributes ============================== */

static PyObject *get_shape(PyObject *self, void *c) {
  (void)c;
  const oz_tensor *t = ozpy_T(self);
  return make_size(t->ndim, t->shape);
}

static PyObject *get_dtype(PyObject *self, void *c) {
  (void)c;
  PyObject *d = ozpy_dtype_obj(ozpy_T(self)->dtype);
  if (!d) {
    PyErr_SetString(PyExc_RuntimeError, "tensor has an invalid dtype");
    return NULL;
  }
  return Py_NewRef(d);
}

static PyObject *get_device(PyObject *self, void *c) {
  (void)c;
  return ozpy_tensor_device_obj(ozpy_T(self));
}

static PyObject *get_ndim(PyObject *self, void *c) {
  (void)c;
  return PyLong_FromLong(ozpy_T(self)->ndim);
}

static PyObject *get_T(PyObject *self, void *c) {
  (void)c;
  return ozpy_T_view(self);
}

static PyObject *get_is_cuda(PyObject *self, void *c) {
  (void)c;
  const oz_tensor *t = ozpy_T(self);
  return PyBool_FromLong(t->storage && t->storage->device.type == OZ_DEVICE_CUDA);
}

static PyObject *get_is_cpu(PyObject *self, void *c) {
  (void)c;
  const oz_tensor *t = ozpy_T(self);
  return PyBool_FromLong(!t->storage || t->storage->device.type == OZ_DEVICE_CPU);
}

static PyObject *get_itemsize(PyObject *self, void *c) {
  (void)c;
  return PyLong_FromSize_t(oz_dtype_size(ozpy_T(self)->dtype));
}

static PyObject *get_nbytes(PyObject *self, void *c) {
  (void)c;
  const oz_tensor *t = ozpy_T(self);
  return PyLong_FromLongLong(oz_numel(t) * (int64_t)oz_dtype_size(t->dtype));
}

static PyObject *get_array_interface(PyObject *self, void *c) {
  (void)c;
  return ozpy_array_interface(ozpy_T(self));
}

/* `x.data`: the same values without autograd history (a view sharing storage). */
static PyObject *get_data(PyObject *self, void *c) {
  (void)c;
  return ozpy_wrap(oz_alias(ozpy_T(self)));
}

static int set_data(PyObject *self, PyObject *value, void *c) {
  (void)c;
  if (!value || !ozpy_is_tensor(value)) {
    PyErr_SetString(PyExc_TypeError, "Tensor.data must be set to a Tensor");
    return -1;
  }
  oz_tensor *nt = oz_alias(ozpy_T(value));
  if (!nt)
    return ozpy_raise_int();
  oz_tensor *old = ozpy_T(self);
  /* x.data = y swaps the values, not the identity: x keeps requires_grad, grad and history. */
  nt->autograd = old->autograd;
  old->autograd = NULL;
  ((ozpy_tensor_object *)self)->t = nt;
  oz_tensor_decref(old);
  return 0;
}

static PyGetSetDef tensor_getset[] = {
    {"shape", get_shape, NULL, "the size, as a torch.Size", NULL},
    {"dtype", get_dtype, NULL, NULL, NULL},
    {"device", get_device, NULL, NULL, NULL},
    {"ndim", get_ndim, NULL, NULL, NULL},
    {"T", get_T, NULL, "the dimensions reversed", NULL},
    {"data", get_data, set_data, NULL, NULL},
    {"is_cuda", get_is_cuda, NULL, NULL, NULL},
    {"is_cpu", get_is_cpu, NULL, NULL, NULL},
    {"itemsize", get_itemsize, NULL, NULL, NULL},
    {"nbytes", get_nbytes, NULL, NULL, NULL},
    {"requires_grad", ozpy_get_requires_grad, ozpy_set_requires_grad, NULL, NULL},
    {"grad", ozpy_get_grad, ozpy_set_grad, NULL, NULL},
    {"grad_fn", ozpy_get_grad_fn, NULL, NULL, NULL},
    {"is_leaf", ozpy_get_is_leaf, NULL, NULL, NULL},
    {"retains_grad", ozpy_get_retains_grad, NULL, NULL, NULL},
    {"_version", ozpy_get_version, NULL, NULL, NULL},
    {"__array_interface__", get_array_interface, NULL, "numpy's array interface (CPU only)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* =============================== operators =============================== */

#define BINARY_SLOT(slot, OP)                                                                      \
  static PyObject *slot(PyObject *a, PyObject *b) { return ozpy_binary_slot(OP, a, b); }
#define INPLACE_SLOT(slot, OP)                                                                     \
  static PyObject *slot(PyObject *a, PyObject *b) { return ozpy_binary_inplace_slot(OP, a, b); }

BINARY_SLOT(nb_add, OZPY_ADD)
BINARY_SLOT(nb_subtract, OZPY_SUB)
BINARY_SLOT(nb_multiply, OZPY_MUL)
BINARY_SLOT(nb_true_divide, OZPY_DIV)
BINARY_SLOT(nb_matmul, OZPY_MATMUL)
INPLACE_SLOT(nb_inplace_add, OZPY_ADD)
INPLACE_SLOT(nb_inplace_subtract, OZPY_SUB)
INPLACE_SLOT(nb_inplace_multiply, OZPY_MUL)
INPLACE_SLOT(nb_inplace_true_divide, OZPY_DIV)

static PyObject *nb_negative(PyObject *a) { return ozpy_wrap(oz_neg(ozpy_T(a), NULL)); }

static PyObject *nb_positive(PyObject *a) { return Py_NewRef(a); } /* torch: `+x is x` */

static PyObject *tensor_richcompare(PyObject *a, PyObject *b, int op) {
  static const int ops[] = {[Py_LT] = OZPY_LT, [Py_LE] = OZPY_LE, [Py_EQ] = OZPY_EQ,
                            [Py_NE] = OZPY_NE, [Py_GT] = OZPY_GT, [Py_GE] = OZPY_GE};
  return ozpy_binary_slot(ops[op], a, b);
}

/* Rich comparisons return tensors, so hashing is by identity, as in PyTorch. */
static Py_hash_t tensor_hash(PyObject *self) {
  Py_hash_t h = (Py_hash_t)((uintptr_t)self >> 4);
  return h == -1 ? -2 : h;
}

static const char one_element_msg[] = "only one element tensors can be converted to Python "
                                      "scalars";

static int single_number(PyObject *self, ozpy_number *n) {
  const oz_tensor *t = ozpy_T(self);
  if (oz_numel(t) != 1) {
    PyErr_SetString(PyExc_ValueError, one_element_msg);
    return -1;
  }
  return ozpy_item_number(t, n);
}

static int nb_bool(PyObject *self) {
  const oz_tensor *t = ozpy_T(self);
  int64_t numel = oz_numel(t);
  if (numel != 1) {
    PyErr_SetString(PyExc_RuntimeError, numel == 0 ? "Boolean value of Tensor with no values is "
                                                     "ambiguous"
                                                   : "Boolean value of Tensor with more than one "
                                                     "value is ambiguous");
    return -1;
  }
  ozpy_number n;
  if (ozpy_item_number(t, &n) < 0)
    return -1;
  return n.dtype == OZ_FLOAT64 ? n.s.f != 0.0 : n.s.i != 0;
}

static PyObject *nb_float(PyObject *self) {
  ozpy_number n;
  if (single_number(self, &n) < 0)
    return NULL;
  return PyFloat_FromDouble(n.dtype == OZ_FLOAT64 ? n.s.f : (double)n.s.i);
}

static PyObject *nb_int(PyObject *self) {
  ozpy_number n;
  if (single_number(self, &n) < 0)
    return NULL;
  if (n.dtype == OZ_FLOAT64)
    return PyLong_FromDouble(n.s.f); /* truncates; NaN/inf raise ValueError/OverflowError */
  return PyLong_FromLongLong(n.s.i);
}

static PyObject *nb_index(PyObject *self) {
  const oz_tensor *t = ozpy_T(self);
  if (oz_numel(t) != 1 || !oz_dtype_is_integral(t->dtype, true)) {
    PyErr_SetString(PyExc_TypeError, "only integer tensors of a single element can be "
                                     "converted to an index");
    return NULL;
  }
  ozpy_number n;
  if (ozpy_item_number(t, &n) < 0)
    return NULL;
  return PyLong_FromLongLong(n.s.i);
}

static Py_ssize_t mp_length(PyObject *self) {
  const oz_tensor *t = ozpy_T(self);
  if (t->ndim == 0) {
    PyErr_SetString(PyExc_TypeError, "len() of a 0-d tensor");
    return -1;
  }
  return (Py_ssize_t)t->shape[0];
}

static int mp_ass_subscript(PyObject *self, PyObject *index, PyObject *value) {
  if (!value) {
    PyErr_SetString(PyExc_TypeError, "Tensor does not support item deletion");
    return -1;
  }
  return ozpy_setitem(self, index, value);
}

/* iter(x): the sub-tensors along dim 0 (PyTorch unbinds eagerly too). */
static PyObject *tensor_iter(PyObject *self) {
  const oz_tensor *t = ozpy_T(self);
  if (t->ndim == 0) {
    PyErr_SetString(PyExc_TypeError, "iteration over a 0-d tensor");
    return NULL;
  }
  PyObject *list = PyList_New((Py_ssize_t)t->shape[0]);
  if (!list)
    return NULL;
  for (int64_t i = 0; i < t->shape[0]; i++) {
    PyObject *item = ozpy_wrap(oz_ad_select(t, 0, i)); /* rows keep the history */
    if (!item || PyList_SetItem(list, (Py_ssize_t)i, item) < 0) {
      Py_DECREF(list);
      return NULL;
    }
  }
  PyObject *it = PyObject_GetIter(list);
  Py_DECREF(list);
  return it;
}

/* ============================ query methods ============================ */

static PyObject *m_dim(PyObject *self, PyObject *unused) {
  (void)unused;
  return PyLong_FromLong(ozpy_T(self)->ndim);
}

static PyObject *m_numel(PyObject *self, PyObject *unused) {
  (void)unused;
  return PyLong_FromLongLong(oz_numel(ozpy_T(self)));
}

/* size(dim)/stride(dim): a 0-d tensor has no dims to ask about (unlike ops, which accept 0 and
 * -1 for it). */
static int query_dim(const char *fname, PyObject *self, PyObject *dim_obj, int *dim) {
  int64_t d;
  if (ozpy_arg_int(fname, "dim", 1, dim_obj, &d) < 0)
    return -1;
  const oz_tensor *t = ozpy_T(self);
  if (t->ndim == 0) {
    PyErr_Format(PyExc_IndexError, "Dimension specified as %lld but tensor has no dimensions",
                 (long long)d);
    return -1;
  }
  *dim = oz_wrap_dim(d, t->ndim);
  return *dim < 0 ? ozpy_raise_int() : 0;
}

static PyObject *m_size(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                        PyObject *kwnames) {
  static ozpy_sig sig = OZPY_SIG("size", 1, 0, "dim");
  PyObject *a[1];
  if (ozpy_parse(&sig, args, nargs, kwnames, a) < 0)
    return NULL;
  const oz_tensor *t = ozpy_T(self);
  if (!a[0] || a[0] == Py_None)
    return make_size(t->ndim, t->shape);
  int dim;
  if (query_dim("size", self, a[0], &dim) < 0)
    return NULL;
  return PyLong_FromLongLong(t->shape[dim]);
}

static PyObject *m_stride(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                          PyObject *kwnames) {
  static ozpy_sig sig = OZPY_SIG("stride", 1, 0, "dim");
  PyObject *a[1];
  if (ozpy_parse(&sig, args, nargs, kwnames, a) < 0)
    return NULL;
  const oz_tensor *t = ozpy_T(self);
  if (!a[0] || a[0] == Py_None)
    return make_int_tuple(t->ndim, t->strides);
  int dim;
  if (query_dim("stride", self, a[0], &dim) < 0)
    return NULL;
  return PyLong_FromLongLong(t->strides[dim]);
}

static PyObject *m_is_contiguous(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                 PyObject *kwnames) {
  static ozpy_sig sig = OZPY_SIG("is_contiguous", 0, 0, "memory_format");
  PyObject *a[1];
  if (ozpy_parse(&sig, args, nargs, kwnames, a) < 0)
    return NULL;
  return PyBool_FromLong(oz_is_contiguous(ozpy_T(self)));
}

static PyObject *m_element_size(PyObject *self, PyObject *unused) {
  (void)unused;
  return PyLong_FromSize_t(oz_dtype_size(ozpy_T(self)->dtype));
}

static PyObject *m_is_floating_point(PyObject *self, PyObject *unused) {
  (void)unused;
  return PyBool_FromLong(oz_dtype_is_floating(ozpy_T(self)->dtype));
}

static PyObject *m_data_ptr(PyObject *self, PyObject *unused) {
  (void)unused;
  const oz_tensor *t = ozpy_T(self);
  if (!t->storage || !t->storage->data)
    return PyLong_FromLong(0);
  return PyLong_FromVoidPtr(oz_data_ptr(t));
}

static PyObject *m_storage_offset(PyObject *self, PyObject *unused) {
  (void)unused;
  return PyLong_FromLongLong(ozpy_T(self)->offset);
}

PyMethodDef ozpy_tensor_methods_core[] = {
    {"dim", m_dim, METH_NOARGS, "number of dimensions"},
    {"ndimension", m_dim, METH_NOARGS, "number of dimensions"},
    {"numel", m_numel, METH_NOARGS, "number of elements"},
    {"nelement", m_numel, METH_NOARGS, "number of elements"},
    {"size", OZPY_FASTCALL_KW(m_size), OZPY_FLAGS, "size(dim=None)"},
    {"stride", OZPY_FASTCALL_KW(m_stride), OZPY_FLAGS, "stride(dim=None), in elements"},
    {"is_contiguous", OZPY_FASTCALL_KW(m_is_contiguous), OZPY_FLAGS, NULL},
    {"element_size", m_element_size, METH_NOARGS, "bytes per element"},
    {"is_floating_point", m_is_floating_point, METH_NOARGS, NULL},
    {"data_ptr", m_data_ptr, METH_NOARGS, "address of the first element"},
    {"storage_offset", m_storage_offset, METH_NOARGS, "offset into the storage, in elements"},
    {"_make_subclass", (PyCFunction)(void (*)(void))tensor_make_subclass,
     METH_VARARGS | METH_KEYWORDS | METH_STATIC, "_make_subclass(cls, data, require_grad=False)"},
    {NULL, NULL, 0, NULL},
};

/* ============================ module functions ============================ */

static PyObject *f_set_tensor_class(PyObject *m, PyObject *cls) {
  (void)m;
  if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, ozpy_tensor_base_type)) {
    PyErr_SetString(PyExc_TypeError, "_set_tensor_class(): expected a subclass of _TensorBase");
    return NULL;
  }
  PyTypeObject *old = tensor_class;
  tensor_class = (PyTypeObject *)Py_NewRef(cls);
  Py_XDECREF((PyObject *)old);
  tensor_alloc = (allocfunc)PyType_GetSlot(tensor_class, Py_tp_alloc);
  tensor_free = (freefunc)PyType_GetSlot(tensor_class, Py_tp_free);
  Py_RETURN_NONE;
}

static PyObject *f_set_size_class(PyObject *m, PyObject *cls) {
  (void)m;
  if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, &PyTuple_Type)) {
    PyErr_SetString(PyExc_TypeError, "_set_size_class(): expected a subclass of tuple");
    return NULL;
  }
  /* Instances are allocated directly with tuple's layout: the class must not add a __dict__
   * (declare `__slots__ = ()`). */
  PyObject *probe = PyObject_CallFunction(cls, "(())");
  if (!probe)
    return NULL;
  int has_dict = PyObject_HasAttrString(probe, "__dict__");
  Py_DECREF(probe);
  if (has_dict) {
    PyErr_SetString(PyExc_TypeError, "_set_size_class(): the class must set __slots__ = ()");
    return NULL;
  }
  PyTypeObject *old = size_class;
  size_class = (PyTypeObject *)Py_NewRef(cls);
  Py_XDECREF((PyObject *)old);
  size_alloc = (allocfunc)PyType_GetSlot(size_class, Py_tp_alloc);
  Py_RETURN_NONE;
}

static PyObject *f_is_tensor(PyObject *m, PyObject *o) {
  (void)m;
  return PyBool_FromLong(ozpy_is_tensor(o));
}

static PyObject *f_numel(PyObject *m, PyObject *o) {
  (void)m;
  oz_tensor *t;
  if (ozpy_arg_tensor("numel", "input", 1, o, &t) < 0)
    return NULL;
  return PyLong_FromLongLong(oz_numel(t));
}

static PyObject *f_is_floating_point(PyObject *m, PyObject *o) {
  (void)m;
  oz_tensor *t;
  if (ozpy_arg_tensor("is_floating_point", "input", 1, o, &t) < 0)
    return NULL;
  return PyBool_FromLong(oz_dtype_is_floating(t->dtype));
}

PyMethodDef ozpy_functions_core[] = {
    {"_set_tensor_class", f_set_tensor_class, METH_O,
     "registers the Python Tensor class every new tensor is an instance of"},
    {"_set_size_class", f_set_size_class, METH_O, "registers the torch.Size class"},
    {"is_tensor", f_is_tensor, METH_O, "is_tensor(obj)"},
    {"numel", f_numel, METH_O, "numel(input)"},
    {"is_floating_point", f_is_floating_point, METH_O, "is_floating_point(input)"},
    {NULL, NULL, 0, NULL},
};

/* ================================ the type ================================ */

static PyMethodDef *all_methods;

static int count_methods(const PyMethodDef *defs) {
  int n = 0;
  while (defs[n].ml_name)
    n++;
  return n;
}

static PyMethodDef *concat_methods(PyMethodDef *const *tables, int n_tables) {
  int total = 0;
  for (int i = 0; i < n_tables; i++)
    total += count_methods(tables[i]);
  PyMethodDef *all = calloc((size_t)total + 1, sizeof(PyMethodDef));
  if (!all)
    return NULL;
  int k = 0;
  for (int i = 0; i < n_tables; i++)
    for (int j = 0; tables[i][j].ml_name; j++)
      all[k++] = tables[i][j];
  return all; /* lives as long as the process: the type points at it */
}

int ozpy_tensor_type_init(PyObject *module) {
  PyMethodDef *tables[] = {ozpy_tensor_methods_core,   ozpy_tensor_methods_ops,
                           ozpy_tensor_methods_autograd,
                           ozpy_tensor_methods_views,  ozpy_tensor_methods_convert,
                           ozpy_tensor_methods_unary, ozpy_tensor_methods_binary, ozpy_tensor_methods_reduce, ozpy_tensor_methods_index, ozpy_tensor_methods_nn, ozpy_tensor_methods_random, ozpy_tensor_methods_linalg, ozpy_tensor_methods_optim};
  all_methods = concat_methods(tables, (int)(sizeof tables / sizeof tables[0]));
  if (!all_methods) {
    PyErr_NoMemory();
    return -1;
  }
  PyType_Slot slots[] = {
      {Py_tp_dealloc, tensor_dealloc},
      {Py_tp_new, tensor_tp_new},
      {Py_tp_getset, tensor_getset},
      {Py_tp_methods, all_methods},
      {Py_tp_richcompare, tensor_richcompare},
      {Py_tp_hash, tensor_hash},
      {Py_tp_iter, tensor_iter},
      {Py_nb_add, nb_add},
      {Py_nb_subtract, nb_subtract},
      {Py_nb_multiply, nb_multiply},
      {Py_nb_true_divide, nb_true_divide},
      {Py_nb_matrix_multiply, nb_matmul},
      {Py_nb_inplace_add, nb_inplace_add},
      {Py_nb_inplace_subtract, nb_inplace_subtract},
      {Py_nb_inplace_multiply, nb_inplace_multiply},
      {Py_nb_inplace_true_divide, nb_inplace_true_divide},
      {Py_nb_negative, nb_negative},
      {Py_nb_positive, nb_positive},
      {Py_nb_bool, nb_bool},
      {Py_nb_float, nb_float},
      {Py_nb_int, nb_int},
      {Py_nb_index, nb_index},
      {Py_mp_length, mp_length},
      {Py_mp_subscript, ozpy_getitem},
      {Py_mp_ass_subscript, mp_ass_subscript},
      {Py_tp_doc, "The C base of oztorch.Tensor: an oz_tensor and its operators."},
      {0, NULL},
  };
  PyType_Spec spec = {"oztorch._C._TensorBase", sizeof(ozpy_tensor_object), 0,
                      Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, slots};
  ozpy_tensor_base_type = (PyTypeObject *)PyType_FromSpec(&spec);
  if (!ozpy_tensor_base_type)
    return -1;
  tensor_class = (PyTypeObject *)Py_NewRef((PyObject *)ozpy_tensor_base_type);
  tensor_alloc = (allocfunc)PyType_GetSlot(tensor_class, Py_tp_alloc);
  tensor_free = (freefunc)PyType_GetSlot(tensor_class, Py_tp_free);
  return PyModule_AddObjectRef(module, "_TensorBase", (PyObject *)ozpy_tensor_base_type);
}
