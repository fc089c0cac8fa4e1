/* index_kernels.c - cpu_naive's kernels for shapes, indexing and copies (ops/index.def):
 * INDEX_OFFSETS, INDEX_GATHER, INDEX_PUT, MASKED_FILL, NONZERO, TRIL/TRIU.
 *
 * Gathering and plain stores only move bytes, so they are written once per element size
 * (1, 2, 4, 8 bytes) rather than per dtype; arithmetic (INDEX_PUT's add/multiply, MASKED_FILL's
 * value, NONZERO's test) goes through the dtype table of dtype_dispatch.h. */
#include <string.h>

#include "dtype_dispatch.h"
#include "iter.h"
#include "naive.h"

/* The unsigned type of each element size, for kernels that only move elements. */
#define NAIVE_ELEMENT_SIZES(X) X(1, uint8_t) X(2, uint16_t) X(4, uint32_t) X(8, uint64_t)

/* Index of an element size in the per-size tables (-1 if none). */
static int size_slot(size_t nbytes) {
  switch (nbytes) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    default: return -1;
  }
}

/* ------------------------------------------------------------------ INDEX_OFFSETS */

/* The index dtypes: int64 and int32 (index_select and index_add take int32 indices). */
#define OFFSET_INDEX_TYPES(X) X(OZ_INT64, i64, int64_t) X(OZ_INT32, i32, int32_t)

typedef struct offsets_args {
  int64_t size, stride;
  int accumulate, allow_negative;
  int64_t bad; /* the first index out of range */
} offsets_args;

/* Returns 0, or 1 with args->bad set at the first index out of range. */
typedef int (*offsets_fn)(naive_iter *it, offsets_args *args);

#define DEFINE_OFFSETS(DT, SFX, T)                                                               \
  static int offsets_##SFX(naive_iter *it, offsets_args *args) {                                 \
    const int64_t size = args->size, stride = args->stride;                                      \
    const int64_t lo = args->allow_negative ? -size : 0;                                         \
    while (naive_iter_next(it)) {                                                                \
      int64_t *o = (int64_t *)it->row[0];                                                        \
      const T *k = (const T *)it->row[1];                                                        \
      const int64_t so = it->step[0], sk = it->step[1];                                          \
      for (int64_t i = 0; i < it->n; i++) {                                                      \
        int64_t v = (int64_t)k[i * sk];                                                          \
        if (v < lo || v >= size) {                                                               \
          args->bad = v;                                                                         \
          return 1;                                                                              \
        }                                                                                        \
        if (v < 0) v += size;                                                                    \
        o[i * so] = (args->accumulate ? o[i * so] : 0) + v * stride;                             \
      }                                                                                          \
    }                                                                                            \
    return 0;                                                                                    \
  }
OFFSET_INDEX_TYPES(DEFINE_OFFSETS)

#define OFFSETS_ENTRY(DT, SFX, T) [DT] = offsets_##SFX,
static const offsets_fn offsets_table[OZ_NUM_DTYPES] = {OFFSET_INDEX_TYPES(OFFSETS_ENTRY)};

static int naive_index_offsets(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 1, 0);
  if (rc) return rc;
  const int dtype = call->in[0].dtype;
  if (!offsets_table[dtype]) return naive_unsupported(call, dtype);
  rc = naive_check_elementwise(call, dtype, OZ_INT64);
  if (rc) return rc;
  if (call->n_ints < 5)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: index_offsets takes 5 ints, got %d",
                      (int)call->n_ints);
  offsets_args args = {call->ints[0], call->ints[1], call->ints[2] != 0, call->ints[3] != 0, 0};
  naive_iter it;
  naive_iter_init(&it, 2, (const oz_view *[]){&call->out[0], &call->in[0]});
  if (offsets_table[dtype](&it, &args))
    return NAIVE_FAIL(OZ_ERR_INDEX, "index %lld is out of bounds for dimension %lld with size %lld",
                      (long long)args.bad, (long long)call->ints[4], (long long)args.size);
  return OZ_OK;
}

/* ------------------------------------------------------------------ INDEX_GATHER */

typedef void (*move_fn)(naive_iter *it);

/* out[i] = src[i + off[i]] */
#define DEFINE_GATHER(NB, U)                                                                     \
  static void gather_##NB(naive_iter *it) {                                                      \
    while (naive_iter_next(it)) {                                                                \
      U *o = (U *)it->row[0];                                                                    \
      const U *s = (const U *)it->row[1];                                                        \
      const int64_t *off = (const int64_t *)it->row[2];                                          \
      const int64_t so = it->step[0], ss = it->step[1], sf = it->step[2];                        \
      for (int64_t i = 0; i < it->n; i++) o[i * so] = s[i * ss + off[i * sf]];                   \
    }                                                                                            \
  }
