/* ops_index.c - Python bindings of the shape ops (cat, stack, split, chunk, unbind, unflatten,
 * movedim, repeat, flip, roll, tril/triu), the shared binding plumbing of ops_index.h, and the
 * family's method and function tables (gather/scatter/mask ops are in ops_index_gather.c,
 * subscripts and index_put in ops_index_subscript.c). Each binding parses its arguments as
 * PyTorch 1.13's overloads do and calls one core function (core/oz_ops_index.h). */
#include "python/csrc/ops_index.h"

#include <stdio.h>
#include <string.h>

#define KW(fn) OZPY_FASTCALL_KW(fn), OZPY_FLAGS

/* ============================== shared plumbing ============================== */

static int sig_count(const ozpy_sig *s) {
  int n = 0;
  while (n < OZPY_MAX_ARGS && s->names[n]) n++;
  return n;
}

PyObject *ozpy_ix_function(ix_binding *b, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kwnames) {
  PyObject *a[OZPY_MAX_ARGS];
  oz_tensor *x;
  if (ozpy_parse(&b->fsig, args, nargs, kwnames, a) < 0 ||
      ozpy_arg_tensor(b->fsig.fname, "input", 1, a[0], &x) < 0)
    return NULL;
  PyObject *out_obj = b->has_out ? a[sig_count(&b->msig) + 1] : NULL;
  return b->impl(b, a[0], a + 1, out_obj);
}

PyObject *ozpy_ix_method(ix_binding *b, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                         PyObject *kwnames) {
  PyObject *a[OZPY_MAX_ARGS];
  if (ozpy_parse(&b->msig, args, nargs, kwnames, a) < 0) return NULL;
  return b->impl(b, self, a, NULL);
}

PyObject *ozpy_ix_result(const ix_binding *b, PyObject *x_obj, PyObject *out_obj, oz_tensor *r) {
  if (b->inplace) return ozpy_wrap_same(x_obj, r);
  if (out_obj && out_obj != Py_None) return ozpy_wrap_same(out_obj, r);
  return ozpy_wrap(r);
}

PyObject *ozpy_ix_tuple(oz_tensor **list, const int64_t *count) {
  if (!list) return ozpy_raise();
  const int64_t n = *count;
  PyObject *tuple = PyTuple_New((Py_ssize_t)n);
  for (int64_t i = 0; i < n; i++) {
    PyObject *item = tuple ? ozpy_wrap(list[i]) : NULL; /* steals list[i] */
    if (!tuple) oz_tensor_decref(list[i]);
    list[i] = NULL;
    if (tuple && (!item || PyTuple_SetItem(tuple, (Py_ssize_t)i, item) < 0))
      Py_CLEAR(tuple);
  }
  oz_tensor_list_free(list, 0);
  return tuple;
}

int ozpy_ix_value(const char *fname, const char *arg, int pos, PyObject *o, oz_tensor **t,
                  oz_tensor **tmp) {
  return ozpy_arg_operand(fname, arg, pos, o, t, tmp);
}

/* The `out` argument, checked to be a tensor (NULL when absent). */
static int out_arg(const ix_binding *b, PyObject *out_obj, oz_tensor **out) {
  return ozpy_arg_out(b->fsig.fname ? b->fsig.fname : b->msig.fname, out_obj, out);
}

/* An int argument with a default. */
static int int_arg(const ix_binding *b, const char *arg, int pos, PyObject *o, int64_t dflt,
                   int64_t *v) {
  if (!o) {
    *v = dflt;
    return 0;
  }
  return ozpy_arg_int(b->msig.fname, arg, pos, o, v);
}

/* ============================== cat, stack ============================== */

/* A tuple or list of tensors ("cat(): argument 'tensors' (position 1) must be tuple of Tensors,
 * not Tensor" otherwise). *list is PyMem_Malloc'd; the tensors are borrowed from the sequence,
 * which the caller keeps alive. */
