/* unary_kernels.c - cpu_naive's kernels for unary math and activations (ops/unary.def).
 *
 * Every op of the family is one elementwise loop, so the whole file is data: for each kind of
 * dtype (floating, integral, bool) a list of `op -> C expression of the element`, expanded once
 * per dtype of that kind into a small function, and again into one table [op][dtype]. A single
 * kernel entry point looks the function up and runs it over the operands; an op/dtype pair
 * missing from the lists is "not implemented" (the core never asks for one, see unary.def).
 *
 * In an expression:
 *   a        the element of in[0] (for two-input ops, b is the element of in[1]);
 *   T, W     the element type and the type integral arithmetic wraps in (dtype_dispatch.h);
 *   s0..s3   the call's scalars read as T; i0, i1 its first ints.
 * Floating math goes through <tgmath.h>, so float32 elements use the float functions (expf,
 * ...) and stay float32 the way PyTorch computes them; constants are written as (T) casts for
 * the same reason.
 */
#include <tgmath.h>

#include "dtype_dispatch.h"
#include "iter.h"
#include "naive.h"

/* Ids 100-199 belong to this family: a slot per id. */
#define UNARY_FIRST_ID 100
#define UNARY_SLOTS 100
#define SLOT(NAME) (OZ_OP_##NAME - UNARY_FIRST_ID)

/* Not every libc's math.h defines M_* under -std=c11. */
#define K_SQRT1_2 0.70710678118654752440  /* 1/sqrt(2) */
#define K_SQRT_2_PI 0.79788456080286535588 /* sqrt(2/pi) */
#define K_INV_SQRT_2PI 0.39894228040143267794 /* 1/sqrt(2 pi) */
#define K_GELU_KAPPA 0.044715

/* x < 0 for an integral element without comparing an unsigned value with 0 (which -Wextra
 * flags as always false): the wrap type W is 64-bit unsigned, so the sign lands in bit 63. */
#define INT_NEG(x) (((W)(x) >> 63) != 0)

/* clamp(x, lo, hi) one bound at a time, with std::max/std::min's argument order so NaN behaves
 * as PyTorch's kernels: a NaN bound wins, a NaN element passes through. */
