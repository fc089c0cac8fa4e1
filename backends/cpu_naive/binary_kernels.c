/* binary_kernels.c - cpu_naive's kernels for binary and ternary elementwise ops (ops/binary.def).
 *
 * The binary ops are one table, BINARY_FORMULAS: a row says "op OP computes EXPR for the dtypes
 * of kind KIND, into an output of dtype OUT". From it the preprocessor generates one loop per
 * (op, dtype) and the [op][dtype] lookup table; an (op, dtype) without a row has no kernel (the
 * core refuses those dtypes with PyTorch's error before dispatching). The formulas follow
 * PyTorch's CPU kernels (BinaryOpsKernel.cpp, Lerp.h): floating math in the element type,
 * integral math on the exact values with wraparound.
 */
#include <math.h>

#include "binary_iter.h"
#include "dtype_dispatch.h"
#include "iter.h"
#include "naive.h"

/* ---- float helpers, one per floating type: LIBM_<sfx>(fn) is the libm function for it ---- */
#define LIBM_f32(fn) fn##f
#define LIBM_f64(fn) fn

#define DEFINE_FLOAT_HELPERS(DT, SFX, T, W, KIND)                                                \
  /* Python's modulus: fmod, moved into the divisor's sign (remainder(-1, inf) = inf). */       \
  static inline T remainder_##SFX(T a, T b) {                                                    \
    T m = LIBM_##SFX(fmod)(a, b);                                                                \
    if (m != 0 && ((b < 0) != (m < 0))) m += b;                                                  \
    return m;                                                                                    \
  }                                                                                              \
  /* PyTorch's div_floor_floating: the quotient from fmod (exact where a / b rounds), rounded  \
   * to the nearest integer when floor() lands half a unit off. */                              \
  static inline T div_floor_##SFX(T a, T b) {                                                    \
    if (b == 0) return a / b;                                                                    \
    T mod = LIBM_##SFX(fmod)(a, b);                                                              \
    T div = (a - mod) / b;                                                                       \
    if (mod != 0 && ((b < 0) != (mod < 0))) div -= 1;                                            \
    if (div == 0) return LIBM_##SFX(copysign)(0, a / b);                                         \
    T fl = LIBM_##SFX(floor)(div);                                                               \
    return div - fl > (T)0.5 ? fl + 1 : fl;                                                      \
  }                                                                                              \
  /* PyTorch's lerp: exact at both ends, from whichever end the weight is nearer. */             \
  static inline T lerp_##SFX(T a, T b, T w) {                                                    \
    return LIBM_##SFX(fabs)(w) < (T)0.5 ? a + w * (b - a) : b - (b - a) * (1 - w);              \
  }
NAIVE_FLOATING_TYPES(DEFINE_FLOAT_HELPERS)

/* ---- integral helpers: on int64 values (every integral dtype fits), so that the one quotient
 * C leaves undefined, INT64_MIN / -1 (a SIGFPE on x86), is never computed: dividing by -1 is
 * negating, which wraps in uint64. The callers rule out b == 0. ---- */
