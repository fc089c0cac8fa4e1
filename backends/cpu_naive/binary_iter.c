/* binary_iter.c - setting up a tern_iter: drop size-1 dims, merge dims that are one linear run
 * for all four operands. See binary_iter.h. */
#include "binary_iter.h"

#include <string.h>

void tern_iter_init(tern_iter *it, const oz_view *const *views) {
  memset(it, 0, sizeof *it);
  const oz_view *out = views[0];
  int64_t numel = 1;
  for (int k = 0; k < TERN_ITER_OPS; k++) {
    it->base[k] = (char *)views[k]->data;
    it->elsize[k] = (int64_t)naive_dtype_size(views[k]->dtype);
  }
  /* Keep the dims of size > 1, merging dim d into the previous kept one when stepping once
   * along the previous dim is the same as running off the end of d, for every operand. */
  int nd = 0;
  for (int d = 0; d < out->ndim; d++) {
    numel *= out->shape[d];
    if (out->shape[d] == 1) continue;
    int merge = nd > 0;
    for (int k = 0; merge && k < TERN_ITER_OPS; k++)
      merge = it->strides[k][nd - 1] == views[k]->strides[d] * out->shape[d];
    if (merge) {
      it->shape[nd - 1] *= out->shape[d];
      for (int k = 0; k < TERN_ITER_OPS; k++) it->strides[k][nd - 1] = views[k]->strides[d];
    } else {
      it->shape[nd] = out->shape[d];
      for (int k = 0; k < TERN_ITER_OPS; k++) it->strides[k][nd] = views[k]->strides[d];
      nd++;
    }
  }
  if (nd == 0) { /* 0-d, or all sizes 1: one row of one element */
    nd = 1;
    it->shape[0] = 1;
  }
  it->ndim = nd;
  it->n = it->shape[nd - 1];
  for (int k = 0; k < TERN_ITER_OPS; k++) it->step[k] = it->strides[k][nd - 1];
  it->rows_total = numel == 0 ? 0 : numel / it->n;
}
