/* errors.c - the core's last error (code, message) becomes the exception PyTorch raises. */
#include "python/csrc/ozpy.h"

#include <stdio.h>
#include <string.h>

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

/* A Python exception raised inside a callback the core ran (a gradient hook, a custom Function's
 * backward): kept here while the core unwinds, and re-raised as itself by ozpy_raise. */
static PyObject *stashed_type, *stashed_value, *stashed_tb;
static char stashed_message[512]; /* the core error it became: restored only while still current */

static void drop_stash(void) {
  Py_CLEAR(stashed_type);
  Py_CLEAR(stashed_value);
  Py_CLEAR(stashed_tb);
}

int ozpy_stash_exception(const char *what) {
  drop_stash();
  PyErr_Fetch(&stashed_type, &stashed_value, &stashed_tb);
  PyObject *text = stashed_value ? PyObject_Str(stashed_value) : NULL;
  const char *msg = text ? PyUnicode_AsUTF8AndSize(text, NULL) : NULL;
  oz_set_error(OZ_ERR_RUNTIME, "%s", msg ? msg : what);
  snprintf(stashed_message, sizeof stashed_message, "%s", oz_last_error_message());
  Py_XDECREF(text);
  PyErr_Clear();
  return OZ_ERR_RUNTIME;
}

PyObject *ozpy_raise(void) {
  if (stashed_type && !strcmp(stashed_message, oz_last_error_message())) {
    /* the callback's own exception, not a RuntimeError copy of its text */
    PyErr_Restore(stashed_type, stashed_value, stashed_tb);
    stashed_type = stashed_value = stashed_tb = NULL;
    oz_clear_error();
    return NULL;
  }
  drop_stash();
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

