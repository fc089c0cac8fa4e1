/* ops_random_generator.c - torch.Generator over the core's counter-based generator
 * (core/oz_random.h), torch.default_generator, and the module's seeding functions
 * (manual_seed, seed, initial_seed, get_rng_state, set_rng_state).
 *
 * A Generator object holds a pointer to its core generator: its own (inside the object) or,
 * for default_generator, the CPU's default one. Its state is 16 bytes (seed, offset), which
 * get_state() returns as a uint8 tensor. */
#include "python/csrc/ops_random.h"

#include <string.h>

typedef struct generator_object {
  PyObject_HEAD oz_generator *gen; /* &own, or a default generator */
  oz_generator own;
} generator_object;

static PyTypeObject *generator_type;
static PyObject *default_generator_obj; /* the CPU default's object, made once */

static PyTypeObject *get_generator_type(void);

/* ---- seeds: Python ints to uint64 ---- */

/* torch's unpacking: an int in [-2^63, 2^64), negative ones reinterpreted as uint64. */
static int seed_from_int(PyObject *o, uint64_t *seed) {
  unsigned long long u = PyLong_AsUnsignedLongLong(o);
  if (!(u == (unsigned long long)-1 && PyErr_Occurred())) {
    *seed = (uint64_t)u;
    return 0;
  }
  if (!PyErr_ExceptionMatches(PyExc_OverflowError)) return -1;
  PyErr_Clear();
  int overflow = 0;
  long long s = PyLong_AsLongLongAndOverflow(o, &overflow);
  if (overflow) {
    PyErr_SetString(PyExc_RuntimeError, "Overflow when unpacking long");
    return -1;
  }
  if (s == -1 && PyErr_Occurred()) return -1;
  *seed = (uint64_t)s;
  return 0;
}

/* Generator.manual_seed takes ints only (torch: RuntimeError for anything else). */
static int seed_arg(PyObject *o, uint64_t *seed) {
  if (!PyLong_Check(o)) {
    PyObject *name = ozpy_type_name(o);
    if (name) {
      PyErr_Format(PyExc_RuntimeError, "manual_seed expected a long, but got %U", name);
      Py_DECREF(name);
    }
    return -1;
  }
  return seed_from_int(o, seed);
}

/* ---- state tensors ---- */

static PyObject *state_tensor(const oz_generator *g) {
  int64_t n = OZ_GENERATOR_STATE_BYTES;
  oz_tensor *t = oz_empty(1, &n, OZ_UINT8, OZ_CPU);
  if (t) oz_generator_get_state(g, oz_data_ptr(t));
  return ozpy_wrap(t);
}

static int set_state_from(oz_generator *g, PyObject *state) {
  if (!ozpy_is_tensor(state)) {
    ozpy_type_error(PyExc_TypeError, "expected a torch.ByteTensor, but got %U", state);
    return -1;
  }
  const oz_tensor *t = ozpy_T(state);
  if (t->dtype != OZ_UINT8) {
    PyErr_SetString(PyExc_TypeError, "RNG state must be a torch.ByteTensor");
    return -1;
  }
  oz_tensor *c = ozpy_cpu_contiguous(t);
  if (!c) return ozpy_raise_int();
  int rc = oz_generator_set_state(g, oz_data_ptr(c), (size_t)oz_numel(c));
  oz_tensor_decref(c);
  return rc == OZ_OK ? 0 : ozpy_raise_int();
}

/* ---- the Generator type ---- */

static PyObject *generator_new(PyTypeObject *cls, PyObject *args, PyObject *kwargs) {
  static char *kwlist[] = {"device", NULL};
  PyObject *device_obj = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|O:Generator", kwlist, &device_obj))
    return NULL;
  oz_device d = OZ_CPU;
  if (device_obj && device_obj != Py_None && ozpy_device_from_object(device_obj, &d) < 0)
    return NULL;
  generator_object *g = (generator_object *)PyType_GenericAlloc(cls, 0);
  if (!g) return NULL;
  oz_generator_init(&g->own, d);
  g->gen = &g->own;
  return (PyObject *)g;
}

static void generator_dealloc(PyObject *self) {
  PyTypeObject *tp = Py_TYPE(self);
  PyObject_Free(self);
  Py_DECREF(tp);
}

static oz_generator *gen_of(PyObject *self) { return ((generator_object *)self)->gen; }

static PyObject *g_manual_seed(PyObject *self, PyObject *seed) {
  uint64_t s;
  if (seed_arg(seed, &s) < 0) return NULL;
  oz_generator_manual_seed(gen_of(self), s);
  return Py_NewRef(self);
}

static PyObject *g_seed(PyObject *self, PyObject *unused) {
  (void)unused;
  return PyLong_FromUnsignedLongLong(oz_generator_seed(gen_of(self)));
}

static PyObject *g_initial_seed(PyObject *self, PyObject *unused) {
  (void)unused;
  return PyLong_FromUnsignedLongLong(oz_generator_initial_seed(gen_of(self)));
}

static PyObject *g_get_state(PyObject *self, PyObject *unused) {
  (void)unused;
  return state_tensor(gen_of(self));
}

