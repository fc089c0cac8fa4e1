/* ops_index_gather.c - Python bindings of the gather/scatter-like ops: index_select, gather,
 * scatter (src or value, reduce=), scatter_add, index_add (alpha=), index_fill, masked_fill,
 * masked_select, take, put, nonzero/argwhere; functions, methods and in-place methods. */
#include "python/csrc/ops_index.h"

static int tensor_arg(const ix_binding *b, const char *arg, int pos, PyObject *o, oz_tensor **t) {
  return ozpy_arg_tensor(b->msig.fname, arg, pos, o, t);
}

static int dim_arg(const ix_binding *b, PyObject *o, int64_t *dim) {
  return ozpy_arg_int(b->msig.fname, "dim", 1, o, dim);
}

static int out_arg(const ix_binding *b, PyObject *out_obj, oz_tensor **out) {
  return ozpy_arg_out(b->msig.fname, out_obj, out);
}

/* ============================== index_select, gather ============================== */

static PyObject *index_select_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                                   PyObject *out_obj) {
  oz_tensor *index, *out;
  int64_t dim;
  if (dim_arg(b, a[0], &dim) < 0 || tensor_arg(b, "index", 2, a[1], &index) < 0 ||
      out_arg(b, out_obj, &out) < 0)
    return NULL;
  return ozpy_ix_result(b, x_obj, out_obj, oz_index_select(ozpy_T(x_obj), dim, index, out));
}

static PyObject *gather_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                             PyObject *out_obj) {
  oz_tensor *index, *out;
  int64_t dim;
  bool sparse;
  if (dim_arg(b, a[0], &dim) < 0 || tensor_arg(b, "index", 2, a[1], &index) < 0 ||
      ozpy_arg_bool(b->msig.fname, "sparse_grad", 0, a[2], false, &sparse) < 0 ||
      out_arg(b, out_obj, &out) < 0)
    return NULL;
  return ozpy_ix_result(b, x_obj, out_obj, oz_gather(ozpy_T(x_obj), dim, index, out));
}

/* take_along_dim(indices, dim=None) */
static PyObject *take_along_dim_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                                     PyObject *out_obj) {
  oz_tensor *indices, *out;
  int64_t dim = 0;
  bool has_dim = a[1] && a[1] != Py_None;
  if (tensor_arg(b, "indices", 1, a[0], &indices) < 0 ||
      (has_dim && ozpy_arg_int(b->msig.fname, "dim", 2, a[1], &dim) < 0) ||
      out_arg(b, out_obj, &out) < 0)
    return NULL;
  return ozpy_ix_result(b, x_obj, out_obj,
                        oz_take_along_dim(ozpy_T(x_obj), indices, has_dim, dim, out));
}

static ix_binding ixb_take_along_dim =
    IX_BINDING_OUT("take_along_dim", take_along_dim_impl, 2, 1, "indices", "dim");
static ix_binding ixb_index_select =
    IX_BINDING_OUT("index_select", index_select_impl, 2, 2, "dim", "index");
static ix_binding ixb_gather =
    IX_BINDING_OUT("gather", gather_impl, 2, 2, "dim", "index", "sparse_grad");

/* ============================== scatter, scatter_add ============================== */

/* reduce=: None, "add" or "multiply" (RuntimeError otherwise, as torch). */
static int reduce_arg(const char *fname, PyObject *o, int *reduce) {
  *reduce = OZ_SCATTER_ASSIGN;
  if (!o || o == Py_None) return 0;
  if (!PyUnicode_Check(o)) {
    PyObject *name = ozpy_type_name(o);
    if (name)
      PyErr_Format(PyExc_TypeError, "%s(): argument 'reduce' must be str, not %U", fname, name);
    Py_XDECREF(name);
    return -1;
  }
  if (!PyUnicode_CompareWithASCIIString(o, "add")) *reduce = OZ_SCATTER_ADD;
  else if (!PyUnicode_CompareWithASCIIString(o, "multiply")) *reduce = OZ_SCATTER_MUL;
  else {
    PyErr_SetString(PyExc_RuntimeError, "reduce argument must be either add or multiply.");
    return -1;
  }
  return 0;
}

/* scatter(dim, index, src) or scatter(dim, index, value): the third argument's type picks the
 * overload; `src=` and `value=` keywords name it. */
