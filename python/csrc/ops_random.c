/* ops_random.c - Python bindings of random number generation: the factories (rand, randn,
 * randint, randperm and their _like forms), torch.normal/bernoulli/multinomial, the in-place
 * samplers as Tensor methods, and this family's tables (which also list the generator and
 * creation functions of ops_random_generator.c and ops_random_creation.c). Each binding parses
 * its arguments as torch does and calls the core (core/oz_ops_random.h). */
#include "python/csrc/ops_random.h"

#define KW OZPY_RANDOM_KW

/* An in-place sampler's result: self, or the error. */
static PyObject *self_or_raise(PyObject *self, int rc) {
  return rc == OZ_OK ? Py_NewRef(self) : ozpy_raise();
}

/* A factory's result after sampling into t (new tensor or out=), requires_grad applied. */
static PyObject *factory_result(oz_tensor *t, int rc, PyObject *out_obj, bool requires_grad) {
  if (t && rc != OZ_OK) {
    oz_tensor_decref(t);
    t = NULL;
  }
  t = ozpy_apply_requires_grad(t, requires_grad);
  return out_obj && out_obj != Py_None ? ozpy_wrap_same(out_obj, t) : ozpy_wrap(t);
}

/* ======================= rand / randn (*size, ...) ======================= */

enum { A_GEN, A_OUT, A_DTYPE, A_LAYOUT, A_DEVICE, A_PIN, A_RG, A_NAMES };

/* The keywords of rand, randn, randint and randperm after their own arguments: generator, out,
 * dtype, layout, device, pin_memory, requires_grad (names= only for rand/randn). */
typedef struct sampler_kw {
  oz_generator *gen;
  oz_tensor *out;
  int dtype;
  oz_device device;
  bool requires_grad;
} sampler_kw;

static int parse_sampler_kw(const char *fname, PyObject *const *a, sampler_kw *k) {
  bool given, pin;
  if (ozpy_arg_generator(fname, a[A_GEN], &k->gen) < 0 ||
      ozpy_arg_out(fname, a[A_OUT], &k->out) < 0 ||
      ozpy_arg_dtype(fname, "dtype", a[A_DTYPE], &k->dtype) < 0 ||
      ozpy_arg_device(fname, "device", a[A_DEVICE], &k->device, &given) < 0 ||
      ozpy_arg_bool(fname, "pin_memory", 0, a[A_PIN], false, &pin) < 0 ||
      ozpy_arg_requires_grad(fname, a[A_RG], &k->requires_grad) < 0)
    return -1;
  if (a[A_LAYOUT] && a[A_LAYOUT] != Py_None) {
    PyErr_Format(PyExc_NotImplementedError, "%s(): only the strided layout is supported", fname);
    return -1;
  }
  if (k->out && !given) k->device = oz_tensor_device(k->out);
  return 0;
}

static PyObject *rand_like_sizes(ozpy_sig *sig, bool normal, PyObject *const *args,
                                 Py_ssize_t nargs, PyObject *kw) {
  PyObject *a[OZPY_MAX_ARGS];
  int64_t shape[OZPY_MAX_LIST];
  int ndim;
  bool given;
  sampler_kw k;
  if (ozpy_parse_varargs_ints(sig, args, nargs, kw, a, shape, &ndim, &given) < 0) return NULL;
  if (!given) {
    PyErr_Format(PyExc_TypeError, "%s() missing required argument 'size' (position 1)",
                 sig->fname);
    return NULL;
  }
  if (parse_sampler_kw(sig->fname, a + 1, &k) < 0) return NULL;
  if (a[1 + A_NAMES] && a[1 + A_NAMES] != Py_None) {
    PyErr_Format(PyExc_NotImplementedError, "%s(): named tensors are not supported", sig->fname);
    return NULL;
  }
  oz_tensor *t = oz_factory_target(ndim, shape, k.dtype, oz_default_dtype(), k.device, k.out);
  int rc = !t ? OZ_OK : normal ? oz_normal_(t, 0.0, 1.0, k.gen) : oz_uniform_(t, 0.0, 1.0, k.gen);
  return factory_result(t, rc, a[1 + A_OUT], k.requires_grad);
}

#define SAMPLER_KW_NAMES                                                                         \
  "generator", "out", "dtype", "layout", "device", "pin_memory", "requires_grad"

static PyObject *f_rand(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("rand", 0, 0, "size", SAMPLER_KW_NAMES, "names");
  return rand_like_sizes(&sig, false, args, n, kw);
}

