/* autograd.c - the Python face of the core's autograd: Tensor.requires_grad/.grad/.grad_fn/
 * .is_leaf, backward(), torch.autograd.grad, grad mode, grad_fn objects, and the node behind a
 * Python torch.autograd.Function. */
#include <string.h>

#include "ozpy.h"

/* ---------------------------------------------------------------- grad_fn objects */
typedef struct node_object {
  PyObject_HEAD oz_node *node; /* owned reference */
} node_object;

static PyTypeObject *node_type;

/* The Python object for n (the same object each time while it lives, as in torch). */
static PyObject *node_obj(oz_node *n) {
  if (!n)
    Py_RETURN_NONE;
  if (n->pyobj)
    return Py_NewRef((PyObject *)n->pyobj);
  node_object *o = (node_object *)PyType_GenericAlloc(node_type, 0);
  if (!o)
    return NULL;
  oz_node_incref(n);
  o->node = n;
  n->pyobj = o;
  return (PyObject *)o;
}

static void node_dealloc(PyObject *self) {
  node_object *o = (node_object *)self;
  if (o->node) {
    o->node->pyobj = NULL;
    oz_node_decref(o->node);
  }
  PyTypeObject *tp = Py_TYPE(self);
  PyObject_Free(self);
  Py_DECREF(tp);
}

static PyObject *node_name(PyObject *self, PyObject *unused) {
  (void)unused;
  return PyUnicode_FromString(((node_object *)self)->node->name);
}

static PyObject *node_repr(PyObject *self) {
  /* torch prints its C++-only nodes without their namespace: <AccumulateGrad object at ...> */
  const char *name = ((node_object *)self)->node->name;
  const char *ns = "torch::autograd::";
  if (!strncmp(name, ns, strlen(ns))) name += strlen(ns);
  return PyUnicode_FromFormat("<%s object at %p>", name, self);
}

/* ((next_node, input_nr), ...) with None for inputs that need no gradient. */
static PyObject *node_next_functions(PyObject *self, void *c) {
  (void)c;
  oz_node *n = ((node_object *)self)->node;
  PyObject *tuple = PyTuple_New(n->n_inputs);
  for (int i = 0; tuple && i < n->n_inputs; i++) {
    PyObject *fn = node_obj(n->next[i].node);
    PyObject *pair = fn ? Py_BuildValue("(Ni)", fn, (int)n->next[i].input_nr) : NULL;
    if (!pair) {
      Py_CLEAR(tuple);
      break;
    }
    PyTuple_SetItem(tuple, i, pair);
  }
  return tuple;
}

static PyObject *node_variable(PyObject *self, void *c) {
  (void)c;
  oz_node *n = ((node_object *)self)->node;
  if (!n->variable) {
    PyErr_SetString(PyExc_AttributeError, "only AccumulateGrad nodes have .variable");
    return NULL;
  }
  oz_tensor_incref(n->variable);
  return ozpy_wrap(n->variable);
}

static PyMethodDef node_methods[] = {
    {"name", node_name, METH_NOARGS, "the node's name, e.g. 'AddBackward0'"},
    {NULL, NULL, 0, NULL},
};
static PyGetSetDef node_getset[] = {
    {"next_functions", node_next_functions, NULL, NULL, NULL},
    {"variable", node_variable, NULL, NULL, NULL},
    {NULL, NULL, NULL, NULL, NULL},
};
static PyType_Slot node_slots[] = {
    {Py_tp_dealloc, node_dealloc},   {Py_tp_repr, node_repr},
    {Py_tp_methods, node_methods},   {Py_tp_getset, node_getset},
    {0, NULL},
};
static PyType_Spec node_spec = {"oztorch._C._Node", sizeof(node_object), 0, Py_TPFLAGS_DEFAULT,
                                node_slots};

/* ---------------------------------------------------------------- Tensor attributes */
PyObject *ozpy_get_requires_grad(PyObject *self, void *c) {
  (void)c;
  return PyBool_FromLong(oz_requires_grad(ozpy_T(self)));
}

int ozpy_set_requires_grad(PyObject *self, PyObject *value, void *c) {
  (void)c;
  if (!value || !PyBool_Check(value)) {
    PyErr_SetString(PyExc_TypeError, "requires_grad must be a bool");
    return -1;
  }
  return oz_set_requires_grad(ozpy_T(self), value == Py_True) == OZ_OK ? 0 : ozpy_raise_int();
}

