/* iter.h - walking N-d strided views in lockstep, one row at a time.
 *
 * Every kernel that touches elements one by one goes through a naive_iter. It takes up to
 * NAIVE_ITER_MAX_OPS operands of the same shape (each with its own strides and element size),
 * simplifies the loop nest, then hands out rows: a run of `n` elements where operand k's
 * elements sit `step[k]` elements apart, starting at row[k]. A kernel's inner loop is a plain
 * 1-d loop over a row.
 *
 * Simplification, done once per call so the per-element loop stays trivial:
 *  - size-1 dims are dropped; a tensor with a size-0 dim has no rows at all;
 *  - dims are ordered so that operand 0's (the output's) smallest stride is innermost, so a
 *    transposed or channels-last output is still written in memory order;
 *  - neighbouring dims that are one linear run for every operand are merged. Contiguous operands
 *    (or any that are laid out alike) therefore become ONE row of numel elements, and
 *    `contiguous` tells the kernel every step is 1: its fast path is a flat indexed loop, as
 *    fast as a hand-written one (and vectorized by clang -O2 / gcc -O3).
 * Strides may be 0 (broadcast) or negative; the walk keeps byte offsets from each operand's
 * data pointer and only ever forms pointers to real elements.
 *
 *   naive_iter it;
 *   naive_iter_init(&it, 3, (const oz_view *[]){&out, &a, &b});
 *   while (naive_iter_next(&it)) { ... it.row[k], it.step[k], it.n, it.contiguous ... }
 * or, for the common one- and two-input cases, the NAIVE_*_LOOP macros below.
 */
#ifndef NAIVE_ITER_H
#define NAIVE_ITER_H

#include <stdint.h>

#include "dispatch/oz_backend.h"
#include "naive.h"

#define NAIVE_ITER_MAX_OPS 3 /* an output and two inputs */

typedef struct naive_iter {
  /* the simplified loop nest; dim ndim-1 is the row, dims before it are walked by next() */
  int nops;
  int ndim; /* >= 1 */
  int64_t shape[OZ_MAX_DIMS];
  int64_t strides[NAIVE_ITER_MAX_OPS][OZ_MAX_DIMS]; /* in elements */
  int64_t elsize[NAIVE_ITER_MAX_OPS];               /* bytes per element */
  char *base[NAIVE_ITER_MAX_OPS];                   /* each operand's data pointer */
  /* the current row, valid after naive_iter_next() returned 1 */
  char *row[NAIVE_ITER_MAX_OPS];
  int64_t n;                        /* elements in a row */
  int64_t step[NAIVE_ITER_MAX_OPS]; /* element stride along the row */
  int contiguous;                   /* every step is 1 */
  /* walking state */
  int64_t rows_total, rows_done;
  int64_t index[OZ_MAX_DIMS];
  int64_t offset[NAIVE_ITER_MAX_OPS]; /* bytes from base to the current row */
} naive_iter;

/* Operands of one shape: views[0]'s shape is used for all. */
NAIVE_INTERNAL void naive_iter_init(naive_iter *it, int nops, const oz_view *const *views);
/* The general form: `ndim` dims of `shape`, operand k at data[k] with strides[k] (elements)
 * and elsize[k] bytes per element. Used where the operands are not whole views (reductions). */
NAIVE_INTERNAL void naive_iter_init_raw(naive_iter *it, int nops, int ndim, const int64_t *shape,
                                        const int64_t (*strides)[OZ_MAX_DIMS],
                                        const int64_t *elsize, char *const *data);
/* Starts the walk over again, optionally at new data pointers (NULL keeps the old ones). */
NAIVE_INTERNAL void naive_iter_rewind(naive_iter *it, char *const *data);

/* Moves to the next row (the first one on the first call); 0 when done. */
static inline int naive_iter_next(naive_iter *it) {
  if (it->rows_done == it->rows_total) return 0;
  if (it->rows_done > 0) {
    /* odometer over the outer dims ndim-2 .. 0 */
    for (int d = it->ndim - 2; d >= 0; d--) {
      int carry = ++it->index[d] == it->shape[d];
      if (carry) it->index[d] = 0;
      for (int k = 0; k < it->nops; k++) {
        int64_t delta = carry ? -(it->shape[d] - 1) * it->strides[k][d] : it->strides[k][d];
        it->offset[k] += delta * it->elsize[k];
      }
      if (!carry) break;
    }
  }
  for (int k = 0; k < it->nops; k++) it->row[k] = it->base[k] + it->offset[k];
  it->rows_done++;
  return 1;
}

/* ---- loops over every element of an iterator made from (out, a) or (out, a, b) ----
 * EXPR computes the value stored into out from the names `a` (and `b`), which hold the current
 * input elements. Each element is read before it is written, so out may be an input (in-place).
 * The contiguous branch is a flat indexed loop (see "Simplification" above). */
#define NAIVE_UNARY_LOOP(it, TO, TA, EXPR)                                                       \
  while (naive_iter_next(&(it))) {                                                               \
    TO *o_ = (TO *)(it).row[0];                                                                  \
    const TA *a_ = (const TA *)(it).row[1];                                                      \
    const int64_t n_ = (it).n;                                                                   \
    if ((it).contiguous) {                                                                       \
      for (int64_t i_ = 0; i_ < n_; i_++) {                                                      \
        const TA a = a_[i_];                                                                     \
        o_[i_] = (EXPR);                                                                         \
      }                                                                                          \
    } else {                                                                                     \
      const int64_t so_ = (it).step[0], sa_ = (it).step[1];                                      \
      for (int64_t i_ = 0; i_ < n_; i_++) {                                                      \
        const TA a = a_[i_ * sa_];                                                               \
        o_[i_ * so_] = (EXPR);                                                                   \
      }                                                                                          \
    }                                                                                            \
  }

#define NAIVE_BINARY_LOOP(it, TO, TA, TB, EXPR)                                                  \
  while (naive_iter_next(&(it))) {                                                               \
    TO *o_ = (TO *)(it).row[0];                                                                  \
    const TA *a_ = (const TA *)(it).row[1];                                                      \
    const TB *b_ = (const TB *)(it).row[2];                                                      \
    const int64_t n_ = (it).n;                                                                   \
    if ((it).contiguous) {                                                                       \
      for (int64_t i_ = 0; i_ < n_; i_++) {                                                      \
        const TA a = a_[i_];                                                                     \
        const TB b = b_[i_];                                                                     \
        o_[i_] = (EXPR);                                                                         \
      }                                                                                          \
    } else {                                                                                     \
      const int64_t so_ = (it).step[0], sa_ = (it).step[1], sb_ = (it).step[2];                  \
      for (int64_t i_ = 0; i_ < n_; i_++) {                                                      \
        const TA a = a_[i_ * sa_];                                                               \
        const TB b = b_[i_ * sb_];                                                               \
        o_[i_ * so_] = (EXPR);                                                                   \
      }                                                                                          \
    }                                                                                            \
  }

#endif /* NAIVE_ITER_H */