static PyObject *f_randn(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("randn", 0, 0, "size", SAMPLER_KW_NAMES, "names");
  return rand_like_sizes(&sig, true, args, n, kw);
}

/* ==================== randint(low=0, high, size, ...) ==================== */

/* A size given as one argument must be a sequence (torch: randint(5, 3) is a TypeError). */
static int arg_size(const char *fname, int pos, PyObject *o, int64_t *shape, int *ndim) {
  if (PyLong_Check(o) || ozpy_is_tensor(o) || !PySequence_Check(o)) {
    PyObject *name = ozpy_type_name(o);
    if (name) {
      PyErr_Format(PyExc_TypeError, "%s(): argument 'size' (position %d) must be tuple of ints, "
                   "not %U", fname, pos, name);
      Py_DECREF(name);
    }
    return -1;
  }
  return ozpy_arg_int_list(fname, "size", pos, o, shape, ndim);
}

static PyObject *f_randint(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("randint", 3, 0, "low", "high", "size", SAMPLER_KW_NAMES);
  PyObject *a[OZPY_MAX_ARGS];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0) return NULL;
  /* randint(high, size): two positionals without size= are (high, size) */
  if (!a[2] && nargs == 2) a[2] = a[1], a[1] = a[0], a[0] = NULL;
  if (!a[1] && a[0]) a[1] = a[0], a[0] = NULL;
  if (!a[1] || !a[2]) {
    PyErr_Format(PyExc_TypeError, "randint() missing required argument '%s'",
                 a[1] ? "size" : "high");
    return NULL;
  }
  const int p0 = a[0] ? 1 : 0; /* positions shift when low is given */
  int64_t low = 0, high, shape[OZPY_MAX_LIST];
  int ndim;
  sampler_kw k;
  if ((a[0] && ozpy_arg_int("randint", "low", 1, a[0], &low) < 0) ||
      ozpy_arg_int("randint", "high", p0 + 1, a[1], &high) < 0 ||
      arg_size("randint", p0 + 2, a[2], shape, &ndim) < 0 ||
      parse_sampler_kw("randint", a + 3, &k) < 0)
    return NULL;
  oz_tensor *t = oz_factory_target(ndim, shape, k.dtype, OZ_INT64, k.device, k.out);
  int rc = t ? oz_random_(t, true, low, true, high, k.gen) : OZ_OK;
  return factory_result(t, rc, a[3 + A_OUT], k.requires_grad);
}

/* ==================== randperm(n, ...) ==================== */

static PyObject *f_randperm(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("randperm", 1, 1, "n", SAMPLER_KW_NAMES);
  PyObject *a[OZPY_MAX_ARGS];
  int64_t n;
  sampler_kw k;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 || ozpy_arg_int("randperm", "n", 1, a[0], &n) < 0 ||
      parse_sampler_kw("randperm", a + 1, &k) < 0)
    return NULL;
  oz_tensor *t = oz_randperm(n, k.dtype, k.device, k.gen, k.out);
  return factory_result(t, OZ_OK, a[1 + A_OUT], k.requires_grad);
}

/* ============ rand_like / randn_like / randint_like(input, ...) ============ */

/* a: dtype, layout, device, requires_grad, memory_format. The result is laid out like input. */
static oz_tensor *like_target(const char *fname, PyObject *input, PyObject *const *a, bool *rg) {
  oz_tensor *t;
  int dtype;
  oz_device dev;
  bool given;
  if (ozpy_arg_tensor(fname, "input", 1, input, &t) < 0 ||
      ozpy_arg_dtype(fname, "dtype", a[0], &dtype) < 0 ||
      ozpy_arg_device(fname, "device", a[2], &dev, &given) < 0 ||
      ozpy_arg_requires_grad(fname, a[3], rg) < 0)
    return NULL;
  if (a[1] && a[1] != Py_None) {
    PyErr_Format(PyExc_NotImplementedError, "%s(): only the strided layout is supported", fname);
    return NULL;
  }
  oz_tensor *r = oz_empty_like_layout(t, t->ndim, t->shape, dtype >= 0 ? dtype : t->dtype,
                                      given ? dev : oz_tensor_device(t));
  if (!r) ozpy_raise();
  return r;
}

#define LIKE_KW_NAMES "dtype", "layout", "device", "requires_grad", "memory_format"