static inline int64_t neg_wrap(int64_t a) { return (int64_t)(0 - (uint64_t)a); }
static inline int64_t div_trunc_int(int64_t a, int64_t b) { return b == -1 ? neg_wrap(a) : a / b; }
static inline int64_t fmod_int(int64_t a, int64_t b) { return b == -1 ? 0 : a % b; }
static inline int64_t remainder_int(int64_t a, int64_t b) {
  int64_t r = fmod_int(a, b);
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}
static inline int64_t div_floor_int(int64_t a, int64_t b) {
  if (b == -1) return neg_wrap(a);
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
/* PyTorch's powi: square-and-multiply, wrapping (the low bits of the product are the same
 * whatever width it is computed in, so the caller's cast to T gives T's wrapped result). */
static inline int64_t pow_int(int64_t a, int64_t b) {
  if (b < 0) return a == 1 ? 1 : a == -1 ? ((b & 1) ? -1 : 1) : 0;
  uint64_t result = 1, base = (uint64_t)a;
  for (uint64_t e = (uint64_t)b; e; e >>= 1) {
    if (e & 1) result *= base;
    base *= base;
  }
  return (int64_t)result;
}

/* ---- the formulas: EXPR(SFX, T, a, b) with a, b of type T ----
 * Integral division runs only after a scan found no zero divisor (naive_binary); the test of b
 * is never true then, and is there so that a bug elsewhere can never make the process trap. */
#define INT_DIVIDE(fn, T, a, b) ((b) == 0 ? (T)0 : (T)fn((int64_t)(a), (int64_t)(b)))

#define POW_FLT(SFX, T, a, b) LIBM_##SFX(pow)(a, b)
#define POW_INT(SFX, T, a, b) ((T)pow_int((int64_t)(a), (int64_t)(b)))
#define REMAINDER_FLT(SFX, T, a, b) remainder_##SFX(a, b)
#define REMAINDER_INT(SFX, T, a, b) INT_DIVIDE(remainder_int, T, a, b)
#define FMOD_FLT(SFX, T, a, b) LIBM_##SFX(fmod)(a, b)
#define FMOD_INT(SFX, T, a, b) INT_DIVIDE(fmod_int, T, a, b)
#define DIV_FLOOR_FLT(SFX, T, a, b) div_floor_##SFX(a, b)
#define DIV_FLOOR_INT(SFX, T, a, b) INT_DIVIDE(div_floor_int, T, a, b)
#define DIV_TRUNC_FLT(SFX, T, a, b) LIBM_##SFX(trunc)((a) / (b))
#define DIV_TRUNC_INT(SFX, T, a, b) INT_DIVIDE(div_trunc_int, T, a, b)
/* maximum/minimum propagate NaN; fmax/fmin (libm's) let a number win over a NaN. */
#define MAXIMUM_FLT(SFX, T, a, b) ((a) != (a) ? (a) : (b) != (b) ? (b) : (a) > (b) ? (a) : (b))
#define MINIMUM_FLT(SFX, T, a, b) ((a) != (a) ? (a) : (b) != (b) ? (b) : (a) < (b) ? (a) : (b))
#define MAX_INT(SFX, T, a, b) ((a) > (b) ? (a) : (b))
#define MIN_INT(SFX, T, a, b) ((a) < (b) ? (a) : (b))
#define FMAX_FLT(SFX, T, a, b) LIBM_##SFX(fmax)(a, b)
#define FMIN_FLT(SFX, T, a, b) LIBM_##SFX(fmin)(a, b)
#define ATAN2_FLT(SFX, T, a, b) LIBM_##SFX(atan2)(a, b)
/* Bools are any nonzero byte on input and exactly 0 or 1 on output (dtype_dispatch.h). */
#define OR_BOOL(SFX, T, a, b) ((uint8_t)((a) != 0 || (b) != 0))
#define AND_BOOL(SFX, T, a, b) ((uint8_t)((a) != 0 && (b) != 0))
#define XOR_BOOL(SFX, T, a, b) ((uint8_t)(((a) != 0) != ((b) != 0)))
#define BITAND_INT(SFX, T, a, b) ((T)((a) & (b)))
#define BITOR_INT(SFX, T, a, b) ((T)((a) | (b)))
#define BITXOR_INT(SFX, T, a, b) ((T)((a) ^ (b)))

/* X(OP, KIND, EXPR, OUT): OP on dtypes of kind KIND (FLT, INT, BOOL or ANY) computes EXPR;
 * the output has the inputs' dtype (SAME) or is bool (BOOL). */
#define BINARY_FORMULAS(X)                                                                       \
  X(POW, FLT, POW_FLT, SAME)                                                                     \
  X(POW, INT, POW_INT, SAME)                                                                     \
  X(REMAINDER, FLT, REMAINDER_FLT, SAME)                                                         \
  X(REMAINDER, INT, REMAINDER_INT, SAME)                                                         \
  X(FMOD, FLT, FMOD_FLT, SAME)                                                                   \
  X(FMOD, INT, FMOD_INT, SAME)                                                                   \
  X(DIV_FLOOR, FLT, DIV_FLOOR_FLT, SAME)                                                         \
  X(DIV_FLOOR, INT, DIV_FLOOR_INT, SAME)                                                         \
  X(DIV_TRUNC, FLT, DIV_TRUNC_FLT, SAME)                                                         \
  X(DIV_TRUNC, INT, DIV_TRUNC_INT, SAME)                                                         \
  X(MAXIMUM, FLT, MAXIMUM_FLT, SAME)                                                             \
  X(MAXIMUM, INT, MAX_INT, SAME)                                                                 \
  X(MAXIMUM, BOOL, OR_BOOL, SAME)                                                                \
  X(MINIMUM, FLT, MINIMUM_FLT, SAME)                                                             \
  X(MINIMUM, INT, MIN_INT, SAME)                                                                 \
  X(MINIMUM, BOOL, AND_BOOL, SAME)                                                               \
  X(FMAX, FLT, FMAX_FLT, SAME)                                                                   \
  X(FMAX, INT, MAX_INT, SAME)                                                                    \
  X(FMAX, BOOL, OR_BOOL, SAME)                                                                   \
  X(FMIN, FLT, FMIN_FLT, SAME)                                                                   \
  X(FMIN, INT, MIN_INT, SAME)                                                                    \
  X(FMIN, BOOL, AND_BOOL, SAME)                                                                  \
  X(ATAN2, FLT, ATAN2_FLT, SAME)                                                                 \
  X(LOGICAL_AND, ANY, AND_BOOL, BOOL)                                                            \
  X(LOGICAL_OR, ANY, OR_BOOL, BOOL)                                                              \
  X(LOGICAL_XOR, ANY, XOR_BOOL, BOOL)                                                            \
  X(BITWISE_AND, INT, BITAND_INT, SAME)                                                          \
  X(BITWISE_AND, BOOL, AND_BOOL, SAME)                                                           \
  X(BITWISE_OR, INT, BITOR_INT, SAME)                                                            \
  X(BITWISE_OR, BOOL, OR_BOOL, SAME)                                                             \
  X(BITWISE_XOR, INT, BITXOR_INT, SAME)                                                          \
  X(BITWISE_XOR, BOOL, XOR_BOOL, SAME)

/* The ops of the table sit in [FIRST, FIRST + N): the table is indexed by op - FIRST. */
#define BINARY_FIRST OZ_OP_POW
#define BINARY_N (OZ_OP_BITWISE_XOR - OZ_OP_POW + 1)

/* ---- expanding a formula row over the dtypes of its kind ----
 * NAIVE_ALL_TYPES_INNER hands each dtype row to FOR_KIND with the formula row in front;
 * KEEP_<wanted>_<kind> passes the pair on to GEN or drops it. */
#define FOR_KIND(GEN, OP, WANT, EXPR, OUT, DT, SFX, T, W, KIND)                                  \
  KEEP_##WANT##_##KIND(GEN, OP, EXPR, OUT, DT, SFX, T)
#define KEEP_YES(GEN, ...) GEN(__VA_ARGS__)
#define KEEP_NO(GEN, ...)
#define KEEP_FLT_FLT KEEP_YES
#define KEEP_FLT_INT KEEP_NO
#define KEEP_FLT_BOOL KEEP_NO
#define KEEP_INT_FLT KEEP_NO
#define KEEP_INT_INT KEEP_YES
#define KEEP_INT_BOOL KEEP_NO
#define KEEP_BOOL_FLT KEEP_NO
#define KEEP_BOOL_INT KEEP_NO
#define KEEP_BOOL_BOOL KEEP_YES
#define KEEP_ANY_FLT KEEP_YES
#define KEEP_ANY_INT KEEP_YES
#define KEEP_ANY_BOOL KEEP_YES
#define OVER_DTYPES(GEN, OP, WANT, EXPR, OUT)                                                    \
  NAIVE_ALL_TYPES_INNER(FOR_KIND, GEN, OP, WANT, EXPR, OUT)

#define OUT_T_SAME(T) T
#define OUT_T_BOOL(T) uint8_t
#define OUT_DTYPE_SAME(DT) DT
#define OUT_DTYPE_BOOL(DT) OZ_BOOL

/* One loop per (op, dtype). */
typedef void (*binary_fn)(naive_iter *it);
#define DEFINE_BINARY(OP, EXPR, OUT, DT, SFX, T)                                                 \
  static void bk_##OP##_##SFX(naive_iter *it) {                                                  \
    NAIVE_BINARY_LOOP(*it, OUT_T_##OUT(T), T, T, EXPR(SFX, T, a, b));                            \
  }
#define DEFINE_ROW(OP, WANT, EXPR, OUT) OVER_DTYPES(DEFINE_BINARY, OP, WANT, EXPR, OUT)
BINARY_FORMULAS(DEFINE_ROW)

typedef struct binary_entry {
  binary_fn fn;
  int32_t out_dtype;
} binary_entry;
#define BINARY_ENTRY(OP, EXPR, OUT, DT, SFX, T)                                                  \
  [OZ_OP_##OP - BINARY_FIRST][DT] = {bk_##OP##_##SFX, OUT_DTYPE_##OUT(DT)},
#define ENTRY_ROW(OP, WANT, EXPR, OUT) OVER_DTYPES(BINARY_ENTRY, OP, WANT, EXPR, OUT)
static const binary_entry binary_table[BINARY_N][OZ_NUM_DTYPES] = {BINARY_FORMULAS(ENTRY_ROW)};

/* Integral division by zero is PyTorch's RuntimeError "ZeroDivisionError". Scanning the
 * divisors first means a failing call writes nothing (an in-place x //= y keeps x whole). */
typedef int (*zero_scan_fn)(naive_iter *it);
#define DEFINE_HAS_ZERO(DT, SFX, T, W, KIND)                                                     \
  static int has_zero_##SFX(naive_iter *it) {                                                    \
    while (naive_iter_next(it)) {                                                                \
      const T *p = (const T *)it->row[0];                                                        \
      for (int64_t i = 0; i < it->n; i++)                                                        \
        if (p[i * it->step[0]] == 0) return 1;                                                   \
    }                                                                                            \
    return 0;                                                                                    \
  }
NAIVE_INTEGRAL_TYPES(DEFINE_HAS_ZERO)
#define HAS_ZERO_ENTRY(DT, SFX, T, W, KIND) [DT] = has_zero_##SFX,
static const zero_scan_fn has_zero_table[OZ_NUM_DTYPES] = {NAIVE_INTEGRAL_TYPES(HAS_ZERO_ENTRY)};
static const unsigned char divides[BINARY_N] = {
    [OZ_OP_REMAINDER - BINARY_FIRST] = 1, [OZ_OP_FMOD - BINARY_FIRST] = 1,
    [OZ_OP_DIV_FLOOR - BINARY_FIRST] = 1, [OZ_OP_DIV_TRUNC - BINARY_FIRST] = 1};

static int naive_binary(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 2, 1, 0);
  if (rc) return rc;
  const int row = call->op - BINARY_FIRST, dtype = call->in[0].dtype;
  if (row < 0 || row >= BINARY_N)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: the binary kernel got op %s",
                      naive_host->op_name(call->op));
  const binary_entry *e = &binary_table[row][dtype]; /* checked: 0 <= dtype < 8 */
  if (!e->fn) return naive_unsupported(call, dtype);
  rc = naive_check_elementwise(call, dtype, e->out_dtype);
  if (rc) return rc;
  naive_iter it;
  if (divides[row] && has_zero_table[dtype]) {
    naive_iter_init(&it, 1, (const oz_view *[]){&call->in[1]});
    if (has_zero_table[dtype](&it)) return NAIVE_FAIL(OZ_ERR_RUNTIME, "ZeroDivisionError");
  }
  naive_iter_init(&it, 3, (const oz_view *[]){&call->out[0], &call->in[0], &call->in[1]});
  e->fn(&it);
  return OZ_OK;
}