static PyObject *g_set_state(PyObject *self, PyObject *state) {
  if (set_state_from(gen_of(self), state) < 0) return NULL;
  return Py_NewRef(self);
}

static PyObject *g_device(PyObject *self, void *c) {
  (void)c;
  const oz_device d = gen_of(self)->device;
  return ozpy_device_obj(d, d.type != OZ_DEVICE_CPU);
}

static PyMethodDef generator_methods[] = {
    {"manual_seed", g_manual_seed, METH_O, "manual_seed(seed): sets the seed; returns self"},
    {"seed", g_seed, METH_NOARGS, "seed(): a non-deterministic seed, set and returned"},
    {"initial_seed", g_initial_seed, METH_NOARGS, "initial_seed(): the seed last set"},
    {"get_state", g_get_state, METH_NOARGS,
     "get_state(): the state as a uint8 tensor of 16 bytes (seed, offset)"},
    {"set_state", g_set_state, METH_O, "set_state(new_state): restores a get_state() result"},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef generator_getset[] = {
    {"device", g_device, NULL, "the device the generator draws for", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject *get_generator_type(void) {
  if (generator_type) return generator_type;
  PyType_Slot slots[] = {
      {Py_tp_new, generator_new},
      {Py_tp_dealloc, generator_dealloc},
      {Py_tp_methods, generator_methods},
      {Py_tp_getset, generator_getset},
      {Py_tp_doc, "Generator(device='cpu'): a counter-based random number generator "
                  "(Philox-4x32-10 streams addressed by seed and offset)"},
      {0, NULL},
  };
  PyType_Spec spec = {"oztorch._C.Generator", sizeof(generator_object), 0, Py_TPFLAGS_DEFAULT,
                      slots};
  generator_type = (PyTypeObject *)PyType_FromSpec(&spec);
  return generator_type;
}

/* torch.default_generator: an object over the CPU's default generator. */
static PyObject *default_generator(void) {
  if (default_generator_obj) return default_generator_obj;
  PyTypeObject *tp = get_generator_type();
  if (!tp) return NULL;
  generator_object *g = (generator_object *)PyType_GenericAlloc(tp, 0);
  if (!g) return NULL;
  g->gen = oz_default_generator(OZ_CPU);
  default_generator_obj = (PyObject *)g;
  return default_generator_obj;
}

int ozpy_arg_generator(const char *fname, PyObject *o, oz_generator **gen) {
  *gen = NULL;
  if (!o || o == Py_None) return 0;
  PyTypeObject *tp = get_generator_type();
  if (!tp) return -1;
  if (PyObject_TypeCheck(o, tp)) {
    *gen = gen_of(o);
    return 0;
  }
  PyObject *name = ozpy_type_name(o);
  if (name) {
    PyErr_Format(PyExc_TypeError, "%s(): argument 'generator' must be torch.Generator, not %U",
                 fname, name);
    Py_DECREF(name);
  }
  return -1;
}

/* ---- module functions (torch.manual_seed & co.) ---- */

/* torch.manual_seed(seed): int(seed), then every default generator (CPU and CUDA) takes it.
 * Returns torch.default_generator. */
PyObject *ozpy_random_manual_seed(PyObject *m, PyObject *seed) {
  (void)m;
  PyObject *as_int = PyNumber_Long(seed);
  if (!as_int) return NULL;
  uint64_t s;
  int rc = seed_from_int(as_int, &s);
  Py_DECREF(as_int);
  if (rc < 0) return NULL;
  oz_manual_seed_all(s);
  PyObject *g = default_generator();
  return g ? Py_NewRef(g) : NULL;
}

/* torch.seed(): a non-deterministic seed for every default generator; returns it. */
PyObject *ozpy_random_seed(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  const uint64_t s = oz_generator_seed(oz_default_generator(OZ_CPU));
  oz_manual_seed_all(s);
  return PyLong_FromUnsignedLongLong(s);
}

PyObject *ozpy_random_initial_seed(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  return PyLong_FromUnsignedLongLong(oz_generator_initial_seed(oz_default_generator(OZ_CPU)));
}

PyObject *ozpy_random_get_rng_state(PyObject *m, PyObject *unused) {
  (void)m, (void)unused;
  return state_tensor(oz_default_generator(OZ_CPU));
}

PyObject *ozpy_random_set_rng_state(PyObject *m, PyObject *state) {
  (void)m;
  if (set_state_from(oz_default_generator(OZ_CPU), state) < 0) return NULL;
  Py_RETURN_NONE;
}

/* _random_init(): puts Generator and default_generator on the module (the `self` of a module
 * function), so `oztorch.Generator` can be the real type. Idempotent. */
PyObject *ozpy_random_init(PyObject *m, PyObject *unused) {
  (void)unused;
  PyTypeObject *tp = get_generator_type();
  PyObject *g = tp ? default_generator() : NULL;
  if (!g || PyObject_SetAttrString(m, "Generator", (PyObject *)tp) < 0 ||
      PyObject_SetAttrString(m, "default_generator", g) < 0)
    return NULL;
  Py_RETURN_NONE;
}