static int tensor_list(const char *fname, PyObject *o, oz_tensor ***list, int64_t *n) {
  if (!o || ozpy_is_tensor(o) || !(PyTuple_Check(o) || PyList_Check(o))) {
    PyObject *name = ozpy_type_name(o ? o : Py_None);
    if (name)
      PyErr_Format(PyExc_TypeError, "%s(): argument 'tensors' (position 1) must be tuple of "
                   "Tensors, not %U", fname, name);
    Py_XDECREF(name);
    return -1;
  }
  Py_ssize_t len = PySequence_Size(o);
  *list = PyMem_Malloc(sizeof(oz_tensor *) * (size_t)(len ? len : 1));
  if (!*list) {
    PyErr_NoMemory();
    return -1;
  }
  for (Py_ssize_t i = 0; i < len; i++) {
    PyObject *item = PyTuple_Check(o) ? PyTuple_GetItem(o, i) : PyList_GetItem(o, i);
    if (!item || !ozpy_is_tensor(item)) {
      if (item) {
        PyObject *name = ozpy_type_name(item);
        if (name)
          PyErr_Format(PyExc_TypeError, "expected Tensor as element %zd in argument 0, but got %U",
                       i, name);
        Py_XDECREF(name);
      }
      PyMem_Free(*list);
      return -1;
    }
    (*list)[i] = ozpy_T(item);
  }
  *n = len;
  return 0;
}

typedef oz_tensor *(*join_fn)(int64_t, const oz_tensor *const *, int64_t, oz_tensor *);

/* (tensors, dim=0, *, out=None); torch's parser also takes numpy's `axis=` for `dim`. */
static PyObject *join(ozpy_sig *sig, join_fn fn, PyObject *const *args, Py_ssize_t nargs,
                      PyObject *kwnames) {
  PyObject *a[4];
  oz_tensor **list, *out;
  int64_t n, dim = 0;
  if (ozpy_parse(sig, args, nargs, kwnames, a) < 0) return NULL;
  if (a[1] && a[3]) {
    PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument 'dim'", sig->fname);
    return NULL;
  }
  if (!a[1]) a[1] = a[3];
  if (a[1] && ozpy_arg_int(sig->fname, "dim", 2, a[1], &dim) < 0) return NULL;
  if (ozpy_arg_out(sig->fname, a[2], &out) < 0) return NULL;
  /* the list is read after the other arguments: they cannot change it under us */
  PyObject *seq = a[0];
  Py_XINCREF(seq);
  if (tensor_list(sig->fname, seq, &list, &n) < 0) {
    Py_XDECREF(seq);
    return NULL;
  }
  oz_tensor *r = fn(n, (const oz_tensor *const *)list, dim, out);
  PyMem_Free(list);
  Py_DECREF(seq);
  return out ? ozpy_wrap_same(a[2], r) : ozpy_wrap(r);
}

PyObject *ozpy_ix_cat(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("cat", 2, 1, "tensors", "dim", "out", "axis");
  return join(&sig, oz_cat, args, n, kw);
}
PyObject *ozpy_ix_concat(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("concat", 2, 1, "tensors", "dim", "out", "axis");
  return join(&sig, oz_cat, args, n, kw);
}
PyObject *ozpy_ix_concatenate(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("concatenate", 2, 1, "tensors", "dim", "out", "axis");
  return join(&sig, oz_cat, args, n, kw);
}
PyObject *ozpy_ix_stack(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("stack", 2, 1, "tensors", "dim", "out", "axis");
  return join(&sig, oz_stack, args, n, kw);
}

/* hstack/vstack/row_stack/dstack/column_stack(tensors, *, out=None). */
static PyObject *stack_variant(ozpy_sig *sig, int variant, PyObject *const *args,
                               Py_ssize_t nargs, PyObject *kwnames) {
  PyObject *a[2];
  oz_tensor **list, *out;
  int64_t n;
  if (ozpy_parse(sig, args, nargs, kwnames, a) < 0 || ozpy_arg_out(sig->fname, a[1], &out) < 0)
    return NULL;
  if (tensor_list(sig->fname, a[0], &list, &n) < 0) return NULL;
  oz_tensor *r = oz_stack_variant_op(variant, n, (const oz_tensor *const *)list, out);
  PyMem_Free(list);
  return out ? ozpy_wrap_same(a[1], r) : ozpy_wrap(r);
}

