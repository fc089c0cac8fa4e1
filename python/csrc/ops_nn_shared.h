/* ops_nn_shared.h - what the nn binding files (ops_nn*.c) share: argument converters for the
 * forms torch.nn.functional takes (int-or-tuple sizes, reductions, optional tensors) and the
 * binding functions the tables in ops_nn.c list. */
#ifndef OZPY_OPS_NN_SHARED_H
#define OZPY_OPS_NN_SHARED_H

#include "python/csrc/ozpy.h"

#include "core/oz_ops_nn.h"

#define OZPY_NN_KW(fn) OZPY_FASTCALL_KW(fn), OZPY_FLAGS

/* An optional tensor argument: NULL/None gives *t = NULL. */
int ozpy_nn_opt_tensor(const char *fname, const char *arg, int pos, PyObject *o, oz_tensor **t);
/* An int, or a sequence of 1 or `n` ints, into vals[0..n) (one value is repeated); absent/None
 * gives `dflt` everywhere. A sequence of another length raises RuntimeError `bad_len_fmt`, which
 * gets the list's Python repr through %R. */
int ozpy_nn_int_tuple(const char *fname, const char *arg, int pos, PyObject *o, int n,
                      int64_t dflt, const char *bad_len_fmt, int64_t *vals);
/* A float (int/float/bool or 0-d tensor). */
int ozpy_nn_double(const char *fname, const char *arg, int pos, PyObject *o, double dflt,
                   double *v);
/* The reduction as torch._C._nn takes it: an int enum (0 none, 1 mean, 2 sum), default mean. */
int ozpy_nn_reduction(const char *fname, int pos, PyObject *o, int *reduction);

/* ---- bindings, one group per file ---- */
/* ops_nn.c: softmax, log_softmax (functions and Tensor methods), losses */
/* ops_nn_conv.c: conv1d, conv2d, max_pool2d, avg_pool2d, adaptive_avg_pool2d */
PyObject *ozpy_nn_conv1d(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_nn_conv2d(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_nn_max_pool2d(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_nn_max_pool2d_with_indices(PyObject *m, PyObject *const *args, Py_ssize_t n,
                                          PyObject *kw);
PyObject *ozpy_nn_avg_pool2d(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_nn_adaptive_avg_pool2d(PyObject *m, PyObject *const *args, Py_ssize_t n,
                                      PyObject *kw);
/* ops_nn_norm.c: batch_norm, layer_norm, embedding, constant_pad_nd, _nn_pad, dropout */
PyObject *ozpy_nn_batch_norm(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_nn_layer_norm(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_nn_embedding(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_nn_constant_pad_nd(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_nn_pad(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_nn_dropout(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_nn_dropout_(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);

#endif
