/* oz_ops_index.h - front-ends of the shape, indexing and copy ops (ops/index.def), with
 * PyTorch's semantics: which results are views (split, chunk, unbind, unflatten, movedim) and
 * which are copies (cat, stack, repeat, flip, roll, tril/triu, every gather), result dtypes,
 * argument checks and their exception types, out= and in-place rules.
 *
 * Conventions are those of oz_ops.h: new references or NULL with the last error set; `out` NULL
 * or a tensor to write into; passing out == self is the in-place form (scatter_, index_add_,
 * masked_fill_, tril_ ...). Functions producing several tensors return an array from
 * oz_host_alloc of new references, freed with oz_tensor_list_free. */
#ifndef OZ_OPS_INDEX_H
#define OZ_OPS_INDEX_H

#include "core/oz_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Releases every tensor of an array returned below, then the array. NULL is fine. */
void oz_tensor_list_free(oz_tensor **list, int64_t n);

/* ---- joining ---- */
/* torch.cat: PyTorch's result type over all inputs; 1-d empty tensors are skipped as PyTorch's
 * legacy rule says (they still take part in the dtype). */
oz_tensor *oz_cat(int64_t n, const oz_tensor *const *tensors, int64_t dim, oz_tensor *out);
oz_tensor *oz_stack(int64_t n, const oz_tensor *const *tensors, int64_t dim, oz_tensor *out);

/* hstack / vstack (= row_stack) / dstack / column_stack: cat of the inputs made at least 1-, 2-
 * or 3-d as numpy does. */
typedef enum oz_stack_variant {
  OZ_HSTACK, OZ_VSTACK, OZ_DSTACK, OZ_COLUMN_STACK
} oz_stack_variant;
oz_tensor *oz_stack_variant_op(int variant, int64_t n, const oz_tensor *const *tensors,
                               oz_tensor *out);
/* torch.atleast_1d/2d/3d (n = 1, 2, 3): t itself (new reference) when it has n dims or more. */
oz_tensor *oz_atleast_nd(const oz_tensor *t, int n);

/* ---- splitting (views of t) ---- */
oz_tensor **oz_split(const oz_tensor *t, int64_t split_size, int64_t dim, int64_t *n_out);
oz_tensor **oz_split_with_sizes(const oz_tensor *t, int64_t n_sizes, const int64_t *sizes,
                                int64_t dim, int64_t *n_out);
oz_tensor **oz_chunk(const oz_tensor *t, int64_t chunks, int64_t dim, int64_t *n_out);
oz_tensor **oz_unbind(const oz_tensor *t, int64_t dim, int64_t *n_out);

/* ---- reshaping (views) ---- */
/* unflatten(dim, sizes): one -1 allowed in sizes. */
oz_tensor *oz_unflatten(const oz_tensor *t, int64_t dim, int n_sizes, const int64_t *sizes);
/* movedim(source, destination): both lists of n dims. */
oz_tensor *oz_movedim(const oz_tensor *t, int n, const int64_t *source,
                      const int64_t *destination);

/* ---- copies that rearrange ---- */
oz_tensor *oz_repeat(const oz_tensor *t, int n, const int64_t *repeats);
oz_tensor *oz_flip(const oz_tensor *t, int n, const int64_t *dims);
/* fliplr (dim 1 of a >= 2-d tensor) and flipud (dim 0 of a >= 1-d one). */
oz_tensor *oz_fliplr(const oz_tensor *t);
oz_tensor *oz_flipud(const oz_tensor *t);
/* tile(dims): repeat with dims padded with leading 1s to t's number of dims. */
oz_tensor *oz_tile(const oz_tensor *t, int n, const int64_t *dims);
/* roll: n_dims == 0 rolls the flattened tensor (then n_shifts must be 1). */
oz_tensor *oz_roll(const oz_tensor *t, int n_shifts, const int64_t *shifts, int n_dims,
                   const int64_t *dims);
/* tril/triu(diagonal); out == t is tril_/triu_. */
oz_tensor *oz_tril(const oz_tensor *t, int64_t diagonal, oz_tensor *out);
oz_tensor *oz_triu(const oz_tensor *t, int64_t diagonal, oz_tensor *out);

/* ---- gathering and scattering along a dim ---- */
oz_tensor *oz_index_select(const oz_tensor *t, int64_t dim, const oz_tensor *index,
                           oz_tensor *out);
oz_tensor *oz_gather(const oz_tensor *t, int64_t dim, const oz_tensor *index, oz_tensor *out);
/* take_along_dim(indices, dim): gather after broadcasting input and indices outside dim;
 * has_dim false: along the flattened input. A composition of recorded ops. */
