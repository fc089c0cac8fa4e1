/* storage.c - raw access to a tensor's storage, for torch.save / torch.load (serialization.py).
 *
 * PyTorch's file format stores each storage once, as its raw bytes, and every tensor as
 * (storage, offset, size, stride). These private functions give the Python side exactly that:
 * a storage's identity and bytes when saving, and tensors of any dtype over a byte storage
 * when loading (so views that shared a storage when saved share it again after loading). */
#include "python/csrc/ozpy.h"

#include <stdio.h>
#include <string.h>

static int parse_tensor(PyObject *o, const char *fname, oz_tensor **out) {
  if (!ozpy_is_tensor(o)) {
    char fmt[128];
    snprintf(fmt, sizeof fmt, "%s(): expected a Tensor, not %%U", fname);
    ozpy_type_error(PyExc_TypeError, fmt, o);
    return -1;
  }
  *out = ozpy_T(o);
  if (!(*out)->storage) {
    PyErr_Format(PyExc_RuntimeError, "%s(): the tensor has no storage", fname);
    return -1;
  }
  return 0;
}

/* _storage_key(t): an int naming t's storage; equal for all views of one storage while they
 * live (the storage's address, like PyTorch's storage._cdata). */
static PyObject *f_storage_key(PyObject *m, PyObject *arg) {
  (void)m;
  oz_tensor *t;
  if (parse_tensor(arg, "_storage_key", &t) < 0)
    return NULL;
  return PyLong_FromVoidPtr(t->storage);
}

/* _storage_nbytes(t): size of t's whole storage in bytes (may exceed what t itself reaches). */
static PyObject *f_storage_nbytes(PyObject *m, PyObject *arg) {
  (void)m;
  oz_tensor *t;
  if (parse_tensor(arg, "_storage_nbytes", &t) < 0)
    return NULL;
  return PyLong_FromSize_t(t->storage->nbytes);
}

/* _storage_uint8_view(t): a 1-D uint8 tensor over all of t's storage, on t's device, sharing
 * its memory (how a CUDA storage is copied to the host whole, with Tensor.cpu()). */
static PyObject *f_storage_uint8_view(PyObject *m, PyObject *arg) {
  (void)m;
  oz_tensor *t;
  if (parse_tensor(arg, "_storage_uint8_view", &t) < 0)
    return NULL;
  int64_t n = (int64_t)t->storage->nbytes, one = 1;
  return ozpy_wrap(oz_tensor_over(t->storage, 0, OZ_UINT8, 1, &n, &one));
}

/* _storage_to_bytes(t): a copy of t's whole CPU storage as bytes. */
static PyObject *f_storage_to_bytes(PyObject *m, PyObject *arg) {
  (void)m;
  oz_tensor *t;
  if (parse_tensor(arg, "_storage_to_bytes", &t) < 0)
    return NULL;
  const oz_storage *s = t->storage;
  if (s->device.type != OZ_DEVICE_CPU) {
    PyErr_SetString(PyExc_RuntimeError,
                    "_storage_to_bytes(): the storage is not in host memory; copy it to the CPU "
                    "first");
    return NULL;
  }
  if (s->nbytes > (size_t)PY_SSIZE_T_MAX) {
    PyErr_SetString(PyExc_OverflowError, "_storage_to_bytes(): storage too large");
    return NULL;
  }
  return PyBytes_FromStringAndSize(s->nbytes ? (const char *)s->data : "",
                                   (Py_ssize_t)s->nbytes);
}

/* _storage_from_buffer(buf): a 1-D uint8 CPU tensor over a new (aligned, owned) storage holding
 * a copy of the bytes of `buf` (any object with the buffer protocol). */
static PyObject *f_storage_from_buffer(PyObject *m, PyObject *arg) {
  (void)m;
  Py_buffer view;
  if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
    return NULL;
  int64_t n = (int64_t)view.len, one = 1;
  PyObject *result = NULL;
  oz_storage *s = oz_storage_new((size_t)view.len, OZ_CPU);
  if (!s) {
    ozpy_raise();
  } else {
    if (view.len)
      memcpy(s->data, view.buf, (size_t)view.len);
    result = ozpy_wrap(oz_tensor_over(s, 0, OZ_UINT8, 1, &n, &one));
    oz_storage_decref(s); /* the tensor holds its own reference */
  }
  PyBuffer_Release(&view);
  return result;
}

/* Reads a sequence of ints into out[]; returns its length or -1 with an exception set. */
static int int_sequence(PyObject *seq, const char *what, int64_t *out) {
  if (!PySequence_Check(seq) || PyUnicode_Check(seq) || PyBytes_Check(seq)) {
    ozpy_type_error(PyExc_TypeError, what, seq);
    return -1;
  }
  Py_ssize_t n = PySequence_Size(seq);
  if (n < 0)
    return -1;
  if (n > OZ_MAX_DIMS) {
    PyErr_Format(PyExc_RuntimeError, "a tensor has at most %d dimensions, got %zd", OZ_MAX_DIMS,
                 n);
    return -1;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject *item = PySequence_GetItem(seq, i);
    if (!item)
      return -1;
    long long v = PyBool_Check(item) ? (PyErr_SetString(PyExc_TypeError, "expected an int, "
                                                        "not bool"), -1)
                                     : PyLong_AsLongLong(item);
    Py_DECREF(item);
    if (v == -1 && PyErr_Occurred())
      return -1;
    out[i] = v;
  }
  return (int)n;
}

