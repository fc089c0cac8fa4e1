/* compare.c - EQ, NE, LT, LE, GT, GE for every dtype: two inputs of one dtype, a bool output.
 * C's comparison operators already have PyTorch's semantics, NaN included (NaN != x is true,
 * every other comparison with NaN is false); bools compare as 0 < 1. */
#include "dtype_dispatch.h"
#include "iter.h"
#include "naive.h"

typedef void (*compare_fn)(naive_iter *it);

/* The six ops, in oz_ops.def order: X(outer row..., OP id suffix, name, C operator). */
#define NAIVE_COMPARISONS(X, ...)  \
  X(__VA_ARGS__, EQ, eq, ==)       \
  X(__VA_ARGS__, NE, ne, !=)       \
  X(__VA_ARGS__, LT, lt, <)        \
  X(__VA_ARGS__, LE, le, <=)       \
  X(__VA_ARGS__, GT, gt, >)        \
  X(__VA_ARGS__, GE, ge, >=)

#define DEFINE_COMPARE(DT, SFX, T, W, KIND, OP, NAME, CMP)                                       \
  static void NAME##_##SFX(naive_iter *it) {                                                     \
    NAIVE_BINARY_LOOP(*it, uint8_t, T, T,                                                        \
                      (uint8_t)(NAIVE_VALUE(KIND, a) CMP NAIVE_VALUE(KIND, b)));                 \
  }
#define DEFINE_COMPARES(DT, SFX, T, W, KIND) NAIVE_COMPARISONS(DEFINE_COMPARE, DT, SFX, T, W, KIND)
NAIVE_ALL_TYPES(DEFINE_COMPARES)

/* compare_table[op - OZ_OP_EQ][dtype] */
#define COMPARE_ENTRY(DT, SFX, T, W, KIND, OP, NAME, CMP)                                        \
  [OZ_OP_##OP - OZ_OP_EQ][DT] = NAME##_##SFX,
#define COMPARE_ENTRIES(DT, SFX, T, W, KIND) NAIVE_COMPARISONS(COMPARE_ENTRY, DT, SFX, T, W, KIND)
static const compare_fn compare_table[6][OZ_NUM_DTYPES] = {NAIVE_ALL_TYPES(COMPARE_ENTRIES)};

/* The table's rows rely on the six ops being consecutive in oz_ops.def. */
_Static_assert(OZ_OP_NE == OZ_OP_EQ + 1 && OZ_OP_LT == OZ_OP_EQ + 2 && OZ_OP_LE == OZ_OP_EQ + 3 &&
                   OZ_OP_GT == OZ_OP_EQ + 4 && OZ_OP_GE == OZ_OP_EQ + 5,
               "comparison ops must be consecutive in oz_ops.def");

int naive_compare(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 2, 1, 0);
  if (rc) return rc;
  const int dtype = call->in[0].dtype;
  const int row = call->op - OZ_OP_EQ;
  if (row < 0 || row >= 6)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: the comparison kernel got op %s",
                      naive_host->op_name(call->op));
  if (!compare_table[row][dtype]) return naive_unsupported(call, dtype);
  rc = naive_check_elementwise(call, dtype, OZ_BOOL);
  if (rc) return rc;
  naive_iter it;
  naive_iter_init(&it, 3, (const oz_view *[]){&call->out[0], &call->in[0], &call->in[1]});
  compare_table[row][dtype](&it);
  return OZ_OK;
}
