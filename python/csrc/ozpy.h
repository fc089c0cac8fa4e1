/* ozpy.h - what the files of the `_C` extension share: the tensor object, the registered
 * Python classes, argument parsing, conversions and error translation.
 *
 * The extension is built against CPython's limited (stable) API for 3.11, so one _C.so imports
 * in every CPython >= 3.11 (the GPU machine runs 3.12): heap types from PyType_FromSpec, no
 * struct access to Python objects, function calls instead of the fast macros. */
#ifndef OZPY_H
#define OZPY_H

#ifndef Py_LIMITED_API
#define Py_LIMITED_API 0x030B0000
#endif
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdbool.h>
#include <stdint.h>

#include "core/oz_dtype.h"
#include "core/oz_error.h"
#include "core/oz_ops.h"
#include "core/oz_tensor.h"
#include "core/oz_autograd.h"
#include "core/oz_views_grad.h"

/* ---- the tensor object (tensor_type.c) ---- */
typedef struct ozpy_tensor_object {
  PyObject_HEAD oz_tensor *t; /* owned reference; never NULL once constructed */
} ozpy_tensor_object;

extern PyTypeObject *ozpy_tensor_base_type; /* _C._TensorBase */

static inline bool ozpy_is_tensor(PyObject *o) {
  return PyObject_TypeCheck(o, ozpy_tensor_base_type);
}
static inline oz_tensor *ozpy_T(PyObject *o) { return ((ozpy_tensor_object *)o)->t; }

/* Wraps `t` (stolen) in an instance of the registered Tensor class. A NULL `t` raises the
 * core's last error, so `return ozpy_wrap(oz_add(...))` is the whole tail of a binding. */
PyObject *ozpy_wrap(oz_tensor *t);
/* Like ozpy_wrap, but returns `same` itself (a tensor object) when `t` is its oz_tensor: keeps
 * PyTorch's identities (`x.contiguous() is x`, in-place ops and out= return that object). */
PyObject *ozpy_wrap_same(PyObject *same, oz_tensor *t);
/* Wraps `t` (stolen) in an instance of `cls` (a subclass of _TensorBase). */
PyObject *ozpy_wrap_as(PyTypeObject *cls, oz_tensor *t);
int ozpy_tensor_type_init(PyObject *module);

/* ---- dtype and device objects (dtype_device.c) ---- */
extern PyTypeObject *ozpy_dtype_type;
extern PyTypeObject *ozpy_device_type;
PyObject *ozpy_dtype_obj(int dtype); /* borrowed singleton; NULL for an invalid id */
bool ozpy_is_dtype(PyObject *o);
int ozpy_dtype_id(PyObject *o); /* o must be a dtype object */
/* The dtype of a dtype object or of Python's float/int/bool types (float64/int64/bool); -1 for
 * anything else (nothing raised). */
int ozpy_dtype_like(PyObject *o);
const char *ozpy_dtype_pyname(int dtype); /* "float32", as after "torch." */
bool ozpy_is_device(PyObject *o);
/* A device object for `d`; `with_index` false gives PyTorch's `device(type='cpu')` form. */
PyObject *ozpy_device_obj(oz_device d, bool with_index);
PyObject *ozpy_tensor_device_obj(const oz_tensor *t); /* what Tensor.device returns */
/* Parses a device string/object/int into `out`; returns 0 or -1 with RuntimeError/TypeError. */
int ozpy_device_from_object(PyObject *o, oz_device *out);
int ozpy_dtype_device_init(PyObject *module);
/* The device factories use when none is given (cuda when OZTORCH_BACKEND=cuda, later). */
extern oz_device ozpy_default_device;

/* ---- errors (errors.c) ---- */
/* Raises the core's last error as the matching Python exception; returns NULL. */
PyObject *ozpy_raise(void);
/* Inside a callback the core runs: keeps the pending Python exception for ozpy_raise to re-raise
 * as itself, sets the core's error to its text, and returns OZ_ERR_RUNTIME. */
int ozpy_stash_exception(const char *what);
int ozpy_raise_int(void); /* same, returns -1 */
/* Python exception class for an oz_status code. */
PyObject *ozpy_exception_for(int code);
/* New reference to the name of o's type ("str"), or NULL. */
PyObject *ozpy_type_name(PyObject *o);
/* Sets `exc` with "<prefix>... not <type name>"-style messages: fmt's single %U gets the type
 * name of `o`. */
void ozpy_type_error(PyObject *exc, const char *fmt, PyObject *o);

/* ---- argument parsing (args.c) ---- */
#define OZPY_MAX_ARGS 12
/* One signature, declared once as static data next to its binding:
 *   static ozpy_sig sig = OZPY_SIG("add", 2, 2, "input", "other", "alpha", "out");
 * names[0 .. n_pos) may come positionally, names[0 .. n_required) must be given. */
typedef struct ozpy_sig {
  const char *fname;
  const char *names[OZPY_MAX_ARGS + 1];
  int n_pos;
  int n_required;
  /* filled on first use */
  int n_names;
  PyObject *interned[OZPY_MAX_ARGS];
} ozpy_sig;

