/* dtype_dispatch.h - the element types cpu_naive computes on, as one data table (an X-macro),
 * and the per-kind value rules (reading a scalar, converting between types) the kernels share.
 *
 * A kernel file writes its body once as a macro of the type parameters, expands it over the
 * table to get one static function per dtype, and expands the table again to build an array
 * indexed by dtype. No switch ladders; a dtype missing from an op's array is "not implemented".
 *
 * Each row is X(dtype, sfx, T, W, KIND):
 *   dtype  the oz_dtype value
 *   sfx    short suffix for generated names (f32, i64, ...)
 *   T      the C storage type
 *   W      the type arithmetic runs in: T itself for floating types; uint64_t for integral types
 *          so that overflow wraps around (as in PyTorch) instead of being undefined behaviour.
 *          The final conversion of a wide unsigned value to a narrower signed T is
 *          implementation-defined in C; GCC and Clang define it as modulo 2^N.
 *   KIND   FLT, INT or BOOL: which oz_scalar field to read and which conversion rules apply.
 * bool is stored as one byte holding 0 or 1 (as in PyTorch); kernels read any nonzero byte as
 * true and always write 0 or 1.
 */
#ifndef NAIVE_DTYPE_DISPATCH_H
#define NAIVE_DTYPE_DISPATCH_H

#include <stdint.h>

#include "dispatch/oz_backend.h"

#define NAIVE_FLOATING_TYPES(X)             \
  X(OZ_FLOAT32, f32, float, float, FLT)     \
  X(OZ_FLOAT64, f64, double, double, FLT)

#define NAIVE_INTEGRAL_TYPES(X)               \
  X(OZ_INT64, i64, int64_t, uint64_t, INT)    \
  X(OZ_INT32, i32, int32_t, uint64_t, INT)    \
  X(OZ_INT16, i16, int16_t, uint64_t, INT)    \
  X(OZ_INT8, i8, int8_t, uint64_t, INT)       \
  X(OZ_UINT8, u8, uint8_t, uint64_t, INT)

#define NAIVE_BOOL_TYPE(X) X(OZ_BOOL, b8, uint8_t, uint8_t, BOOL)

#define NAIVE_NUMERIC_TYPES(X) NAIVE_FLOATING_TYPES(X) NAIVE_INTEGRAL_TYPES(X)
#define NAIVE_ALL_TYPES(X) NAIVE_NUMERIC_TYPES(X) NAIVE_BOOL_TYPE(X)

/* The same eight rows again, for nesting one expansion inside another (COPY's dst x src table):
 * the preprocessor never re-expands a macro inside its own expansion, so the inner loop needs
 * a macro of its own. The extra leading arguments (the outer row) are passed through to X.
 * Keep it in sync with the rows above; the COPY tests cover every pair. */
#define NAIVE_ALL_TYPES_INNER(X, ...)                    \
  X(__VA_ARGS__, OZ_FLOAT32, f32, float, float, FLT)     \
  X(__VA_ARGS__, OZ_FLOAT64, f64, double, double, FLT)   \
  X(__VA_ARGS__, OZ_INT64, i64, int64_t, uint64_t, INT)  \
  X(__VA_ARGS__, OZ_INT32, i32, int32_t, uint64_t, INT)  \
  X(__VA_ARGS__, OZ_INT16, i16, int16_t, uint64_t, INT)  \
  X(__VA_ARGS__, OZ_INT8, i8, int8_t, uint64_t, INT)     \
  X(__VA_ARGS__, OZ_UINT8, u8, uint8_t, uint64_t, INT)   \
  X(__VA_ARGS__, OZ_BOOL, b8, uint8_t, uint8_t, BOOL)

/* ---- reading an oz_scalar as a value of type T (the core sets both fields) ---- */
#define NAIVE_SCALAR_FLT(T, s) ((T)(s).f)
#define NAIVE_SCALAR_INT(T, s) ((T)(s).i)
#define NAIVE_SCALAR_BOOL(T, s) ((T)((s).i != 0))
#define NAIVE_SCALAR(KIND, T, s) NAIVE_SCALAR_##KIND(T, s)