#define STACK_VARIANT(cname, pyname, VARIANT)                                                     \
  static PyObject *f_##cname(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {   \
    (void)m;                                                                                     \
    static ozpy_sig sig = OZPY_SIG(pyname, 1, 1, "tensors", "out");                              \
    return stack_variant(&sig, VARIANT, args, n, kw);                                            \
  }
STACK_VARIANT(hstack, "hstack", OZ_HSTACK)
STACK_VARIANT(vstack, "vstack", OZ_VSTACK)
STACK_VARIANT(row_stack, "row_stack", OZ_VSTACK)
STACK_VARIANT(dstack, "dstack", OZ_DSTACK)
STACK_VARIANT(column_stack, "column_stack", OZ_COLUMN_STACK)

/* atleast_Nd(*tensors): one tensor gives a tensor (itself when it has the dims already), several
 * (or one sequence of them) a tuple. */
static PyObject *atleast(const char *fname, int nd, PyObject *const *args, Py_ssize_t nargs,
                         PyObject *kwnames) {
  if (kwnames && PyTuple_Size(kwnames)) {
    PyErr_Format(PyExc_TypeError, "%s() takes no keyword arguments", fname);
    return NULL;
  }
  if (nargs == 1 && ozpy_is_tensor(args[0])) {
    oz_tensor *r = oz_atleast_nd(ozpy_T(args[0]), nd);
    return ozpy_wrap_same(args[0], r);
  }
  PyObject *seq = nargs == 1 && (PyTuple_Check(args[0]) || PyList_Check(args[0]))
                      ? PySequence_Tuple(args[0])
                      : PyTuple_New(nargs);
  if (!seq) return NULL;
  if (!(nargs == 1 && (PyTuple_Check(args[0]) || PyList_Check(args[0]))))
    for (Py_ssize_t i = 0; i < nargs; i++) PyTuple_SetItem(seq, i, Py_NewRef(args[i]));
  Py_ssize_t n = PyTuple_Size(seq);
  PyObject *result = PyTuple_New(n);
  for (Py_ssize_t i = 0; result && i < n; i++) {
    PyObject *item = PyTuple_GetItem(seq, i);
    if (!ozpy_is_tensor(item)) {
      PyObject *name = ozpy_type_name(item);
      if (name)
        PyErr_Format(PyExc_TypeError, "%s(): argument 'tensors' must be tuple of Tensors, but "
                     "found element of type %U at pos %zd", fname, name, i + 1);
      Py_XDECREF(name);
      Py_CLEAR(result);
      break;
    }
    PyObject *r = ozpy_wrap_same(item, oz_atleast_nd(ozpy_T(item), nd));
    if (!r || PyTuple_SetItem(result, i, r) < 0) Py_CLEAR(result);
  }
  Py_DECREF(seq);
  return result;
}