#define OZPY_SIG(fname_, n_pos_, n_required_, ...)                                                 \
  { .fname = (fname_), .names = {__VA_ARGS__}, .n_pos = (n_pos_), .n_required = (n_required_) }

/* Fills out[i] (borrowed, NULL when absent) for every name of `sig` from a METH_FASTCALL |
 * METH_KEYWORDS call. Returns 0, or -1 with TypeError as Python would raise it. */
int ozpy_parse(ozpy_sig *sig, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
               PyObject **out);
/* For `f(*size, **kw)` signatures (zeros, view, permute, expand): every positional argument is
 * part of the int list; keywords are parsed against `sig` (whose first name is the list's
 * keyword, e.g. "size"). The list goes to vals/n (at most OZPY_MAX_LIST); `*given` is false when
 * neither positionals nor the keyword were passed. */
#define OZPY_MAX_LIST 64
int ozpy_parse_varargs_ints(ozpy_sig *sig, PyObject *const *args, Py_ssize_t nargs,
                            PyObject *kwnames, PyObject **out, int64_t *vals, int *n, bool *given);

/* A Python number as the core wants it. dtype is what oz_wrapped_scalar gets: OZ_BOOL for bool,
 * OZ_INT64 for int, OZ_FLOAT64 for float. */
typedef struct ozpy_number {
  oz_scalar s;
  int dtype;
} ozpy_number;
static inline void ozpy_number_from_double(double f, ozpy_number *out) {
  out->s.f = f;
  /* The integral view of a float is its truncation (the core reads `i` only for integral
   * dtypes); out-of-range values are clamped instead of being undefined behaviour. */
  if (f != f)
    out->s.i = 0;
  else if (f >= 9223372036854775807.0)
    out->s.i = INT64_MAX;
  else if (f <= -9223372036854775808.0)
    out->s.i = INT64_MIN;
  else
    out->s.i = (int64_t)f;
  out->dtype = OZ_FLOAT64;
}
static inline void ozpy_number_from_int(int64_t i, int dtype, ozpy_number *out) {
  out->s.i = i;
  out->s.f = (double)i;
  out->dtype = dtype;
}
/* 1: `o` is a Python number (bool, int, float, or a numpy scalar); 0: it is not (nothing
 * raised); -1: error (int overflow). Tensors are not numbers here. */
int ozpy_as_number(PyObject *o, ozpy_number *out);

/* A binary operand: a tensor (borrowed into *t) or a number (wrapped 0-d tensor, returned in
 * both *t and *tmp, which the caller decrefs). 1 / 0 (neither; nothing raised) / -1 error. */
int ozpy_operand(PyObject *o, oz_tensor **t, oz_tensor **tmp);

/* Converters: each returns 0 or -1 with the TypeError PyTorch's argument parser gives.
 * `pos` is the 1-based position for the message, or 0 for keyword-only arguments. NULL and
 * None mean "not given" where the argument is optional. */
int ozpy_arg_tensor(const char *fname, const char *arg, int pos, PyObject *o, oz_tensor **t);
int ozpy_arg_operand(const char *fname, const char *arg, int pos, PyObject *o, oz_tensor **t,
                     oz_tensor **tmp);
int ozpy_arg_out(const char *fname, PyObject *o, oz_tensor **out); /* NULL when absent */
int ozpy_arg_dtype(const char *fname, const char *arg, PyObject *o, int *dtype); /* -1 absent */
int ozpy_arg_device(const char *fname, const char *arg, PyObject *o, oz_device *d, bool *given);
int ozpy_arg_bool(const char *fname, const char *arg, int pos, PyObject *o, bool dflt, bool *v);
int ozpy_arg_int(const char *fname, const char *arg, int pos, PyObject *o, int64_t *v);
int ozpy_arg_number(const char *fname, const char *arg, int pos, PyObject *o, ozpy_number *v);
/* An int or a sequence of ints (dims); None/NULL gives n = 0. */
int ozpy_arg_int_list(const char *fname, const char *arg, int pos, PyObject *o, int64_t *vals,
                      int *n);
/* requires_grad= (a bool; default False) into *rg. */
int ozpy_arg_requires_grad(const char *fname, PyObject *o, bool *rg);

/* ---- conversions (convert.c) ---- */
/* torch.tensor's data -> a new tensor. dtype < 0 infers it as PyTorch does. */
oz_tensor *ozpy_tensor_from_data(PyObject *data, int dtype, oz_device device, bool warn_copy);
/* torch.from_numpy: a tensor sharing the ndarray's memory. */
oz_tensor *ozpy_from_numpy(PyObject *array);
/* A contiguous CPU tensor with t's values (t itself, new reference, when already one). */
oz_tensor *ozpy_cpu_contiguous(const oz_tensor *t);
/* The single element of t: Python float/int/bool by dtype (ValueError unless numel == 1). */
PyObject *ozpy_item(const oz_tensor *t);
/* The single element as a number (for fill_ with a 0-d tensor, arange's tensor bounds). */
int ozpy_item_number(const oz_tensor *t, ozpy_number *out);
PyObject *ozpy_tolist(const oz_tensor *t);
PyObject *ozpy_array_interface(const oz_tensor *t);
/* numpy.ndarray / numpy.generic when numpy is importable (borrowed; NULL, no error, if not). */
PyObject *ozpy_numpy_ndarray_type(void);
PyObject *ozpy_numpy_generic_type(void);
/* Moves/casts to (dtype, device): new tensor, or t itself (new ref) when nothing changes and
 * !copy. */