/* ---- ternary ops: WHERE (bool condition first), LERP, ADDCMUL, ADDCDIV ---- */
typedef void (*ternary_fn)(tern_iter *it, oz_scalar value);
#define DEFINE_WHERE(DT, SFX, T, W, KIND)                                                        \
  static void where_##SFX(tern_iter *it, oz_scalar unused) {                                     \
    (void)unused;                                                                                \
    TERNARY_LOOP(*it, T, uint8_t, T, T, a ? b : c);                                              \
  }
NAIVE_ALL_TYPES(DEFINE_WHERE)
#define DEFINE_LERP(DT, SFX, T, W, KIND)                                                         \
  static void lerp_k_##SFX(tern_iter *it, oz_scalar unused) {                                    \
    (void)unused;                                                                                \
    TERNARY_LOOP(*it, T, T, T, T, lerp_##SFX(a, b, c));                                          \
  }
NAIVE_FLOATING_TYPES(DEFINE_LERP)
/* value converted to the element type first, as PyTorch does (value.to<scalar_t>()); integral
 * math in W wraps */
#define DEFINE_ADDCMUL(DT, SFX, T, W, KIND)                                                      \
  static void addcmul_##SFX(tern_iter *it, oz_scalar value_s) {                                  \
    const W v = (W)NAIVE_SCALAR(KIND, T, value_s);                                               \
    TERNARY_LOOP(*it, T, T, T, T, (T)((W)a + v * (W)b * (W)c));                                  \
  }
