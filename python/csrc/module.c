/* module.c - PyInit__C: builds the module from every file's function table, and the
 * dispatcher's start-up and introspection functions (_init_dispatch, _plugin_info, ...). */
#include "python/csrc/ozpy.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/oz_dispatch.h"

static const char *const device_type_names[OZ_NUM_DEVICE_TYPES] = {"cpu", "cuda"};

/* <directory holding _C.so>/backends, found from this very function's address. */
static PyObject *builtin_backend_dir(void) {
  Dl_info info;
  if (!dladdr((void *)&builtin_backend_dir, &info) || !info.dli_fname) {
    PyErr_SetString(PyExc_RuntimeError, "oztorch: cannot locate _C.so (dladdr failed)");
    return NULL;
  }
  const char *slash = strrchr(info.dli_fname, '/');
  if (!slash)
    return PyUnicode_FromString("backends");
  PyObject *dir = PyUnicode_DecodeFSDefaultAndSize(info.dli_fname, slash - info.dli_fname);
  if (!dir)
    return NULL;
  PyObject *full = PyUnicode_FromFormat("%U/backends", dir);
  Py_DECREF(dir);
  return full;
}

/* _init_dispatch(): loads the backends named by OZTORCH_BACKEND / OZTORCH_PLUGIN_PATH. */
static PyObject *f_init_dispatch(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  PyObject *dir = builtin_backend_dir();
  if (!dir)
    return NULL;
  PyObject *bytes = PyUnicode_EncodeFSDefault(dir);
  Py_DECREF(dir);
  if (!bytes)
    return NULL;
  int rc = oz_dispatch_init(getenv("OZTORCH_BACKEND"), getenv("OZTORCH_PLUGIN_PATH"),
                            PyBytes_AsString(bytes));
  Py_DECREF(bytes);
  if (rc != OZ_OK) {
    const char *msg = oz_last_error_message();
    PyErr_SetString(PyExc_RuntimeError,
                    msg && *msg ? msg : "oztorch: the dispatcher failed to initialise");
    oz_clear_error();
    return NULL;
  }
  Py_RETURN_NONE;
}

static PyObject *f_dispatch_initialized(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  return PyBool_FromLong(oz_dispatch_initialized());
}

static PyObject *f_builtin_backend_dir(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  return builtin_backend_dir();
}

static int dict_set(PyObject *d, const char *key, PyObject *v) {
  if (!v)
    return -1;
  int r = PyDict_SetItemString(d, key, v);
  Py_DECREF(v);
  return r;
}

static PyObject *str_or_none(const char *s) {
  if (!s)
    Py_RETURN_NONE;
  return PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), "replace");
}

/* _plugin_info(): one dict per plugin found, loaded or not. */
static PyObject *f_plugin_info(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  int n = oz_dispatch_plugin_count();
  PyObject *list = PyList_New(0);
  if (!list)
    return NULL;
  for (int i = 0; i < n; i++) {
    const oz_plugin_info *p = oz_dispatch_plugin(i);
    if (!p)
      continue;
    PyObject *d = PyDict_New();
    /* None when the plugin never said (it failed to load) */
    const char *dev = p->device_type >= 0 && p->device_type < OZ_NUM_DEVICE_TYPES && p->loaded
                          ? device_type_names[p->device_type]
                          : NULL;
    if (!d || dict_set(d, "name", str_or_none(p->name)) < 0 ||
        dict_set(d, "path", str_or_none(p->path)) < 0 ||
        dict_set(d, "loaded", PyBool_FromLong(p->loaded)) < 0 ||
        dict_set(d, "error", str_or_none(p->error)) < 0 ||
        dict_set(d, "abi_major", PyLong_FromUnsignedLong(p->abi_major)) < 0 ||
        dict_set(d, "abi_minor", PyLong_FromUnsignedLong(p->abi_minor)) < 0 ||
        dict_set(d, "device_type", str_or_none(dev)) < 0 ||
        dict_set(d, "n_kernels", PyLong_FromLong(p->n_kernels)) < 0 ||
        dict_set(d, "n_ops", PyLong_FromLong(p->n_ops)) < 0 ||
        dict_set(d, "version", str_or_none(p->version)) < 0 || PyList_Append(list, d) < 0) {
      Py_XDECREF(d);
      Py_DECREF(list);
      return NULL;
    }
    Py_DECREF(d);
  }
  return list;
}

static PyObject *f_op_names(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  PyObject *list = PyList_New(0);
  if (!list)
    return NULL;
  for (int op = 0; op < OZ_OP_ID_LIMIT; op++) { /* op ids are sparse */
    if (!oz_op_declared(op))
      continue;
    PyObject *s = str_or_none(oz_op_name(op));
    if (!s || PyList_Append(list, s) < 0) {
      Py_XDECREF(s);
      Py_DECREF(list);
      return NULL;
    }
    Py_DECREF(s);
  }
  return list;
}

