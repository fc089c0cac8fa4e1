/* linalg_kernels.c - cpu_naive's kernels for linear algebra (ops/linalg.def): ADDMM, BADDBMM
 * and DOT.
 *
 * ADDMM and BADDBMM share one 2-d routine, out = beta * c + alpha * (a @ b), written like
 * MATMUL's (matmul.c): loop order i, k, j over a row of accumulators, so the inner loop walks a
 * row of b. Accumulators are wider than the elements, as in matmul.c, so that the reference is
 * at least as exact as any backend it checks: double for floating types, uint64_t for integral
 * ones (wrapping modulo 2^64, which reduces to PyTorch's wrap-around in the element type).
 * beta * c and alpha * sum are combined in the accumulator type and converted once. When beta is
 * 0, c is never read (PyTorch's rule: NaN/inf in the addend do not propagate).
 */
#include "dtype_dispatch.h"
#include "naive.h"

/* Accumulator type and how a scalar argument reads in it, per kind. */
#define LG_ACC_FLT double
#define LG_ACC_INT uint64_t
#define LG_ACC(KIND) LG_ACC_##KIND
#define LG_SCALAR_FLT(s) ((s).f)
#define LG_SCALAR_INT(s) ((uint64_t)(s).i)
#define LG_SCALAR(KIND, s) LG_SCALAR_##KIND(s)
_Static_assert(sizeof(double) == 8 && sizeof(uint64_t) == 8, "accumulators are 8 bytes");

/* out[M,N] = beta * c[M,N] + alpha * (a[M,K] @ b[K,N]); c is read only when use_c. `acc` holds
 * N accumulators. c may be out itself: each element is read just before it is written. */
typedef void (*gemm_fn)(const oz_view *out, const oz_view *c, const oz_view *a, const oz_view *b,
                        oz_scalar beta, oz_scalar alpha, int use_c, void *acc);

#define DEFINE_GEMM(DT, SFX, T, W, KIND)                                                         \
  static void gemm_##SFX(const oz_view *out, const oz_view *c, const oz_view *a,                 \
                         const oz_view *b, oz_scalar beta_s, oz_scalar alpha_s, int use_c,       \
                         void *scratch) {                                                        \
    typedef LG_ACC(KIND) acc_t;                                                                  \
    acc_t *acc = (acc_t *)scratch;                                                               \
    const acc_t beta = LG_SCALAR(KIND, beta_s), alpha = LG_SCALAR(KIND, alpha_s);                \
    const int64_t M = a->shape[0], K = a->shape[1], N = b->shape[1];                             \
    const int64_t sam = a->strides[0], sak = a->strides[1];                                      \
    const int64_t sbk = b->strides[0], sbn = b->strides[1];                                      \
    const int64_t som = out->strides[0], son = out->strides[1];                                  \
    const int64_t scm = c->strides[0], scn = c->strides[1];                                      \
    const T *pa = (const T *)a->data, *pb = (const T *)b->data, *pc = (const T *)c->data;        \
    T *po = (T *)out->data;                                                                      \
    for (int64_t i = 0; i < M; i++) {                                                            \
      for (int64_t j = 0; j < N; j++) acc[j] = 0;                                                \
      for (int64_t k = 0; k < K; k++) {                                                          \
        const acc_t aik = (acc_t)pa[i * sam + k * sak];                                          \
        const T *brow = pb + k * sbk;                                                            \
        if (sbn == 1) {                                                                          \
          for (int64_t j = 0; j < N; j++) acc[j] += aik * (acc_t)brow[j];                        \
        } else {                                                                                 \
          for (int64_t j = 0; j < N; j++) acc[j] += aik * (acc_t)brow[j * sbn];                  \
        }                                                                                        \
      }                                                                                          \
      if (use_c) {                                                                               \
        for (int64_t j = 0; j < N; j++)                                                          \
          po[i * som + j * son] = (T)(beta * (acc_t)pc[i * scm + j * scn] + alpha * acc[j]);     \
      } else {                                                                                   \
        for (int64_t j = 0; j < N; j++) po[i * som + j * son] = (T)(alpha * acc[j]);             \
      }                                                                                          \
    }                                                                                            \
  }
NAIVE_NUMERIC_TYPES(DEFINE_GEMM)

#define GEMM_ENTRY(DT, SFX, T, W, KIND) [DT] = gemm_##SFX,
static const gemm_fn gemm_table[OZ_NUM_DTYPES] = {NAIVE_NUMERIC_TYPES(GEMM_ENTRY)};

/* beta == 0 in the kind the dtype reads. */
#define IS_FLOATING_ENTRY(DT, SFX, T, W, KIND) [DT] = 1,
static const char is_floating[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(IS_FLOATING_ENTRY)};
static int scalar_is_zero(int dtype, oz_scalar s) { return is_floating[dtype] ? s.f == 0.0 : s.i == 0; }

/* The 2-d view of matrix `b` of a 3-d view. */
static oz_view batch_matrix(const oz_view *v, int64_t b) {
  oz_view m = *v;
  m.ndim = 2;
  m.data = (char *)v->data + b * v->strides[0] * (int64_t)naive_dtype_size(v->dtype);
  m.shape[0] = v->shape[1], m.shape[1] = v->shape[2];
  m.strides[0] = v->strides[1], m.strides[1] = v->strides[2];
  return m;
}

