/* random_sample.c - the elementwise samplers of ops/random.def: UNIFORM, NORMAL, RANDOM,
 * BERNOULLI, EXPONENTIAL, GEOMETRIC, CAUCHY, LOG_NORMAL. Element k of out[0] (logical row-major
 * order) takes block k of the stream at the call's (seed, offset) and becomes a number through
 * its op's formula.
 *
 * The work goes in chunks of CHUNK elements through three small stages, each a tight loop the
 * compiler can optimise on its own: gather the inputs (any dtype, any strides) as doubles,
 * apply the op's formula to the chunk's blocks, scatter the values into out[0]'s dtype. A
 * formula is written once for every dtype, and the per-element cost stays free of indirect
 * calls. */
#include <math.h>

#include "dtype_dispatch.h"
#include "random_naive.h"
#include "random_philox.h"

/* ---- element access (random_naive.h): a wrapped uint64 into any dtype, a floating input
 * read as double. Conversions are COPY's (dtype_dispatch.h). ---- */
#define DEFINE_STORES(DT, SFX, T, W, KIND)                                                       \
  static void store_u_##SFX(char *p, uint64_t v) {                                               \
    *(T *)p = NAIVE_CONVERT(INT, KIND, T, SFX, (int64_t)v);                                      \
  }
NAIVE_ALL_TYPES(DEFINE_STORES)
#define DEFINE_LOAD(DT, SFX, T, W, KIND)                                                         \
  static double load_##SFX(const char *p) { return (double)*(const T *)p; }
NAIVE_FLOATING_TYPES(DEFINE_LOAD)

#define STORE_U_ENTRY(DT, SFX, T, W, KIND) [DT] = store_u_##SFX,
#define LOAD_ENTRY(DT, SFX, T, W, KIND) [DT] = load_##SFX,
const random_store_u64_fn random_store_u64[OZ_NUM_DTYPES] = {NAIVE_ALL_TYPES(STORE_U_ENTRY)};
const random_load_fn random_load[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(LOAD_ENTRY)};

/* ---- chunk access: n consecutive elements (logical order) of the view a walk is on ---- */
#define CHUNK 256
typedef void (*gather_fn)(random_walk *w, double *dst, int64_t n);
typedef void (*scatter_double_fn)(random_walk *w, const double *src, int64_t n);
typedef void (*scatter_u64_fn)(random_walk *w, const uint64_t *src, int64_t n);

#define DEFINE_SCATTERS(DT, SFX, T, W, KIND)                                                     \
  static void scatter_d_##SFX(random_walk *w, const double *v, int64_t n) {                      \
    for (int64_t j = 0; j < n; j++, random_walk_next(w))                                         \
      *(T *)w->p[0] = NAIVE_CONVERT(FLT, KIND, T, SFX, v[j]);                                    \
  }                                                                                              \
  static void scatter_u_##SFX(random_walk *w, const uint64_t *v, int64_t n) {                    \
    for (int64_t j = 0; j < n; j++, random_walk_next(w))                                         \
      *(T *)w->p[0] = NAIVE_CONVERT(INT, KIND, T, SFX, (int64_t)v[j]);                           \
  }
NAIVE_ALL_TYPES(DEFINE_SCATTERS)
#define DEFINE_GATHER(DT, SFX, T, W, KIND)                                                       \
  static void gather_##SFX(random_walk *w, double *v, int64_t n) {                               \
    for (int64_t j = 0; j < n; j++, random_walk_next(w)) v[j] = (double)*(const T *)w->p[0];    \
  }
NAIVE_FLOATING_TYPES(DEFINE_GATHER)

#define SCATTER_D_ENTRY(DT, SFX, T, W, KIND) [DT] = scatter_d_##SFX,
#define SCATTER_U_ENTRY(DT, SFX, T, W, KIND) [DT] = scatter_u_##SFX,
#define GATHER_ENTRY(DT, SFX, T, W, KIND) [DT] = gather_##SFX,
static const scatter_double_fn scatter_double[OZ_NUM_DTYPES] = {NAIVE_ALL_TYPES(SCATTER_D_ENTRY)};
static const scatter_u64_fn scatter_u64[OZ_NUM_DTYPES] = {NAIVE_ALL_TYPES(SCATTER_U_ENTRY)};
static const gather_fn gather[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(GATHER_ENTRY)};

