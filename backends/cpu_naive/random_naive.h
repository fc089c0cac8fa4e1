/* random_naive.h - what the random family's kernel files share: the kernel entry points that
 * random_kernels.c registers, and the walk over an output in logical row-major order (the order
 * that numbers the random stream, see ops/random.def). Internal to the plugin. */
#ifndef NAIVE_RANDOM_NAIVE_H
#define NAIVE_RANDOM_NAIVE_H

#include <stdint.h>

#include "naive.h"

/* random_sample.c: one block of the stream per element */
NAIVE_INTERNAL int naive_uniform(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_normal(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_random(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_bernoulli(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_exponential(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_geometric(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_cauchy(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_log_normal(void *ctx, const oz_call *call);
/* random_rows.c */
NAIVE_INTERNAL int naive_multinomial(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_randperm(void *ctx, const oz_call *call);
/* random_range.c */
NAIVE_INTERNAL int naive_linspace(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_logspace(void *ctx, const oz_call *call);

/* ---- element access shared by the kernel files (defined in random_sample.c): a wrapped
 * uint64 stored into any dtype with COPY's conversions, a floating element read as double.
 * A NULL entry means the dtype has no such access. ---- */
typedef void (*random_store_u64_fn)(char *p, uint64_t v);
typedef double (*random_load_fn)(const char *p);
NAIVE_INTERNAL extern const random_store_u64_fn random_store_u64[OZ_NUM_DTYPES];
NAIVE_INTERNAL extern const random_load_fn random_load[OZ_NUM_DTYPES];

/* ---- walking out[0] (and inputs of its shape) in logical row-major order ----
 * naive_iter (iter.h) reorders dims for memory order, which would tie the random numbers to the
 * output's layout; a random op must give element [i, j] the same value whether out[0] is
 * contiguous or a transposed view, so it walks indices in order instead. */
#define RANDOM_WALK_MAX_OPS 3

typedef struct random_walk {
  int ndim, nops;
  int64_t shape[OZ_MAX_DIMS], idx[OZ_MAX_DIMS];
  int64_t bstride[RANDOM_WALK_MAX_OPS][OZ_MAX_DIMS]; /* bytes */
  char *p[RANDOM_WALK_MAX_OPS];                      /* current element of each operand */
} random_walk;

/* views[0]'s shape is used for all; every view must have it (broadcast inputs have stride 0). */
static inline void random_walk_init(random_walk *w, int nops, const oz_view *const *views) {
  w->ndim = views[0]->ndim;
  w->nops = nops;
  for (int d = 0; d < w->ndim; d++) w->shape[d] = views[0]->shape[d], w->idx[d] = 0;
  for (int k = 0; k < nops; k++) {
    const int64_t es = (int64_t)naive_dtype_size(views[k]->dtype);
    w->p[k] = (char *)views[k]->data;
    for (int d = 0; d < w->ndim; d++) w->bstride[k][d] = views[k]->strides[d] * es;
  }
}

/* Moves every operand to the next element (an odometer, last dim fastest). */
static inline void random_walk_next(random_walk *w) {
  for (int d = w->ndim - 1; d >= 0; d--) {
    for (int k = 0; k < w->nops; k++) w->p[k] += w->bstride[k][d];
    if (++w->idx[d] < w->shape[d]) return;
    for (int k = 0; k < w->nops; k++) w->p[k] -= w->shape[d] * w->bstride[k][d];
    w->idx[d] = 0;
  }
}

#endif /* NAIVE_RANDOM_NAIVE_H */
