/* ops_reduce.h - what the reduction bindings (ops_reduce.c, ops_reduce_dim.c) share.
 *
 * Each op is one `red_binding`: the function's signature ("input", the method's arguments, and
 * "out" where torch has it), the method's signature (the same without input and out), and one
 * implementation that both forms call with the input object and the parsed arguments in the
 * method's order. */
#ifndef OZPY_OPS_REDUCE_H
#define OZPY_OPS_REDUCE_H

#include "python/csrc/ozpy.h"

typedef struct red_binding red_binding;
/* x_obj: the input tensor object (self for methods); a: the arguments in the method's order
 * (NULL when absent); out_obj: out= (NULL when absent or when the op has none). */
typedef PyObject *(*red_impl)(const red_binding *b, PyObject *x_obj, PyObject *const *a,
                              PyObject *out_obj);

struct red_binding {
  ozpy_sig fsig;
  ozpy_sig msig;
  red_impl impl;
  bool has_out;
  bool inplace; /* the `_` method: writes into self and returns it */
  int variant;  /* which op of a pair that shares an implementation (max/min, ...) */
};

/* A binding with out=: the function takes input + the method's arguments + keyword-only out. */
#define RED_BINDING_OUT(pyname, impl_, variant_, n_pos, n_req, ...)                                \
  {                                                                                                \
    .fsig = OZPY_SIG(pyname, (n_pos) + 1, (n_req) + 1, "input", __VA_ARGS__, "out"),               \
    .msig = OZPY_SIG(pyname, n_pos, n_req, __VA_ARGS__), .impl = impl_, .has_out = true,           \
    .variant = variant_                                                                            \
  }
#define RED_BINDING(pyname, impl_, variant_, n_pos, n_req, ...)                                    \
  {                                                                                                \
    .fsig = OZPY_SIG(pyname, (n_pos) + 1, (n_req) + 1, "input", __VA_ARGS__),                      \
    .msig = OZPY_SIG(pyname, n_pos, n_req, __VA_ARGS__), .impl = impl_, .variant = variant_        \
  }

PyObject *ozpy_red_function(red_binding *b, PyObject *const *args, Py_ssize_t nargs,
                            PyObject *kwnames);
PyObject *ozpy_red_method(red_binding *b, PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                          PyObject *kwnames);

/* The entry points of binding rb_<cname>: ozpy_red_f_<cname> (function) and ozpy_red_m_<cname>
 * (method), declared for every op below so that ops_reduce.c's tables can list them all. */
#define RED_ENTRY_POINTS(cname)                                                                    \
  PyObject *ozpy_red_f_##cname(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {   \
    (void)m;                                                                                       \
    return ozpy_red_function(&rb_##cname, args, n, kw);                                            \
  }                                                                                                \
  PyObject *ozpy_red_m_##cname(PyObject *self, PyObject *const *args, Py_ssize_t n,                \
                               PyObject *kw) {                                                     \
    return ozpy_red_method(&rb_##cname, self, args, n, kw);                                        \
  }
#define RED_DECLARE(cname)                                                                         \
  PyObject *ozpy_red_f_##cname(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw);    \
  PyObject *ozpy_red_m_##cname(PyObject *self, PyObject *const *args, Py_ssize_t n, PyObject *kw);

/* ops_reduce.c: reductions to one value per result element, and max/min/argmax/argmin. */
#define RED_FOLD_OPS(X)                                                                            \
  X(mean)                                                                                          \
  X(prod) X(max) X(min) X(amax) X(amin) X(argmax) X(argmin) X(var) X(std) X(var_mean) X(std_mean)  \
      X(logsumexp) X(norm) X(all) X(any) X(count_nonzero)
/* ops_reduce_dim.c: ops along one dim. */
#define RED_DIM_OPS(X)                                                                             \
  X(cumsum) X(cumprod) X(cumsum_) X(cumprod_) X(sort) X(argsort) X(topk) X(unique)
RED_FOLD_OPS(RED_DECLARE)
RED_DIM_OPS(RED_DECLARE)

/* The Python result of a one-tensor op: out= / self (in-place) keep their identity. */
PyObject *ozpy_red_result(const red_binding *b, PyObject *x_obj, PyObject *out_obj, oz_tensor *r);

/* oztorch.return_types.<name>((values, indices)); steals both (NULL: returns NULL). */
PyObject *ozpy_red_named_pair(const char *name, PyObject *first, PyObject *second);
/* Parses out=(values, indices) into two tensors (both NULL when out_obj is NULL/None). */
int ozpy_red_out_pair(const char *fname, PyObject *out_obj, oz_tensor **v, oz_tensor **i,
                      PyObject **v_obj, PyObject **i_obj);
/* Wraps a (values, indices) result of the core as the named tuple `name` (`name`_out with out=). */
PyObject *ozpy_red_pair_result(const char *name, int rc, oz_tensor *v, oz_tensor *i,
                               PyObject *v_obj, PyObject *i_obj);

/* An int dim argument: None is refused as PyTorch does (it would be a dimension name). */
int ozpy_red_arg_dim(const char *fname, int pos, PyObject *o, int64_t *dim);
/* TypeError for keepdim= (or another argument) given without dim, as torch's overloads do. */
PyObject *ozpy_red_needs_dim(const char *fname, const char *arg);

#endif
