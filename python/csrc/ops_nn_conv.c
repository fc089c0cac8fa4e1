/* ops_nn_conv.c - bindings of convolution and pooling: torch.conv1d/conv2d, torch.max_pool2d,
 * and the private _nn_max_pool2d_with_indices, _nn_avg_pool2d, _nn_adaptive_avg_pool2d that
 * oztorch.nn.functional calls (torch keeps those in torch._C._nn). Sizes may be an int or a
 * tuple, as torch's argument parser allows. */
#include <string.h>

#include "python/csrc/ops_nn_shared.h"

/* ============================ convolution ============================ */

/* padding: ints, or 'valid' / 'same' (torch's _convolution_mode). Fills p's pads. */
static int conv_padding(const char *fname, PyObject *o, const int64_t *kernel, oz_conv_params *p) {
  const int n = p->spatial;
  if (o && PyUnicode_Check(o)) {
    const char *s = PyUnicode_AsUTF8AndSize(o, NULL);
    if (!s) return -1;
    if (!strcmp(s, "valid")) {
      for (int i = 0; i < n; i++) p->pad_before[i] = p->pad_after[i] = 0;
      return 0;
    }
    if (strcmp(s, "same")) {
      PyErr_Format(PyExc_RuntimeError, "Invalid padding string: '%s'", s);
      return -1;
    }
    for (int i = 0; i < n; i++)
      if (p->stride[i] != 1) {
        PyErr_SetString(PyExc_RuntimeError,
                        "padding='same' is not supported for strided convolutions");
        return -1;
      }
    /* The total padding keeps the size; an odd total puts the extra row/column last. */
    bool asymmetric = false;
    for (int i = 0; i < n; i++) {
      const int64_t total = p->dilation[i] * (kernel[i] - 1);
      p->pad_before[i] = total / 2;
      p->pad_after[i] = total - total / 2;
      asymmetric |= total % 2 != 0;
    }
    if (asymmetric && PyErr_WarnEx(PyExc_UserWarning,
                                   "Using padding='same' with even kernel lengths and odd "
                                   "dilation may require a zero-padded copy of the input be "
                                   "created",
                                   1) < 0)
      return -1;
    return 0;
  }
  int64_t pad[2];
  if (ozpy_nn_int_tuple(fname, "padding", 5, o, n, 0,
                        n == 1 ? "expected padding to be a single integer value or a list of 1 "
                                 "values to match the convolution dimensions, but got padding=%R"
                               : "expected padding to be a single integer value or a list of 2 "
                                 "values to match the convolution dimensions, but got padding=%R",
                        pad) < 0)
    return -1;
  for (int i = 0; i < n; i++) p->pad_before[i] = p->pad_after[i] = pad[i];
  return 0;
}