/* _op_providers(): {op: {'cpu': [backends in priority order], 'cuda': [...]}}. */
static PyObject *f_op_providers(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  enum { MAX_PROVIDERS = 64 };
  const char *names[MAX_PROVIDERS];
  PyObject *result = PyDict_New();
  if (!result)
    return NULL;
  for (int op = 0; op < OZ_OP_ID_LIMIT; op++) {
    if (!oz_op_declared(op))
      continue;
    PyObject *per_dev = PyDict_New();
    if (!per_dev)
      goto fail;
    for (int dt = 0; dt < OZ_NUM_DEVICE_TYPES; dt++) {
      int n = oz_dispatch_providers(op, dt, names, MAX_PROVIDERS);
      if (n < 0)
        n = 0;
      if (n > MAX_PROVIDERS)
        n = MAX_PROVIDERS;
      PyObject *l = PyList_New(n);
      if (!l) {
        Py_DECREF(per_dev);
        goto fail;
      }
      for (int k = 0; k < n; k++) {
        PyObject *s = str_or_none(names[k]);
        if (!s || PyList_SetItem(l, k, s) < 0) {
          Py_DECREF(l);
          Py_DECREF(per_dev);
          goto fail;
        }
      }
      if (dict_set(per_dev, device_type_names[dt], l) < 0) {
        Py_DECREF(per_dev);
        goto fail;
      }
    }
    const char *name = oz_op_name(op);
    if (PyDict_SetItemString(result, name ? name : "?", per_dev) < 0) {
      Py_DECREF(per_dev);
      goto fail;
    }
    Py_DECREF(per_dev);
  }
  return result;
fail:
  Py_DECREF(result);
  return NULL;
}

static PyObject *f_device_count(PyObject *m, PyObject *type) {
  (void)m;
  oz_device d;
  if (ozpy_device_from_object(type, &d) < 0)
    return NULL;
  return PyLong_FromLong(oz_device_count((oz_device_type)d.type));
}

static PyObject *f_live_tensors(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  return PyLong_FromLongLong(oz_live_tensors());
}

static PyObject *f_host_bytes_in_use(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  return PyLong_FromLongLong(oz_host_bytes_in_use());
}

static PyMethodDef module_functions[] = {
    {"_init_dispatch", f_init_dispatch, METH_NOARGS,
     "loads the backends (OZTORCH_BACKEND, OZTORCH_PLUGIN_PATH); RuntimeError on failure"},
    {"_dispatch_initialized", f_dispatch_initialized, METH_NOARGS, NULL},
    {"_builtin_backend_dir", f_builtin_backend_dir, METH_NOARGS,
     "the folder searched for built-in backends"},
    {"_plugin_info", f_plugin_info, METH_NOARGS, "what the doctor shows about each plugin"},
    {"_op_names", f_op_names, METH_NOARGS, "names of the dispatched ops, by op id"},
    {"_op_providers", f_op_providers, METH_NOARGS,
     "{op: {'cpu': [backends], 'cuda': [backends]}} in priority order"},
    {"_device_count", f_device_count, METH_O, "_device_count('cuda'): devices of that type"},
    {"_live_tensors", f_live_tensors, METH_NOARGS, "live oz_tensor structs (leak tests)"},
    {"_host_bytes_in_use", f_host_bytes_in_use, METH_NOARGS,
     "live host bytes from the core's allocator (leak tests)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT,
    "_C",
    "OzTorch's C core, seen from Python.",
    -1,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC PyInit__C(void) {
  PyObject *m = PyModule_Create(&moduledef);
  if (!m)
    return NULL;
  PyMethodDef *tables[] = {module_functions,     ozpy_functions_core,      ozpy_functions_ops,
                           ozpy_functions_autograd,
                           ozpy_functions_views, ozpy_functions_factories, ozpy_functions_dtype,
                           ozpy_functions_unary, ozpy_functions_binary, ozpy_functions_reduce, ozpy_functions_index, ozpy_functions_nn, ozpy_functions_random, ozpy_functions_linalg, ozpy_functions_optim, ozpy_functions_storage};
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    if (PyModule_AddFunctions(m, tables[i]) < 0)
      goto fail;
  if (ozpy_dtype_device_init(m) < 0 || ozpy_tensor_type_init(m) < 0 || ozpy_autograd_init(m) < 0)
    goto fail;
  return m;
fail:
  Py_DECREF(m);
  return NULL;
}