#define CLAMP_LO_FLT(v) ((s0 != s0 || (v) < s0) ? s0 : (v))
#define CLAMP_HI_FLT(v) ((s1 != s1 || s1 < (v)) ? s1 : (v))
#define CLAMP_LO_INT(v) ((v) < s0 ? s0 : (v))
#define CLAMP_HI_INT(v) (s1 < (v) ? s1 : (v))
#define CLAMP_EXPR(KIND, v)                                                                        \
  (i1 ? CLAMP_HI_##KIND(i0 ? CLAMP_LO_##KIND(v) : (v)) : i0 ? CLAMP_LO_##KIND(v) : (v))

/* ROUND: scalars[0] is 10^|decimals| (the core computes it), ints[0] the decimals. */
#define ROUND_EXPR                                                                                 \
  (i0 == 0 ? nearbyint(a) : i0 > 0 ? nearbyint(a * s0) / s0 : nearbyint(a / s0) * s0)

/* ---------------------------------------------------------------- one-input ops, out = f(a) */
#define FLOAT_MAPS(X, ...)                                                                         \
  X(__VA_ARGS__, ABS, fabs(a))                                                                     \
  X(__VA_ARGS__, SIGN, (T)((a > 0) - (a < 0)))                                                     \
  X(__VA_ARGS__, EXP, exp(a))                                                                      \
  X(__VA_ARGS__, EXP2, exp2(a))                                                                    \
  X(__VA_ARGS__, LOG, log(a))                                                                      \
  X(__VA_ARGS__, LOG2, log2(a))                                                                    \
  X(__VA_ARGS__, LOG10, log10(a))                                                                  \
  X(__VA_ARGS__, LOG1P, log1p(a))                                                                  \
  X(__VA_ARGS__, EXPM1, expm1(a))                                                                  \
  X(__VA_ARGS__, SQRT, sqrt(a))                                                                    \
  X(__VA_ARGS__, RSQRT, (T)1 / sqrt(a))                                                            \
  X(__VA_ARGS__, SQUARE, a * a)                                                                    \
  X(__VA_ARGS__, RECIPROCAL, (T)1 / a)                                                             \
  X(__VA_ARGS__, SIN, sin(a))                                                                      \
  X(__VA_ARGS__, COS, cos(a))                                                                      \
  X(__VA_ARGS__, TAN, tan(a))                                                                      \
  X(__VA_ARGS__, TANH, tanh(a))                                                                    \
  X(__VA_ARGS__, SIGMOID, (T)1 / ((T)1 + exp(-a)))                                                 \
  X(__VA_ARGS__, RELU, a < 0 ? (T)0 : a)                                                           \
  X(__VA_ARGS__, FLOOR, floor(a))                                                                  \
  X(__VA_ARGS__, CEIL, ceil(a))                                                                    \
  X(__VA_ARGS__, ROUND, ROUND_EXPR)                                                                \
  X(__VA_ARGS__, TRUNC, trunc(a))                                                                  \
  X(__VA_ARGS__, NAN_TO_NUM, isnan(a) ? s0 : isinf(a) ? (a > 0 ? s1 : s2) : a)                     \
  X(__VA_ARGS__, CLAMP, CLAMP_EXPR(FLT, a))                                                        \
  X(__VA_ARGS__, GELU,                                                                             \
    i0 == 0 ? a * (T)0.5 * ((T)1 + erf(a * (T)K_SQRT1_2))                                          \
            : (T)0.5 * a * ((T)1 + tanh((T)K_SQRT_2_PI * (a + (T)K_GELU_KAPPA * a * a * a))))      \
  X(__VA_ARGS__, SILU, a / ((T)1 + exp(-a)))                                                       \
  X(__VA_ARGS__, LEAKY_RELU, a > 0 ? a : a * s0)                                                   \
  X(__VA_ARGS__, ELU, a <= 0 ? (exp(a * s2) - (T)1) * s0 * s1 : a * s1)                            \
  X(__VA_ARGS__, SOFTPLUS, a * s0 > s1 ? a : log1p(exp(a * s0)) / s0)                              \
  X(__VA_ARGS__, ERF, erf(a))

#define INT_MAPS(X, ...)                                                                           \
  X(__VA_ARGS__, ABS, INT_NEG(a) ? (T)(0 - (W)a) : a)                                              \
  X(__VA_ARGS__, SIGN, INT_NEG(a) ? (T)-1 : (T)(a != 0))                                           \
  X(__VA_ARGS__, SQUARE, (T)((W)a * (W)a))                                                         \
  X(__VA_ARGS__, RELU, INT_NEG(a) ? (T)0 : a)                                                      \
  X(__VA_ARGS__, BITWISE_NOT, (T)~(W)a)                                                            \
  X(__VA_ARGS__, CLAMP, CLAMP_EXPR(INT, a))

#define BOOL_MAPS(X, ...)                                                                          \
  X(__VA_ARGS__, SIGN, (T)(a != 0))                                                                \
  X(__VA_ARGS__, BITWISE_NOT, (T)(a == 0))

/* ---------------------------------------------------------------- predicates, bool out = p(a) */
#define FLOAT_PREDS(X, ...)                                                                        \
  X(__VA_ARGS__, ISNAN, isnan(a))                                                                  \
  X(__VA_ARGS__, ISINF, isinf(a))                                                                  \
  X(__VA_ARGS__, ISFINITE, isfinite(a))                                                            \
  X(__VA_ARGS__, LOGICAL_NOT, a == 0)

#define INT_PREDS(X, ...) X(__VA_ARGS__, LOGICAL_NOT, a == 0)
#define BOOL_PREDS(X, ...) X(__VA_ARGS__, LOGICAL_NOT, a == 0)

/* ---------------------------------------------------------------- two inputs, out = f(a, b) */
/* The *_BACKWARD ops: a is the output gradient, b the forward input (or result). */
#define FLOAT_BINS(X, ...)                                                                         \
  X(__VA_ARGS__, CLAMP_MIN_TENSOR, (b != b || a < b) ? b : a)                                      \
  X(__VA_ARGS__, CLAMP_MAX_TENSOR, (b != b || b < a) ? b : a)                                      \
  X(__VA_ARGS__, THRESHOLD_BACKWARD, b <= s0 ? (T)0 : a)                                           \
  X(__VA_ARGS__, CLAMP_BACKWARD, (!i0 || b >= s0) && (!i1 || b <= s1) ? a : (T)0)                  \
  X(__VA_ARGS__, HARDTANH_BACKWARD, (b <= s0 || b >= s1) ? (T)0 : a)                               \
  X(__VA_ARGS__, LEAKY_RELU_BACKWARD, b > 0 ? a : a * s0)                                          \
  X(__VA_ARGS__, GELU_BACKWARD, a * (i0 == 0 ? GELU_EXACT_GRAD(b) : GELU_TANH_GRAD(b)))            \
  X(__VA_ARGS__, SILU_BACKWARD, a * SILU_GRAD(b))                                                  \
  X(__VA_ARGS__, ELU_BACKWARD,                                                                     \
    b > 0 || b != b ? a * s1                                                                       \
    : i0            ? a * s2 * (b + s0 * s1)                                                       \
                    : a * s2 * s0 * s1 * exp(b * s2))                                              \
  X(__VA_ARGS__, SOFTPLUS_BACKWARD, b * s0 > s1 ? a : a * SOFTPLUS_GRAD(b))

#define INT_BINS(X, ...)                                                                           \
  X(__VA_ARGS__, CLAMP_MIN_TENSOR, a < b ? b : a)                                                  \
  X(__VA_ARGS__, CLAMP_MAX_TENSOR, b < a ? b : a)
#define BOOL_BINS(X, ...) INT_BINS(X, __VA_ARGS__)

/* Derivatives too long for one line: statement expressions of x, in T (GCC and Clang). */
#define GELU_EXACT_GRAD(x)                                                                         \
  ({                                                                                               \
    const T cdf_ = (T)0.5 * ((T)1 + erf((x) * (T)K_SQRT1_2));                                      \
    const T pdf_ = (T)K_INV_SQRT_2PI * exp((T)-0.5 * (x) * (x));                                   \
    cdf_ + (x) * pdf_;                                                                             \
  })
#define GELU_TANH_GRAD(x)                                                                          \
  ({                                                                                               \
    const T x2_ = (x) * (x);                                                                       \
    const T th_ = tanh((T)K_SQRT_2_PI * ((x) + (T)K_GELU_KAPPA * x2_ * (x)));                      \
    (T)0.5 * ((T)1 + th_) + (T)0.5 * (x) * ((T)1 - th_ * th_) * (T)K_SQRT_2_PI *                   \
                                ((T)1 + (T)3 * (T)K_GELU_KAPPA * x2_);                             \
  })
#define SILU_GRAD(x)                                                                               \
  ({                                                                                               \
    const T s_ = (T)1 / ((T)1 + exp(-(x)));                                                        \
    s_ * ((T)1 + (x) * ((T)1 - s_));                                                               \
  })
#define SOFTPLUS_GRAD(x)                                                                           \
  ({                                                                                               \
    const T z_ = exp((x) * s0);                                                                    \
    z_ / (z_ + (T)1);                                                                              \
  })

/* ---------------------------------------------------------------- generating the functions */
typedef void (*elem_fn)(naive_iter *it, const oz_call *c);

/* The locals every expression may use. Parameters are named TT/WW so the expressions' T and W
 * can be local typedefs. */
#define PRELUDE(TT, WW, KIND)                                                                      \
  typedef TT T;                                                                                    \
  typedef WW W;                                                                                    \
  const T s0 = NAIVE_SCALAR(KIND, T, c->scalars[0]), s1 = NAIVE_SCALAR(KIND, T, c->scalars[1]);    \
  const T s2 = NAIVE_SCALAR(KIND, T, c->scalars[2]), s3 = NAIVE_SCALAR(KIND, T, c->scalars[3]);    \
  const int64_t i0 = c->ints[0], i1 = c->ints[1];                                                  \
  (void)sizeof(W), (void)s0, (void)s1, (void)s2, (void)s3, (void)i0, (void)i1;

#define DEFINE_MAP(DT, SFX, TT, WW, KIND, NAME, EXPR)                                              \
  static void NAME##_##SFX(naive_iter *it, const oz_call *c) {                                     \
    PRELUDE(TT, WW, KIND)                                                                          \
    NAIVE_UNARY_LOOP(*it, T, T, (T)(EXPR));                                                        \
  }
