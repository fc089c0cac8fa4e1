/* ops_index.h - what the bindings of the shape and indexing ops share (ops_index.c,
 * ops_index_gather.c, ops_index_subscript.c).
 *
 * Most ops come as a function (torch.gather(input, dim, index, out=...)), a method
 * (x.gather(dim, index)) and often an in-place method (x.scatter_(...)). One `ix_binding`
 * describes all three: the function's signature ("input", the method's arguments, then out= where
 * torch has it), the method's signature, and one implementation that every form calls with the
 * input object and the arguments in the method's order. */
#ifndef OZPY_OPS_INDEX_H
#define OZPY_OPS_INDEX_H

#include "core/oz_ops_index.h"
#include "python/csrc/ozpy.h"

typedef struct ix_binding ix_binding;
/* x_obj: the input (self for methods); a: the method's arguments (NULL when absent); out_obj:
 * out= (NULL when absent or when the form has none). */
typedef PyObject *(*ix_impl)(const ix_binding *b, PyObject *x_obj, PyObject *const *a,
                             PyObject *out_obj);

struct ix_binding {
  ozpy_sig fsig;
  ozpy_sig msig;
  ix_impl impl;
  bool has_out;
  bool inplace; /* the `_` method: writes into self and returns it */
};

/* Function + method + in-place method sharing impl; n_pos/n_req count the method's arguments. */
#define IX_BINDING(pyname, impl_, n_pos, n_req, ...)                                               \
  {                                                                                                \
    .fsig = OZPY_SIG(pyname, (n_pos) + 1, (n_req) + 1, "input", __VA_ARGS__),                      \
    .msig = OZPY_SIG(pyname, n_pos, n_req, __VA_ARGS__), .impl = impl_                             \
  }
#define IX_BINDING_OUT(pyname, impl_, n_pos, n_req, ...)                                           \
  {                                                                                                \
    .fsig = OZPY_SIG(pyname, (n_pos) + 1, (n_req) + 1, "input", __VA_ARGS__, "out"),               \
    .msig = OZPY_SIG(pyname, n_pos, n_req, __VA_ARGS__), .impl = impl_, .has_out = true            \
  }
#define IX_BINDING_INPLACE(pyname, impl_, n_pos, n_req, ...)                                       \
  {                                                                                                \
    .msig = OZPY_SIG(pyname, n_pos, n_req, __VA_ARGS__), .impl = impl_, .inplace = true            \
  }

PyObject *ozpy_ix_function(ix_binding *b, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kwnames);
PyObject *ozpy_ix_method(ix_binding *b, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                         PyObject *kwnames);

/* The function and method entry points of binding ixb_<cname>. */
#define IX_ENTRY_POINTS(cname)                                                                     \
  PyObject *ozpy_ix_f_##cname(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {    \
    (void)m;                                                                                       \
    return ozpy_ix_function(&ixb_##cname, args, n, kw);                                            \
  }                                                                                                \
  PyObject *ozpy_ix_m_##cname(PyObject *self, PyObject *const *args, Py_ssize_t n,                 \
                              PyObject *kw) {                                                      \
    return ozpy_ix_method(&ixb_##cname, self, args, n, kw);                                        \
  }
#define IX_DECLARE(cname)                                                                          \
  PyObject *ozpy_ix_f_##cname(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);     \
  PyObject *ozpy_ix_m_##cname(PyObject *self, PyObject *const *args, Py_ssize_t n, PyObject *kw);

/* ops_index.c: shape ops with a method form. */
#define IX_SHAPE_OPS(X)                                                                            \
  X(split) X(split_with_sizes) X(chunk) X(unbind) X(unflatten) X(movedim) X(moveaxis) X(roll)      \
  X(tril) X(triu) X(tril_) X(triu_) X(fliplr) X(flipud)
/* ops_index_gather.c */
#define IX_GATHER_OPS(X)                                                                           \
  X(index_select) X(gather) X(scatter) X(scatter_) X(scatter_add) X(scatter_add_) X(index_add)     \
  X(index_add_) X(index_fill) X(index_fill_) X(masked_fill) X(masked_fill_) X(masked_select)       \
  X(take) X(put) X(put_) X(nonzero) X(argwhere) X(take_along_dim)
/* ops_index_subscript.c */
#define IX_SUBSCRIPT_OPS(X) X(index_put) X(index_put_)
IX_SHAPE_OPS(IX_DECLARE)
IX_GATHER_OPS(IX_DECLARE)
IX_SUBSCRIPT_OPS(IX_DECLARE)

/* Module functions without a method form (ops_index.c / ops_index_subscript.c). */
PyObject *ozpy_ix_cat(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_ix_concat(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_ix_concatenate(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_ix_stack(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_ix_flip_f(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_ix_flip_m(PyObject *self, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_ix_repeat_m(PyObject *self, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_ix_index_get(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);
PyObject *ozpy_ix_index_set(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);

/* ---- Tensor.__getitem__ / __setitem__ with PyTorch's full rules (ops_index_subscript.c) ----
 * ozpy_ix_is_advanced: 1 when the subscript holds something basic indexing (views) cannot do:
 * a tensor other than a 0-d integer one, a list or array, or a Python bool. The other two take
 * any subscript (basic ones too) and behave as torch's THPVariable_getitem/setitem. */
int ozpy_ix_is_advanced(PyObject *index);
PyObject *ozpy_ix_getitem(PyObject *self, PyObject *index);
int ozpy_ix_setitem(PyObject *self, PyObject *index, PyObject *value);

/* ---- helpers ---- */
/* The Python result of a one-tensor op: out= and self (in-place) keep their identity. */
PyObject *ozpy_ix_result(const ix_binding *b, PyObject *x_obj, PyObject *out_obj, oz_tensor *r);
/* A tuple of the *count tensors in `list` (stolen, with the array: oz_tensor_list_free's
 * contract); NULL list raises the core's error. A pointer, so that
 * `ozpy_ix_tuple(oz_split(..., &n), &n)` reads n after the call filled it. */
PyObject *ozpy_ix_tuple(oz_tensor **list, const int64_t *count);
/* A value argument: a tensor (borrowed) or a Python number (a wrapped 0-d tensor in *tmp). */
int ozpy_ix_value(const char *fname, const char *arg, int pos, PyObject *o, oz_tensor **t,
                  oz_tensor **tmp);

#endif