static PyObject *scatter_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                              PyObject *out_obj) {
  const char *fname = b->msig.fname;
  oz_tensor *x = ozpy_T(x_obj), *index, *out, *src = NULL, *value = NULL, *tmp = NULL;
  int64_t dim;
  int reduce;
  if (dim_arg(b, a[0], &dim) < 0 || tensor_arg(b, "index", 2, a[1], &index) < 0 ||
      reduce_arg(fname, a[4], &reduce) < 0 || out_arg(b, out_obj, &out) < 0)
    return NULL;
  if (a[2] && a[3]) {
    PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument 'src'", fname);
    return NULL;
  }
  PyObject *third = a[2] ? a[2] : a[3];
  if (!third) {
    PyErr_Format(PyExc_TypeError, "%s() missing required argument 'src' (position 3)", fname);
    return NULL;
  }
  if (ozpy_is_tensor(third) && !a[3]) {
    src = ozpy_T(third);
  } else if (ozpy_is_tensor(third)) {
    PyErr_Format(PyExc_TypeError, "%s(): argument 'value' must be Number, not Tensor", fname);
    return NULL;
  } else {
    ozpy_number num;
    if (ozpy_arg_number(fname, "value", 3, third, &num) < 0) return NULL;
    if (!(value = tmp = oz_wrapped_scalar(num.s.f, num.s.i, num.dtype))) return ozpy_raise();
  }
  if (b->inplace) out = x;
  oz_tensor *r = oz_scatter(x, dim, index, src, value, reduce, out);
  oz_tensor_decref(tmp);
  return ozpy_ix_result(b, x_obj, out_obj, r);
}

static PyObject *scatter_add_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                                  PyObject *out_obj) {
  oz_tensor *x = ozpy_T(x_obj), *index, *src, *out;
  int64_t dim;
  if (dim_arg(b, a[0], &dim) < 0 || tensor_arg(b, "index", 2, a[1], &index) < 0 ||
      tensor_arg(b, "src", 3, a[2], &src) < 0 || out_arg(b, out_obj, &out) < 0)
    return NULL;
  if (b->inplace) out = x;
  return ozpy_ix_result(b, x_obj, out_obj, oz_scatter_add(x, dim, index, src, out));
}

static ix_binding ixb_scatter =
    IX_BINDING_OUT("scatter", scatter_impl, 3, 2, "dim", "index", "src", "value", "reduce");
static ix_binding ixb_scatter_ =
    IX_BINDING_INPLACE("scatter_", scatter_impl, 3, 2, "dim", "index", "src", "value", "reduce");
static ix_binding ixb_scatter_add =
    IX_BINDING_OUT("scatter_add", scatter_add_impl, 3, 3, "dim", "index", "src");
static ix_binding ixb_scatter_add_ =
    IX_BINDING_INPLACE("scatter_add_", scatter_add_impl, 3, 3, "dim", "index", "src");

/* ============================== index_add, index_fill ============================== */

static PyObject *index_add_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                                PyObject *out_obj) {
  const char *fname = b->msig.fname;
  oz_tensor *x = ozpy_T(x_obj), *index, *source, *out, *alpha = NULL;
  int64_t dim;
  if (dim_arg(b, a[0], &dim) < 0 || tensor_arg(b, "index", 2, a[1], &index) < 0 ||
      tensor_arg(b, "source", 3, a[2], &source) < 0 || out_arg(b, out_obj, &out) < 0)
    return NULL;
  if (a[3]) {
    ozpy_number num;
    if (ozpy_arg_number(fname, "alpha", 0, a[3], &num) < 0) return NULL;
    /* alpha converts to the tensor's dtype (torch does not check its kind here, unlike add) */
    if (!(alpha = oz_wrapped_scalar(num.s.f, num.s.i, num.dtype))) return ozpy_raise();
  }
  if (b->inplace) out = x;
  oz_tensor *r = oz_index_add(x, dim, index, source, alpha, out);
  oz_tensor_decref(alpha);
  return ozpy_ix_result(b, x_obj, out_obj, r);
}

static PyObject *index_fill_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                                 PyObject *out_obj) {
  oz_tensor *x = ozpy_T(x_obj), *index, *value, *tmp = NULL;
  int64_t dim;
  if (dim_arg(b, a[0], &dim) < 0 || tensor_arg(b, "index", 2, a[1], &index) < 0 ||
      ozpy_ix_value(b->msig.fname, "value", 3, a[2], &value, &tmp) < 0)
    return NULL;
  oz_tensor *r = oz_index_fill(x, dim, index, value, b->inplace ? x : NULL);
  oz_tensor_decref(tmp);
  return ozpy_ix_result(b, x_obj, out_obj, r);
}

static ix_binding ixb_index_add =
    IX_BINDING_OUT("index_add", index_add_impl, 3, 3, "dim", "index", "source", "alpha");
static ix_binding ixb_index_add_ =
    IX_BINDING_INPLACE("index_add_", index_add_impl, 3, 3, "dim", "index", "source", "alpha");
static ix_binding ixb_index_fill =
    IX_BINDING("index_fill", index_fill_impl, 3, 3, "dim", "index", "value");
