/* iter.c - setting up a naive_iter: drop size-1 dims, order dims by the output's strides, merge
 * dims that are one linear run. See iter.h for what the kernels see. */
#include "iter.h"

#include <string.h>

static int64_t abs64(int64_t x) { return x < 0 ? -x : x; }

/* Swaps dims d and e of the loop nest, for every operand. */
static void swap_dims(naive_iter *it, int d, int e) {
  int64_t t = it->shape[d];
  it->shape[d] = it->shape[e];
  it->shape[e] = t;
  for (int k = 0; k < it->nops; k++) {
    t = it->strides[k][d];
    it->strides[k][d] = it->strides[k][e];
    it->strides[k][e] = t;
  }
}

/* Should dim d be walked inside dim e (d after e in the nest)? Compares the operands' absolute
 * strides in order: the output decides, inputs break ties. Equal everywhere: keep the order. */
static int belongs_inside(const naive_iter *it, int d, int e) {
  for (int k = 0; k < it->nops; k++) {
    int64_t sd = abs64(it->strides[k][d]), se = abs64(it->strides[k][e]);
    if (sd != se) return sd < se;
  }
  return 0;
}

void naive_iter_init_raw(naive_iter *it, int nops, int ndim, const int64_t *shape,
                         const int64_t (*strides)[OZ_MAX_DIMS], const int64_t *elsize,
                         char *const *data) {
  memset(it, 0, sizeof *it);
  it->nops = nops;
  int64_t numel = 1;
  for (int k = 0; k < nops; k++) {
    it->elsize[k] = elsize[k];
    it->base[k] = data[k];
  }

  /* 1. keep only dims of size > 1 (size 0: nothing to walk) */
  int nd = 0;
  for (int d = 0; d < ndim; d++) {
    numel *= shape[d];
    if (shape[d] == 1) continue;
    it->shape[nd] = shape[d];
    for (int k = 0; k < nops; k++) it->strides[k][nd] = strides[k][d];
    nd++;
  }
  it->ndim = nd;

  /* 2. order outer -> inner by decreasing stride (insertion sort: stable, ndim <= 8) */
  for (int d = 1; d < nd; d++)
    for (int e = d; e > 0 && belongs_inside(it, e - 1, e); e--) swap_dims(it, e - 1, e);

  /* 3. merge dim d into the dim inside it when, for every operand, stepping once along d is
   * the same as running off the end of the inner dim: then the two are one linear run. */
  int out_nd = 0;
  for (int d = 0; d < nd; d++) {
    int merge = out_nd > 0;
    for (int k = 0; merge && k < nops; k++)
      merge = it->strides[k][out_nd - 1] == it->strides[k][d] * it->shape[d];
    if (merge) {
      it->shape[out_nd - 1] *= it->shape[d];
      for (int k = 0; k < nops; k++) it->strides[k][out_nd - 1] = it->strides[k][d];
    } else {
      it->shape[out_nd] = it->shape[d];
      for (int k = 0; k < nops; k++) it->strides[k][out_nd] = it->strides[k][d];
      out_nd++;
    }
  }
  it->ndim = out_nd;

  /* 0-d, or all sizes 1: one row of one element */
  if (it->ndim == 0) {
    it->ndim = 1;
    it->shape[0] = 1;
    for (int k = 0; k < nops; k++) it->strides[k][0] = 1;
  }

  /* the row is the innermost dim */
  int inner = it->ndim - 1;
  it->n = it->shape[inner];
  it->contiguous = 1;
  for (int k = 0; k < nops; k++) {
    it->step[k] = it->strides[k][inner];
    if (it->step[k] != 1 && it->n > 1) it->contiguous = 0;
  }
  it->rows_total = numel == 0 ? 0 : numel / it->n;
  naive_iter_rewind(it, NULL);
}

void naive_iter_rewind(naive_iter *it, char *const *data) {
  for (int k = 0; k < it->nops; k++) {
    if (data) it->base[k] = data[k];
    it->offset[k] = 0;
  }
  for (int d = 0; d < it->ndim; d++) it->index[d] = 0;
  it->rows_done = 0;
}

void naive_iter_init(naive_iter *it, int nops, const oz_view *const *views) {
  int64_t strides[NAIVE_ITER_MAX_OPS][OZ_MAX_DIMS];
  int64_t elsize[NAIVE_ITER_MAX_OPS];
  char *data[NAIVE_ITER_MAX_OPS];
  for (int k = 0; k < nops; k++) {
    for (int d = 0; d < views[0]->ndim; d++) strides[k][d] = views[k]->strides[d];
    elsize[k] = (int64_t)naive_dtype_size(views[k]->dtype);
    data[k] = (char *)views[k]->data;
  }
  naive_iter_init_raw(it, nops, views[0]->ndim, views[0]->shape,
                      (const int64_t(*)[OZ_MAX_DIMS])strides, elsize, data);
}