#define ATLEAST(N)                                                                               \
  static PyObject *f_atleast_##N##d(PyObject *m, PyObject *const *args, Py_ssize_t n,            \
                                    PyObject *kw) {                                              \
    (void)m;                                                                                     \
    return atleast("atleast_" #N "d", N, args, n, kw);                                           \
  }
ATLEAST(1)
ATLEAST(2)
ATLEAST(3)

/* ============================== split, chunk, unbind ============================== */

/* split(split_size_or_sections, dim): an int splits evenly, a sequence by sizes. */
static PyObject *split_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                            PyObject *out_obj) {
  (void)out_obj;
  const char *fname = b->msig.fname;
  oz_tensor *x = ozpy_T(x_obj);
  int64_t dim, size, n;
  if (int_arg(b, "dim", 2, a[1], 0, &dim) < 0) return NULL;
  /* Tensor.split: an int splits evenly, anything else is split_with_sizes (as torch's Python
   * wrapper decides) */
  bool by_sizes = !strcmp(fname, "split_with_sizes") ||
                  (!PyLong_Check(a[0]) && PySequence_Check(a[0]) && !ozpy_is_tensor(a[0]));
  if (!by_sizes) {
    if (ozpy_arg_int(fname, "split_size", 1, a[0], &size) < 0) return NULL;
    return ozpy_ix_tuple(oz_split(x, size, dim, &n), &n);
  }
  int64_t sizes[OZPY_MAX_LIST];
  int count;
  if (ozpy_arg_int_list(fname, "split_size", 1, a[0], sizes, &count) < 0) return NULL;
  return ozpy_ix_tuple(oz_split_with_sizes(x, count, sizes, dim, &n), &n);
}

static PyObject *chunk_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                            PyObject *out_obj) {
  (void)out_obj;
  int64_t chunks, dim, n;
  if (ozpy_arg_int(b->msig.fname, "chunks", 1, a[0], &chunks) < 0 ||
      int_arg(b, "dim", 2, a[1], 0, &dim) < 0)
    return NULL;
  return ozpy_ix_tuple(oz_chunk(ozpy_T(x_obj), chunks, dim, &n), &n);
}

static PyObject *unbind_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                             PyObject *out_obj) {
  (void)out_obj;
  int64_t dim, n;
  if (int_arg(b, "dim", 1, a[0], 0, &dim) < 0) return NULL;
  return ozpy_ix_tuple(oz_unbind(ozpy_T(x_obj), dim, &n), &n);
}

static ix_binding ixb_split = IX_BINDING("split", split_impl, 2, 1, "split_size", "dim");
static ix_binding ixb_split_with_sizes =
    IX_BINDING("split_with_sizes", split_impl, 2, 1, "split_sizes", "dim");
static ix_binding ixb_chunk = IX_BINDING("chunk", chunk_impl, 2, 1, "chunks", "dim");
static ix_binding ixb_unbind = IX_BINDING("unbind", unbind_impl, 1, 0, "dim");

/* torch.split(tensor, split_size_or_sections, dim=0) names its arguments its own way. */
static PyObject *f_split(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("split", 3, 2, "tensor", "split_size_or_sections", "dim");
  PyObject *a[3];
  oz_tensor *x;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 || ozpy_arg_tensor("split", "tensor", 1, a[0], &x) < 0)
    return NULL;
  return split_impl(&ixb_split, a[0], a + 1, NULL);
}

/* ============================== unflatten, movedim ============================== */

static PyObject *unflatten_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                                PyObject *out_obj) {
  (void)out_obj;
  const char *fname = b->msig.fname;
  int64_t dim, sizes[OZPY_MAX_LIST];
  int n;
  if (ozpy_arg_int(fname, "dim", 1, a[0], &dim) < 0 ||
      ozpy_arg_int_list(fname, "sizes", 2, a[1], sizes, &n) < 0)
    return NULL;
  return ozpy_wrap(oz_unflatten(ozpy_T(x_obj), dim, n, sizes));
}

/* "[0, 1]" for messages. */
static const char *list_str(char *buf, size_t n, int count, const int64_t *v) {
  size_t used = (size_t)snprintf(buf, n, "[");
  for (int i = 0; i < count && used < n; i++)
    used += (size_t)snprintf(buf + used, n - used, i ? ", %lld" : "%lld", (long long)v[i]);
  if (used < n) snprintf(buf + used, n - used, "]");
  return buf;
}