oz_tensor *ozpy_to(const oz_tensor *t, int dtype, oz_device device, bool copy);

/* ---- indexing (indexing.c) ---- */
PyObject *ozpy_getitem(PyObject *self, PyObject *index);
int ozpy_setitem(PyObject *self, PyObject *index, PyObject *value);

/* ---- op bindings used by the type's slots (ops.c) ---- */
/* Arithmetic first: ops.c accepts two numbers for ops up to OZPY_DIV. */
typedef enum ozpy_binop {
  OZPY_ADD,
  OZPY_SUB,
  OZPY_MUL,
  OZPY_DIV,
  OZPY_EQ,
  OZPY_NE,
  OZPY_LT,
  OZPY_LE,
  OZPY_GT,
  OZPY_GE,
  OZPY_MATMUL,
  OZPY_NUM_BINOPS
} ozpy_binop;
/* Operator form: numbers either side; NotImplemented for anything else. */
PyObject *ozpy_binary_slot(int op, PyObject *a, PyObject *b);
/* In-place operator form (`a += b`): writes into a's tensor and returns a. */
PyObject *ozpy_binary_inplace_slot(int op, PyObject *a, PyObject *b);
PyObject *ozpy_t_view(PyObject *self); /* views.c: Tensor.t() */
PyObject *ozpy_T_view(PyObject *self); /* views.c: Tensor.T */

/* ---- method and function tables, each NULL-terminated ---- */
extern PyMethodDef ozpy_tensor_methods_core[];    /* tensor_type.c */
extern PyMethodDef ozpy_tensor_methods_ops[];     /* ops.c */
extern PyMethodDef ozpy_tensor_methods_views[];   /* views.c */
extern PyMethodDef ozpy_tensor_methods_convert[]; /* convert.c */
extern PyMethodDef ozpy_functions_core[];         /* tensor_type.c */
extern PyMethodDef ozpy_functions_ops[];          /* ops.c */
extern PyMethodDef ozpy_functions_views[];        /* views.c */
extern PyMethodDef ozpy_functions_factories[];    /* factories.c */
extern PyMethodDef ozpy_functions_dtype[];        /* dtype_device.c */
/* autograd.c: Tensor's autograd attributes and methods, torch.autograd's functions. */
extern PyMethodDef ozpy_tensor_methods_autograd[], ozpy_functions_autograd[];
PyObject *ozpy_get_requires_grad(PyObject *self, void *c);
int ozpy_set_requires_grad(PyObject *self, PyObject *value, void *c);
PyObject *ozpy_get_grad(PyObject *self, void *c);
int ozpy_set_grad(PyObject *self, PyObject *value, void *c);
PyObject *ozpy_get_grad_fn(PyObject *self, void *c);
PyObject *ozpy_get_is_leaf(PyObject *self, void *c);
PyObject *ozpy_get_retains_grad(PyObject *self, void *c);
PyObject *ozpy_get_version(PyObject *self, void *c);
int ozpy_autograd_init(PyObject *module);
/* Applies a factory's requires_grad= to a new tensor (RuntimeError for integer dtypes). */
oz_tensor *ozpy_apply_requires_grad(oz_tensor *t, bool requires_grad);

/* One pair per op family, in ops_<family>.c. */
extern PyMethodDef ozpy_tensor_methods_unary[], ozpy_functions_unary[];
extern PyMethodDef ozpy_tensor_methods_binary[], ozpy_functions_binary[];
extern PyMethodDef ozpy_tensor_methods_reduce[], ozpy_functions_reduce[];
extern PyMethodDef ozpy_tensor_methods_index[], ozpy_functions_index[];
extern PyMethodDef ozpy_tensor_methods_nn[], ozpy_functions_nn[];
extern PyMethodDef ozpy_tensor_methods_random[], ozpy_functions_random[];
extern PyMethodDef ozpy_tensor_methods_linalg[], ozpy_functions_linalg[];
extern PyMethodDef ozpy_tensor_methods_optim[], ozpy_functions_optim[];
extern PyMethodDef ozpy_functions_storage[]; /* storage.c: for torch.save / torch.load */


#define OZPY_FASTCALL_KW(fn) ((PyCFunction)(void (*)(void))(fn))
#define OZPY_FLAGS (METH_FASTCALL | METH_KEYWORDS)

#endif /* OZPY_H */
