/* reduce_grad.c - kernels the reductions' backward formulas call (core/reductions_grad.c):
 * SCATTER_INTO_ZEROS (gradients of max along a dim, sort, topk; also unique's bookkeeping),
 * LOGSUMEXP_BACKWARD and NORM_BACKWARD (elementwise derivatives needing exp/pow/sign, which the
 * core cannot assume another family provides). */
#include <inttypes.h>
#include <math.h>

#include "dtype_dispatch.h"
#include "reduce_walk.h"

/* ---- SCATTER_INTO_ZEROS: each line of out starts at 0 and receives the values at the given
 * positions; accumulate (+=) or assign (=, the last write wins) ---- */

int naive_scatter_into_zeros(void *ctx, const oz_call *call) {
  (void)ctx;
  int rc = naive_check_call(call, 2, 1, 0);
  if (rc) return rc;
  const int dtype = call->out[0].dtype;
  if (call->in[0].dtype != dtype || call->in[1].dtype != OZ_INT64)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: scatter_into_zeros takes (values of out's dtype, "
                      "int64 indices)");
  line_walk w;
  rc = line_walk_init(&w, call, 3, (const oz_view *[]){&call->out[0], &call->in[0], &call->in[1]},
                      call->n_ints > 0 ? call->ints[0] : -1);
  if (rc) return rc;
  const int64_t m = w.len[0], n = w.len[1];
  if (w.len[2] != n)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: scatter_into_zeros: values and indices differ "
                      "in shape");
  const bool accumulate = call->n_ints > 1 && call->ints[1] == 1, f = red_is_float(dtype);
  char *scratch = red_scratch(call, m + n);
  if (!scratch) return OZ_ERR_NOMEM;
  double *acc_f = (double *)scratch, *src_f = acc_f + m;
  int64_t *acc_i = (int64_t *)scratch, *src_i = acc_i + m;
  LINE_WALK_FOR(w, line, {
    red_load[dtype](line[1], w.stride[1], n, scratch + m * RED_CSIZE);
    for (int64_t t = 0; t < m; t++) acc_i[t] = 0; /* all-zero bytes are 0.0 too */
    const int64_t *index = (const int64_t *)line[2];
    for (int64_t j = 0; j < n; j++) {
      int64_t t = index[j * w.stride[2]];
      if (t < 0 || t >= m) {
        rc = NAIVE_FAIL(OZ_ERR_INDEX, "cpu_naive: scatter_into_zeros: index %" PRId64
                        " is out of bounds for size %" PRId64, t, m);
        goto done;
      }
      if (f)
        acc_f[t] = accumulate ? acc_f[t] + src_f[j] : src_f[j];
      else
        acc_i[t] = accumulate ? (int64_t)((uint64_t)acc_i[t] + (uint64_t)src_i[j]) : src_i[j];
    }
    red_store[dtype](scratch, line[0], w.stride[0], m);
  })
done:
  red_scratch_free(scratch);
  return rc;
}

/* ---- elementwise derivatives over (out, x, y), floating dtypes ---- */

/* sgn(x) as PyTorch's sign: 0 for 0 and for NaN. */
static double sgn(double x) { return (double)((x > 0) - (x < 0)); }

/* d|x|_p / dx given x and the norm n. */
static double norm_derivative(double x, double n, double p) {
  if (p == 0.0) return 0.0;
  if (p == 1.0) return sgn(x);
  if (isinf(p)) return (fabs(x) == n || isnan(x)) ? sgn(x) : 0.0;
  if (p == 2.0) return n == 0.0 ? 0.0 : x / n;
  if (p < 1.0) { /* sgn(x) |x|^(p-1) n^(1-p), with 0 where x is 0 */
    double s = x == 0.0 ? 0.0 : sgn(x) * pow(fabs(x), p - 1.0);
    return s * pow(n, 1.0 - p);
  }
  return n == 0.0 ? 0.0 : sgn(x) * pow(fabs(x), p - 1.0) / pow(n, p - 1.0);
}

#define DEFINE_GRAD_LOOPS(DT, SFX, T, W, KIND)                                                   \
  static void logsumexp_bw_##SFX(naive_iter *it, double p) {                                     \
    (void)p;                                                                                     \
    NAIVE_BINARY_LOOP(*it, T, T, T, (T)exp((double)a - (double)b))                               \
  }                                                                                              \
  static void norm_bw_##SFX(naive_iter *it, double p) {                                          \
    NAIVE_BINARY_LOOP(*it, T, T, T, (T)norm_derivative((double)a, (double)b, p))                 \
  }
NAIVE_FLOATING_TYPES(DEFINE_GRAD_LOOPS)

typedef void (*grad_loop_fn)(naive_iter *it, double p);
#define LSE_ENTRY(DT, SFX, T, W, KIND) [DT] = logsumexp_bw_##SFX,
#define NORM_ENTRY(DT, SFX, T, W, KIND) [DT] = norm_bw_##SFX,
static const grad_loop_fn logsumexp_bw_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(LSE_ENTRY)};
static const grad_loop_fn norm_bw_table[OZ_NUM_DTYPES] = {NAIVE_FLOATING_TYPES(NORM_ENTRY)};

static int run_grad_loop(const oz_call *call, const grad_loop_fn *table, int n_scalars) {
  int rc = naive_check_call(call, 2, 1, n_scalars);
  if (rc) return rc;
  const int dtype = call->out[0].dtype;
  if (!table[dtype]) return naive_unsupported(call, dtype);
  rc = naive_check_elementwise(call, dtype, dtype);
  if (rc) return rc;
  naive_iter it;
  naive_iter_init(&it, 3, (const oz_view *[]){&call->out[0], &call->in[0], &call->in[1]});
  table[dtype](&it, n_scalars ? call->scalars[0].f : 0.0);
  return OZ_OK;
}

int naive_logsumexp_backward(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_grad_loop(call, logsumexp_bw_table, 0);
}

int naive_norm_backward(void *ctx, const oz_call *call) {
  (void)ctx;
  return run_grad_loop(call, norm_bw_table, 1);
}