#define DEFINE_PRED(DT, SFX, TT, WW, KIND, NAME, EXPR)                                             \
  static void NAME##_##SFX(naive_iter *it, const oz_call *c) {                                     \
    PRELUDE(TT, WW, KIND)                                                                          \
    NAIVE_UNARY_LOOP(*it, uint8_t, T, (uint8_t)(EXPR));                                            \
  }
#define DEFINE_BIN(DT, SFX, TT, WW, KIND, NAME, EXPR)                                              \
  static void NAME##_##SFX(naive_iter *it, const oz_call *c) {                                     \
    PRELUDE(TT, WW, KIND)                                                                          \
    NAIVE_BINARY_LOOP(*it, T, T, T, (T)(EXPR));                                                    \
  }
#define ENTRY(DT, SFX, TT, WW, KIND, NAME, EXPR) [SLOT(NAME)][DT] = NAME##_##SFX,

/* Each dtype row of dtype_dispatch.h expanded over the op lists of its kind. */
#define FLOAT_FUNCS(DT, SFX, T, W, KIND)                                                           \
  FLOAT_MAPS(DEFINE_MAP, DT, SFX, T, W, KIND)                                                      \
  FLOAT_PREDS(DEFINE_PRED, DT, SFX, T, W, KIND) FLOAT_BINS(DEFINE_BIN, DT, SFX, T, W, KIND)