oz_tensor *oz_take_along_dim(const oz_tensor *t, const oz_tensor *indices, bool has_dim,
                             int64_t dim, oz_tensor *out);
/* Reductions of scatter and index_put. */
typedef enum oz_scatter_reduce { OZ_SCATTER_ASSIGN = 0, OZ_SCATTER_ADD = 1, OZ_SCATTER_MUL = 2 } oz_scatter_reduce;
/* scatter(self, dim, index, src) when src is given, else scatter(self, dim, index, value) with a
 * 0-d `value` (a Python number arrives as a wrapped 0-d tensor). out == self is scatter_. */
oz_tensor *oz_scatter(const oz_tensor *self, int64_t dim, const oz_tensor *index,
                      const oz_tensor *src, const oz_tensor *value, int reduce, oz_tensor *out);
oz_tensor *oz_scatter_add(const oz_tensor *self, int64_t dim, const oz_tensor *index,
                          const oz_tensor *src, oz_tensor *out);
/* self.index_add(dim, index, source, alpha=alpha); alpha a 0-d tensor or NULL (1). */
oz_tensor *oz_index_add(const oz_tensor *self, int64_t dim, const oz_tensor *index,
                        const oz_tensor *source, const oz_tensor *alpha, oz_tensor *out);
/* value: 0-d. */
oz_tensor *oz_index_fill(const oz_tensor *self, int64_t dim, const oz_tensor *index,
                         const oz_tensor *value, oz_tensor *out);

/* ---- flat indices ---- */
oz_tensor *oz_take(const oz_tensor *t, const oz_tensor *index, oz_tensor *out);
/* put(self, index, source, accumulate); out == self is put_. */
oz_tensor *oz_put(const oz_tensor *self, const oz_tensor *index, const oz_tensor *source,
                  bool accumulate, oz_tensor *out);

/* ---- masks ---- */
/* masked_fill(self, mask, value): value 0-d. The out-of-place form broadcasts self with mask;
 * out == self is masked_fill_ (mask must broadcast to self). */
oz_tensor *oz_masked_fill(const oz_tensor *self, const oz_tensor *mask, const oz_tensor *value,
                          oz_tensor *out);
oz_tensor *oz_masked_select(const oz_tensor *self, const oz_tensor *mask, oz_tensor *out);
/* torch.nonzero: int64 [n, ndim]. */
oz_tensor *oz_nonzero(const oz_tensor *t, oz_tensor *out);
/* nonzero(as_tuple=True): ndim (at least 1) int64 vectors. */
oz_tensor **oz_nonzero_tuple(const oz_tensor *t, int64_t *n_out);

/* ---- advanced indexing ---- */
/* PyTorch's at::index / index_put_: indices[i] indexes dim i (NULL: the whole dim); integer
 * (int64) tensors broadcast together, bool/uint8 masks stand for their nonzero() indices. The
 * result dims go where the first indexed dim was when the indexed dims are adjacent, else in
 * front. out == self is index_put_. */
oz_tensor *oz_index(const oz_tensor *self, int n, const oz_tensor *const *indices);
oz_tensor *oz_index_put(const oz_tensor *self, int n, const oz_tensor *const *indices,
                        const oz_tensor *values, bool accumulate, oz_tensor *out);

/* One item of a Python subscript (x[0, 1:3, None, ..., mask, [1, 2]]), lists and arrays
 * already made tensors by the caller. */
typedef enum oz_index_kind {
  OZ_INDEX_INT,      /* .i */
  OZ_INDEX_SLICE,    /* .start .stop .step as Python gives them (step may be <= 0: an error) */
  OZ_INDEX_NONE,
  OZ_INDEX_ELLIPSIS,
  OZ_INDEX_BOOL,     /* .i: 0 or 1 (Python's False/True) */
  OZ_INDEX_TENSOR    /* .tensor (borrowed) */
} oz_index_kind;
typedef struct oz_index_item {
  int kind;
  int64_t i;
  int64_t start, stop, step;
  const oz_tensor *tensor;
} oz_index_item;
/* self[items] and self[items] = value, as PyTorch's Tensor.__getitem__/__setitem__ do it once
 * the subscript is a tuple: basic items make a view, tensor items then index it. The getter
 * returns a view when no tensor item remains. A `value` that is a wrapped Python number takes
 * self's dtype; accumulate adds instead of assigning (index_put_'s accumulate=True). */
oz_tensor *oz_index_items(const oz_tensor *self, int n, const oz_index_item *items);
int oz_index_items_put(oz_tensor *self, int n, const oz_index_item *items,
                       const oz_tensor *value, bool accumulate);

#ifdef __cplusplus
}
#endif
#endif
