/* ops_random.h - what the random family's binding files share (ops_random.c,
 * ops_random_generator.c, ops_random_creation.c). Internal to the extension. */
#ifndef OZPY_OPS_RANDOM_H
#define OZPY_OPS_RANDOM_H

#include "python/csrc/ozpy.h"

#include "core/oz_ops_random.h"

#define OZPY_RANDOM_KW(fn) OZPY_FASTCALL_KW(fn), OZPY_FLAGS

/* ---- ops_random_generator.c ---- */
/* generator=: None/NULL gives NULL (the device's default generator), a torch.Generator gives
 * its core generator, anything else the TypeError torch raises. 0 or -1. */
int ozpy_arg_generator(const char *fname, PyObject *o, oz_generator **gen);
/* Module functions: manual_seed, seed, initial_seed, get_rng_state, set_rng_state, and
 * _random_init (installs _C.Generator and _C.default_generator). */
PyObject *ozpy_random_manual_seed(PyObject *m, PyObject *seed);
PyObject *ozpy_random_seed(PyObject *m, PyObject *unused);
PyObject *ozpy_random_initial_seed(PyObject *m, PyObject *unused);
PyObject *ozpy_random_get_rng_state(PyObject *m, PyObject *unused);
PyObject *ozpy_random_set_rng_state(PyObject *m, PyObject *state);
PyObject *ozpy_random_init(PyObject *m, PyObject *unused);

/* ---- ops_random_creation.c: linspace, logspace, eye, empty_strided ---- */
PyObject *ozpy_random_linspace(PyObject *m, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kw);
PyObject *ozpy_random_logspace(PyObject *m, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kw);
PyObject *ozpy_random_eye(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw);
PyObject *ozpy_random_empty_strided(PyObject *m, PyObject *const *args, Py_ssize_t nargs,
                                    PyObject *kw);

/* The value of a parsed Python number as a double. */
static inline double ozpy_number_f(const ozpy_number *n) {
  return n->dtype == OZ_FLOAT64 ? n->s.f : (double)n->s.i;
}

#endif /* OZPY_OPS_RANDOM_H */