#define INT_FUNCS(DT, SFX, T, W, KIND)                                                             \
  INT_MAPS(DEFINE_MAP, DT, SFX, T, W, KIND)                                                        \
  INT_PREDS(DEFINE_PRED, DT, SFX, T, W, KIND) INT_BINS(DEFINE_BIN, DT, SFX, T, W, KIND)
#define BOOL_FUNCS(DT, SFX, T, W, KIND)                                                            \
  BOOL_MAPS(DEFINE_MAP, DT, SFX, T, W, KIND)                                                       \
  BOOL_PREDS(DEFINE_PRED, DT, SFX, T, W, KIND) BOOL_BINS(DEFINE_BIN, DT, SFX, T, W, KIND)
NAIVE_FLOATING_TYPES(FLOAT_FUNCS)
NAIVE_INTEGRAL_TYPES(INT_FUNCS)
NAIVE_BOOL_TYPE(BOOL_FUNCS)

#define FLOAT_ENTRIES(DT, SFX, T, W, KIND)                                                         \
  FLOAT_MAPS(ENTRY, DT, SFX, T, W, KIND)                                                           \
  FLOAT_PREDS(ENTRY, DT, SFX, T, W, KIND) FLOAT_BINS(ENTRY, DT, SFX, T, W, KIND)
#define INT_ENTRIES(DT, SFX, T, W, KIND)                                                           \
  INT_MAPS(ENTRY, DT, SFX, T, W, KIND)                                                             \
  INT_PREDS(ENTRY, DT, SFX, T, W, KIND) INT_BINS(ENTRY, DT, SFX, T, W, KIND)
#define BOOL_ENTRIES(DT, SFX, T, W, KIND)                                                          \
  BOOL_MAPS(ENTRY, DT, SFX, T, W, KIND)                                                            \
  BOOL_PREDS(ENTRY, DT, SFX, T, W, KIND) BOOL_BINS(ENTRY, DT, SFX, T, W, KIND)
static const elem_fn table[UNARY_SLOTS][OZ_NUM_DTYPES] = {
    NAIVE_FLOATING_TYPES(FLOAT_ENTRIES) NAIVE_INTEGRAL_TYPES(INT_ENTRIES)
        NAIVE_BOOL_TYPE(BOOL_ENTRIES)};