static PyObject *rand_like_impl(ozpy_sig *sig, bool normal, PyObject *const *args,
                                Py_ssize_t nargs, PyObject *kw) {
  PyObject *a[OZPY_MAX_ARGS];
  bool rg;
  if (ozpy_parse(sig, args, nargs, kw, a) < 0) return NULL;
  oz_tensor *t = like_target(sig->fname, a[0], a + 1, &rg);
  if (!t) return NULL;
  int rc = normal ? oz_normal_(t, 0.0, 1.0, NULL) : oz_uniform_(t, 0.0, 1.0, NULL);
  return factory_result(t, rc, NULL, rg);
}

static PyObject *f_rand_like(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("rand_like", 1, 1, "input", LIKE_KW_NAMES);
  return rand_like_impl(&sig, false, args, n, kw);
}

static PyObject *f_randn_like(PyObject *m, PyObject *const *args, Py_ssize_t n, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("randn_like", 1, 1, "input", LIKE_KW_NAMES);
  return rand_like_impl(&sig, true, args, n, kw);
}

static PyObject *f_randint_like(PyObject *m, PyObject *const *args, Py_ssize_t nargs,
                                PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("randint_like", 3, 1, "input", "low", "high", LIKE_KW_NAMES);
  PyObject *a[OZPY_MAX_ARGS];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0) return NULL;
  if (!a[2] && a[1]) a[2] = a[1], a[1] = NULL; /* randint_like(input, high) */
  if (!a[2]) {
    PyErr_SetString(PyExc_TypeError, "randint_like() missing required argument 'high'");
    return NULL;
  }
  int64_t low = 0, high;
  const int p = a[1] ? 1 : 0;
  bool rg;
  if ((a[1] && ozpy_arg_int("randint_like", "low", 2, a[1], &low) < 0) ||
      ozpy_arg_int("randint_like", "high", p + 2, a[2], &high) < 0)
    return NULL;
  oz_tensor *t = like_target("randint_like", a[0], a + 3, &rg);
  if (!t) return NULL;
  return factory_result(t, oz_random_(t, true, low, true, high, NULL), NULL, rg);
}

/* ======================= normal ======================= */

/* normal(mean, std, *, generator, out) with tensors/numbers (not both numbers), std defaulting
 * to 1 and mean to 0; or normal(mean: float, std: float, size, *, generator, out, dtype, ...). */
static PyObject *f_normal(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("normal", 3, 0, "mean", "std", "size", SAMPLER_KW_NAMES);
  PyObject *a[OZPY_MAX_ARGS];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0) return NULL;
  sampler_kw k;
  if (parse_sampler_kw("normal", a + 3, &k) < 0) return NULL;
  const bool mean_tensor = a[0] && ozpy_is_tensor(a[0]), std_tensor = a[1] && ozpy_is_tensor(a[1]);
  if (a[2] && a[2] != Py_None) { /* the size form: two numbers */
    ozpy_number mean = {{0.0, 0}, OZ_FLOAT64}, std = {{1.0, 1}, OZ_FLOAT64};
    int64_t shape[OZPY_MAX_LIST];
    int ndim;
    if ((a[0] && ozpy_arg_number("normal", "mean", 1, a[0], &mean) < 0) ||
        (a[1] && ozpy_arg_number("normal", "std", 2, a[1], &std) < 0) ||
        arg_size("normal", 3, a[2], shape, &ndim) < 0)
      return NULL;
    oz_tensor *t = oz_factory_target(ndim, shape, k.dtype, oz_default_dtype(), k.device, k.out);
    int rc = t ? oz_normal_(t, ozpy_number_f(&mean), ozpy_number_f(&std), k.gen) : OZ_OK;
    return factory_result(t, rc, a[3 + A_OUT], k.requires_grad);
  }
  if ((!mean_tensor && !std_tensor) || (!std_tensor && !a[0]) ||
      (a[3 + A_DTYPE] && a[3 + A_DTYPE] != Py_None) || (a[3 + A_RG] && a[3 + A_RG] != Py_False)) {
    PyErr_SetString(PyExc_TypeError,
                    "normal() received an invalid combination of arguments: expected (Tensor "
                    "mean, Tensor std), (Tensor mean, float std=1), (float mean=0, Tensor std) "
                    "or (float mean, float std, tuple of ints size, *, dtype, device, "
                    "requires_grad)");
    return NULL;
  }
  oz_tensor *mean, *std, *tmp_mean = NULL, *tmp_std = NULL;
  if (!a[0]) {
    mean = tmp_mean = oz_wrapped_scalar(0.0, 0, OZ_FLOAT64);
  } else if (ozpy_arg_operand("normal", "mean", 1, a[0], &mean, &tmp_mean) < 0) {
    return NULL;
  }
  if (!mean) return ozpy_raise();
  if (!a[1]) {
    std = tmp_std = oz_wrapped_scalar(1.0, 1, OZ_FLOAT64);
  } else if (ozpy_arg_operand("normal", "std", 2, a[1], &std, &tmp_std) < 0) {
    oz_tensor_decref(tmp_mean);
    return NULL;
  }
  oz_tensor *r = std ? oz_normal(mean, std, k.gen, k.out) : NULL;
  oz_tensor_decref(tmp_mean), oz_tensor_decref(tmp_std);
  return factory_result(r, OZ_OK, a[3 + A_OUT], false);
}