/* ---- the formulas, one function per op over a chunk: blocks first .. first + n - 1, the
 * per-element inputs a[] and b[], the op's parameters par[] ---- */
typedef void (*dist_fn)(uint64_t seed, uint64_t first, int64_t n, const double *a,
                        const double *b, const double *par, double *out);

#define DEFINE_DIST(name, EXPR)                                                                  \
  static void name(uint64_t seed, uint64_t first, int64_t n, const double *a, const double *b,  \
                   const double *par, double *out) {                                             \
    (void)a, (void)b, (void)par;                                                                 \
    for (int64_t j = 0; j < n; j++) {                                                            \
      uint32_t w[4];                                                                             \
      naive_rng_block(seed, first + (uint64_t)j, w);                                             \
      out[j] = (EXPR);                                                                           \
    }                                                                                            \
  }
/* float32 draws 24 bits so that u * (to - from) + from never rounds up to 1 on [0, 1) */
DEFINE_DIST(d_uniform24, par[0] + (par[1] - par[0]) * naive_u24(w))
DEFINE_DIST(d_uniform53, par[0] + (par[1] - par[0]) * naive_u53(w))
DEFINE_DIST(d_normal, a[j] + b[j] * naive_gauss(w))
DEFINE_DIST(d_bernoulli, naive_u53(w) < a[j] ? 1.0 : 0.0)
DEFINE_DIST(d_exponential, -log(naive_v53(w)) / par[0])
DEFINE_DIST(d_geometric, ceil(log(naive_v53(w)) / par[1])) /* par[1] = log1p(-p) */
DEFINE_DIST(d_cauchy, par[0] + par[1] * tan(3.14159265358979323846 * (naive_u53(w) - 0.5)))
DEFINE_DIST(d_log_normal, exp(par[0] + par[1] * naive_gauss(w)))

/* ---- the shared checks and loop ---- */

static int check_sampler_call(const oz_call *c, int n_in, int n_scalars, int n_ints) {
  int rc = naive_check_call(c, n_in, 1, n_scalars);
  if (rc) return rc;
  if (c->n_ints < n_ints)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s takes %d ints (seed, offset, ...), got %d",
                      naive_host->op_name(c->op), n_ints, (int)c->n_ints);
  return n_in ? naive_check_elementwise(c, -1, c->out[0].dtype) : OZ_OK;
}

/* Every element of v (read with ld) is in [lo, hi]; NaN is not. */
static int all_within(const oz_view *v, random_load_fn ld, double lo, double hi) {
  random_walk w;
  random_walk_init(&w, 1, (const oz_view *[]){v});
  for (int64_t k = 0, n = naive_numel(v); k < n; k++, random_walk_next(&w)) {
    const double x = ld(w.p[0]);
    if (!(x >= lo && x <= hi)) return 0;
  }
  return 1;
}

/* out[0][k] = f(block k, in[0][k], in[1][k], par), for an op with n_in floating inputs. */
static int sample(const oz_call *c, int n_in, dist_fn f, const double *par) {
  const oz_view *o = &c->out[0];
  gather_fn gin[2] = {NULL, NULL};
  random_walk win[2];
  for (int i = 0; i < n_in; i++) {
    if (!(gin[i] = gather[c->in[i].dtype])) return naive_unsupported(c, c->in[i].dtype);
    random_walk_init(&win[i], 1, (const oz_view *[]){&c->in[i]});
  }
  const scatter_double_fn put = scatter_double[o->dtype];
  if (!put) return naive_unsupported(c, o->dtype);
  random_walk wout;
  random_walk_init(&wout, 1, (const oz_view *[]){o});
  const uint64_t seed = (uint64_t)c->ints[0], offset = (uint64_t)c->ints[1];
  double in[2][CHUNK], vals[CHUNK];
  for (int64_t k = 0, n = naive_numel(o); k < n; k += CHUNK) {
    const int64_t m = n - k < CHUNK ? n - k : CHUNK;
    for (int i = 0; i < n_in; i++) gin[i](&win[i], in[i], m);
    f(seed, offset + (uint64_t)k, m, in[0], in[1], par, vals);
    put(&wout, vals, m);
  }
  return OZ_OK;
}

