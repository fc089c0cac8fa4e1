/* ops_reduce_dim.c - Python bindings of the ops along one dim: cumsum/cumprod (and their `_`
 * forms), sort, argsort, topk, unique. The tables are in ops_reduce.c. */
#include "python/csrc/ops_reduce.h"

#include "core/oz_ops_reduce.h"

/* ================================ cumsum, cumprod ================================ */

/* cumsum(dim, *, dtype=None); variant 1 = cumsum. The `_` methods write into self. */
static PyObject *impl_cumulative(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                                 PyObject *out_obj) {
  const char *f = b->msig.fname;
  int64_t dim;
  int dtype;
  oz_tensor *out, *x = ozpy_T(x_obj);
  if (ozpy_red_arg_dim(f, 1, a[0], &dim) < 0 || ozpy_arg_dtype(f, "dtype", a[1], &dtype) < 0 ||
      ozpy_arg_out(f, out_obj, &out) < 0)
    return NULL;
  if (b->inplace)
    out = x;
  oz_tensor *r = b->variant == 1 ? oz_cumsum(x, dim, dtype, out) : oz_cumprod(x, dim, dtype, out);
  return ozpy_red_result(b, x_obj, out_obj, r);
}

static red_binding rb_cumsum = RED_BINDING_OUT("cumsum", impl_cumulative, 1, 1, 1, "dim", "dtype");
static red_binding rb_cumprod =
    RED_BINDING_OUT("cumprod", impl_cumulative, 0, 1, 1, "dim", "dtype");
static red_binding rb_cumsum_ = {.fsig = OZPY_SIG("cumsum_", 2, 2, "input", "dim", "dtype"),
                                 .msig = OZPY_SIG("cumsum_", 1, 1, "dim", "dtype"),
                                 .impl = impl_cumulative,
                                 .inplace = true,
                                 .variant = 1};
static red_binding rb_cumprod_ = {.fsig = OZPY_SIG("cumprod_", 2, 2, "input", "dim", "dtype"),
                                  .msig = OZPY_SIG("cumprod_", 1, 1, "dim", "dtype"),
                                  .impl = impl_cumulative,
                                  .inplace = true,
                                  .variant = 0};
RED_ENTRY_POINTS(cumsum)
RED_ENTRY_POINTS(cumprod)
RED_ENTRY_POINTS(cumsum_)
RED_ENTRY_POINTS(cumprod_)

/* ================================ sort, argsort, topk ================================ */

/* sort(dim=-1, descending=False, *, stable=False) -> (values, indices). Always stable. */
static PyObject *impl_sort(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                           PyObject *out_obj) {
  const char *f = b->msig.fname;
  int64_t dim = -1;
  bool descending, stable;
  oz_tensor *ov, *oi, *v = NULL, *i = NULL;
  PyObject *ov_obj, *oi_obj;
  if ((a[0] && ozpy_red_arg_dim(f, 1, a[0], &dim) < 0) ||
      ozpy_arg_bool(f, "descending", 2, a[1], false, &descending) < 0 ||
      ozpy_arg_bool(f, "stable", 0, a[2], false, &stable) < 0 ||
      ozpy_red_out_pair(f, out_obj, &ov, &oi, &ov_obj, &oi_obj) < 0)
    return NULL;
  int rc = oz_sort(ozpy_T(x_obj), dim, descending, ov, oi, &v, &i);
  return ozpy_red_pair_result("sort", rc, v, i, ov_obj, oi_obj);
}

/* argsort(dim=-1, descending=False, *, stable=False) */
static PyObject *impl_argsort(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                              PyObject *out_obj) {
  (void)out_obj;
  const char *f = b->msig.fname;
  int64_t dim = -1;
  bool descending, stable;
  if ((a[0] && ozpy_red_arg_dim(f, 1, a[0], &dim) < 0) ||
      ozpy_arg_bool(f, "descending", 2, a[1], false, &descending) < 0 ||
      ozpy_arg_bool(f, "stable", 0, a[2], false, &stable) < 0)
    return NULL;
  return ozpy_wrap(oz_argsort(ozpy_T(x_obj), dim, descending));
}