/* ======================= bernoulli ======================= */

/* bernoulli(input, *, generator, out) / bernoulli(input, p, *, generator) */
static PyObject *f_bernoulli(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("bernoulli", 2, 1, "input", "p", "generator", "out");
  PyObject *a[4];
  oz_tensor *input, *out;
  oz_generator *gen;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_tensor("bernoulli", "input", 1, a[0], &input) < 0 ||
      ozpy_arg_generator("bernoulli", a[2], &gen) < 0 || ozpy_arg_out("bernoulli", a[3], &out) < 0)
    return NULL;
  if (a[1] && a[1] != Py_None) {
    ozpy_number p;
    if (out) {
      PyErr_SetString(PyExc_TypeError, "bernoulli(input, p) takes no out= argument");
      return NULL;
    }
    if (ozpy_arg_number("bernoulli", "p", 2, a[1], &p) < 0) return NULL;
    return ozpy_wrap(oz_bernoulli_p(input, ozpy_number_f(&p), gen));
  }
  return factory_result(oz_bernoulli(input, gen, out), OZ_OK, a[3], false);
}

/* Tensor.bernoulli(p=None, *, generator): self as the probabilities, or a float p. */
static PyObject *m_bernoulli(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("bernoulli", 1, 0, "p", "generator");
  PyObject *a[2];
  oz_generator *gen;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_generator("bernoulli", a[1], &gen) < 0)
    return NULL;
  if (a[0] && a[0] != Py_None) {
    ozpy_number p;
    if (ozpy_is_tensor(a[0])) { /* torch has no Tensor.bernoulli(Tensor) */
      PyErr_SetString(PyExc_TypeError, "bernoulli(): argument 'p' (position 1) must be float, "
                                       "not Tensor");
      return NULL;
    }
    if (ozpy_arg_number("bernoulli", "p", 1, a[0], &p) < 0) return NULL;
    return ozpy_wrap(oz_bernoulli_p(ozpy_T(self), ozpy_number_f(&p), gen));
  }
  return ozpy_wrap(oz_bernoulli(ozpy_T(self), gen, NULL));
}

/* Tensor.bernoulli_(p=0.5, *, generator): p a float or a tensor */
static PyObject *m_bernoulli_(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                              PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("bernoulli_", 1, 0, "p", "generator");
  PyObject *a[2];
  oz_generator *gen;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 ||
      ozpy_arg_generator("bernoulli_", a[1], &gen) < 0)
    return NULL;
  if (a[0] && ozpy_is_tensor(a[0]))
    return self_or_raise(self, oz_bernoulli_tensor_(ozpy_T(self), ozpy_T(a[0]), gen));
  ozpy_number p = {{0.5, 0}, OZ_FLOAT64};
  if (a[0] && ozpy_arg_number("bernoulli_", "p", 1, a[0], &p) < 0) return NULL;
  return self_or_raise(self, oz_bernoulli_(ozpy_T(self), ozpy_number_f(&p), gen));
}

/* ======================= multinomial ======================= */

static PyObject *multinomial_impl(const char *fname, PyObject *input, PyObject *const *a,
                                  PyObject *out_obj) {
  oz_tensor *t, *out;
  int64_t n;
  bool replacement;
  oz_generator *gen;
  if (ozpy_arg_tensor(fname, "input", 1, input, &t) < 0 ||
      ozpy_arg_int(fname, "num_samples", 2, a[0], &n) < 0 ||
      ozpy_arg_bool(fname, "replacement", 3, a[1], false, &replacement) < 0 ||
      ozpy_arg_generator(fname, a[2], &gen) < 0 || ozpy_arg_out(fname, out_obj, &out) < 0)
    return NULL;
  return factory_result(oz_multinomial(t, n, replacement, gen, out), OZ_OK, out_obj, false);
}