/* ---- the kernels ---- */

int naive_uniform(void *ctx, const oz_call *c) {
  (void)ctx;
  int rc = check_sampler_call(c, 0, 2, 2);
  if (rc) return rc;
  const double par[2] = {c->scalars[0].f, c->scalars[1].f};
  return sample(c, 0, c->out[0].dtype == OZ_FLOAT32 ? d_uniform24 : d_uniform53, par);
}

int naive_normal(void *ctx, const oz_call *c) {
  (void)ctx;
  int rc = check_sampler_call(c, 2, 0, 2);
  if (rc) return rc;
  random_load_fn ld = random_load[c->in[1].dtype];
  if (!ld) return naive_unsupported(c, c->in[1].dtype);
  if (!all_within(&c->in[1], ld, 0.0, INFINITY))
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "normal expects all elements of std >= 0.0");
  return sample(c, 2, d_normal, NULL);
}

int naive_bernoulli(void *ctx, const oz_call *c) {
  (void)ctx;
  int rc = check_sampler_call(c, 1, 0, 2);
  if (rc) return rc;
  random_load_fn ld = random_load[c->in[0].dtype];
  if (!ld) return naive_unsupported(c, c->in[0].dtype);
  if (!all_within(&c->in[0], ld, 0.0, 1.0))
    return NAIVE_FAIL(OZ_ERR_RUNTIME,
                      "Expected p_in >= 0 && p_in <= 1 to be true, but got false.");
  return sample(c, 1, d_bernoulli, NULL);
}

int naive_exponential(void *ctx, const oz_call *c) {
  (void)ctx;
  int rc = check_sampler_call(c, 0, 1, 2);
  if (rc) return rc;
  const double par[1] = {c->scalars[0].f};
  return sample(c, 0, d_exponential, par);
}

int naive_geometric(void *ctx, const oz_call *c) {
  (void)ctx;
  int rc = check_sampler_call(c, 0, 1, 2);
  if (rc) return rc;
  const double par[2] = {c->scalars[0].f, log1p(-c->scalars[0].f)};
  return sample(c, 0, d_geometric, par);
}

int naive_cauchy(void *ctx, const oz_call *c) {
  (void)ctx;
  int rc = check_sampler_call(c, 0, 2, 2);
  if (rc) return rc;
  const double par[2] = {c->scalars[0].f, c->scalars[1].f};
  return sample(c, 0, d_cauchy, par);
}

int naive_log_normal(void *ctx, const oz_call *c) {
  (void)ctx;
  int rc = check_sampler_call(c, 0, 2, 2);
  if (rc) return rc;
  const double par[2] = {c->scalars[0].f, c->scalars[1].f};
  return sample(c, 0, d_log_normal, par);
}

/* RANDOM stays in integers end to end: a double would lose int64's low bits. */
int naive_random(void *ctx, const oz_call *c) {
  (void)ctx;
  int rc = check_sampler_call(c, 0, 0, 4);
  if (rc) return rc;
  const oz_view *o = &c->out[0];
  const scatter_u64_fn put = scatter_u64[o->dtype];
  if (!put) return naive_unsupported(c, o->dtype);
  const uint64_t seed = (uint64_t)c->ints[0], offset = (uint64_t)c->ints[1];
  const uint64_t from = (uint64_t)c->ints[2], range = (uint64_t)c->ints[3];
  random_walk w;
  random_walk_init(&w, 1, (const oz_view *[]){o});
  uint64_t vals[CHUNK];
  for (int64_t k = 0, n = naive_numel(o); k < n; k += CHUNK) {
    const int64_t m = n - k < CHUNK ? n - k : CHUNK;
    for (int64_t j = 0; j < m; j++) {
      uint32_t b[4];
      naive_rng_block(seed, offset + (uint64_t)(k + j), b);
      const uint64_t r = naive_r64(b);
      vals[j] = from + (range ? r % range : r);
    }
    put(&w, vals, m);
  }
  return OZ_OK;
}