/* ---- an element as a comparable value: bools compare as 0/1 whatever byte they hold ---- */
#define NAIVE_VALUE_FLT(x) (x)
#define NAIVE_VALUE_INT(x) (x)
#define NAIVE_VALUE_BOOL(x) ((x) != 0)
#define NAIVE_VALUE(KIND, x) NAIVE_VALUE_##KIND(x)

/* ---- floating -> integral without undefined behaviour ----
 * C leaves out-of-range float->int conversion undefined. PyTorch does a plain C++ cast, which
 * on x86-64 truncates toward zero and yields the "integer indefinite" value (the minimum of the
 * 32- or 64-bit conversion instruction) for NaN, infinities and out-of-range values; narrower
 * types keep the low bits of that conversion. Measured on PyTorch 1.13.1: int16 and int8 go
 * through the 32-bit conversion (float64 3000000007 -> int8 0), uint8 through the 64-bit one
 * (float64 3000000007 -> uint8 7); 300.7 -> uint8/int8 44, -1.5 -> uint8 255, NaN -> 0.
 * These reproduce exactly that, portably. */
static inline int64_t naive_double_to_i64(double x) {
  if (x >= -0x1p63 && x < 0x1p63) return (int64_t)x; /* false for NaN */
  return INT64_MIN;
}
static inline int32_t naive_double_to_i32(double x) {
  if (x > -2147483649.0 && x < 2147483648.0) return (int32_t)x;
  return INT32_MIN;
}
/* Named by destination suffix so NAIVE_CONVERT can paste the name. */
#define naive_float_to_i64(x) naive_double_to_i64((double)(x))
#define naive_float_to_i32(x) naive_double_to_i32((double)(x))
#define naive_float_to_i16(x) ((int16_t)naive_double_to_i32((double)(x)))
#define naive_float_to_i8(x) ((int8_t)naive_double_to_i32((double)(x)))
#define naive_float_to_u8(x) ((uint8_t)(uint64_t)naive_double_to_i64((double)(x)))

/* ---- converting an element of kind SK to type T (suffix SFX) of kind DK ----
 * NAIVE_CONVERT(SK, DK, T, SFX, x). Rules as PyTorch's casts: float->integral truncates toward
 * zero (see above), anything->bool is x != 0 (NaN is true), bool->number is 0 or 1,
 * integral->integral keeps the low bits, float64->float32 rounds (overflow gives inf). */
#define NAIVE_CONVERT_FLT_TO_FLT(T, SFX, x) ((T)(x))
#define NAIVE_CONVERT_INT_TO_FLT(T, SFX, x) ((T)(x))
#define NAIVE_CONVERT_BOOL_TO_FLT(T, SFX, x) ((T)((x) != 0))
#define NAIVE_CONVERT_FLT_TO_INT(T, SFX, x) naive_float_to_##SFX(x)
#define NAIVE_CONVERT_INT_TO_INT(T, SFX, x) ((T)(x))
#define NAIVE_CONVERT_BOOL_TO_INT(T, SFX, x) ((T)((x) != 0))
#define NAIVE_CONVERT_FLT_TO_BOOL(T, SFX, x) ((uint8_t)((x) != 0))
#define NAIVE_CONVERT_INT_TO_BOOL(T, SFX, x) ((uint8_t)((x) != 0))
#define NAIVE_CONVERT_BOOL_TO_BOOL(T, SFX, x) ((uint8_t)((x) != 0))
#define NAIVE_CONVERT(SK, DK, T, SFX, x) NAIVE_CONVERT_##SK##_TO_##DK(T, SFX, x)

/* Typical use in a kernel file:
 *   #define DEFINE_NEG(DT, SFX, T, W, KIND) static void neg_##SFX(naive_iter *it) { ... }
 *   NAIVE_NUMERIC_TYPES(DEFINE_NEG)
 *   #define NEG_ENTRY(DT, SFX, T, W, KIND) [DT] = neg_##SFX,
 *   static const unary_fn neg_table[OZ_NUM_DTYPES] = {NAIVE_NUMERIC_TYPES(NEG_ENTRY)};
 */

#endif /* NAIVE_DTYPE_DISPATCH_H */
