/* reduce_walk.h - what the reduction and sorting kernels of cpu_naive (ops/reduce.def) share:
 * two ways of walking operands, and moving values between any dtype and two compute types.
 *
 * Compute types. A reduction's arithmetic does not depend on the storage type, only on its kind:
 * floating dtypes are computed in double (PyTorch's CPU accumulate type for float32 is double
 * too), integral and bool dtypes in int64_t (every one of them fits; arithmetic that may wrap is
 * done in uint64_t). So each kernel is written once per compute type, not once per dtype:
 * red_load[dtype] copies a strided row into a buffer of the compute type, red_store[dtype]
 * writes values of the compute type back, converting as PyTorch casts (double -> float32 rounds,
 * int64 -> narrower integers keeps the low bits, anything -> bool is x != 0).
 *
 * Walks.
 *  - red_walk: a keepdim-form reduction (SUM's convention): dims where out[0] has size 1 are
 *    reduced. For each output element it gathers that element's inputs into a buffer.
 *  - line_walk: operands that share every dim but one; hands out, for every position of the
 *    other dims, each operand's line along that dim (cumsum, sort, max along a dim).
 */
#ifndef NAIVE_REDUCE_WALK_H
#define NAIVE_REDUCE_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "iter.h"
#include "naive.h"

/* ---- compute types ---- */
NAIVE_INTERNAL bool red_is_float(int dtype);
/* Bytes of one element of dtype's compute type (8 for both). */
#define RED_CSIZE 8
/* dst[0..n) = src[0], src[step], ... as the compute type of src's dtype. */
typedef void (*red_load_fn)(const char *src, int64_t step, int64_t n, void *dst);
/* dst[0], dst[step], ... = src[0..n) (compute type of dst's dtype) converted to dst's dtype. */
typedef void (*red_store_fn)(const void *src, char *dst, int64_t step, int64_t n);
NAIVE_INTERNAL extern const red_load_fn red_load[OZ_NUM_DTYPES];
NAIVE_INTERNAL extern const red_store_fn red_store[OZ_NUM_DTYPES];
/* Stores one int64 / double into an element of dtype (converting across kinds as a cast). */
NAIVE_INTERNAL void red_store_i64(int dtype, char *dst, int64_t v);
NAIVE_INTERNAL void red_store_f64(int dtype, char *dst, double v);

/* Scratch of n compute-type values from the host (NULL + error set on failure). */
NAIVE_INTERNAL void *red_scratch(const oz_call *call, int64_t n);
NAIVE_INTERNAL void red_scratch_free(void *p);

/* ---- keepdim-form reductions ---- */
typedef struct red_walk {
  naive_iter kept;    /* operands out[0], [out[1]], in[0] over the kept dims */
  naive_iter reduced; /* operand in[0] over the reduced dims */
  int n_out;
  int in_dtype;
  int64_t extent; /* elements reduced into each output element */
  int64_t elsize[NAIVE_ITER_MAX_OPS];
} red_walk;

/* Checks the call (1 input, n_out outputs of in[0]'s ndim, sizes equal to in[0]'s or 1) and
 * splits in[0]'s dims. Returns OZ_OK or an error code (already reported). */
NAIVE_INTERNAL int red_walk_init(red_walk *w, const oz_call *call, int n_out);

/* One output element: buf holds its `n` inputs in in[0]'s compute type; outs[k] points at its
 * element of out[k]. */
typedef void (*red_fold_fn)(const void *buf, int64_t n, char *const *outs, const oz_call *call);

/* Runs fold for every output element. Returns OZ_OK or OZ_ERR_NOMEM (reported). */
NAIVE_INTERNAL int red_walk_run(red_walk *w, const oz_call *call, red_fold_fn fold);

/* ---- lines along one dim ---- */
typedef struct line_walk {
  naive_iter outer; /* every operand over every dim except `dim` */
  int nops;
  int64_t len[NAIVE_ITER_MAX_OPS];    /* each operand's size along dim (1 for 0-d) */
  int64_t stride[NAIVE_ITER_MAX_OPS]; /* each operand's stride along dim, in elements */
  int64_t elsize[NAIVE_ITER_MAX_OPS];
} line_walk;

/* views share ndim and every size except along dim (checked: RUNTIME error otherwise);
 * dim is in [0, ndim), or 0 for 0-d views. */
NAIVE_INTERNAL int line_walk_init(line_walk *w, const oz_call *call, int nops,
                                  const oz_view *const *views, int64_t dim);

/* Visits every line: `body` runs with `line[k]` (char *) pointing at operand k's first element
 * of the line. */
#define LINE_WALK_FOR(w, line, body)                                                            \
  while (naive_iter_next(&(w).outer)) {                                                         \
    for (int64_t i_ = 0; i_ < (w).outer.n; i_++) {                                              \
      char *line[NAIVE_ITER_MAX_OPS];                                                           \
      for (int k_ = 0; k_ < (w).nops; k_++)                                                     \
        line[k_] = (w).outer.row[k_] + i_ * (w).outer.step[k_] * (w).elsize[k_];                \
      body                                                                                      \
    }                                                                                           \
  }

/* ---- the kernels of ops/reduce.def, one group per file ---- */
/* reduce_fold.c */
NAIVE_INTERNAL int naive_prod(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_amax(void *ctx, const oz_call *call); /* AMAX and AMIN */
NAIVE_INTERNAL int naive_all_any(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_var_mean(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_logsumexp(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_norm(void *ctx, const oz_call *call);
/* reduce_scan.c */
NAIVE_INTERNAL int naive_max_dim(void *ctx, const oz_call *call); /* MAX_DIM and MIN_DIM */
NAIVE_INTERNAL int naive_cumulative(void *ctx, const oz_call *call); /* CUMSUM and CUMPROD */
NAIVE_INTERNAL int naive_cumprod_backward(void *ctx, const oz_call *call);
/* reduce_sort.c */
NAIVE_INTERNAL int naive_sort(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_lexsort_rows(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_unique_groups(void *ctx, const oz_call *call);
/* reduce_grad.c */
NAIVE_INTERNAL int naive_scatter_into_zeros(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_logsumexp_backward(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_norm_backward(void *ctx, const oz_call *call);

#endif /* NAIVE_REDUCE_WALK_H */
