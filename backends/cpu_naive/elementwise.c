/* elementwise.c - ADD, SUB, MUL, DIV, NEG.
 *
 * The core has broadcast the inputs to out[0]'s shape (stride-0 views) and cast them to out[0]'s
 * dtype, so each kernel is one loop over three same-typed operands. Arithmetic follows
 * PyTorch's CPU kernels: floating math in the element type (float32 stays float32), integral
 * math wraps around (done in uint64_t, see dtype_dispatch.h), and bool add/mul are logical
 * or/and.
 */
#include "dtype_dispatch.h"
#include "iter.h"
#include "naive.h"

typedef void (*binary_fn)(naive_iter *it, oz_scalar alpha);
typedef void (*unary_fn)(naive_iter *it);

/* out = a + alpha * b and out = a - alpha * b; alpha converted to the element type first, as
 * PyTorch does (alpha.to<scalar_t>()). */
#define DEFINE_ADD_SUB(DT, SFX, T, W, KIND)                                                      \
  static void add_##SFX(naive_iter *it, oz_scalar alpha_s) {                                     \
    const W alpha = (W)NAIVE_SCALAR(KIND, T, alpha_s);                                           \
    NAIVE_BINARY_LOOP(*it, T, T, T, (T)((W)a + alpha * (W)b));                                   \
  }                                                                                              \
  static void sub_##SFX(naive_iter *it, oz_scalar alpha_s) {                                     \
    const W alpha = (W)NAIVE_SCALAR(KIND, T, alpha_s);                                           \
    NAIVE_BINARY_LOOP(*it, T, T, T, (T)((W)a - alpha * (W)b));                                   \
  }
NAIVE_NUMERIC_TYPES(DEFINE_ADD_SUB)

#define DEFINE_MUL(DT, SFX, T, W, KIND)                                                          \
  static void mul_##SFX(naive_iter *it, oz_scalar unused) {                                      \
    (void)unused;                                                                                \
    NAIVE_BINARY_LOOP(*it, T, T, T, (T)((W)a * (W)b));                                           \
  }
NAIVE_NUMERIC_TYPES(DEFINE_MUL)

#define DEFINE_DIV(DT, SFX, T, W, KIND)                                                          \
  static void div_##SFX(naive_iter *it, oz_scalar unused) {                                      \
    (void)unused;                                                                                \
    NAIVE_BINARY_LOOP(*it, T, T, T, a / b);                                                      \
  }
NAIVE_FLOATING_TYPES(DEFINE_DIV)

#define DEFINE_NEG(DT, SFX, T, W, KIND)                                                          \
  static void neg_##SFX(naive_iter *it) { NAIVE_UNARY_LOOP(*it, T, T, (T)(-(W)a)); }
NAIVE_NUMERIC_TYPES(DEFINE_NEG)

/* bool: PyTorch computes a + alpha*b and a*b on bools as logical or / and. */
static void add_b8(naive_iter *it, oz_scalar alpha_s) {
  const int alpha = alpha_s.i != 0;
  NAIVE_BINARY_LOOP(*it, uint8_t, uint8_t, uint8_t, (uint8_t)(a != 0 || (alpha && b != 0)));
}
static void mul_b8(naive_iter *it, oz_scalar unused) {
  (void)unused;
  NAIVE_BINARY_LOOP(*it, uint8_t, uint8_t, uint8_t, (uint8_t)(a != 0 && b != 0));
}

/* The per-dtype tables; a dtype left out is "not implemented" (bool sub/neg, integral div). */
#define ADD_ENTRY(DT, SFX, T, W, KIND) [DT] = add_##SFX,
#define SUB_ENTRY(DT, SFX, T, W, KIND) [DT] = sub_##SFX,
#define MUL_ENTRY(DT, SFX, T, W, KIND) [DT] = mul_##SFX,
#define DIV_ENTRY(DT, SFX, T, W, KIND) [DT] = div_##SFX,
#define NEG_ENTRY(DT, SFX, T, W, KIND) [DT] = neg_##SFX,
static const binary_fn add_table[OZ_NUM_DTYPES] = {
    NAIVE_NUMERIC_TYPES(ADD_ENTRY) [OZ_BOOL] = add_b8};
static const binary_fn sub_table[OZ_NUM_DTYPES] = {NAIVE_NUMERIC_TYPES(SUB_ENTRY)};
static const binary_fn mul_table[OZ_NUM_DTYPES] = {
    NAIVE_NUMERIC_TYPES(MUL_ENTRY) [OZ_BOOL] = mul_b8};
static const binary_fn div_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(DIV_ENTRY)};
static const unary_fn neg_table[OZ_NUM_DTYPES] = {NAIVE_NUMERIC_TYPES(NEG_ENTRY)};

/* Checks the call and runs table[dtype] over (out, in[0], in[1]). */
static int run_binary(const oz_call *call, const binary_fn *table, int n_scalars) {
  int rc = naive_check_call(call, 2, 1, n_scalars);
  if (rc) return rc;
  const int dtype = call->out[0].dtype;
  if (!table[dtype]) return naive_unsupported(call, dtype); /* checked: 0 <= dtype < 8 */
  rc = naive_check_elementwise(call, dtype, dtype);
  if (rc) return rc;
  naive_iter it;
  naive_iter_init(&it, 3, (const oz_view *[]){&call->out[0], &call->in[0], &call->in[1]});
  oz_scalar alpha = {1.0, 1};
  if (n_scalars > 0) alpha = call->scalars[0];
  table[dtype](&it, alpha);
  return OZ_OK;
}

int naive_add(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_binary(call, add_table, 1);
}
int naive_sub(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_binary(call, sub_table, 1);
}
int naive_mul(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_binary(call, mul_table, 0);
}
int naive_div(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_binary(call, div_table, 0);
}

int naive_neg(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 1, 1, 0);
  if (rc) return rc;
  const int dtype = call->out[0].dtype;
  if (!neg_table[dtype]) return naive_unsupported(call, dtype);
  rc = naive_check_elementwise(call, dtype, dtype);
  if (rc) return rc;
  naive_iter it;
  naive_iter_init(&it, 2, (const oz_view *[]){&call->out[0], &call->in[0]});
  neg_table[dtype](&it);
  return OZ_OK;
}
