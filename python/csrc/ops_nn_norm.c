/* ops_nn_norm.c - bindings of normalization, lookup, padding and dropout: torch.batch_norm,
 * torch.layer_norm, torch.embedding, torch.constant_pad_nd, torch.dropout(_), and _nn_pad (the
 * C part of F.pad, torch._C._nn.pad in torch). Signatures are torch's top-level ones. */
#include <string.h>

#include "python/csrc/ops_nn_shared.h"

/* batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps,
 *            cudnn_enabled) */
PyObject *ozpy_nn_batch_norm(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("batch_norm", 9, 9, "input", "weight", "bias", "running_mean",
                                 "running_var", "training", "momentum", "eps", "cudnn_enabled");
  const char *fname = "batch_norm";
  PyObject *a[9];
  oz_tensor *x, *w, *b, *rm, *rv;
  bool training, cudnn;
  double momentum, eps;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor(fname, "input", 1, a[0], &x) < 0 ||
      ozpy_nn_opt_tensor(fname, "weight", 2, a[1], &w) < 0 ||
      ozpy_nn_opt_tensor(fname, "bias", 3, a[2], &b) < 0 ||
      ozpy_nn_opt_tensor(fname, "running_mean", 4, a[3], &rm) < 0 ||
      ozpy_nn_opt_tensor(fname, "running_var", 5, a[4], &rv) < 0 ||
      ozpy_arg_bool(fname, "training", 6, a[5], false, &training) < 0 ||
      ozpy_nn_double(fname, "momentum", 7, a[6], 0.1, &momentum) < 0 ||
      ozpy_nn_double(fname, "eps", 8, a[7], 1e-5, &eps) < 0 ||
      ozpy_arg_bool(fname, "cudnn_enabled", 9, a[8], true, &cudnn) < 0)
    return NULL;
  return ozpy_wrap(oz_batch_norm(x, w, b, rm, rv, training, momentum, eps));
}

/* layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True) */
PyObject *ozpy_nn_layer_norm(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("layer_norm", 6, 2, "input", "normalized_shape", "weight",
                                 "bias", "eps", "cudnn_enable");
  const char *fname = "layer_norm";
  PyObject *a[6];
  oz_tensor *x, *w, *b;
  int64_t shape[OZPY_MAX_LIST];
  int n_shape = 0;
  double eps;
  bool cudnn;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 || ozpy_arg_tensor(fname, "input", 1, a[0], &x) < 0)
    return NULL;
  if (PyLong_Check(a[1])) { /* torch.layer_norm wants a sequence here, unlike most size args */
    PyErr_SetString(PyExc_TypeError, "layer_norm(): argument 'normalized_shape' (position 2) must "
                                     "be tuple of ints, not int");
    return NULL;
  }
  if (ozpy_arg_int_list(fname, "normalized_shape", 2, a[1], shape, &n_shape) < 0 ||
      ozpy_nn_opt_tensor(fname, "weight", 3, a[2], &w) < 0 ||
      ozpy_nn_opt_tensor(fname, "bias", 4, a[3], &b) < 0 ||
      ozpy_nn_double(fname, "eps", 5, a[4], 1e-5, &eps) < 0 ||
      ozpy_arg_bool(fname, "cudnn_enable", 6, a[5], true, &cudnn) < 0)
    return NULL;
  return ozpy_wrap(oz_layer_norm(x, n_shape, shape, w, b, eps));
}

/* embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False) */
PyObject *ozpy_nn_embedding(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("embedding", 5, 2, "weight", "indices", "padding_idx",
                                 "scale_grad_by_freq", "sparse");
  const char *fname = "embedding";
  PyObject *a[5];
  oz_tensor *w, *idx;
  int64_t padding_idx = -1;
  bool scale, sparse;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor(fname, "weight", 1, a[0], &w) < 0 ||
      ozpy_arg_tensor(fname, "indices", 2, a[1], &idx) < 0 ||
      (a[2] && ozpy_arg_int(fname, "padding_idx", 3, a[2], &padding_idx) < 0) ||
      ozpy_arg_bool(fname, "scale_grad_by_freq", 4, a[3], false, &scale) < 0 ||
      ozpy_arg_bool(fname, "sparse", 5, a[4], false, &sparse) < 0)
    return NULL;
  if (scale || sparse) {
    PyErr_Format(PyExc_NotImplementedError, "embedding(): %s=True is not supported by OzTorch",
                 scale ? "scale_grad_by_freq" : "sparse");
    return NULL;
  }
  return ozpy_wrap(oz_embedding(w, idx, padding_idx < 0 ? -1 : padding_idx));
}