NAIVE_ELEMENT_SIZES(DEFINE_GATHER)

#define GATHER_ENTRY(NB, U) gather_##NB,
static const move_fn gather_table[] = {NAIVE_ELEMENT_SIZES(GATHER_ENTRY)};

/* Shapes of out[0] and in[1] must match in[0]'s, as the doc promises. */
static int check_same_shapes(const oz_call *call, const oz_view *ref) {
  const oz_view *views[3] = {&call->out[0], &call->in[0], &call->in[1]};
  for (int k = 0; k < 3; k++) {
    int same = views[k]->ndim == ref->ndim;
    for (int d = 0; same && d < ref->ndim; d++) same = views[k]->shape[d] == ref->shape[d];
    if (!same)
      return NAIVE_FAIL(OZ_ERR_RUNTIME,
                        "cpu_naive: %s: out[0], in[0] and in[1] must have one shape (the core "
                        "restrides and broadcasts them)",
                        naive_host->op_name(call->op));
  }
  if (call->in[1].dtype != OZ_INT64)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: in[1] holds int64 offsets, got %s",
                      naive_host->op_name(call->op), naive_host->dtype_name(call->in[1].dtype));
  if (call->out[0].dtype != call->in[0].dtype)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: out[0] and in[0] must have one dtype",
                      naive_host->op_name(call->op));
  return OZ_OK;
}

static int naive_index_gather(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 2, 1, 0);
  if (rc) return rc;
  rc = check_same_shapes(call, &call->out[0]);
  if (rc) return rc;
  naive_iter it;
  naive_iter_init(&it, 3, (const oz_view *[]){&call->out[0], &call->in[0], &call->in[1]});
  gather_table[size_slot(naive_dtype_size(call->out[0].dtype))](&it);
  return OZ_OK;
}

/* ------------------------------------------------------------------ INDEX_PUT */

/* dst[i + off[i]] = v[i]: a store per element, in the iterator's order. */
#define DEFINE_PUT(NB, U)                                                                        \
  static void put_##NB(naive_iter *it) {                                                         \
    while (naive_iter_next(it)) {                                                                \
      U *d = (U *)it->row[0];                                                                    \
      const U *v = (const U *)it->row[1];                                                        \
      const int64_t *off = (const int64_t *)it->row[2];                                          \
      const int64_t sd = it->step[0], sv = it->step[1], sf = it->step[2];                        \
      for (int64_t i = 0; i < it->n; i++) d[i * sd + off[i * sf]] = v[i * sv];                   \
    }                                                                                            \
  }
NAIVE_ELEMENT_SIZES(DEFINE_PUT)

#define PUT_ENTRY(NB, U) put_##NB,
static const move_fn put_table[] = {NAIVE_ELEMENT_SIZES(PUT_ENTRY)};

/* dst[i + off[i]] = EXPR, where EXPR combines the current `d` and the value `v`. */
#define DEFINE_PUT_OP(NAME, T, EXPR)                                                             \
  static void NAME(naive_iter *it) {                                                             \
    while (naive_iter_next(it)) {                                                                \
      T *dst = (T *)it->row[0];                                                                  \
      const T *val = (const T *)it->row[1];                                                      \
      const int64_t *off = (const int64_t *)it->row[2];                                          \
      const int64_t sd = it->step[0], sv = it->step[1], sf = it->step[2];                        \
      for (int64_t i = 0; i < it->n; i++) {                                                      \
        T *p = dst + i * sd + off[i * sf];                                                       \
        const T d = *p, v = val[i * sv];                                                         \
        *p = (EXPR);                                                                             \
      }                                                                                          \
    }                                                                                            \
  }