static PyObject *movedim_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                              PyObject *out_obj) {
  (void)out_obj;
  const char *fname = b->msig.fname;
  int64_t src[OZPY_MAX_LIST], dst[OZPY_MAX_LIST];
  int ns, nd;
  if (ozpy_arg_int_list(fname, "source", 1, a[0], src, &ns) < 0 ||
      ozpy_arg_int_list(fname, "destination", 2, a[1], dst, &nd) < 0)
    return NULL;
  if (ns != nd) {
    char a1[512], a2[512];
    PyErr_Format(PyExc_RuntimeError, "movedim: Invalid source or destination dims: source (%s "
                 "dims) should contain the same number of dims as destination (%s dims)",
                 list_str(a1, sizeof a1, ns, src), list_str(a2, sizeof a2, nd, dst));
    return NULL;
  }
  return ozpy_wrap(oz_movedim(ozpy_T(x_obj), ns, src, dst));
}

static ix_binding ixb_unflatten = IX_BINDING("unflatten", unflatten_impl, 2, 2, "dim", "sizes");
static ix_binding ixb_movedim =
    IX_BINDING("movedim", movedim_impl, 2, 2, "source", "destination");
static ix_binding ixb_moveaxis =
    IX_BINDING("moveaxis", movedim_impl, 2, 2, "source", "destination");

/* ============================== repeat, flip, roll ============================== */

PyObject *ozpy_ix_repeat_m(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("repeat", 0, 0, "repeats");
  PyObject *a[OZPY_MAX_ARGS];
  int64_t repeats[OZPY_MAX_LIST];
  int n;
  bool given;
  if (ozpy_parse_varargs_ints(&sig, args, nargs, kw, a, repeats, &n, &given) < 0) return NULL;
  if (!given) {
    PyErr_SetString(PyExc_TypeError, "repeat() missing 1 required positional arguments: \"repeats\"");
    return NULL;
  }
  return ozpy_wrap(oz_repeat(ozpy_T(self), n, repeats));
}

PyObject *ozpy_ix_flip_m(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("flip", 0, 0, "dims");
  PyObject *a[OZPY_MAX_ARGS];
  int64_t dims[OZPY_MAX_LIST];
  int n;
  bool given;
  if (ozpy_parse_varargs_ints(&sig, args, nargs, kw, a, dims, &n, &given) < 0) return NULL;
  if (!given) {
    PyErr_SetString(PyExc_TypeError, "flip() missing 1 required positional arguments: \"dims\"");
    return NULL;
  }
  return ozpy_wrap(oz_flip(ozpy_T(self), n, dims));
}

/* The functions torch.<fname>(input, dims): dims must be a sequence (an int is a TypeError,
 * unlike the methods, which take *dims). 0, or -1 with the Python error set. */
static int parse_input_dims(ozpy_sig *sig, PyObject *const *args, Py_ssize_t nargs, PyObject *kw,
                            oz_tensor **x, int64_t *dims, int *n) {
  PyObject *a[2];
  const char *fname = sig->fname;
  if (ozpy_parse(sig, args, nargs, kw, a) < 0 || ozpy_arg_tensor(fname, "input", 1, a[0], x) < 0)
    return -1;
  if (PyLong_Check(a[1]) || !PySequence_Check(a[1]) || ozpy_is_tensor(a[1])) {
    PyObject *name = ozpy_type_name(a[1]);
    if (name)
      PyErr_Format(PyExc_TypeError, "%s(): argument 'dims' (position 2) must be tuple of ints, "
                   "not %U", fname, name);
    Py_XDECREF(name);
    return -1;
  }
  return ozpy_arg_int_list(fname, "dims", 2, a[1], dims, n);
}

PyObject *ozpy_ix_flip_f(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("flip", 2, 2, "input", "dims");
  oz_tensor *x;
  int64_t dims[OZPY_MAX_LIST];
  int n;
  if (parse_input_dims(&sig, args, nargs, kw, &x, dims, &n) < 0) return NULL;
  return ozpy_wrap(oz_flip(x, n, dims));
}

static PyObject *roll_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                           PyObject *out_obj) {
  (void)out_obj;
  const char *fname = b->msig.fname;
  int64_t shifts[OZPY_MAX_LIST], dims[OZPY_MAX_LIST];
  int ns, nd = 0;
  if (ozpy_arg_int_list(fname, "shifts", 1, a[0], shifts, &ns) < 0 ||
      ozpy_arg_int_list(fname, "dims", 2, a[1], dims, &nd) < 0)
    return NULL;
  return ozpy_wrap(oz_roll(ozpy_T(x_obj), ns, shifts, nd, dims));
}

