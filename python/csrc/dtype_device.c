/* dtype_device.c - torch.dtype singletons (torch.float32, ...) and torch.device objects, and
 * get_default_dtype/set_default_dtype. */
#include "python/csrc/ozpy.h"

#include <string.h>

PyTypeObject *ozpy_dtype_type;
PyTypeObject *ozpy_device_type;
oz_device ozpy_default_device = {OZ_DEVICE_CPU, 0};

/* ================================ dtype ================================ */

typedef struct dtype_object {
  PyObject_HEAD int id;
} dtype_object;

/* PyTorch's names and properties, indexed by oz_dtype. */
static const struct {
  const char *name;
  bool is_floating;
  bool is_signed;
  int itemsize;
} dtype_info[OZ_NUM_DTYPES] = {
    [OZ_FLOAT32] = {"float32", true, true, 4}, [OZ_FLOAT64] = {"float64", true, true, 8},
    [OZ_INT64] = {"int64", false, true, 8},    [OZ_INT32] = {"int32", false, true, 4},
    [OZ_INT16] = {"int16", false, true, 2},    [OZ_INT8] = {"int8", false, true, 1},
    [OZ_UINT8] = {"uint8", false, false, 1},   [OZ_BOOL] = {"bool", false, false, 1},
    [OZ_FLOAT16] = {"float16", true, true, 2}, [OZ_BFLOAT16] = {"bfloat16", true, true, 2},
};

static PyObject *dtype_objs[OZ_NUM_DTYPES];

PyObject *ozpy_dtype_obj(int dtype) {
  if (dtype < 0 || dtype >= OZ_NUM_DTYPES)
    return NULL;
  return dtype_objs[dtype];
}

bool ozpy_is_dtype(PyObject *o) { return Py_IS_TYPE(o, ozpy_dtype_type); }

int ozpy_dtype_like(PyObject *o) {
  if (ozpy_is_dtype(o))
    return ozpy_dtype_id(o);
  /* PyTorch takes Python's number types wherever a dtype goes */
  if (o == (PyObject *)&PyFloat_Type)
    return OZ_FLOAT64;
  if (o == (PyObject *)&PyLong_Type)
    return OZ_INT64;
  if (o == (PyObject *)&PyBool_Type)
    return OZ_BOOL;
  return -1;
}
int ozpy_dtype_id(PyObject *o) { return ((dtype_object *)o)->id; }

const char *ozpy_dtype_pyname(int dtype) {
  if (dtype < 0 || dtype >= OZ_NUM_DTYPES)
    return "invalid";
  return dtype_info[dtype].name;
}

static PyObject *dtype_repr(PyObject *self) {
  return PyUnicode_FromFormat("torch.%s", dtype_info[ozpy_dtype_id(self)].name);
}

static PyObject *dtype_is_floating_point(PyObject *self, void *c) {
  (void)c;
  return PyBool_FromLong(dtype_info[ozpy_dtype_id(self)].is_floating);
}
static PyObject *dtype_is_signed(PyObject *self, void *c) {
  (void)c;
  return PyBool_FromLong(dtype_info[ozpy_dtype_id(self)].is_signed);
}
static PyObject *dtype_is_complex(PyObject *self, void *c) {
  (void)self, (void)c;
  Py_RETURN_FALSE;
}
static PyObject *dtype_itemsize(PyObject *self, void *c) {
  (void)c;
  return PyLong_FromLong(dtype_info[ozpy_dtype_id(self)].itemsize);
}

/* Pickles as the module attribute of the same name (oztorch.float32), like torch. */
static PyObject *dtype_reduce(PyObject *self, PyObject *unused) {
  (void)unused;
  return PyUnicode_FromString(dtype_info[ozpy_dtype_id(self)].name);
}

static void dtype_dealloc(PyObject *self) {
  PyTypeObject *tp = Py_TYPE(self);
  freefunc f = (freefunc)PyType_GetSlot(tp, Py_tp_free);
  f(self);
  Py_DECREF(tp);
}

