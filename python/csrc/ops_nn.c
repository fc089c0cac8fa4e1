/* ops_nn.c - Python bindings of the neural-network primitives: the shared argument converters,
 * softmax/log_softmax (torch functions and Tensor methods), the losses (private `_nn_*` functions
 * that oztorch.nn.functional calls, as torch's F calls torch._C._nn), and the family's tables.
 * Convolution and pooling bindings live in ops_nn_conv.c, the rest in ops_nn_norm.c. */
#include "python/csrc/ops_nn_shared.h"

/* ============================ converters ============================ */

int ozpy_nn_opt_tensor(const char *fname, const char *arg, int pos, PyObject *o, oz_tensor **t) {
  *t = NULL;
  if (!o || o == Py_None) return 0;
  return ozpy_arg_tensor(fname, arg, pos, o, t);
}

int ozpy_nn_int_tuple(const char *fname, const char *arg, int pos, PyObject *o, int n,
                      int64_t dflt, const char *bad_len_fmt, int64_t *vals) {
  for (int i = 0; i < n; i++) vals[i] = dflt;
  if (!o || o == Py_None) return 0;
  int64_t v[OZPY_MAX_LIST];
  int len = 0;
  if (ozpy_arg_int_list(fname, arg, pos, o, v, &len) < 0) return -1;
  if (len == 1 && !PySequence_Check(o)) { /* a single int */
    for (int i = 0; i < n; i++) vals[i] = v[0];
    return 0;
  }
  if (len == n || len == 1) {
    for (int i = 0; i < n; i++) vals[i] = v[len == 1 ? 0 : i];
    return 0;
  }
  PyObject *as_list = PySequence_List(o);
  if (as_list) {
    PyErr_Format(PyExc_RuntimeError, bad_len_fmt, as_list);
    Py_DECREF(as_list);
  }
  return -1;
}

int ozpy_nn_double(const char *fname, const char *arg, int pos, PyObject *o, double dflt,
                   double *v) {
  *v = dflt;
  if (!o || o == Py_None) return 0;
  ozpy_number num;
  if (ozpy_arg_number(fname, arg, pos, o, &num) < 0) return -1;
  *v = num.s.f;
  return 0;
}

int ozpy_nn_reduction(const char *fname, int pos, PyObject *o, int *reduction) {
  int64_t r = OZ_REDUCTION_MEAN;
  if (o && ozpy_arg_int(fname, "reduction", pos, o, &r) < 0) return -1;
  if (r < OZ_REDUCTION_NONE || r > OZ_REDUCTION_SUM) {
    PyErr_Format(PyExc_ValueError, "%lld is not a valid value for reduction", (long long)r);
    return -1;
  }
  *reduction = (int)r;
  return 0;
}

/* ============================ softmax ============================ */

typedef oz_tensor *(*softmax_fn)(const oz_tensor *, int64_t, int, oz_tensor *);

/* (input, dim, dtype=None, *, out=None) as a function, (dim, dtype=None) as a method */
static PyObject *softmax_call(const char *fname, softmax_fn fn, PyObject *self,
                              PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig fsig_s = OZPY_SIG("softmax", 3, 2, "input", "dim", "dtype", "out");
  static ozpy_sig fsig_l = OZPY_SIG("log_softmax", 3, 2, "input", "dim", "dtype", "out");
  static ozpy_sig msig_s = OZPY_SIG("softmax", 2, 1, "dim", "dtype");
  static ozpy_sig msig_l = OZPY_SIG("log_softmax", 2, 1, "dim", "dtype");
  const bool log = fn == oz_log_softmax;
  ozpy_sig *sig = self ? (log ? &msig_l : &msig_s) : (log ? &fsig_l : &fsig_s);
  PyObject *a[4];
  if (ozpy_parse(sig, args, nargs, kw, a) < 0) return NULL;
  PyObject *const *rest = self ? a : a + 1;
  oz_tensor *x, *out = NULL;
  int64_t dim;
  int dtype;
  if (self)
    x = ozpy_T(self);
  else if (ozpy_arg_tensor(fname, "input", 1, a[0], &x) < 0 || ozpy_arg_out(fname, a[3], &out) < 0)
    return NULL;
  if (PyUnicode_Check(rest[0])) { /* torch takes a dim name too; no tensor here has names */
    PyErr_Format(PyExc_RuntimeError, "Name '%U' not found in Tensor[None].", rest[0]);
    return NULL;
  }
  if (ozpy_arg_int(fname, "dim", self ? 1 : 2, rest[0], &dim) < 0 ||
      ozpy_arg_dtype(fname, "dtype", rest[1], &dtype) < 0)
    return NULL;
  oz_tensor *r = fn(x, dim, dtype, out);
  return out ? ozpy_wrap_same(a[3], r) : ozpy_wrap(r);
}