static ix_binding ixb_roll = IX_BINDING("roll", roll_impl, 2, 1, "shifts", "dims");

static PyObject *flip_lr_ud_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                                 PyObject *out_obj) {
  (void)a, (void)out_obj;
  oz_tensor *x = ozpy_T(x_obj);
  return ozpy_wrap(b->msig.fname[4] == 'l' ? oz_fliplr(x) : oz_flipud(x));
}

static ix_binding ixb_fliplr = {.fsig = OZPY_SIG("fliplr", 1, 1, "input"),
                                .msig = OZPY_SIG("fliplr", 0, 0, NULL),
                                .impl = flip_lr_ud_impl};
static ix_binding ixb_flipud = {.fsig = OZPY_SIG("flipud", 1, 1, "input"),
                                .msig = OZPY_SIG("flipud", 0, 0, NULL),
                                .impl = flip_lr_ud_impl};

static PyObject *f_tile(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("tile", 2, 2, "input", "dims");
  oz_tensor *x;
  int64_t dims[OZPY_MAX_LIST];
  int n;
  if (parse_input_dims(&sig, args, nargs, kw, &x, dims, &n) < 0) return NULL;
  return ozpy_wrap(oz_tile(x, n, dims));
}

static PyObject *m_tile(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("tile", 0, 0, "dims");
  PyObject *a[OZPY_MAX_ARGS];
  int64_t dims[OZPY_MAX_LIST];
  int n;
  bool given;
  if (ozpy_parse_varargs_ints(&sig, args, nargs, kw, a, dims, &n, &given) < 0) return NULL;
  if (!given) {
    PyErr_SetString(PyExc_TypeError, "tile() missing 1 required positional arguments: \"dims\"");
    return NULL;
  }
  return ozpy_wrap(oz_tile(ozpy_T(self), n, dims));
}

/* ============================== tril, triu ============================== */

static PyObject *tri_impl(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                          PyObject *out_obj) {
  oz_tensor *x = ozpy_T(x_obj), *out = NULL;
  int64_t diagonal;
  if (int_arg(b, "diagonal", 1, a[0], 0, &diagonal) < 0 || out_arg(b, out_obj, &out) < 0)
    return NULL;
  if (b->inplace) out = x;
  bool lower = b->msig.fname[3] == 'l';
  oz_tensor *r = lower ? oz_tril(x, diagonal, out) : oz_triu(x, diagonal, out);
  return ozpy_ix_result(b, x_obj, out_obj, r);
}

static ix_binding ixb_tril = IX_BINDING_OUT("tril", tri_impl, 1, 0, "diagonal");
static ix_binding ixb_triu = IX_BINDING_OUT("triu", tri_impl, 1, 0, "diagonal");
static ix_binding ixb_tril_ = IX_BINDING_INPLACE("tril_", tri_impl, 1, 0, "diagonal");
static ix_binding ixb_triu_ = IX_BINDING_INPLACE("triu_", tri_impl, 1, 0, "diagonal");

IX_SHAPE_OPS(IX_ENTRY_POINTS)

/* ============================== the tables ============================== */

#define METHOD(name, cname) {name, KW(ozpy_ix_m_##cname), NULL},
#define FUNCTION(name, cname) {name, KW(ozpy_ix_f_##cname), NULL},

