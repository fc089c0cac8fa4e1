/* nn_walk.h - walking up to NN_WALK_MAX_OPS strided operands of one shape in lockstep, one
 * innermost row at a time. iter.h's naive_iter does the same for at most three operands (an
 * output and two inputs); the loss kernels need six (two outputs, four inputs). No dims are
 * reordered or merged: the losses' operands are nearly always contiguous already, and their cost
 * is in the per-element math, not in the walk.
 *
 *   nn_walk w;
 *   nn_walk_init(&w, nops, views);   // views[0]'s shape is everyone's
 *   while (nn_walk_next(&w)) for (i < w.n) ... w.row[k] + i * w.step[k] (in elements) ...
 */
#ifndef NAIVE_NN_WALK_H
#define NAIVE_NN_WALK_H

#include <stdint.h>

#include "naive.h"

#define NN_WALK_MAX_OPS 6

typedef struct nn_walk {
  int ndim, nops;
  int64_t shape[OZ_MAX_DIMS];
  int64_t strides[NN_WALK_MAX_OPS][OZ_MAX_DIMS];
  int64_t elsize[NN_WALK_MAX_OPS];
  char *row[NN_WALK_MAX_OPS]; /* the current row, after nn_walk_next returned 1 */
  int64_t step[NN_WALK_MAX_OPS];
  int64_t n; /* elements in a row */
  int64_t index[OZ_MAX_DIMS];
  int64_t rows_left;
  int started;
} nn_walk;

static inline void nn_walk_init(nn_walk *w, int nops, const oz_view *const *views) {
  const oz_view *v0 = views[0];
  int64_t numel = 1;
  w->nops = nops;
  /* A 0-d operand is one row of one element. */
  w->ndim = v0->ndim ? v0->ndim : 1;
  for (int d = 0; d < w->ndim; d++) {
    w->shape[d] = v0->ndim ? v0->shape[d] : 1;
    w->index[d] = 0;
    numel *= w->shape[d];
  }
  for (int k = 0; k < nops; k++) {
    for (int d = 0; d < w->ndim; d++) w->strides[k][d] = v0->ndim ? views[k]->strides[d] : 0;
    w->elsize[k] = (int64_t)naive_dtype_size(views[k]->dtype);
    w->row[k] = (char *)views[k]->data;
    w->step[k] = w->strides[k][w->ndim - 1];
  }
  w->n = w->shape[w->ndim - 1];
  w->rows_left = numel == 0 ? 0 : numel / w->n;
  w->started = 0;
}

/* Moves to the next row (the first on the first call); 0 when done. */
static inline int nn_walk_next(nn_walk *w) {
  if (w->rows_left == 0) return 0;
  w->rows_left--;
  if (!w->started) {
    w->started = 1;
    return 1;
  }
  for (int d = w->ndim - 2; d >= 0; d--) { /* odometer over the outer dims */
    const int carry = ++w->index[d] == w->shape[d];
    if (carry) w->index[d] = 0;
    for (int k = 0; k < w->nops; k++) {
      const int64_t delta = carry ? -(w->shape[d] - 1) * w->strides[k][d] : w->strides[k][d];
      w->row[k] += delta * w->elsize[k];
    }
    if (!carry) break;
  }
  return 1;
}

#endif /* NAIVE_NN_WALK_H */
