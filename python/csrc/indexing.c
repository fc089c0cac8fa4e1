/* indexing.c - basic indexing: x[i], x[a:b:s], x[None], x[...], x[True] and tuples of them give
 * views (select/slice/unsqueeze in the core); x[idx] = value copies into that view. Advanced
 * indexing (tensors, lists, arrays as indices) is not supported yet. */
#include "python/csrc/ozpy.h"
#include "python/csrc/ops_index.h"

/* What one index item does. */
enum { IDX_INT, IDX_SLICE, IDX_NONE, IDX_ELLIPSIS, IDX_TRUE, IDX_FALSE };

typedef struct index_item {
  int kind;
  int64_t i;
  PyObject *slice;
} index_item;

static int classify(PyObject *o, index_item *it) {
  if (PyLong_Check(o) && !PyBool_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow || (v == -1 && PyErr_Occurred())) {
      if (!PyErr_Occurred())
        PyErr_SetString(PyExc_IndexError, "index out of range");
      return -1;
    }
    it->kind = IDX_INT;
    it->i = (int64_t)v;
    return 0;
  }
  if (PySlice_Check(o)) {
    it->kind = IDX_SLICE;
    it->slice = o;
    return 0;
  }
  if (o == Py_None) {
    it->kind = IDX_NONE;
    return 0;
  }
  if (o == Py_Ellipsis) {
    it->kind = IDX_ELLIPSIS;
    return 0;
  }
  if (PyBool_Check(o)) {
    it->kind = o == Py_True ? IDX_TRUE : IDX_FALSE;
    return 0;
  }
  if (ozpy_is_tensor(o)) {
    const oz_tensor *t = ozpy_T(o);
    if (t->ndim == 0 && oz_dtype_is_integral(t->dtype, false)) { /* a 0-d integer: like int */
      ozpy_number n;
      if (ozpy_item_number(t, &n) < 0)
        return -1;
      it->kind = IDX_INT;
      it->i = n.s.i;
      return 0;
    }
    if (!oz_dtype_is_integral(t->dtype, true)) {
      PyErr_SetString(PyExc_IndexError,
                      "tensors used as indices must be long, byte or bool tensors");
      return -1;
    }
    /* unreachable: ozpy_ix_is_advanced() sends tensor indices to ops_index_subscript.c */
    PyErr_SetString(PyExc_RuntimeError, "internal: a tensor index reached basic indexing");
    return -1;
  }
  if (PyUnicode_Check(o) || PyBytes_Check(o)) {
    ozpy_type_error(PyExc_TypeError, "new(): invalid data type '%U'", o);
    return -1;
  }
  if (PyFloat_Check(o) || PyComplex_Check(o)) {
    ozpy_type_error(PyExc_IndexError,
                    "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                    "Variables are valid indices (got %U)",
                    o);
    return -1;
  }
  if (PyIndex_Check(o) && !PySequence_Check(o)) { /* numpy integers */
    PyObject *i = PyNumber_Index(o);
    if (!i)
      return -1;
    int r = classify(i, it);
    Py_DECREF(i);
    return r;
  }
  if (PySequence_Check(o)) {
    /* unreachable: ozpy_ix_is_advanced() sends sequence indices to ops_index_subscript.c */
    PyErr_SetString(PyExc_RuntimeError, "internal: a sequence index reached basic indexing");
    return -1;
  }
  ozpy_type_error(PyExc_IndexError,
                  "only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                  "Variables are valid indices (got %U)",
                  o);
  return -1;
}

#define MAX_ITEMS 64