PyObject *ozpy_get_grad(PyObject *self, void *c) {
  (void)c;
  oz_tensor *g = oz_grad(ozpy_T(self));
  if (!g)
    Py_RETURN_NONE;
  oz_tensor_incref(g);
  return ozpy_wrap(g);
}

int ozpy_set_grad(PyObject *self, PyObject *value, void *c) {
  (void)c;
  if (value && value != Py_None && !ozpy_is_tensor(value)) {
    PyErr_SetString(PyExc_TypeError, "assigned grad expected to be a Tensor or None");
    return -1;
  }
  oz_tensor *g = value && value != Py_None ? ozpy_T(value) : NULL;
  return oz_set_grad(ozpy_T(self), g) == OZ_OK ? 0 : ozpy_raise_int();
}

PyObject *ozpy_get_grad_fn(PyObject *self, void *c) {
  (void)c;
  return node_obj(oz_grad_fn(ozpy_T(self)));
}

PyObject *ozpy_get_is_leaf(PyObject *self, void *c) {
  (void)c;
  return PyBool_FromLong(oz_is_leaf(ozpy_T(self)));
}

PyObject *ozpy_get_retains_grad(PyObject *self, void *c) {
  (void)c;
  return PyBool_FromLong(oz_retains_grad(ozpy_T(self)));
}

PyObject *ozpy_get_version(PyObject *self, void *c) {
  (void)c;
  return PyLong_FromLongLong(oz_version(ozpy_T(self)));
}

/* ---------------------------------------------------------------- Tensor methods */
static PyObject *m_requires_grad_(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                                  PyObject *kwnames) {
  static ozpy_sig sig = OZPY_SIG("requires_grad_", 1, 0, "requires_grad");
  PyObject *a[1];
  bool rg = true;
  if (ozpy_parse(&sig, args, nargs, kwnames, a) < 0 ||
      ozpy_arg_bool("requires_grad_", "requires_grad", 1, a[0], true, &rg) < 0)
    return NULL;
  if (oz_set_requires_grad(ozpy_T(self), rg) != OZ_OK)
    return ozpy_raise();
  return Py_NewRef(self);
}

static PyObject *m_detach(PyObject *self, PyObject *unused) {
  (void)unused;
  return ozpy_wrap(oz_detach(ozpy_T(self)));
}

static PyObject *m_detach_(PyObject *self, PyObject *unused) {
  (void)unused;
  if (oz_detach_(ozpy_T(self)) != OZ_OK)
    return ozpy_raise();
  return Py_NewRef(self);
}

static PyObject *m_retain_grad(PyObject *self, PyObject *unused) {
  (void)unused;
  if (oz_retain_grad(ozpy_T(self)) != OZ_OK)
    return ozpy_raise();
  Py_RETURN_NONE;
}

/* Tensors of a tensor-or-sequence argument, borrowed into ts (at most max). -1 on error. */
static int tensor_list(const char *what, PyObject *o, oz_tensor **ts, int max, bool none_ok) {
  if (ozpy_is_tensor(o)) {
    ts[0] = ozpy_T(o);
    return 1;
  }
  if (o == Py_None && none_ok)
    return 0;
  PyObject *seq = o == Py_None ? NULL : PySequence_Tuple(o); /* any iterable */
  if (!seq) {
    PyErr_Clear();
    PyErr_Format(PyExc_TypeError, "%s must be a Tensor or a sequence of Tensors", what);
    return -1;
  }
  Py_ssize_t n = PyTuple_Size(seq);
  if (n > max) {
    Py_DECREF(seq);
    PyErr_Format(PyExc_RuntimeError, "%s: at most %d tensors", what, max);
    return -1;
  }
  for (Py_ssize_t i = 0; i < n; i++) {
    PyObject *x = PyTuple_GetItem(seq, i);
    if (x == Py_None && none_ok) {
      ts[i] = NULL;
    } else if (ozpy_is_tensor(x)) {
      ts[i] = ozpy_T(x);
    } else {
      Py_DECREF(seq);
      PyErr_Format(PyExc_TypeError, "%s must contain Tensors", what);
      return -1;
    }
  }
  Py_DECREF(seq); /* the tensors stay alive through the caller's own references */
  return (int)n;
}

#define MAX_ROOTS 64