static PyGetSetDef dtype_getset[] = {
    {"is_floating_point", dtype_is_floating_point, NULL, NULL, NULL},
    {"is_signed", dtype_is_signed, NULL, NULL, NULL},
    {"is_complex", dtype_is_complex, NULL, NULL, NULL},
    {"itemsize", dtype_itemsize, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef dtype_methods[] = {
    {"__reduce__", dtype_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot dtype_slots[] = {
    {Py_tp_repr, dtype_repr},
    {Py_tp_getset, dtype_getset},
    {Py_tp_methods, dtype_methods},
    {Py_tp_dealloc, dtype_dealloc},
    {Py_tp_doc, "An element type: oztorch.float32, oztorch.int64, ..."},
    {0, NULL},
};

static PyType_Spec dtype_spec = {
    "oztorch.dtype",
    sizeof(dtype_object),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    dtype_slots,
};

/* =============================== device =============================== */

typedef struct device_object {
  PyObject_HEAD int type; /* oz_device_type */
  int index;              /* -1: none given (`device(type='cpu')`) */
} device_object;

static const char *const device_type_names[OZ_NUM_DEVICE_TYPES] = {"cpu", "cuda"};

/* Every device type PyTorch 1.13 knows, for its error message. */
static const char *const torch_device_types[] = {
    "cpu",  "cuda", "ipu", "xpu",  "mkldnn", "opengl", "opencl", "ideep", "hip",           "ve",
    "fpga", "ort",  "xla", "lazy", "vulkan", "mps",    "meta",   "hpu",   "privateuseone", NULL,
};

static PyObject *cpu_device; /* device(type='cpu'), what every CPU tensor reports */

bool ozpy_is_device(PyObject *o) { return Py_IS_TYPE(o, ozpy_device_type); }

static PyObject *device_new_raw(PyTypeObject *tp, int type, int index) {
  allocfunc alloc = (allocfunc)PyType_GetSlot(tp, Py_tp_alloc);
  PyObject *o = alloc(tp, 0);
  if (!o)
    return NULL;
  ((device_object *)o)->type = type;
  ((device_object *)o)->index = index;
  return o;
}

PyObject *ozpy_device_obj(oz_device d, bool with_index) {
  if (!with_index && d.type == OZ_DEVICE_CPU && cpu_device)
    return Py_NewRef(cpu_device);
  return device_new_raw(ozpy_device_type, d.type, with_index ? d.index : -1);
}

PyObject *ozpy_tensor_device_obj(const oz_tensor *t) {
  oz_device d = t->storage ? t->storage->device : OZ_CPU;
  /* PyTorch: CPU tensors say device(type='cpu'); CUDA ones always carry their index. */
  return ozpy_device_obj(d, d.type != OZ_DEVICE_CPU);
}

/* Parses "cpu", "cuda", "cuda:1" as PyTorch 1.13 does: `^[a-zA-Z_]+(:(0|[1-9][0-9]*))?$`, the
 * type must be one PyTorch knows, and oztorch serves cpu and cuda. */
static int parse_device_string(PyObject *str, int *type, int *index) {
  Py_ssize_t len = 0;
  const char *s = PyUnicode_AsUTF8AndSize(str, &len);
  if (!s)
    return -1;
  Py_ssize_t k = 0;
  while (k < len && (s[k] == '_' || (s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z')))
    k++;
  Py_ssize_t type_len = k;
  long idx = -1;
  bool ok = type_len > 0;
  if (ok && k < len) {
    ok = s[k] == ':' && k + 1 < len;
    k++;
    if (ok && s[k] == '0') {
      ok = k + 1 == len;
      idx = 0;
    } else if (ok) {
      idx = 0;
      for (; k < len && ok; k++) {
        ok = s[k] >= '0' && s[k] <= '9' && idx < 100000000;
        idx = idx * 10 + (s[k] - '0');
      }
      ok = ok && s[type_len + 1] != '0';
    }
  }
  if (!ok) {
    PyErr_Format(PyExc_RuntimeError, "Invalid device string: '%s'", s);
    return -1;
  }
  bool known = false;
  for (int i = 0; torch_device_types[i]; i++)
    if (strlen(torch_device_types[i]) == (size_t)type_len &&
        memcmp(torch_device_types[i], s, (size_t)type_len) == 0)
      known = true;
  if (!known) {
    PyErr_Format(PyExc_RuntimeError,
                 "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, "
                 "fpga, ort, xla, lazy, vulkan, mps, meta, hpu, privateuseone device type at "
                 "start of device string: %s",
                 s);
    return -1;
  }
  for (int t = 0; t < OZ_NUM_DEVICE_TYPES; t++) {
    if (strlen(device_type_names[t]) == (size_t)type_len &&
        memcmp(device_type_names[t], s, (size_t)type_len) == 0) {
      *type = t;
      *index = (int)idx;
      return 0;
    }
  }
  PyErr_Format(PyExc_RuntimeError,
               "oztorch supports the cpu and cuda device types only, not '%.*s'", (int)type_len, s);
  return -1;
}

/* device(str), device(str, index), device(device), device(int) -> (type, index). */
static int device_parse(PyObject *o, PyObject *index_obj, int *type, int *index) {
  if (ozpy_is_device(o)) {
    if (index_obj && index_obj != Py_None) {
      PyErr_SetString(PyExc_TypeError, "device(): an index cannot accompany a device object");
      return -1;
    }
    *type = ((device_object *)o)->type;
    *index = ((device_object *)o)->index;
    return 0;
  }
  if (PyLong_Check(o) && !PyBool_Check(o)) { /* torch.device(1) is cuda:1 */
    long i = PyLong_AsLong(o);
    if (i == -1 && PyErr_Occurred())
      return -1;
    if (i < 0) {
      PyErr_SetString(PyExc_RuntimeError, "Device index must not be negative");
      return -1;
    }
    *type = OZ_DEVICE_CUDA;
    *index = (int)i;
    return 0;
  }
  if (!PyUnicode_Check(o)) {
    ozpy_type_error(PyExc_TypeError, "device() expects a str, int or torch.device, not %U", o);
    return -1;
  }
  if (parse_device_string(o, type, index) < 0)
    return -1;
  if (index_obj && index_obj != Py_None) {
    if (*index >= 0) {
      PyErr_Format(PyExc_RuntimeError,
                   "type (string) must not include an index because index was passed "
                   "explicitly: %U",
                   o);
      return -1;
    }
    if (!PyLong_Check(index_obj) || PyBool_Check(index_obj)) {
      ozpy_type_error(PyExc_TypeError, "device(): argument 'index' must be int, not %U", index_obj);
      return -1;
    }
    long i = PyLong_AsLong(index_obj);
    if (i == -1 && PyErr_Occurred())
      return -1;
    if (i < 0) {
      PyErr_SetString(PyExc_RuntimeError, "Device index must not be negative");
      return -1;
    }
    *index = (int)i;
  }
  return 0;
}

int ozpy_device_from_object(PyObject *o, oz_device *out) {
  int type, index;
  if (device_parse(o, NULL, &type, &index) < 0)
    return -1;
  out->type = type;
  out->index = index < 0 ? 0 : index;
  return 0;
}

static PyObject *device_tp_new(PyTypeObject *tp, PyObject *args, PyObject *kwargs) {
  static char *kwlist[] = {"type", "index", NULL};
  PyObject *o = NULL, *index = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:device", kwlist, &o, &index))
    return NULL;
  if (ozpy_is_device(o) && (!index || index == Py_None) && tp == ozpy_device_type)
    return Py_NewRef(o);
  int type, idx;
  if (device_parse(o, index, &type, &idx) < 0)
    return NULL;
  if (type == OZ_DEVICE_CPU && idx < 0 && cpu_device && tp == ozpy_device_type)
    return Py_NewRef(cpu_device);
  return device_new_raw(tp, type, idx);
}

static PyObject *device_repr(PyObject *self) {
  device_object *d = (device_object *)self;
  if (d->index < 0)
    return PyUnicode_FromFormat("device(type='%s')", device_type_names[d->type]);
  return PyUnicode_FromFormat("device(type='%s', index=%d)", device_type_names[d->type], d->index);
}

static PyObject *device_str(PyObject *self) {
  device_object *d = (device_object *)self;
  if (d->index < 0)
    return PyUnicode_FromString(device_type_names[d->type]);
  return PyUnicode_FromFormat("%s:%d", device_type_names[d->type], d->index);
}

static PyObject *device_get_type(PyObject *self, void *c) {
  (void)c;
  return PyUnicode_FromString(device_type_names[((device_object *)self)->type]);
}

static PyObject *device_get_index(PyObject *self, void *c) {
  (void)c;
  int i = ((device_object *)self)->index;
  if (i < 0)
    Py_RETURN_NONE;
  return PyLong_FromLong(i);
}

static PyObject *device_richcompare(PyObject *a, PyObject *b, int op) {
  if ((op != Py_EQ && op != Py_NE) || !ozpy_is_device(a) || !ozpy_is_device(b))
    Py_RETURN_NOTIMPLEMENTED;
  device_object *x = (device_object *)a, *y = (device_object *)b;
  bool eq = x->type == y->type && x->index == y->index;
  return PyBool_FromLong(op == Py_EQ ? eq : !eq);
}

static Py_hash_t device_hash(PyObject *self) {
  device_object *d = (device_object *)self;
  Py_hash_t h = (Py_hash_t)((d->type + 1) * 1000003L + (d->index + 1));
  return h == -1 ? -2 : h;
}

static PyObject *device_reduce(PyObject *self, PyObject *unused) {
  (void)unused;
  device_object *d = (device_object *)self;
  if (d->index < 0)
    return Py_BuildValue("(O(s))", (PyObject *)ozpy_device_type, device_type_names[d->type]);
  return Py_BuildValue("(O(si))", (PyObject *)ozpy_device_type, device_type_names[d->type],
                       d->index);
}

static void device_dealloc(PyObject *self) {
  PyTypeObject *tp = Py_TYPE(self);
  freefunc f = (freefunc)PyType_GetSlot(tp, Py_tp_free);
  f(self);
  Py_DECREF(tp);
}

static PyGetSetDef device_getset[] = {
    {"type", device_get_type, NULL, NULL, NULL},
    {"index", device_get_index, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef device_methods[] = {
    {"__reduce__", device_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyType_Slot device_slots[] = {
    {Py_tp_new, device_tp_new},
    {Py_tp_repr, device_repr},
    {Py_tp_str, device_str},
    {Py_tp_richcompare, device_richcompare},
    {Py_tp_hash, device_hash},
    {Py_tp_getset, device_getset},
    {Py_tp_methods, device_methods},
    {Py_tp_dealloc, device_dealloc},
    {Py_tp_doc, "device(type, index=None): a memory domain, 'cpu' or 'cuda:N'."},
    {0, NULL},
};

static PyType_Spec device_spec = {
    "oztorch.device", sizeof(device_object), 0, Py_TPFLAGS_DEFAULT, device_slots,
};

/* ======================= default dtype functions ======================= */

static PyObject *get_default_dtype(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  return Py_NewRef(ozpy_dtype_obj(oz_default_dtype()));
}

static PyObject *set_default_dtype(PyObject *m, PyObject *d) {
  (void)m;
  if (!ozpy_is_dtype(d)) {
    ozpy_type_error(PyExc_TypeError,
                    "set_default_dtype(): argument 'd' must be torch.dtype, not %U", d);
    return NULL;
  }
  int id = ozpy_dtype_id(d);
  if (id != OZ_FLOAT32 && id != OZ_FLOAT64) { /* checked here too: the message is PyTorch's */
    PyErr_SetString(PyExc_TypeError, "only floating-point types are supported as the default "
                                     "type");
    return NULL;
  }
  if (oz_set_default_dtype(id) != OZ_OK)
    return ozpy_raise();
  Py_RETURN_NONE;
}

PyMethodDef ozpy_functions_dtype[] = {
    {"get_default_dtype", get_default_dtype, METH_NOARGS,
     "get_default_dtype() -> the default floating point dtype"},
    {"set_default_dtype", set_default_dtype, METH_O, "set_default_dtype(d): float32 or float64"},
    {NULL, NULL, 0, NULL},
};

int ozpy_dtype_device_init(PyObject *module) {
  ozpy_dtype_type = (PyTypeObject *)PyType_FromSpec(&dtype_spec);
  if (!ozpy_dtype_type)
    return -1;
  for (int i = 0; i < OZ_NUM_DTYPES; i++) {
    allocfunc alloc = (allocfunc)PyType_GetSlot(ozpy_dtype_type, Py_tp_alloc);
    dtype_objs[i] = alloc(ozpy_dtype_type, 0);
    if (!dtype_objs[i])
      return -1;
    ((dtype_object *)dtype_objs[i])->id = i;
    if (PyModule_AddObjectRef(module, dtype_info[i].name, dtype_objs[i]) < 0)
      return -1;
  }
  if (PyModule_AddObjectRef(module, "dtype", (PyObject *)ozpy_dtype_type) < 0)
    return -1;

  ozpy_device_type = (PyTypeObject *)PyType_FromSpec(&device_spec);
  if (!ozpy_device_type)
    return -1;
  cpu_device = device_new_raw(ozpy_device_type, OZ_DEVICE_CPU, -1);
  if (!cpu_device)
    return -1;
  if (PyModule_AddObjectRef(module, "device", (PyObject *)ozpy_device_type) < 0)
    return -1;
  return 0;
}