NAIVE_NUMERIC_TYPES(DEFINE_ADDCMUL)
#define DEFINE_ADDCDIV(DT, SFX, T, W, KIND)                                                      \
  static void addcdiv_##SFX(tern_iter *it, oz_scalar value_s) {                                  \
    const T v = NAIVE_SCALAR(KIND, T, value_s);                                                  \
    TERNARY_LOOP(*it, T, T, T, T, a + v * b / c);                                                \
  }
NAIVE_FLOATING_TYPES(DEFINE_ADDCDIV)

#define WHERE_ENTRY(DT, SFX, T, W, KIND) [DT] = where_##SFX,
#define LERP_ENTRY(DT, SFX, T, W, KIND) [DT] = lerp_k_##SFX,
#define ADDCMUL_ENTRY(DT, SFX, T, W, KIND) [DT] = addcmul_##SFX,
#define ADDCDIV_ENTRY(DT, SFX, T, W, KIND) [DT] = addcdiv_##SFX,
static const ternary_fn where_table[OZ_NUM_DTYPES] = {NAIVE_ALL_TYPES(WHERE_ENTRY)};
static const ternary_fn lerp_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(LERP_ENTRY)};
static const ternary_fn addcmul_table[OZ_NUM_DTYPES] = {NAIVE_NUMERIC_TYPES(ADDCMUL_ENTRY)};
static const ternary_fn addcdiv_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(ADDCDIV_ENTRY)};