/* constant_pad_nd(input, pad, value=0) */
PyObject *ozpy_nn_constant_pad_nd(PyObject *m, PyObject *const *args, Py_ssize_t nargs,
                                  PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("constant_pad_nd", 3, 2, "input", "pad", "value");
  const char *fname = "constant_pad_nd";
  PyObject *a[3];
  oz_tensor *x;
  int64_t pad[OZPY_MAX_LIST];
  int n_pad = 0;
  double value;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor(fname, "input", 1, a[0], &x) < 0 ||
      ozpy_arg_int_list(fname, "pad", 2, a[1], pad, &n_pad) < 0 ||
      ozpy_nn_double(fname, "value", 3, a[2], 0.0, &value) < 0)
    return NULL;
  return ozpy_wrap(oz_constant_pad_nd(x, n_pad, pad, value));
}

/* _nn_pad(input, pad, mode='constant', value=None): torch._C._nn.pad. */
PyObject *ozpy_nn_pad(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static const char *const modes[] = {"reflect", "replicate", "circular"};
  static ozpy_sig sig = OZPY_SIG("pad", 4, 2, "input", "pad", "mode", "value");
  const char *fname = "pad";
  PyObject *a[4];
  oz_tensor *x;
  int64_t pad[OZPY_MAX_LIST];
  int n_pad = 0;
  double value = 0;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor(fname, "input", 1, a[0], &x) < 0 ||
      ozpy_arg_int_list(fname, "pad", 2, a[1], pad, &n_pad) < 0 ||
      ozpy_nn_double(fname, "value", 4, a[3], 0.0, &value) < 0)
    return NULL;
  const char *mode = "constant";
  if (a[2] && a[2] != Py_None) {
    if (!PyUnicode_Check(a[2])) {
      PyErr_SetString(PyExc_TypeError, "pad(): argument 'mode' must be str");
      return NULL;
    }
    if (!(mode = PyUnicode_AsUTF8AndSize(a[2], NULL))) return NULL;
  }
  int mode_id = -1;
  for (int i = 0; i < 3; i++)
    if (!strcmp(mode, modes[i])) mode_id = i;
  if (mode_id < 0 && strcmp(mode, "constant")) {
    PyErr_Format(PyExc_NotImplementedError, "Unrecognised padding mode %s", mode);
    return NULL;
  }
  if (n_pad % 2) {
    PyErr_SetString(PyExc_RuntimeError, "Padding length must be divisible by 2");
    return NULL;
  }
  if (n_pad > 2 * x->ndim) {
    PyErr_SetString(PyExc_RuntimeError, "Padding length too large");
    return NULL;
  }
  if (mode_id < 0) return ozpy_wrap(oz_constant_pad_nd(x, n_pad, pad, value));
  if (a[3] && a[3] != Py_None && value != 0) {
    PyErr_Format(PyExc_RuntimeError, "Padding mode \"%s\" doesn't take in value argument", mode);
    return NULL;
  }
  /* torch pads 1, 2 or 3 trailing dims of a batched or unbatched input only */
  if (!((n_pad == 2 && (x->ndim == 2 || x->ndim == 3)) ||
        (n_pad == 4 && (x->ndim == 3 || x->ndim == 4)) ||
        (n_pad == 6 && (x->ndim == 4 || x->ndim == 5)))) {
    PyErr_SetString(PyExc_NotImplementedError,
                    "Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
    return NULL;
  }
  return ozpy_wrap(oz_pad_mode(x, n_pad, pad, mode_id));
}

/* dropout(input, p, train) and dropout_(input, p, train) */
static PyObject *dropout_call(bool inplace, PyObject *const *args, Py_ssize_t nargs,
                              PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("dropout", 3, 3, "input", "p", "train");
  static ozpy_sig sig_ = OZPY_SIG("dropout_", 3, 3, "input", "p", "train");
  const char *fname = inplace ? "dropout_" : "dropout";
  PyObject *a[3];
  oz_tensor *x;
  double p;
  bool train;
  if (ozpy_parse(inplace ? &sig_ : &sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor(fname, "input", 1, a[0], &x) < 0 ||
      ozpy_nn_double(fname, "p", 2, a[1], 0.5, &p) < 0 ||
      ozpy_arg_bool(fname, "train", 3, a[2], true, &train) < 0)
    return NULL;
  return ozpy_wrap_same(a[0], oz_dropout(x, p, train, inplace));
}

PyObject *ozpy_nn_dropout(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  return dropout_call(false, args, n, kw);
}
PyObject *ozpy_nn_dropout_(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  return dropout_call(true, args, n, kw);
}