/* How many inputs each op takes, straight from unary.def; 0 marks an unused id. */
static const int8_t n_inputs[UNARY_SLOTS] = {
#define OZ_OP(name, id, n_in, n_out, doc) [id - UNARY_FIRST_ID] = n_in,
#include "dispatch/ops/unary.def"
#undef OZ_OP
};

/* Ops whose output is bool whatever the input dtype. */
#define BOOL_OUT(DT, SFX, T, W, KIND, NAME, EXPR) [SLOT(NAME)] = 1,
static const uint8_t bool_out[UNARY_SLOTS] = {FLOAT_PREDS(BOOL_OUT, 0, 0, 0, 0, 0)};

/* ---------------------------------------------------------------- the kernel */
static int naive_unary(void *ctx, const oz_call *c) {
  (void)ctx;
  const int slot = c->op - UNARY_FIRST_ID;
  if (slot < 0 || slot >= UNARY_SLOTS || n_inputs[slot] == 0)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: op %d is not a unary-family op", (int)c->op);
  const int n_in = n_inputs[slot];
  int rc = naive_check_call(c, n_in, 1, 0);
  if (rc) return rc;
  const int dtype = c->in[0].dtype; /* valid: checked by naive_check_call */
  const elem_fn fn = table[slot][dtype];
  if (!fn) return naive_unsupported(c, dtype);
  rc = naive_check_elementwise(c, dtype, bool_out[slot] ? OZ_BOOL : dtype);
  if (rc) return rc;
  naive_iter it;
  naive_iter_init(&it, 1 + n_in, (const oz_view *[]){&c->out[0], &c->in[0], &c->in[1]});
  fn(&it, c);
  return OZ_OK;
}

/* ---------------------------------------------------------------- registration
 * The dtypes each op is registered for: what the lists above define, which is what PyTorch's
 * CPU kernels accept once the core has applied its casts. */
#define FLT OZ_MASK_FLOATING
#define NUM OZ_MASK_NUMERIC
#define ALL OZ_MASK_ALL
#define INT_BOOL (OZ_MASK_INTEGRAL | OZ_DTYPE_BIT(OZ_BOOL))
#define REG(NAME, MASK) {OZ_OP_##NAME, MASK, naive_unary, NULL},
const oz_kernel_reg naive_unary_kernels[] = {
    REG(ABS, NUM) REG(SIGN, ALL) REG(EXP, FLT) REG(EXP2, FLT) REG(LOG, FLT) REG(LOG2, FLT)
    REG(LOG10, FLT) REG(LOG1P, FLT) REG(EXPM1, FLT) REG(SQRT, FLT) REG(RSQRT, FLT)
    REG(SQUARE, NUM) REG(RECIPROCAL, FLT) REG(SIN, FLT) REG(COS, FLT) REG(TAN, FLT)
    REG(TANH, FLT) REG(SIGMOID, FLT) REG(RELU, NUM) REG(FLOOR, FLT) REG(CEIL, FLT)
    REG(ROUND, FLT) REG(TRUNC, FLT) REG(ISNAN, FLT) REG(ISINF, FLT) REG(ISFINITE, FLT)
    REG(NAN_TO_NUM, FLT) REG(LOGICAL_NOT, ALL) REG(BITWISE_NOT, INT_BOOL) REG(CLAMP, NUM)
    REG(CLAMP_MIN_TENSOR, ALL) REG(CLAMP_MAX_TENSOR, ALL) REG(GELU, FLT) REG(SILU, FLT)
    REG(LEAKY_RELU, FLT) REG(ELU, FLT) REG(SOFTPLUS, FLT) REG(ERF, FLT)
    REG(THRESHOLD_BACKWARD, FLT) REG(CLAMP_BACKWARD, FLT) REG(HARDTANH_BACKWARD, FLT)
    REG(LEAKY_RELU_BACKWARD, FLT) REG(GELU_BACKWARD, FLT) REG(SILU_BACKWARD, FLT)
    REG(ELU_BACKWARD, FLT) REG(SOFTPLUS_BACKWARD, FLT)
    {-1, 0, NULL, NULL},
};