static PyObject *m_backward(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                            PyObject *kwnames) {
  static ozpy_sig sig =
      OZPY_SIG("backward", 4, 0, "gradient", "retain_graph", "create_graph", "inputs");
  PyObject *a[4];
  bool create = false, retain;
  if (ozpy_parse(&sig, args, nargs, kwnames, a) < 0 ||
      ozpy_arg_bool("backward", "create_graph", 3, a[2], false, &create) < 0 ||
      ozpy_arg_bool("backward", "retain_graph", 2, a[1], create, &retain) < 0)
    return NULL;
  oz_tensor *root = ozpy_T(self), *grad = NULL, *inputs[MAX_ROOTS];
  if (a[0] && a[0] != Py_None && ozpy_arg_tensor("backward", "gradient", 1, a[0], &grad) < 0)
    return NULL;
  int ni = -1;
  if (a[3] && a[3] != Py_None && (ni = tensor_list("inputs", a[3], inputs, MAX_ROOTS, false)) < 0)
    return NULL;
  int rc = ni < 0 ? oz_backward(1, &root, &grad, retain, create)
                  : oz_backward_to(1, &root, &grad, ni, inputs, retain, create);
  if (rc != OZ_OK)
    return ozpy_raise();
  Py_RETURN_NONE;
}

PyMethodDef ozpy_tensor_methods_autograd[] = {
    {"requires_grad_", OZPY_FASTCALL_KW(m_requires_grad_), OZPY_FLAGS, NULL},
    {"detach", m_detach, METH_NOARGS, "a view without autograd history"},
    {"detach_", m_detach_, METH_NOARGS, NULL},
    {"retain_grad", m_retain_grad, METH_NOARGS, NULL},
    {"backward", OZPY_FASTCALL_KW(m_backward), OZPY_FLAGS,
     "backward(gradient=None, retain_graph=None, create_graph=False, inputs=None)"},
    {NULL, NULL, 0, NULL},
};

/* ---------------------------------------------------------------- module functions */
/* _autograd_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None) */
static PyObject *f_autograd_backward(PyObject *m, PyObject *args) {
  (void)m;
  PyObject *outs, *grads, *ins = Py_None;
  int retain, create;
  if (!PyArg_ParseTuple(args, "OOpp|O", &outs, &grads, &retain, &create, &ins))
    return NULL;
  oz_tensor *roots[MAX_ROOTS], *groots[MAX_ROOTS] = {NULL}, *inputs[MAX_ROOTS];
  int n = tensor_list("tensors", outs, roots, MAX_ROOTS, false);
  int ng = n < 0 ? -1 : tensor_list("grad_tensors", grads, groots, MAX_ROOTS, true);
  int ni = ng < 0 || ins == Py_None ? -1 : tensor_list("inputs", ins, inputs, MAX_ROOTS, false);
  if (n < 0 || ng < 0 || (ins != Py_None && ni < 0))
    return NULL;
  if (ng && ng != n) {
    PyErr_Format(PyExc_RuntimeError, "grad_tensors has %d tensors but tensors has %d", ng, n);
    return NULL;
  }
  int rc = ni < 0 ? oz_backward(n, roots, groots, retain, create)
                  : oz_backward_to(n, roots, groots, ni, inputs, retain, create);
  if (rc != OZ_OK)
    return ozpy_raise();
  Py_RETURN_NONE;
}

/* _autograd_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused) */
static PyObject *f_autograd_grad(PyObject *m, PyObject *args) {
  (void)m;
  PyObject *outs, *ins, *grads;
  int retain, create, allow_unused;
  if (!PyArg_ParseTuple(args, "OOOppp", &outs, &ins, &grads, &retain, &create, &allow_unused))
    return NULL;
  oz_tensor *roots[MAX_ROOTS], *groots[MAX_ROOTS] = {NULL}, *inputs[MAX_ROOTS];
  oz_tensor *results[MAX_ROOTS] = {NULL};
  int n = tensor_list("outputs", outs, roots, MAX_ROOTS, false);
  int ng = n < 0 ? -1 : tensor_list("grad_outputs", grads, groots, MAX_ROOTS, true);
  int ni = ng < 0 ? -1 : tensor_list("inputs", ins, inputs, MAX_ROOTS, false);
  if (n < 0 || ng < 0 || ni < 0)
    return NULL;
  if (ng && ng != n) {
    PyErr_Format(PyExc_RuntimeError,
                 "grad can be implicitly created only for scalar outputs; grad_outputs has %d "
                 "tensors but outputs has %d", ng, n);
    return NULL;
  }
  if (oz_autograd_grad(n, roots, groots, ni, inputs, retain, create, allow_unused, results) !=
      OZ_OK)
    return ozpy_raise();
  PyObject *tuple = PyTuple_New(ni);
  for (int j = 0; j < ni; j++) {
    PyObject *r = results[j] ? ozpy_wrap(results[j]) : Py_NewRef(Py_None);
    if (!tuple || !r) {
      Py_XDECREF(r);
      for (int k = j + 1; k < ni; k++) oz_tensor_decref(results[k]);
      Py_XDECREF(tuple);
      return NULL;
    }
    PyTuple_SetItem(tuple, j, r);
  }
  return tuple;
}