/* The view `t[index]` as a new reference, or NULL with a Python error set. */
static oz_tensor *index_view(oz_tensor *t, PyObject *index) {
  index_item items[MAX_ITEMS];
  Py_ssize_t n = 1;
  if (PyTuple_Check(index)) {
    n = PyTuple_Size(index);
    if (n > MAX_ITEMS) {
      PyErr_SetString(PyExc_IndexError, "too many indices");
      return NULL;
    }
    for (Py_ssize_t k = 0; k < n; k++)
      if (classify(PyTuple_GetItem(index, k), &items[k]) < 0)
        return NULL;
  } else if (classify(index, &items[0]) < 0) {
    return NULL;
  }
  /* How many of t's dims the items consume, so `...` knows how many it stands for. */
  int consumed = 0, ellipses = 0;
  for (Py_ssize_t k = 0; k < n; k++) {
    if (items[k].kind == IDX_INT || items[k].kind == IDX_SLICE)
      consumed++;
    else if (items[k].kind == IDX_ELLIPSIS)
      ellipses++;
  }
  (void)
      ellipses; /* PyTorch accepts several: the first stands for the dims left, the rest for none */
  if (consumed > t->ndim) {
    if (t->ndim == 0 && items[0].kind == IDX_INT)
      PyErr_SetString(PyExc_IndexError,
                      "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                      "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
    else
      PyErr_Format(PyExc_IndexError, "too many indices for tensor of dimension %d", (int)t->ndim);
    return NULL;
  }
  oz_tensor *cur = t;
  oz_tensor_incref(cur);
  int d = 0;        /* the dim of `cur` the next item applies to */
  int selected = 0; /* dims removed by integer indices so far (for messages) */
  for (Py_ssize_t k = 0; k < n; k++) {
    oz_tensor *next = NULL;
    switch (items[k].kind) {
    case IDX_INT: {
      int64_t size = cur->shape[d], i = items[k].i;
      if (i < -size || i >= size) { /* indexing's own message, not select()'s */
        PyErr_Format(PyExc_IndexError,
                     "index %lld is out of bounds for dimension %d with size %lld", (long long)i,
                     d + selected, (long long)size);
        goto fail;
      }
      next = oz_ad_select(cur, d, i);
      selected++;
      break;
    }
    case IDX_SLICE: {
      Py_ssize_t start, stop, step;
      if (PySlice_Unpack(items[k].slice, &start, &stop, &step) < 0)
        goto fail;
      if (step <= 0) {
        PyErr_SetString(PyExc_ValueError, "step must be greater than zero");
        goto fail;
      }
      int64_t size = cur->shape[d];
      PySlice_AdjustIndices((Py_ssize_t)size, &start, &stop, step);
      if (stop < start)
        stop = start;
      if (start == 0 && stop == size && step == 1) { /* `:` keeps the dim as it is */
        d++;
        continue;
      }
      next = oz_ad_slice(cur, d, start, stop, step);
      d++;
      break;
    }
    case IDX_NONE:
    case IDX_TRUE:
      next = oz_ad_unsqueeze(cur, d);
      d++;
      break;
    case IDX_FALSE: { /* a new dim of size 0 */
      oz_tensor *u = oz_ad_unsqueeze(cur, d);
      next = u ? oz_ad_slice(u, d, 0, 0, 1) : NULL;
      oz_tensor_decref(u);
      d++;
      break;
    }
    case IDX_ELLIPSIS:
      d += t->ndim - consumed;
      consumed = t->ndim; /* a later `...` stands for no dims */
      continue;
    }
    if (!next) {
      ozpy_raise();
      goto fail;
    }
    oz_tensor_decref(cur);
    cur = next;
  }
  if (cur == t) { /* x[:] and x[...] are still new views */
    oz_tensor_decref(cur);
    cur = oz_ad_alias(t);
    if (!cur)
      ozpy_raise();
  }
  return cur;
fail:
  oz_tensor_decref(cur);
  return NULL;
}

PyObject *ozpy_getitem(PyObject *self, PyObject *index) {
  if (ozpy_ix_is_advanced(index)) /* tensors, lists, arrays, bools: advanced indexing */
    return ozpy_ix_getitem(self, index);
  oz_tensor *t = ozpy_T(self);
  /* the common x[i] without the general machinery */
  if (PyLong_Check(index) && !PyBool_Check(index) && t->ndim > 0) {
    int overflow = 0;
    long long i = PyLong_AsLongLongAndOverflow(index, &overflow);
    if (!overflow && !(i == -1 && PyErr_Occurred()) && i >= -t->shape[0] && i < t->shape[0])
      return ozpy_wrap(oz_ad_select(t, 0, (int64_t)i));
    PyErr_Clear(); /* the general path raises PyTorch's errors */
  }
  oz_tensor *v = index_view(t, index);
  if (!v)
    return NULL;
  return ozpy_wrap(v);
}

int ozpy_setitem(PyObject *self, PyObject *index, PyObject *value) {
  if (!value || ozpy_ix_is_advanced(index)) /* `del x[i]` is refused there, as in torch */
    return ozpy_ix_setitem(self, index, value);
  oz_tensor *v = index_view(ozpy_T(self), index);
  if (!v)
    return -1;
  int rc = 0;
  ozpy_number num;
  int isnum = ozpy_is_tensor(value) ? 0 : ozpy_as_number(value, &num);
  if (isnum < 0) {
    rc = -1;
  } else if (isnum == 1) {
    if (oz_ad_fill_(v, num.s) != OZ_OK)
      rc = ozpy_raise_int();
  } else if (ozpy_is_tensor(value)) {
    if (oz_ad_copy_(v, ozpy_T(value)) != OZ_OK)
      rc = ozpy_raise_int();
  } else { /* a nested list: made a tensor of the target's dtype first */
    oz_device dev = v->storage ? v->storage->device : OZ_CPU;
    oz_tensor *src = ozpy_tensor_from_data(value, v->dtype, dev, false);
    if (!src)
      rc = -1;
    else if (oz_ad_copy_(v, src) != OZ_OK)
      rc = ozpy_raise_int();
    oz_tensor_decref(src);
  }
  oz_tensor_decref(v);
  return rc;
}