static PyObject *f_softmax(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  return softmax_call("softmax", oz_softmax, NULL, args, n, kw);
}
static PyObject *f_log_softmax(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  return softmax_call("log_softmax", oz_log_softmax, NULL, args, n, kw);
}
static PyObject *m_softmax(PyObject *self, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  return softmax_call("softmax", oz_softmax, self, args, n, kw);
}
static PyObject *m_log_softmax(PyObject *self, PyObject *const *args, Py_ssize_t n,
                               PyObject *kw) {
  return softmax_call("log_softmax", oz_log_softmax, self, args, n, kw);
}

/* ============================== losses ============================== */

/* _nn_nll_loss(input, target, weight=None, reduction=1, ignore_index=-100) */
static PyObject *f_nll_loss(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig =
      OZPY_SIG("nll_loss", 5, 2, "input", "target", "weight", "reduction", "ignore_index");
  PyObject *a[5];
  oz_tensor *x, *t, *w;
  int reduction;
  int64_t ignore = -100;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("nll_loss", "input", 1, a[0], &x) < 0 ||
      ozpy_arg_tensor("nll_loss", "target", 2, a[1], &t) < 0 ||
      ozpy_nn_opt_tensor("nll_loss", "weight", 3, a[2], &w) < 0 ||
      ozpy_nn_reduction("nll_loss", 4, a[3], &reduction) < 0 ||
      (a[4] && ozpy_arg_int("nll_loss", "ignore_index", 5, a[4], &ignore) < 0))
    return NULL;
  return ozpy_wrap(oz_nll_loss(x, t, w, reduction, ignore));
}

/* The elementwise losses: one binding each over one table row. Arguments after (input, target)
 * in torch._C._nn's order: [weight] [pos_weight] reduction [param]. */
typedef struct loss_binding {
  ozpy_sig sig;
  int loss;
  int i_weight, i_pos_weight, i_reduction, i_param; /* -1: the loss has no such argument */
  double param_default;
} loss_binding;

static PyObject *loss_call(loss_binding *b, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kw) {
  PyObject *a[OZPY_MAX_ARGS];
  const char *fname = b->sig.fname;
  oz_tensor *x, *t, *w = NULL, *pw = NULL;
  int reduction;
  double param = b->param_default;
  if (ozpy_parse(&b->sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor(fname, "input", 1, a[0], &x) < 0 ||
      ozpy_arg_tensor(fname, "target", 2, a[1], &t) < 0 ||
      (b->i_weight >= 0 &&
       ozpy_nn_opt_tensor(fname, "weight", b->i_weight + 1, a[b->i_weight], &w) < 0) ||
      (b->i_pos_weight >= 0 && ozpy_nn_opt_tensor(fname, "pos_weight", b->i_pos_weight + 1,
                                                  a[b->i_pos_weight], &pw) < 0) ||
      ozpy_nn_reduction(fname, b->i_reduction + 1, a[b->i_reduction], &reduction) < 0 ||
      (b->i_param >= 0 && ozpy_nn_double(fname, b->sig.names[b->i_param], b->i_param + 1,
                                         a[b->i_param], b->param_default, &param) < 0))
    return NULL;
  return ozpy_wrap(oz_pointwise_loss(b->loss, x, t, w, pw, param, reduction));
}

/* X(cname, python name, loss, i_weight, i_pos_weight, i_reduction, i_param, default, names...) */
#define NN_LOSS_BINDINGS(X)                                                                      \
  X(mse_loss, "mse_loss", OZ_LOSS_MSE, -1, -1, 2, -1, 0.0, "reduction")                          \
  X(l1_loss, "l1_loss", OZ_LOSS_L1, -1, -1, 2, -1, 0.0, "reduction")                             \
  X(smooth_l1_loss, "smooth_l1_loss", OZ_LOSS_SMOOTH_L1, -1, -1, 2, 3, 1.0, "reduction", "beta") \
  X(huber_loss, "huber_loss", OZ_LOSS_HUBER, -1, -1, 2, 3, 1.0, "reduction", "delta")            \
  X(binary_cross_entropy, "binary_cross_entropy", OZ_LOSS_BCE, 2, -1, 3, -1, 0.0, "weight",      \
    "reduction")                                                                                 \
  X(binary_cross_entropy_with_logits, "binary_cross_entropy_with_logits",                        \
    OZ_LOSS_BCE_WITH_LOGITS, 2, 3, 4, -1, 0.0, "weight", "pos_weight", "reduction")

#define DEFINE_LOSS_BINDING(cname, pyname, LOSS, IW, IPW, IR, IP, DFLT, ...)                     \
  static loss_binding lb_##cname = {OZPY_SIG(pyname, 6, 2, "input", "target", __VA_ARGS__),      \
                                    LOSS, IW, IPW, IR, IP, DFLT};                                \
  static PyObject *f_##cname(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {   \
    (void)m;                                                                                     \
    return loss_call(&lb_##cname, args, n, kw);                                                  \
  }