/* topk(k, dim=-1, largest=True, sorted=True) -> (values, indices) */
static PyObject *impl_topk(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                           PyObject *out_obj) {
  const char *f = b->msig.fname;
  int64_t k, dim = -1;
  bool largest, sorted;
  oz_tensor *ov, *oi, *v = NULL, *i = NULL;
  PyObject *ov_obj, *oi_obj;
  if (ozpy_arg_int(f, "k", 1, a[0], &k) < 0 || (a[1] && ozpy_red_arg_dim(f, 2, a[1], &dim) < 0) ||
      ozpy_arg_bool(f, "largest", 3, a[2], true, &largest) < 0 ||
      ozpy_arg_bool(f, "sorted", 4, a[3], true, &sorted) < 0 ||
      ozpy_red_out_pair(f, out_obj, &ov, &oi, &ov_obj, &oi_obj) < 0)
    return NULL;
  int rc = oz_topk(ozpy_T(x_obj), k, dim, largest, sorted, ov, oi, &v, &i);
  return ozpy_red_pair_result("topk", rc, v, i, ov_obj, oi_obj);
}

static red_binding rb_sort =
    RED_BINDING_OUT("sort", impl_sort, 0, 2, 0, "dim", "descending", "stable");
static red_binding rb_argsort =
    RED_BINDING("argsort", impl_argsort, 0, 2, 0, "dim", "descending", "stable");
static red_binding rb_topk =
    RED_BINDING_OUT("topk", impl_topk, 0, 4, 1, "k", "dim", "largest", "sorted");
RED_ENTRY_POINTS(sort)
RED_ENTRY_POINTS(argsort)
RED_ENTRY_POINTS(topk)

/* ===================================== unique ===================================== */

/* unique(sorted=True, return_inverse=False, return_counts=False, dim=None): the tensor of sorted
 * distinct values (slices along dim), or a tuple adding the inverse indices and/or the counts.
 * The result is sorted whatever `sorted` says (PyTorch leaves the order unspecified then). */
static PyObject *impl_unique(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                             PyObject *out_obj) {
  (void)out_obj;
  const char *f = b->msig.fname;
  bool sorted, want_inverse, want_counts;
  if (ozpy_arg_bool(f, "sorted", 1, a[0], true, &sorted) < 0 ||
      ozpy_arg_bool(f, "return_inverse", 2, a[1], false, &want_inverse) < 0 ||
      ozpy_arg_bool(f, "return_counts", 3, a[2], false, &want_counts) < 0)
    return NULL;
  int64_t dim;
  bool has_dim = a[3] && a[3] != Py_None;
  if (has_dim && ozpy_arg_int(f, "dim", 4, a[3], &dim) < 0)
    return NULL;
  oz_tensor *v, *inv = NULL, *cnt = NULL;
  if (oz_unique(ozpy_T(x_obj), has_dim ? &dim : NULL, &v, want_inverse ? &inv : NULL,
                want_counts ? &cnt : NULL) != OZ_OK)
    return ozpy_raise();
  if (!want_inverse && !want_counts)
    return ozpy_wrap(v);
  oz_tensor *parts[3] = {v, inv, cnt};
  PyObject *items[3];
  int n = 0;
  bool ok = true;
  for (int k = 0; k < 3; k++) {
    if (!parts[k])
      continue;
    items[n] = ok ? ozpy_wrap(parts[k]) : (oz_tensor_decref(parts[k]), NULL);
    ok = ok && items[n];
    n++;
  }
  PyObject *t = ok ? PyTuple_New(n) : NULL;
  for (int k = 0; k < n; k++) {
    if (t)
      PyTuple_SetItem(t, k, items[k]); /* steals */
    else
      Py_XDECREF(items[k]);
  }
  return t;
}

static red_binding rb_unique =
    RED_BINDING("unique", impl_unique, 0, 4, 0, "sorted", "return_inverse", "return_counts", "dim");
RED_ENTRY_POINTS(unique)
