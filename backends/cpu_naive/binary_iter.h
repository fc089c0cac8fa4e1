/* binary_iter.h - walking four same-shape strided operands (an output and three inputs) in
 * lockstep, for the ternary ops WHERE and LERP.
 *
 * naive_iter (iter.h) stops at three operands; this is its small sibling for four. It keeps
 * the part that makes the common case fast (size-1 dims dropped, dims that are one linear run
 * for every operand merged, so contiguous operands become one row) and skips the reordering of
 * dims by stride: the ternary ops are rare enough that a transposed output walking in the
 * input's order is fine.
 *
 *   tern_iter it;
 *   tern_iter_init(&it, (const oz_view *[]){&out, &a, &b, &c});
 *   TERNARY_LOOP(it, TO, TA, TB, TC, EXPR of a, b, c);
 */
#ifndef NAIVE_BINARY_ITER_H
#define NAIVE_BINARY_ITER_H

#include <stdint.h>

#include "dispatch/oz_backend.h"
#include "naive.h"

#define TERN_ITER_OPS 4

typedef struct tern_iter {
  int ndim; /* >= 1; dim ndim-1 is the row */
  int64_t shape[OZ_MAX_DIMS];
  int64_t strides[TERN_ITER_OPS][OZ_MAX_DIMS]; /* in elements */
  char *base[TERN_ITER_OPS];
  int64_t elsize[TERN_ITER_OPS];
  int64_t rows_total, rows_done;
  int64_t index[OZ_MAX_DIMS];
  /* the current row, valid after tern_iter_next() returned 1 */
  char *row[TERN_ITER_OPS];
  int64_t n, step[TERN_ITER_OPS];
} tern_iter;

NAIVE_INTERNAL void tern_iter_init(tern_iter *it, const oz_view *const *views);

/* Moves to the next row (the first one on the first call); 0 when done. */
static inline int tern_iter_next(tern_iter *it) {
  if (it->rows_done == it->rows_total) return 0;
  if (it->rows_done > 0) {
    for (int d = it->ndim - 2; d >= 0; d--) { /* odometer over the outer dims */
      if (++it->index[d] < it->shape[d]) break;
      it->index[d] = 0;
    }
  }
  for (int k = 0; k < TERN_ITER_OPS; k++) {
    int64_t off = 0;
    for (int d = 0; d < it->ndim - 1; d++) off += it->index[d] * it->strides[k][d];
    it->row[k] = it->base[k] + off * it->elsize[k];
  }
  it->rows_done++;
  return 1;
}

/* EXPR computes the value stored into out from `a`, `b`, `c` (the current input elements); each
 * element is read before it is written, so out may be an input (in-place). */
#define TERNARY_LOOP(it, TO, TA, TB, TC, EXPR)                                                   \
  while (tern_iter_next(&(it))) {                                                                \
    TO *o_ = (TO *)(it).row[0];                                                                  \
    const TA *a_ = (const TA *)(it).row[1];                                                      \
    const TB *b_ = (const TB *)(it).row[2];                                                      \
    const TC *c_ = (const TC *)(it).row[3];                                                      \
    const int64_t so_ = (it).step[0], sa_ = (it).step[1], sb_ = (it).step[2],                    \
                  sc_ = (it).step[3];                                                            \
    for (int64_t i_ = 0; i_ < (it).n; i_++) {                                                    \
      const TA a = a_[i_ * sa_];                                                                 \
      const TB b = b_[i_ * sb_];                                                                 \
      const TC c = c_[i_ * sc_];                                                                 \
      o_[i_ * so_] = (EXPR);                                                                     \
    }                                                                                            \
  }

#endif /* NAIVE_BINARY_ITER_H */