static PyObject *conv_call(int spatial, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig1 = OZPY_SIG("conv1d", 7, 2, "input", "weight", "bias", "stride", "padding",
                                  "dilation", "groups");
  static ozpy_sig sig2 = OZPY_SIG("conv2d", 7, 2, "input", "weight", "bias", "stride", "padding",
                                  "dilation", "groups");
  static const char *const len_fmt[2][2] = {
      {"expected stride to be a single integer value or a list of 1 values to match the "
       "convolution dimensions, but got stride=%R",
       "expected dilation to be a single integer value or a list of 1 values to match the "
       "convolution dimensions, but got dilation=%R"},
      {"expected stride to be a single integer value or a list of 2 values to match the "
       "convolution dimensions, but got stride=%R",
       "expected dilation to be a single integer value or a list of 2 values to match the "
       "convolution dimensions, but got dilation=%R"}};
  ozpy_sig *sig = spatial == 1 ? &sig1 : &sig2;
  const char *fname = sig->fname;
  PyObject *a[7];
  oz_tensor *x, *w, *b;
  oz_conv_params p = {.spatial = spatial, .groups = 1};
  if (ozpy_parse(sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor(fname, "input", 1, a[0], &x) < 0 ||
      ozpy_arg_tensor(fname, "weight", 2, a[1], &w) < 0 ||
      ozpy_nn_opt_tensor(fname, "bias", 3, a[2], &b) < 0 ||
      ozpy_nn_int_tuple(fname, "stride", 4, a[3], spatial, 1, len_fmt[spatial - 1][0],
                        p.stride) < 0 ||
      ozpy_nn_int_tuple(fname, "dilation", 6, a[5], spatial, 1, len_fmt[spatial - 1][1],
                        p.dilation) < 0 ||
      (a[6] && ozpy_arg_int(fname, "groups", 7, a[6], &p.groups) < 0))
    return NULL;
  /* 'same' needs the kernel's extent: the weight's trailing sizes (checked by the core). */
  int64_t kernel[2] = {1, 1};
  for (int i = 0; i < spatial && w->ndim == spatial + 2; i++) kernel[i] = w->shape[2 + i];
  if (conv_padding(fname, a[4], kernel, &p) < 0) return NULL;
  return ozpy_wrap(oz_convolution(x, w, b, &p));
}

PyObject *ozpy_nn_conv1d(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  return conv_call(1, args, n, kw);
}
PyObject *ozpy_nn_conv2d(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  return conv_call(2, args, n, kw);
}

/* ============================== pooling ============================== */

/* (input, kernel_size, stride, padding, dilation, ceil_mode) -> p; stride omitted, None or ()
 * means kernel_size. */
static int max_pool_args(const char *fname, PyObject *const *a, oz_pool_params *p) {
  if (ozpy_nn_int_tuple(fname, "kernel_size", 2, a[1], 2, 1,
                        "max_pool2d: kernel_size must either be a single int, or a tuple of two "
                        "ints (got %R)",
                        p->kernel) < 0)
    return -1;
  PyObject *stride = a[2];
  if (stride && PySequence_Check(stride) && PySequence_Size(stride) == 0) stride = NULL;
  if (ozpy_nn_int_tuple(fname, "stride", 3, stride, 2, 0,
                        "max_pool2d: stride must either be omitted, a single int, or a tuple of "
                        "two ints (got %R)",
                        p->stride) < 0 ||
      ozpy_nn_int_tuple(fname, "padding", 4, a[3], 2, 0,
                        "max_pool2d: padding must be either be a single int, or a tuple of two "
                        "ints (got %R)",
                        p->padding) < 0 ||
      ozpy_nn_int_tuple(fname, "dilation", 5, a[4], 2, 1,
                        "max_pool2d: dilation must be either a single int, or a tuple of two ints "
                        "(got %R)",
                        p->dilation) < 0 ||
      ozpy_arg_bool(fname, "ceil_mode", 6, a[5], false, &p->ceil_mode) < 0)
    return -1;
  if (!stride || stride == Py_None) memcpy(p->stride, p->kernel, sizeof p->stride);
  return 0;
}

static PyObject *max_pool_call(const char *fname, bool with_indices, PyObject *const *args,
                               Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("max_pool2d", 6, 2, "input", "kernel_size", "stride", "padding",
                                 "dilation", "ceil_mode");
  static ozpy_sig sig_i = OZPY_SIG("max_pool2d_with_indices", 6, 2, "input", "kernel_size",
                                   "stride", "padding", "dilation", "ceil_mode");
  PyObject *a[6];
  oz_tensor *x;
  oz_pool_params p = {0};
  if (ozpy_parse(with_indices ? &sig_i : &sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor(fname, "input", 1, a[0], &x) < 0 || max_pool_args(fname, a, &p) < 0)
    return NULL;
  oz_tensor *indices = NULL;
  PyObject *y = ozpy_wrap(oz_max_pool2d(x, &p, with_indices ? &indices : NULL));
  if (!with_indices || !y) return y;
  PyObject *i = ozpy_wrap(indices);
  if (!i) {
    Py_DECREF(y);
    return NULL;
  }
  return Py_BuildValue("(NN)", y, i);
}

PyObject *ozpy_nn_max_pool2d(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  return max_pool_call("max_pool2d", false, args, n, kw);
}
PyObject *ozpy_nn_max_pool2d_with_indices(PyObject *m, PyObject *const *args, Py_ssize_t n,
                                          PyObject *kw) {
  (void)m;
  return max_pool_call("max_pool2d_with_indices", true, args, n, kw);
}

/* (input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
 *  divisor_override=None) */
PyObject *ozpy_nn_avg_pool2d(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("avg_pool2d", 7, 2, "input", "kernel_size", "stride", "padding",
                                 "ceil_mode", "count_include_pad", "divisor_override");
  const char *fname = "avg_pool2d";
  PyObject *a[7];
  oz_tensor *x;
  oz_pool_params p = {.dilation = {1, 1}};
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor(fname, "input", 1, a[0], &x) < 0 ||
      ozpy_nn_int_tuple(fname, "kernel_size", 2, a[1], 2, 1,
                        "avg_pool2d: kernel_size must either be a single int, or a tuple of two "
                        "ints (got %R)",
                        p.kernel) < 0)
    return NULL;
  PyObject *stride = a[2];
  if (stride && PySequence_Check(stride) && PySequence_Size(stride) == 0) stride = NULL;
  if (ozpy_nn_int_tuple(fname, "stride", 3, stride, 2, 0,
                        "avg_pool2d: stride must either be omitted, a single int, or a tuple of "
                        "two ints (got %R)",
                        p.stride) < 0 ||
      ozpy_nn_int_tuple(fname, "padding", 4, a[3], 2, 0,
                        "avg_pool2d: padding must either be a single int, or a tuple of two ints "
                        "(got %R)",
                        p.padding) < 0 ||
      ozpy_arg_bool(fname, "ceil_mode", 5, a[4], false, &p.ceil_mode) < 0 ||
      ozpy_arg_bool(fname, "count_include_pad", 6, a[5], true, &p.count_include_pad) < 0)
    return NULL;
  if (!stride || stride == Py_None) memcpy(p.stride, p.kernel, sizeof p.stride);
  if (a[6] && a[6] != Py_None) {
    if (ozpy_arg_int(fname, "divisor_override", 7, a[6], &p.divisor_override) < 0) return NULL;
    if (p.divisor_override == 0) {
      PyErr_SetString(PyExc_RuntimeError, "divisor must be not zero");
      return NULL;
    }
  }
  return ozpy_wrap(oz_avg_pool2d(x, &p));
}

/* (input, output_size): an int or a pair whose entries may be None (keep the input's size). */
PyObject *ozpy_nn_adaptive_avg_pool2d(PyObject *m, PyObject *const *args, Py_ssize_t nargs,
                                      PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("adaptive_avg_pool2d", 2, 2, "input", "output_size");
  const char *fname = "adaptive_avg_pool2d";
  PyObject *a[2];
  oz_tensor *x;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor(fname, "input", 1, a[0], &x) < 0)
    return NULL;
  int64_t size[2] = {-1, -1};
  bool given[2] = {true, true};
  PyObject *o = a[1];
  if (PySequence_Check(o) && !ozpy_is_tensor(o)) {
    Py_ssize_t len = PySequence_Size(o);
    if (len < 0) return NULL;
    if (len != 2) {
      PyErr_SetString(PyExc_RuntimeError, "adaptive_avg_pool2d: output_size must be 2");
      return NULL;
    }
    for (Py_ssize_t i = 0; i < 2; i++) {
      PyObject *item = PySequence_GetItem(o, i);
      if (!item) return NULL;
      given[i] = item != Py_None;
      int r = given[i] ? ozpy_arg_int(fname, "output_size", 2, item, &size[i]) : 0;
      Py_DECREF(item);
      if (r < 0) return NULL;
    }
  } else {
    if (ozpy_arg_int(fname, "output_size", 2, o, &size[0]) < 0) return NULL;
    size[1] = size[0];
  }
  for (int i = 0; i < 2; i++)
    if (given[i] && size[i] < 0) {
      PyErr_Format(PyExc_RuntimeError,
                   "adaptive_avg_pool2d: elements of output_size must be greater than or equal "
                   "to 0 but received {%lld, %lld}",
                   (long long)size[0], (long long)size[1]);
      return NULL;
    }
  return ozpy_wrap(oz_adaptive_avg_pool2d(x, size));
}
