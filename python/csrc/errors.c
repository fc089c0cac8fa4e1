/* errors.c - the core's last error (code, message) becomes the exception PyTorch raises. */
#include "python/csrc/ozpy.h"

PyObject *ozpy_exception_for(int code) {
  switch (code) {
  case OZ_ERR_INDEX:
    return PyExc_IndexError;
  case OZ_ERR_TYPE:
    return PyExc_TypeError;
  case OZ_ERR_VALUE:
    return PyExc_ValueError;
  case OZ_ERR_NOT_IMPLEMENTED:
    return PyExc_NotImplementedError;
  case OZ_ERR_NOMEM: /* PyTorch reports allocation failures as RuntimeError */
  case OZ_ERR_PLUGIN:
  case OZ_ERR_RUNTIME:
  default:
    return PyExc_RuntimeError;
  }
}

PyObject *ozpy_raise(void) {
  int code = oz_last_error_code();
  if (code == OZ_OK) {
    /* A core call returned failure without saying why: a core bug, but never a crash. */
    if (!PyErr_Occurred())
      PyErr_SetString(PyExc_RuntimeError, "oztorch: internal error (the core failed without "
                                          "setting an error message)");
    return NULL;
  }
  PyErr_SetString(ozpy_exception_for(code), oz_last_error_message());
  oz_clear_error();
  return NULL;
}

int ozpy_raise_int(void) {
  ozpy_raise();
  return -1;
}

/* PyTorch's spelling: "str" for builtins, "numpy.ndarray" for the rest. */
PyObject *ozpy_type_name(PyObject *o) {
  PyTypeObject *tp = Py_TYPE(o);
  PyObject *name = PyType_GetName(tp);
  PyObject *mod = name ? PyObject_GetAttrString((PyObject *)tp, "__module__") : NULL;
  if (!mod) {
    PyErr_Clear();
    return name;
  }
  PyObject *r = name;
  if (PyUnicode_Check(mod) && PyUnicode_CompareWithASCIIString(mod, "builtins") != 0) {
    r = PyUnicode_FromFormat("%U.%U", mod, name);
    Py_DECREF(name);
  }
  Py_DECREF(mod);
  return r;
}

void ozpy_type_error(PyObject *exc, const char *fmt, PyObject *o) {
  PyObject *name = ozpy_type_name(o);
  if (!name)
    return;
  PyErr_Format(exc, fmt, name);
  Py_DECREF(name);
}