/* Checks (out, in[0..2]) and runs table[out dtype]; in[0] has `cond_dtype` (or out's, if < 0),
 * in[1] and in[2] have out's dtype; the op takes n_scalars scalars (at most one). */
static int run_ternary(const oz_call *call, const ternary_fn *table, int cond_dtype,
                       int n_scalars) {
  int rc = naive_check_call(call, 3, 1, n_scalars);
  if (rc) return rc;
  const int dtype = call->out[0].dtype;
  if (!table[dtype]) return naive_unsupported(call, dtype);
  /* naive_check_elementwise checks shapes and the output; dtypes of mixed inputs here */
  rc = naive_check_elementwise(call, -1, dtype);
  if (rc) return rc;
  const int want[3] = {cond_dtype < 0 ? dtype : cond_dtype, dtype, dtype};
  for (int k = 0; k < 3; k++)
    if (call->in[k].dtype != want[k])
      return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: in[%d] has dtype %s, expected %s",
                        naive_host->op_name(call->op), k,
                        naive_host->dtype_name(call->in[k].dtype), naive_host->dtype_name(want[k]));
  tern_iter it;
  tern_iter_init(&it, (const oz_view *[]){&call->out[0], &call->in[0], &call->in[1], &call->in[2]});
  table[dtype](&it, n_scalars ? call->scalars[0] : (oz_scalar){0, 0});
  return OZ_OK;
}

