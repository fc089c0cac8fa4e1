/* ops_random_creation.c - bindings of linspace, logspace, eye and empty_strided. */
#include "python/csrc/ops_random.h"

/* The keyword arguments every creation function here takes after its own. */
typedef struct factory_kw {
  oz_tensor *out;
  int dtype;
  oz_device device;
  bool requires_grad;
} factory_kw;

/* a: out, dtype, layout, device, pin_memory, requires_grad (any may be NULL); out_ok: whether
 * the function has out=. */
static int parse_factory_kw(const char *fname, PyObject *const *a, bool out_ok, factory_kw *k) {
  bool given, pin;
  if (out_ok ? ozpy_arg_out(fname, a[0], &k->out) < 0 : (k->out = NULL, 0))
    return -1;
  if (ozpy_arg_dtype(fname, "dtype", a[1], &k->dtype) < 0 ||
      ozpy_arg_device(fname, "device", a[3], &k->device, &given) < 0 ||
      ozpy_arg_bool(fname, "pin_memory", 0, a[4], false, &pin) < 0 ||
      ozpy_arg_requires_grad(fname, a[5], &k->requires_grad) < 0)
    return -1;
  if (a[2] && a[2] != Py_None) {
    PyErr_Format(PyExc_NotImplementedError, "%s(): only the strided layout is supported", fname);
    return -1;
  }
  return 0;
}

/* The result, as the out= object itself when one was given. */
static PyObject *finish(PyObject *out_obj, const factory_kw *k, oz_tensor *t) {
  t = ozpy_apply_requires_grad(t, k->requires_grad);
  return k->out ? ozpy_wrap_same(out_obj, t) : ozpy_wrap(t);
}

/* ---- linspace(start, end, steps, *, out, dtype, layout, device, pin_memory, requires_grad),
 *      logspace(start, end, steps, base=10.0, *, ...same) ---- */

static PyObject *spaced(ozpy_sig *sig, bool has_base, PyObject *const *args, Py_ssize_t nargs,
                        PyObject *kw) {
  const char *fname = sig->fname;
  PyObject *a[OZPY_MAX_ARGS];
  if (ozpy_parse(sig, args, nargs, kw, a) < 0) return NULL;
  const int k0 = has_base ? 4 : 3; /* where the keyword-only arguments start */
  ozpy_number start, end, base = {{10.0, 10}, OZ_FLOAT64};
  int64_t steps;
  factory_kw k;
  if (ozpy_arg_number(fname, "start", 1, a[0], &start) < 0 ||
      ozpy_arg_number(fname, "end", 2, a[1], &end) < 0 ||
      ozpy_arg_int(fname, "steps", 3, a[2], &steps) < 0 ||
      (has_base && a[3] && ozpy_arg_number(fname, "base", 4, a[3], &base) < 0) ||
      parse_factory_kw(fname, a + k0, true, &k) < 0)
    return NULL;
  oz_tensor *t = has_base ? oz_logspace(start.s, end.s, steps, ozpy_number_f(&base), k.dtype,
                                        k.device, k.out)
                          : oz_linspace(start.s, end.s, steps, k.dtype, k.device, k.out);
  return finish(a[k0], &k, t);
}

PyObject *ozpy_random_linspace(PyObject *m, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("linspace", 3, 3, "start", "end", "steps", "out", "dtype",
                                 "layout", "device", "pin_memory", "requires_grad");
  return spaced(&sig, false, args, nargs, kw);
}

PyObject *ozpy_random_logspace(PyObject *m, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("logspace", 4, 3, "start", "end", "steps", "base", "out",
                                 "dtype", "layout", "device", "pin_memory", "requires_grad");
  return spaced(&sig, true, args, nargs, kw);
}

/* ---- eye(n, m=None, *, out, dtype, layout, device, pin_memory, requires_grad) ---- */

PyObject *ozpy_random_eye(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("eye", 2, 1, "n", "m", "out", "dtype", "layout", "device",
                                 "pin_memory", "requires_grad");
  PyObject *a[8];
  int64_t n, cols;
  factory_kw k;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 || ozpy_arg_int("eye", "n", 1, a[0], &n) < 0)
    return NULL;
  cols = n;
  /* torch has no eye(n, None): m, when passed, is an int */
  if (a[1] && ozpy_arg_int("eye", "m", 2, a[1], &cols) < 0) return NULL;
  if (parse_factory_kw("eye", a + 2, true, &k) < 0) return NULL;
  return finish(a[2], &k, oz_eye(n, cols, k.dtype, k.device, k.out));
}

/* ---- empty_strided(size, stride, *, dtype, layout, device, pin_memory, requires_grad) ---- */

PyObject *ozpy_random_empty_strided(PyObject *m, PyObject *const *args, Py_ssize_t nargs,
                                    PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("empty_strided", 2, 2, "size", "stride", "dtype", "layout",
                                 "device", "pin_memory", "requires_grad");
  PyObject *a[OZPY_MAX_ARGS] = {NULL};
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0) return NULL;
  const char *names[2] = {"size", "stride"};
  int64_t vals[2][OZPY_MAX_LIST];
  int n[2];
  for (int i = 0; i < 2; i++) {
    /* both are sequences in torch: empty_strided(2, 1) is a TypeError */
    if (PyLong_Check(a[i]) || !PySequence_Check(a[i])) {
      PyObject *name = ozpy_type_name(a[i]);
      if (name) {
        PyErr_Format(PyExc_TypeError,
                     "empty_strided(): argument '%s' (position %d) must be tuple of ints, not %U",
                     names[i], i + 1, name);
        Py_DECREF(name);
      }
      return NULL;
    }
    if (ozpy_arg_int_list("empty_strided", names[i], i + 1, a[i], vals[i], &n[i]) < 0)
      return NULL;
  }
  if (n[0] > OZ_MAX_DIMS) {
    PyErr_Format(PyExc_RuntimeError, "empty_strided(): at most %d dimensions", OZ_MAX_DIMS);
    return NULL;
  }
  /* no out= here: the keyword block is (dtype, layout, device, pin_memory, requires_grad) */
  PyObject *kwblock[6] = {NULL, a[2], a[3], a[4], a[5], a[6]};
  factory_kw k;
  if (parse_factory_kw("empty_strided", kwblock, false, &k) < 0) return NULL;
  const int dtype = k.dtype >= 0 ? k.dtype : oz_default_dtype();
  return finish(NULL, &k, oz_empty_strided(n[0], vals[0], n[1], vals[1], dtype, k.device));
}