static PyObject *f_multinomial(PyObject *m, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kw) {
  (void)m;
  static ozpy_sig sig = OZPY_SIG("multinomial", 3, 2, "input", "num_samples", "replacement",
                                 "generator", "out");
  PyObject *a[5];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0) return NULL;
  return multinomial_impl("multinomial", a[0], a + 1, a[4]);
}

static PyObject *m_multinomial(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                               PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("multinomial", 2, 1, "num_samples", "replacement", "generator");
  PyObject *a[3];
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0) return NULL;
  return multinomial_impl("multinomial", self, a, NULL);
}

/* ======================= in-place samplers ======================= */

/* The float arguments of an in-place sampler, with their defaults, then generator=. */
typedef struct inplace_sig {
  ozpy_sig sig;
  int n_params;
  double dflt[2];
  bool required; /* the first parameter has no default (geometric_'s p) */
} inplace_sig;

static int parse_inplace(inplace_sig *s, PyObject *const *args, Py_ssize_t nargs, PyObject *kw,
                         double *v, oz_generator **gen) {
  PyObject *a[3];
  if (ozpy_parse(&s->sig, args, nargs, kw, a) < 0) return -1;
  for (int i = 0; i < s->n_params; i++) {
    ozpy_number n;
    v[i] = s->dflt[i];
    if (a[i] && a[i] != Py_None) {
      if (ozpy_arg_number(s->sig.fname, s->sig.names[i], i + 1, a[i], &n) < 0) return -1;
      v[i] = ozpy_number_f(&n);
    }
  }
  return ozpy_arg_generator(s->sig.fname, a[s->n_params], gen);
}

#define INPLACE_METHOD(cname, fname, n, d0, d1, req, names_, CALL)                               \
  static PyObject *m_##cname(PyObject *self, PyObject *const *args, Py_ssize_t nargs,           \
                             PyObject *kw) {                                                     \
    static inplace_sig s = {OZPY_SIG(fname, n, req, names_, "generator"), n, {d0, d1}, req};    \
    double v[2];                                                                                 \
    oz_generator *gen;                                                                           \
    if (parse_inplace(&s, args, nargs, kw, v, &gen) < 0) return NULL;                            \
    oz_tensor *t = ozpy_T(self);                                                                 \
    return self_or_raise(self, CALL);                                                            \
  }
#define NAMES2(a, b) a, b
INPLACE_METHOD(uniform_, "uniform_", 2, 0.0, 1.0, 0, NAMES2("from", "to"),
               oz_uniform_(t, v[0], v[1], gen))
INPLACE_METHOD(normal_, "normal_", 2, 0.0, 1.0, 0, NAMES2("mean", "std"),
               oz_normal_(t, v[0], v[1], gen))
INPLACE_METHOD(exponential_, "exponential_", 1, 1.0, 0.0, 0, "lambd",
               oz_exponential_(t, v[0], gen))
INPLACE_METHOD(geometric_, "geometric_", 1, 0.0, 0.0, 1, "p", oz_geometric_(t, v[0], gen))
INPLACE_METHOD(cauchy_, "cauchy_", 2, 0.0, 1.0, 0, NAMES2("median", "sigma"),
               oz_cauchy_(t, v[0], v[1], gen))
INPLACE_METHOD(log_normal_, "log_normal_", 2, 1.0, 2.0, 0, NAMES2("mean", "std"),
               oz_log_normal_(t, v[0], v[1], gen))

/* random_(*, generator) / random_(to, *, generator) / random_(from, to, *, generator), where
 * to=None in the last means "up to the dtype's largest value". */
static PyObject *m_random_(PyObject *self, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kw) {
  static ozpy_sig sig = OZPY_SIG("random_", 2, 0, "from", "to", "generator");
  PyObject *a[3];
  oz_generator *gen;
  if (ozpy_parse(&sig, args, nargs, kw, a) < 0 || ozpy_arg_generator("random_", a[2], &gen) < 0)
    return NULL;
  /* one positional alone is `to` */
  const bool two = a[0] && (nargs == 2 || (kw && a[1]));
  PyObject *from_obj = two ? a[0] : NULL, *to_obj = two ? a[1] : a[0] ? a[0] : a[1];
  int64_t from = 0, to = 0;
  if (from_obj && ozpy_arg_int("random_", "from", 1, from_obj, &from) < 0) return NULL;
  const bool has_to = to_obj && (to_obj != Py_None || !two);
  if (has_to && ozpy_arg_int("random_", "to", two ? 2 : 1, to_obj, &to) < 0) return NULL;
  return self_or_raise(self, oz_random_(ozpy_T(self), two, from, has_to, to, gen));
}