static PyObject *f_is_grad_enabled(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  return PyBool_FromLong(oz_grad_enabled());
}

static PyObject *f_set_grad_enabled(PyObject *m, PyObject *arg) {
  (void)m;
  int on = PyObject_IsTrue(arg);
  if (on < 0)
    return NULL;
  oz_set_grad_enabled(on);
  Py_RETURN_NONE;
}

static PyObject *f_is_inference_mode_enabled(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  return PyBool_FromLong(oz_inference_mode());
}

static PyObject *f_set_inference_mode(PyObject *m, PyObject *arg) {
  (void)m;
  int on = PyObject_IsTrue(arg);
  if (on < 0)
    return NULL;
  oz_set_inference_mode(on);
  Py_RETURN_NONE;
}

/* ---------------------------------------------------------------- autograd.Function */
/* node->extra: a tuple (backward_callable, name_str, n_args). The callable receives the output
 * gradients (None materialised as zeros) and returns one gradient (or None) per forward arg. */
static void function_node_destroy(oz_node *n) {
  PyGILState_STATE st = PyGILState_Ensure();
  Py_CLEAR(*(PyObject **)&n->extra);
  PyGILState_Release(st);
}

static int function_node_backward(oz_node *n, oz_tensor *const *gout, oz_tensor **gin) {
  PyObject *extra = n->extra, *callable = PyTuple_GetItem(extra, 0);
  PyObject *grads = PyTuple_New(n->n_outputs);
  if (!grads)
    return oz_set_error(OZ_ERR_NOMEM, "out of memory");
  for (int k = 0; k < n->n_outputs; k++) {
    PyObject *g;
    if (gout[k]) {
      oz_tensor_incref(gout[k]);
      g = ozpy_wrap(gout[k]);
    } else {
      g = Py_NewRef(Py_None); /* the Python side materialises zeros from the saved shapes */
    }
    if (!g) {
      Py_DECREF(grads);
      return oz_set_error(OZ_ERR_RUNTIME, "%s: could not wrap a gradient", n->name);
    }
    PyTuple_SetItem(grads, k, g);
  }
  PyObject *res = PyObject_CallFunctionObjArgs(callable, grads, NULL);
  Py_DECREF(grads);
  if (!res) /* re-raised as itself once the engine has unwound */
    return ozpy_stash_exception("error in a custom Function's backward");
  int rc = OZ_OK;
  for (int i = 0; i < n->n_inputs && rc == OZ_OK; i++) {
    PyObject *g = PyTuple_GetItem(res, i);
    if (!g || g == Py_None || !oz_node_needs_grad(n, i))
      continue;
    if (!ozpy_is_tensor(g)) {
      rc = oz_set_error(OZ_ERR_TYPE, "%s returned a non-Tensor gradient for input %d", n->name, i);
      break;
    }
    oz_tensor_incref(ozpy_T(g));
    gin[i] = ozpy_T(g);
  }
  PyErr_Clear();
  Py_DECREF(res);
  return rc;
}

/* _function_record(name, backward_callable, inputs_tuple, outputs_tuple): attaches a node to
 * the output tensors with edges to the tensor inputs (None for non-tensor arguments). */