/* Checks ADDMM/BADDBMM's operands: one dtype with a kernel, `nd` dims, matching shapes. */
static int check_gemm(const oz_call *call, int nd) {
  int rc = naive_check_call(call, 3, 1, 2);
  if (rc) return rc;
  const oz_view *c = &call->in[0], *a = &call->in[1], *b = &call->in[2], *o = &call->out[0];
  const int dtype = a->dtype;
  if (!gemm_table[dtype]) return naive_unsupported(call, dtype);
  if (b->dtype != dtype || c->dtype != dtype || o->dtype != dtype)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s needs one dtype, got %s, %s @ %s -> %s",
                      naive_host->op_name(call->op), naive_host->dtype_name(c->dtype),
                      naive_host->dtype_name(dtype), naive_host->dtype_name(b->dtype),
                      naive_host->dtype_name(o->dtype));
  int ok = a->ndim == nd && b->ndim == nd && c->ndim == nd && o->ndim == nd;
  const int m = nd - 2; /* index of the M dim */
  for (int d = 0; ok && d < m; d++)
    ok = a->shape[d] == o->shape[d] && b->shape[d] == o->shape[d] && c->shape[d] == o->shape[d];
  ok = ok && a->shape[m + 1] == b->shape[m] && o->shape[m] == a->shape[m] &&
       o->shape[m + 1] == b->shape[m + 1] && c->shape[m] == o->shape[m] &&
       c->shape[m + 1] == o->shape[m + 1];
  if (!ok)
    return NAIVE_FAIL(OZ_ERR_RUNTIME,
                      "cpu_naive: %s takes %d-d views [.., M,N] + [.., M,K] @ [.., K,N] -> "
                      "[.., M,N] (the core checks and expands them)",
                      naive_host->op_name(call->op), nd);
  return OZ_OK;
}

/* Runs the 2-d routine over `nbatch` matrices (nd 3) or the one matrix (nd 2). */
static int run_gemm(const oz_call *call, int nd) {
  int rc = check_gemm(call, nd);
  if (rc) return rc;
  const oz_view *o = &call->out[0];
  const int dtype = o->dtype;
  const int64_t nbatch = nd == 3 ? o->shape[0] : 1;
  const int64_t M = o->shape[nd - 2], N = o->shape[nd - 1];
  if (nbatch == 0 || M == 0 || N == 0) return OZ_OK; /* nothing to write */
  const int use_c = !scalar_is_zero(dtype, call->scalars[0]);
  const size_t nbytes = (size_t)N * 8; /* one row of 8-byte accumulators */
  void *scratch = naive_host->host_alloc(nbytes);
  if (!scratch)
    return NAIVE_FAIL(OZ_ERR_NOMEM, "cpu_naive: %s could not allocate %zu bytes of scratch",
                      naive_host->op_name(call->op), nbytes);
  for (int64_t bi = 0; bi < nbatch; bi++) {
    oz_view out = *o, c = call->in[0], a = call->in[1], b = call->in[2];
    if (nd == 3) {
      out = batch_matrix(o, bi), c = batch_matrix(&call->in[0], bi);
      a = batch_matrix(&call->in[1], bi), b = batch_matrix(&call->in[2], bi);
    }
    gemm_table[dtype](&out, &c, &a, &b, call->scalars[0], call->scalars[1], use_c, scratch);
  }
  naive_host->host_free(scratch);
  return OZ_OK;
}

static int naive_addmm(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_gemm(call, 2);
}

static int naive_baddbmm(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_gemm(call, 3);
}

/* ---- DOT ---- */
typedef void (*dot_fn)(const oz_view *out, const oz_view *a, const oz_view *b);

#define DEFINE_DOT(DT, SFX, T, W, KIND)                                                          \
  static void dot_##SFX(const oz_view *out, const oz_view *a, const oz_view *b) {                \
    LG_ACC(KIND) acc = 0;                                                                        \
    const T *pa = (const T *)a->data, *pb = (const T *)b->data;                                  \
    const int64_t n = a->shape[0], sa = a->strides[0], sb = b->strides[0];                       \
    for (int64_t k = 0; k < n; k++) acc += (LG_ACC(KIND))pa[k * sa] * (LG_ACC(KIND))pb[k * sb];  \
    *(T *)out->data = (T)acc;                                                                    \
  }
NAIVE_NUMERIC_TYPES(DEFINE_DOT)

#define DOT_ENTRY(DT, SFX, T, W, KIND) [DT] = dot_##SFX,
static const dot_fn dot_table[OZ_NUM_DTYPES] = {NAIVE_NUMERIC_TYPES(DOT_ENTRY)};

static int naive_dot(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 2, 1, 0);
  if (rc) return rc;
  const oz_view *a = &call->in[0], *b = &call->in[1], *o = &call->out[0];
  if (!dot_table[a->dtype]) return naive_unsupported(call, a->dtype);
  if (b->dtype != a->dtype || o->dtype != a->dtype || a->ndim != 1 || b->ndim != 1 ||
      o->ndim != 0 || a->shape[0] != b->shape[0])
    return NAIVE_FAIL(OZ_ERR_RUNTIME,
                      "cpu_naive: dot takes two 1-d views of one length and dtype and a 0-d "
                      "output of that dtype");
  dot_table[a->dtype](o, a, b);
  return OZ_OK;
}

/* Registration rows for this family, ended by a row with op -1. */
const oz_kernel_reg naive_linalg_kernels[] = {
    {OZ_OP_ADDMM, OZ_MASK_NUMERIC, naive_addmm, NULL},
    {OZ_OP_BADDBMM, OZ_MASK_NUMERIC, naive_baddbmm, NULL},
    {OZ_OP_DOT, OZ_MASK_NUMERIC, naive_dot, NULL},
    {-1, 0, NULL, NULL},
};