static int naive_where(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_ternary(call, where_table, OZ_BOOL, 0);
}
static int naive_lerp(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_ternary(call, lerp_table, -1, 0);
}
static int naive_addcmul(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_ternary(call, addcmul_table, -1, 1);
}
static int naive_addcdiv(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_ternary(call, addcdiv_table, -1, 1);
}

/* Registration rows for this family, ended by a row with op -1. The dispatch dtype is in[0]'s:
 * WHERE's is the bool condition, whatever the values' dtype. */
#define INT_AND_BOOL (OZ_MASK_INTEGRAL | OZ_DTYPE_BIT(OZ_BOOL))
const oz_kernel_reg naive_binary_kernels[] = {
    /* op                dtypes            kernel        supports() */
    {OZ_OP_POW, OZ_MASK_NUMERIC, naive_binary, NULL},
    {OZ_OP_REMAINDER, OZ_MASK_NUMERIC, naive_binary, NULL},
    {OZ_OP_FMOD, OZ_MASK_NUMERIC, naive_binary, NULL},
    {OZ_OP_DIV_FLOOR, OZ_MASK_NUMERIC, naive_binary, NULL},
    {OZ_OP_DIV_TRUNC, OZ_MASK_NUMERIC, naive_binary, NULL},
    {OZ_OP_MAXIMUM, OZ_MASK_ALL, naive_binary, NULL},
    {OZ_OP_MINIMUM, OZ_MASK_ALL, naive_binary, NULL},
    {OZ_OP_FMAX, OZ_MASK_ALL, naive_binary, NULL},
    {OZ_OP_FMIN, OZ_MASK_ALL, naive_binary, NULL},
    {OZ_OP_ATAN2, OZ_MASK_FLOATING, naive_binary, NULL},
    {OZ_OP_LOGICAL_AND, OZ_MASK_ALL, naive_binary, NULL},
    {OZ_OP_LOGICAL_OR, OZ_MASK_ALL, naive_binary, NULL},
    {OZ_OP_LOGICAL_XOR, OZ_MASK_ALL, naive_binary, NULL},
    {OZ_OP_BITWISE_AND, INT_AND_BOOL, naive_binary, NULL},
    {OZ_OP_BITWISE_OR, INT_AND_BOOL, naive_binary, NULL},
    {OZ_OP_BITWISE_XOR, INT_AND_BOOL, naive_binary, NULL},
    {OZ_OP_WHERE, OZ_DTYPE_BIT(OZ_BOOL), naive_where, NULL},
    {OZ_OP_LERP, OZ_MASK_FLOATING, naive_lerp, NULL},
    {OZ_OP_ADDCMUL, OZ_MASK_NUMERIC, naive_addcmul, NULL},
    {OZ_OP_ADDCDIV, OZ_MASK_FLOATING, naive_addcdiv, NULL},
    {-1, 0, NULL, NULL},
};