NN_LOSS_BINDINGS(DEFINE_LOSS_BINDING)

/* ============================== tables ============================== */

PyMethodDef ozpy_tensor_methods_nn[] = {
    {"softmax", OZPY_NN_KW(m_softmax), "softmax(dim, dtype=None)"},
    {"log_softmax", OZPY_NN_KW(m_log_softmax), "log_softmax(dim, dtype=None)"},
    {NULL, NULL, 0, NULL},
};

/* Public names are torch's top-level functions; `_nn_*` ones are what torch keeps in
 * torch._C._nn, called by oztorch.nn.functional. */
#define LOSS_FUNCTION(cname, pyname, ...) {"_nn_" #cname, OZPY_NN_KW(f_##cname), pyname "(...)"},
PyMethodDef ozpy_functions_nn[] = {
    {"softmax", OZPY_NN_KW(f_softmax), "softmax(input, dim, dtype=None, *, out=None)"},
    {"log_softmax", OZPY_NN_KW(f_log_softmax), "log_softmax(input, dim, dtype=None, *, out=None)"},
    {"_nn_nll_loss", OZPY_NN_KW(f_nll_loss),
     "_nn_nll_loss(input, target, weight=None, reduction=1, ignore_index=-100)"},
    NN_LOSS_BINDINGS(LOSS_FUNCTION)
    {"binary_cross_entropy_with_logits", OZPY_NN_KW(f_binary_cross_entropy_with_logits),
     "binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, "
     "reduction=1)"},
    {"conv1d", OZPY_NN_KW(ozpy_nn_conv1d),
     "conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)"},
    {"conv2d", OZPY_NN_KW(ozpy_nn_conv2d),
     "conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)"},
    {"max_pool2d", OZPY_NN_KW(ozpy_nn_max_pool2d),
     "max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False)"},
    {"_nn_max_pool2d_with_indices", OZPY_NN_KW(ozpy_nn_max_pool2d_with_indices),
     "_nn_max_pool2d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, "
     "ceil_mode=False)"},
    {"_nn_avg_pool2d", OZPY_NN_KW(ozpy_nn_avg_pool2d),
     "_nn_avg_pool2d(input, kernel_size, stride=(), padding=0, ceil_mode=False, "
     "count_include_pad=True, divisor_override=None)"},
    {"_nn_adaptive_avg_pool2d", OZPY_NN_KW(ozpy_nn_adaptive_avg_pool2d),
     "_nn_adaptive_avg_pool2d(input, output_size)"},
    {"batch_norm", OZPY_NN_KW(ozpy_nn_batch_norm),
     "batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, "
     "cudnn_enabled)"},
    {"layer_norm", OZPY_NN_KW(ozpy_nn_layer_norm),
     "layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, "
     "cudnn_enable=True)"},
    {"embedding", OZPY_NN_KW(ozpy_nn_embedding),
     "embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False)"},
    {"constant_pad_nd", OZPY_NN_KW(ozpy_nn_constant_pad_nd),
     "constant_pad_nd(input, pad, value=0)"},
    {"_nn_pad", OZPY_NN_KW(ozpy_nn_pad), "_nn_pad(input, pad, mode, value=None)"},
    {"dropout", OZPY_NN_KW(ozpy_nn_dropout), "dropout(input, p, train)"},
    {"dropout_", OZPY_NN_KW(ozpy_nn_dropout_), "dropout_(input, p, train)"},
    {NULL, NULL, 0, NULL},
};