/* ======================= tables ======================= */

PyMethodDef ozpy_tensor_methods_random[] = {
    {"uniform_", KW(m_uniform_), "uniform_(from=0, to=1, *, generator=None)"},
    {"normal_", KW(m_normal_), "normal_(mean=0, std=1, *, generator=None)"},
    {"random_", KW(m_random_), "random_(from=0, to=None, *, generator=None)"},
    {"bernoulli_", KW(m_bernoulli_), "bernoulli_(p=0.5, *, generator=None): p a float or tensor"},
    {"bernoulli", KW(m_bernoulli), "bernoulli(p=None, *, generator=None)"},
    {"exponential_", KW(m_exponential_), "exponential_(lambd=1, *, generator=None)"},
    {"geometric_", KW(m_geometric_), "geometric_(p, *, generator=None)"},
    {"cauchy_", KW(m_cauchy_), "cauchy_(median=0, sigma=1, *, generator=None)"},
    {"log_normal_", KW(m_log_normal_), "log_normal_(mean=1, std=2, *, generator=None)"},
    {"multinomial", KW(m_multinomial),
     "multinomial(num_samples, replacement=False, *, generator=None)"},
    {NULL, NULL, 0, NULL},
};

PyMethodDef ozpy_functions_random[] = {
    {"manual_seed", ozpy_random_manual_seed, METH_O,
     "manual_seed(seed): seeds every default generator; returns torch.default_generator"},
    {"seed", ozpy_random_seed, METH_NOARGS, "seed(): a non-deterministic seed, set and returned"},
    {"initial_seed", ozpy_random_initial_seed, METH_NOARGS,
     "initial_seed(): the default generator's seed"},
    {"get_rng_state", ozpy_random_get_rng_state, METH_NOARGS,
     "get_rng_state(): the default generator's state (uint8 tensor: seed, offset)"},
    {"set_rng_state", ozpy_random_set_rng_state, METH_O, "set_rng_state(new_state)"},
    {"_random_init", ozpy_random_init, METH_NOARGS,
     "installs _C.Generator and _C.default_generator (called by oztorch._legacy)"},
    {"rand", KW(f_rand), "rand(*size, *, generator=None, out=None, dtype=None, device=None, "
                         "requires_grad=False): uniform on [0, 1)"},
    {"randn", KW(f_randn), "randn(*size, *, generator=None, out=None, dtype=None, device=None, "
                           "requires_grad=False): standard normal"},
    {"randint", KW(f_randint), "randint(low=0, high, size, *, generator=None, out=None, "
                               "dtype=torch.int64, device=None)"},
    {"randperm", KW(f_randperm), "randperm(n, *, generator=None, out=None, dtype=torch.int64)"},
    {"rand_like", KW(f_rand_like), "rand_like(input, *, dtype=None, device=None)"},
    {"randn_like", KW(f_randn_like), "randn_like(input, *, dtype=None, device=None)"},
    {"randint_like", KW(f_randint_like), "randint_like(input, low=0, high, *, dtype=None)"},
    {"normal", KW(f_normal), "normal(mean, std, *, generator=None, out=None) or "
                             "normal(mean, std, size, *, generator=None, dtype=None, ...)"},
    {"bernoulli", KW(f_bernoulli), "bernoulli(input, p=None, *, generator=None, out=None)"},
    {"multinomial", KW(f_multinomial),
     "multinomial(input, num_samples, replacement=False, *, generator=None, out=None)"},
    {"linspace", KW(ozpy_random_linspace), "linspace(start, end, steps, *, out=None, dtype=None)"},
    {"logspace", KW(ozpy_random_logspace),
     "logspace(start, end, steps, base=10.0, *, out=None, dtype=None)"},
    {"eye", KW(ozpy_random_eye), "eye(n, m=None, *, out=None, dtype=None, device=None)"},
    {"empty_strided", KW(ozpy_random_empty_strided),
     "empty_strided(size, stride, *, dtype=None, device=None)"},
    {NULL, NULL, 0, NULL},
};