/* Checks, without overflowing, that the geometry is non-negative and every element it reaches
 * lies inside the storage (the core's own check assumes sane, non-overflowing numbers). */
static int check_reach(const oz_storage *s, int dtype, int64_t offset, int ndim,
                       const int64_t *size, const int64_t *stride) {
  if (offset < 0) {
    PyErr_Format(PyExc_RuntimeError, "Tensor: invalid storage offset %lld", (long long)offset);
    return -1;
  }
  uint64_t last = (uint64_t)offset, numel = 1;
  bool overflow = false;
  for (int d = 0; d < ndim; d++) {
    if (size[d] < 0 || stride[d] < 0) {
      PyErr_Format(PyExc_RuntimeError,
                   "Trying to create tensor with negative dimension or stride (size %lld, "
                   "stride %lld at dim %d)",
                   (long long)size[d], (long long)stride[d], d);
      return -1;
    }
    uint64_t reach;
    overflow |= __builtin_mul_overflow((uint64_t)size[d], numel, &numel);
    if (size[d] > 0) {
      overflow |= __builtin_mul_overflow((uint64_t)(size[d] - 1), (uint64_t)stride[d], &reach);
      overflow |= __builtin_add_overflow(last, reach, &last);
    }
  }
  if (overflow || numel > (uint64_t)INT64_MAX) {
    PyErr_SetString(PyExc_RuntimeError, "Tensor: size, stride and offset overflow");
    return -1;
  }
  const uint64_t elements = s->nbytes / oz_dtype_size(dtype);
  if (numel > 0 && last >= elements) {
    PyErr_Format(PyExc_RuntimeError,
                 "setStorage: sizes, strides and offset reach element %llu but the storage "
                 "holds %llu elements of %s",
                 (unsigned long long)last, (unsigned long long)elements, oz_dtype_name(dtype));
    return -1;
  }
  return 0;
}

/* _tensor_over_storage(base, dtype, offset, size, stride): a tensor of `dtype` over base's
 * storage, offset and strides counted in elements of `dtype` (PyTorch's set_); the geometry
 * is checked to stay inside the storage, so a crafted file cannot reach other memory. */
static PyObject *f_tensor_over_storage(PyObject *m, PyObject *args) {
  (void)m;
  PyObject *base, *dtype, *size_obj, *stride_obj;
  long long offset;
  if (!PyArg_ParseTuple(args, "OOLOO:_tensor_over_storage", &base, &dtype, &offset, &size_obj,
                        &stride_obj))
    return NULL;
  oz_tensor *b;
  if (parse_tensor(base, "_tensor_over_storage", &b) < 0)
    return NULL;
  if (!ozpy_is_dtype(dtype)) {
    ozpy_type_error(PyExc_TypeError, "_tensor_over_storage(): dtype must be a dtype, not %U",
                    dtype);
    return NULL;
  }
  int64_t size[OZ_MAX_DIMS], stride[OZ_MAX_DIMS];
  int ndim = int_sequence(size_obj, "_tensor_over_storage(): size must be a sequence of ints, "
                                    "not %U", size);
  if (ndim < 0)
    return NULL;
  int nstride = int_sequence(stride_obj, "_tensor_over_storage(): stride must be a sequence of "
                                         "ints, not %U", stride);
  if (nstride < 0)
    return NULL;
  if (nstride != ndim) {
    PyErr_Format(PyExc_RuntimeError,
                 "mismatch in length of strides and shape: %d strides for %d dimensions",
                 nstride, ndim);
    return NULL;
  }
  if (check_reach(b->storage, ozpy_dtype_id(dtype), (int64_t)offset, ndim, size, stride) < 0)
    return NULL;
  return ozpy_wrap(
      oz_tensor_over(b->storage, (int64_t)offset, ozpy_dtype_id(dtype), ndim, size, stride));
}

PyMethodDef ozpy_functions_storage[] = {
    {"_storage_key", f_storage_key, METH_O, "an int naming the tensor's storage"},
    {"_storage_nbytes", f_storage_nbytes, METH_O, "bytes in the tensor's whole storage"},
    {"_storage_uint8_view", f_storage_uint8_view, METH_O,
     "1-D uint8 tensor over the whole storage (shares memory)"},
    {"_storage_to_bytes", f_storage_to_bytes, METH_O, "the whole CPU storage as bytes"},
    {"_storage_from_buffer", f_storage_from_buffer, METH_O,
     "1-D uint8 CPU tensor over a new storage holding a copy of a buffer"},
    {"_tensor_over_storage", f_tensor_over_storage, METH_VARARGS,
     "_tensor_over_storage(base, dtype, offset, size, stride): a tensor over base's storage"},
    {NULL, NULL, 0, NULL},
};