/* numbers: in the arithmetic type W (integers wrap); bool: or / and, as PyTorch's bool math */
#define DEFINE_PUT_REDUCE(DT, SFX, T, W, KIND)                                                   \
  DEFINE_PUT_OP(put_add_##SFX, T, (T)((W)d + (W)v))                                              \
  DEFINE_PUT_OP(put_mul_##SFX, T, (T)((W)d * (W)v))
NAIVE_NUMERIC_TYPES(DEFINE_PUT_REDUCE)
DEFINE_PUT_OP(put_add_b8, uint8_t, (uint8_t)(d != 0 || v != 0))
DEFINE_PUT_OP(put_mul_b8, uint8_t, (uint8_t)(d != 0 && v != 0))

#define PUT_ADD_ENTRY(DT, SFX, T, W, KIND) [DT] = put_add_##SFX,
#define PUT_MUL_ENTRY(DT, SFX, T, W, KIND) [DT] = put_mul_##SFX,
static const move_fn put_add_table[OZ_NUM_DTYPES] = {
    NAIVE_NUMERIC_TYPES(PUT_ADD_ENTRY)[OZ_BOOL] = put_add_b8};
static const move_fn put_mul_table[OZ_NUM_DTYPES] = {
    NAIVE_NUMERIC_TYPES(PUT_MUL_ENTRY)[OZ_BOOL] = put_mul_b8};

static int naive_index_put(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 2, 1, 0);
  if (rc) return rc;
  rc = check_same_shapes(call, &call->in[0]);
  if (rc) return rc;
  const int64_t mode = call->n_ints > 0 ? call->ints[0] : 0;
  const int dtype = call->in[0].dtype;
  move_fn fn = mode == 0   ? put_table[size_slot(naive_dtype_size(dtype))]
               : mode == 1 ? put_add_table[dtype]
               : mode == 2 ? put_mul_table[dtype]
                           : NULL;
  if (!fn)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: index_put: unknown mode %lld", (long long)mode);
  naive_iter it;
  naive_iter_init(&it, 3, (const oz_view *[]){&call->out[0], &call->in[0], &call->in[1]});
  fn(&it);
  return OZ_OK;
}

/* ------------------------------------------------------------------ MASKED_FILL */

typedef void (*fill_fn)(naive_iter *it, oz_scalar value);

#define DEFINE_MASKED_FILL(DT, SFX, T, W, KIND)                                                  \
  static void masked_fill_##SFX(naive_iter *it, oz_scalar value) {                               \
    const T v = NAIVE_SCALAR(KIND, T, value);                                                    \
    NAIVE_BINARY_LOOP(*it, T, T, uint8_t, b ? v : a);                                            \
  }
NAIVE_ALL_TYPES(DEFINE_MASKED_FILL)

#define MASKED_FILL_ENTRY(DT, SFX, T, W, KIND) [DT] = masked_fill_##SFX,
static const fill_fn masked_fill_table[OZ_NUM_DTYPES] = {NAIVE_ALL_TYPES(MASKED_FILL_ENTRY)};

static int naive_masked_fill(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 2, 1, 1);
  if (rc) return rc;
  const int dtype = call->out[0].dtype;
  rc = naive_check_elementwise(call, -1, dtype);
  if (rc) return rc;
  if (call->in[0].dtype != dtype || call->in[1].dtype != OZ_BOOL)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: masked_fill takes in[0] of out[0]'s dtype and "
                                      "a bool mask in[1]");
  naive_iter it;
  naive_iter_init(&it, 3, (const oz_view *[]){&call->out[0], &call->in[0], &call->in[1]});
  masked_fill_table[dtype](&it, call->scalars[0]);
  return OZ_OK;
}

/* ------------------------------------------------------------------ NONZERO */

/* Writes the coordinates of nonzero elements, row-major, at most `limit` rows. Returns the
 * number of rows it found (all of them, even past the limit, so the caller can check). */
typedef int64_t (*nonzero_fn)(const oz_view *in, int64_t *out, int64_t row_stride,
                              int64_t col_stride, int64_t limit);

#define DEFINE_NONZERO(DT, SFX, T, W, KIND)                                                      \
  static int64_t nonzero_##SFX(const oz_view *in, int64_t *out, int64_t row_stride,             \
                               int64_t col_stride, int64_t limit) {                              \
    const int nd = in->ndim;                                                                     \
    int64_t numel = naive_numel(in), found = 0, index[OZ_MAX_DIMS] = {0}, off = 0;               \
    const T *x = (const T *)in->data;                                                            \
    for (int64_t e = 0; e < numel; e++) {                                                        \
      if (NAIVE_VALUE(KIND, x[off]) != 0) {                                                      \
        if (found < limit)                                                                       \
          for (int d = 0; d < nd; d++) out[found * row_stride + d * col_stride] = index[d];      \
        found++;                                                                                 \
      }                                                                                          \
      for (int d = nd - 1; d >= 0; d--) { /* odometer: row-major order */                       \
        off += in->strides[d];                                                                   \
        if (++index[d] < in->shape[d]) break;                                                    \
        off -= in->strides[d] * in->shape[d];                                                    \
        index[d] = 0;                                                                            \
      }                                                                                          \
    }                                                                                            \
    return found;                                                                                \
  }
NAIVE_ALL_TYPES(DEFINE_NONZERO)