PyMethodDef ozpy_tensor_methods_index[] = {
    METHOD("split", split) METHOD("split_with_sizes", split_with_sizes) METHOD("chunk", chunk)
    METHOD("unbind", unbind) METHOD("unflatten", unflatten) METHOD("movedim", movedim)
    METHOD("moveaxis", moveaxis) METHOD("roll", roll) METHOD("tril", tril) METHOD("triu", triu)
    METHOD("tril_", tril_) METHOD("triu_", triu_)
    {"repeat", KW(ozpy_ix_repeat_m), "repeat(*sizes)"},
    {"flip", KW(ozpy_ix_flip_m), "flip(*dims)"},
    {"tile", KW(m_tile), "tile(*dims)"},
    METHOD("fliplr", fliplr) METHOD("flipud", flipud)
    METHOD("index_select", index_select) METHOD("gather", gather) METHOD("scatter", scatter)
    METHOD("scatter_", scatter_) METHOD("scatter_add", scatter_add)
    METHOD("scatter_add_", scatter_add_) METHOD("index_add", index_add)
    METHOD("index_add_", index_add_) METHOD("index_fill", index_fill)
    METHOD("index_fill_", index_fill_) METHOD("masked_fill", masked_fill)
    METHOD("masked_fill_", masked_fill_) METHOD("masked_select", masked_select)
    METHOD("take", take) METHOD("put", put) METHOD("put_", put_) METHOD("nonzero", nonzero)
    METHOD("argwhere", argwhere) METHOD("index_put", index_put) METHOD("index_put_", index_put_)
    METHOD("take_along_dim", take_along_dim)
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_index[] = {
    {"cat", KW(ozpy_ix_cat), "cat(tensors, dim=0, *, out=None)"},
    {"concat", KW(ozpy_ix_concat), "concat(tensors, dim=0, *, out=None)"},
    {"concatenate", KW(ozpy_ix_concatenate), "concatenate(tensors, dim=0, *, out=None)"},
    {"stack", KW(ozpy_ix_stack), "stack(tensors, dim=0, *, out=None)"},
    {"split", KW(f_split), "split(tensor, split_size_or_sections, dim=0)"},
    {"flip", KW(ozpy_ix_flip_f), "flip(input, dims)"},
    {"tile", KW(f_tile), "tile(input, dims)"},
    {"hstack", KW(f_hstack), "hstack(tensors, *, out=None)"},
    {"vstack", KW(f_vstack), "vstack(tensors, *, out=None)"},
    {"row_stack", KW(f_row_stack), "row_stack(tensors, *, out=None)"},
    {"dstack", KW(f_dstack), "dstack(tensors, *, out=None)"},
    {"column_stack", KW(f_column_stack), "column_stack(tensors, *, out=None)"},
    {"atleast_1d", KW(f_atleast_1d), "atleast_1d(*tensors)"},
    {"atleast_2d", KW(f_atleast_2d), "atleast_2d(*tensors)"},
    {"atleast_3d", KW(f_atleast_3d), "atleast_3d(*tensors)"},
    FUNCTION("fliplr", fliplr) FUNCTION("flipud", flipud)
    FUNCTION("split_with_sizes", split_with_sizes) FUNCTION("chunk", chunk)
    FUNCTION("unbind", unbind) FUNCTION("unflatten", unflatten) FUNCTION("movedim", movedim)
    FUNCTION("moveaxis", moveaxis) FUNCTION("roll", roll) FUNCTION("tril", tril)
    FUNCTION("triu", triu)
    FUNCTION("index_select", index_select) FUNCTION("gather", gather) FUNCTION("scatter", scatter)
    FUNCTION("scatter_add", scatter_add) FUNCTION("index_add", index_add)
    FUNCTION("index_fill", index_fill) FUNCTION("masked_fill", masked_fill)
    FUNCTION("masked_select", masked_select) FUNCTION("take", take) FUNCTION("put", put)
    FUNCTION("nonzero", nonzero) FUNCTION("argwhere", argwhere) FUNCTION("index_put", index_put)
    FUNCTION("take_along_dim", take_along_dim)
    {"_index_get", KW(ozpy_ix_index_get), "_index_get(tensor, index): tensor[index]"},
    {"_index_put", KW(ozpy_ix_index_set),
     "_index_put(tensor, index, value, accumulate=False): tensor[index] = value"},
    {NULL, NULL, 0, NULL},
};