static ix_binding ixb_index_fill_ =
    IX_BINDING_INPLACE("index_fill_", index_fill_impl, 3, 3, "dim", "index", "value");

/* ============================== masks ============================== */

/* torch still takes uint8 masks, with a deprecation warning (its wording, missing space included). */
static int uint8_mask_warning(const char *fname, const oz_tensor *mask) {
  if (mask->dtype != OZ_UINT8) return 0;
  char msg[256];
  PyOS_snprintf(msg, sizeof msg, "%s received a mask with dtype torch.uint8, this behavior is now "
                "deprecated,please use a mask with dtype torch.bool instead.", fname);
  return PyErr_WarnEx(PyExc_UserWarning, msg, 1);
}

static PyObject *masked_fill_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                                  PyObject *out_obj) {
  oz_tensor *x = ozpy_T(x_obj), *mask, *value, *tmp = NULL;
  if (tensor_arg(b, "mask", 1, a[0], &mask) < 0 || uint8_mask_warning("masked_fill_", mask) < 0 ||
      ozpy_ix_value(b->msig.fname, "value", 2, a[1], &value, &tmp) < 0)
    return NULL;
  oz_tensor *r = oz_masked_fill(x, mask, value, b->inplace ? x : NULL);
  oz_tensor_decref(tmp);
  return ozpy_ix_result(b, x_obj, out_obj, r);
}

static PyObject *masked_select_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                                    PyObject *out_obj) {
  oz_tensor *mask, *out;
  if (tensor_arg(b, "mask", 1, a[0], &mask) < 0 || uint8_mask_warning("masked_select", mask) < 0 ||
      out_arg(b, out_obj, &out) < 0)
    return NULL;
  return ozpy_ix_result(b, x_obj, out_obj, oz_masked_select(ozpy_T(x_obj), mask, out));
}

static ix_binding ixb_masked_fill = IX_BINDING("masked_fill", masked_fill_impl, 2, 2, "mask", "value");
static ix_binding ixb_masked_fill_ =
    IX_BINDING_INPLACE("masked_fill_", masked_fill_impl, 2, 2, "mask", "value");
static ix_binding ixb_masked_select =
    IX_BINDING_OUT("masked_select", masked_select_impl, 1, 1, "mask");

/* nonzero(*, as_tuple=False): the [n, ndim] indices, or one vector per dim. */
static PyObject *nonzero_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                              PyObject *out_obj) {
  oz_tensor *out;
  bool as_tuple = false;
  if (b->msig.names[0] && a[0] && ozpy_arg_bool(b->msig.fname, "as_tuple", 0, a[0], false, &as_tuple) < 0) return NULL;
  if (out_arg(b, out_obj, &out) < 0) return NULL;
  if (as_tuple) {
    int64_t n;
    return ozpy_ix_tuple(oz_nonzero_tuple(ozpy_T(x_obj), &n), &n);
  }
  return ozpy_ix_result(b, x_obj, out_obj, oz_nonzero(ozpy_T(x_obj), out));
}

static ix_binding ixb_nonzero = IX_BINDING_OUT("nonzero", nonzero_impl, 0, 0, "as_tuple");
static ix_binding ixb_argwhere = {.fsig = OZPY_SIG("argwhere", 1, 1, "input"),
                                  .msig = OZPY_SIG("argwhere", 0, 0, NULL),
                                  .impl = nonzero_impl};

/* ============================== take, put ============================== */

static PyObject *take_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                           PyObject *out_obj) {
  oz_tensor *index, *out;
  if (tensor_arg(b, "index", 1, a[0], &index) < 0 || out_arg(b, out_obj, &out) < 0) return NULL;
  return ozpy_ix_result(b, x_obj, out_obj, oz_take(ozpy_T(x_obj), index, out));
}

static PyObject *put_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                          PyObject *out_obj) {
  oz_tensor *x = ozpy_T(x_obj), *index, *source;
  bool accumulate;
  if (tensor_arg(b, "index", 1, a[0], &index) < 0 || tensor_arg(b, "source", 2, a[1], &source) < 0 ||
      ozpy_arg_bool(b->msig.fname, "accumulate", 3, a[2], false, &accumulate) < 0)
    return NULL;
  oz_tensor *r = oz_put(x, index, source, accumulate, b->inplace ? x : NULL);
  return ozpy_ix_result(b, x_obj, out_obj, r);
}

static ix_binding ixb_take = IX_BINDING_OUT("take", take_impl, 1, 1, "index");
static ix_binding ixb_put = IX_BINDING("put", put_impl, 3, 2, "index", "source", "accumulate");
static ix_binding ixb_put_ =
    IX_BINDING_INPLACE("put_", put_impl, 3, 2, "index", "source", "accumulate");

IX_GATHER_OPS(IX_ENTRY_POINTS)