#define NONZERO_ENTRY(DT, SFX, T, W, KIND) [DT] = nonzero_##SFX,
static const nonzero_fn nonzero_table[OZ_NUM_DTYPES] = {NAIVE_ALL_TYPES(NONZERO_ENTRY)};

static int naive_nonzero(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 1, 0);
  if (rc) return rc;
  const oz_view *in = &call->in[0], *out = &call->out[0];
  if (out->dtype != OZ_INT64 || out->ndim != 2 || out->shape[1] != in->ndim)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: nonzero writes an int64 [n, %d] tensor",
                      (int)in->ndim);
  int64_t found = nonzero_table[in->dtype](in, (int64_t *)out->data, out->strides[0],
                                           out->strides[1], out->shape[0]);
  if (found != out->shape[0])
    return NAIVE_FAIL(OZ_ERR_RUNTIME,
                      "cpu_naive: nonzero found %lld nonzero elements but out[0] has %lld rows",
                      (long long)found, (long long)out->shape[0]);
  return OZ_OK;
}

/* ------------------------------------------------------------------ TRIL / TRIU */

/* Per matrix: keep (i, j) where lower ? j - i <= k : j - i >= k, zero the rest. Zero is all
 * zero bytes in every dtype, so this only moves elements. */
typedef void (*tri_fn)(const oz_view *in, const oz_view *out, int64_t k, int lower);

#define DEFINE_TRI(NB, U)                                                                        \
  static void tri_##NB(const oz_view *in, const oz_view *out, int64_t k, int lower) {            \
    const int nd = out->ndim, nb = nd - 2;                                                       \
    const int64_t rows = out->shape[nb], cols = out->shape[nb + 1];                              \
    int64_t batch = 1, index[OZ_MAX_DIMS] = {0};                                                 \
    for (int d = 0; d < nb; d++) batch *= out->shape[d];                                         \
    if (rows == 0 || cols == 0) return;                                                          \
    const int64_t isr = in->strides[nb], isc = in->strides[nb + 1];                              \
    const int64_t osr = out->strides[nb], osc = out->strides[nb + 1];                            \
    for (int64_t b = 0; b < batch; b++) {                                                        \
      const U *x = (const U *)in->data;                                                          \
      U *o = (U *)out->data;                                                                     \
      for (int d = 0; d < nb; d++) x += index[d] * in->strides[d], o += index[d] * out->strides[d]; \
      for (int64_t i = 0; i < rows; i++)                                                         \
        for (int64_t j = 0; j < cols; j++) {                                                     \
          int keep = lower ? j - i <= k : j - i >= k;                                            \
          o[i * osr + j * osc] = keep ? x[i * isr + j * isc] : 0;                                \
        }                                                                                        \
      for (int d = nb - 1; d >= 0; d--) {                                                        \
        if (++index[d] < out->shape[d]) break;                                                   \
        index[d] = 0;                                                                            \
      }                                                                                          \
    }                                                                                            \
  }
NAIVE_ELEMENT_SIZES(DEFINE_TRI)

#define TRI_ENTRY(NB, U) tri_##NB,
static const tri_fn tri_table[] = {NAIVE_ELEMENT_SIZES(TRI_ENTRY)};

static int naive_tri(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 1, 0);
  if (rc) return rc;
  rc = naive_check_elementwise(call, call->out[0].dtype, call->out[0].dtype);
  if (rc) return rc;
  if (call->out[0].ndim < 2 || call->n_ints < 1)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s takes a >= 2-d tensor and ints[0]",
                      naive_host->op_name(call->op));
  tri_table[size_slot(naive_dtype_size(call->out[0].dtype))](&call->in[0], &call->out[0],
                                                              call->ints[0], call->op == OZ_OP_TRIL);
  return OZ_OK;
}

/* Registration rows for this family, ended by a row with op -1. */
const oz_kernel_reg naive_index_kernels[] = {
    {OZ_OP_INDEX_OFFSETS, OZ_DTYPE_BIT(OZ_INT64) | OZ_DTYPE_BIT(OZ_INT32), naive_index_offsets,
     NULL},
    {OZ_OP_INDEX_GATHER, OZ_MASK_ALL, naive_index_gather, NULL},
    {OZ_OP_INDEX_PUT, OZ_MASK_ALL, naive_index_put, NULL},
    {OZ_OP_MASKED_FILL, OZ_MASK_ALL, naive_masked_fill, NULL},
    {OZ_OP_NONZERO, OZ_MASK_ALL, naive_nonzero, NULL},
    {OZ_OP_TRIL, OZ_MASK_ALL, naive_tri, NULL},
    {OZ_OP_TRIU, OZ_MASK_ALL, naive_tri, NULL},
    {-1, 0, NULL, NULL},
};