static PyObject *f_function_record(PyObject *m, PyObject *args) {
  (void)m;
  PyObject *name, *callable, *ins, *outs;
  if (!PyArg_ParseTuple(args, "UOO!O!", &name, &callable, &PyTuple_Type, &ins, &PyTuple_Type,
                        &outs))
    return NULL;
  Py_ssize_t n_in = PyTuple_Size(ins), n_out = PyTuple_Size(outs);
  if (n_in > OZ_NODE_MAX_INPUTS) {
    PyErr_Format(PyExc_RuntimeError, "a custom Function takes at most %d inputs",
                 OZ_NODE_MAX_INPUTS);
    return NULL;
  }
  PyObject *extra = Py_BuildValue("(OO)", callable, name);
  if (!extra)
    return NULL;
  oz_node *n = oz_node_new(PyUnicode_AsUTF8AndSize(name, NULL), function_node_backward, (int)n_in,
                           (int)(n_out > 0 ? n_out : 1));
  if (!n) {
    Py_DECREF(extra);
    return ozpy_raise();
  }
  n->extra = extra; /* keeps `name`'s UTF-8 alive for n->name */
  n->destroy = function_node_destroy;
  for (Py_ssize_t i = 0; i < n_in; i++) {
    PyObject *x = PyTuple_GetItem(ins, i);
    if (ozpy_is_tensor(x) && oz_node_set_input(n, (int)i, ozpy_T(x)) != OZ_OK) {
      oz_node_decref(n);
      return ozpy_raise();
    }
  }
  oz_tensor *targets[64];
  int nt = 0;
  for (Py_ssize_t k = 0; k < n_out && nt < 64; k++) {
    PyObject *y = PyTuple_GetItem(outs, k);
    targets[nt++] = ozpy_is_tensor(y) ? ozpy_T(y) : NULL;
  }
  if (oz_node_attach(n, targets, nt) != OZ_OK)
    return ozpy_raise();
  Py_RETURN_NONE;
}

/* ---------------------------------------------------------------- Tensor.register_hook */
/* ctx: the Python callable. It gets the gradient; a Tensor it returns replaces it. */
static int py_grad_hook(void *ctx, oz_tensor **grad) {
  oz_tensor_incref(*grad);
  PyObject *g = ozpy_wrap(*grad);
  PyObject *res = g ? PyObject_CallFunctionObjArgs((PyObject *)ctx, g, NULL) : NULL;
  Py_XDECREF(g);
  if (!res)
    return ozpy_stash_exception("error in a gradient hook");
  int rc = OZ_OK;
  if (res != Py_None) {
    if (!ozpy_is_tensor(res)) {
      rc = oz_set_error(OZ_ERR_TYPE, "a gradient hook must return a Tensor or None");
    } else {
      oz_tensor_incref(ozpy_T(res));
      oz_tensor_decref(*grad);
      *grad = ozpy_T(res);
    }
  }
  Py_DECREF(res);
  return rc;
}

static void py_grad_hook_release(void *ctx) {
  PyGILState_STATE st = PyGILState_Ensure();
  Py_DECREF((PyObject *)ctx);
  PyGILState_Release(st);
}

/* _register_grad_hook(tensor, callable) -> hook id */
static PyObject *f_register_grad_hook(PyObject *m, PyObject *args) {
  (void)m;
  PyObject *t, *fn;
  if (!PyArg_ParseTuple(args, "OO", &t, &fn))
    return NULL;
  if (!ozpy_is_tensor(t) || !PyCallable_Check(fn)) {
    PyErr_SetString(PyExc_TypeError, "_register_grad_hook(tensor, callable)");
    return NULL;
  }
  int64_t id = oz_register_grad_hook(ozpy_T(t), py_grad_hook, Py_NewRef(fn), py_grad_hook_release);
  if (id < 0) {
    Py_DECREF(fn);
    return ozpy_raise();
  }
  return PyLong_FromLongLong(id);
}

/* _remove_grad_hook(tensor, id) -> whether it was there */
static PyObject *f_remove_grad_hook(PyObject *m, PyObject *args) {
  (void)m;
  PyObject *t;
  long long id;
  if (!PyArg_ParseTuple(args, "OL", &t, &id) || !ozpy_is_tensor(t))
    return NULL;
  return PyBool_FromLong(oz_remove_grad_hook(ozpy_T(t), id));
}

PyMethodDef ozpy_functions_autograd[] = {
    {"_register_grad_hook", f_register_grad_hook, METH_VARARGS, NULL},
    {"_remove_grad_hook", f_remove_grad_hook, METH_VARARGS, NULL},
    {"_autograd_backward", f_autograd_backward, METH_VARARGS, NULL},
    {"_autograd_grad", f_autograd_grad, METH_VARARGS, NULL},
    {"is_grad_enabled", f_is_grad_enabled, METH_NOARGS, "whether gradients are being recorded"},
    {"_set_grad_enabled", f_set_grad_enabled, METH_O, NULL},
    {"is_inference_mode_enabled", f_is_inference_mode_enabled, METH_NOARGS, NULL},
    {"_set_inference_mode", f_set_inference_mode, METH_O, NULL},
    {"_function_record", f_function_record, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL},
};

int ozpy_autograd_init(PyObject *module) {
  node_type = (PyTypeObject *)PyType_FromSpec(&node_spec);
  if (!node_type)
    return -1;
  return PyModule_AddObjectRef(module, "_Node", (PyObject *)node_type);
}
