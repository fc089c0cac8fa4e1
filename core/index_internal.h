/* index_internal.h - what the index family's core files share (not a public API): the calls of
 * the three indexing kernels, restrided views, scalar values checked like PyTorch's Scalar
 * conversions, and small helpers for argument checks. */
#ifndef OZ_INDEX_INTERNAL_H
#define OZ_INDEX_INTERNAL_H

#include "core/op_support.h"
#include "core/oz_ops_index.h"

/* How an out-of-range index is reported: each op words it as PyTorch's kernel for it does. */
typedef enum idx_err_style {
  IDX_ERR_BOUNDS,        /* IndexError "index 5 is out of bounds for dimension 0 with size 3" */
  IDX_ERR_BOUNDS_RT,     /* the same text as a RuntimeError (gather, scatter) */
  IDX_ERR_SELF,          /* IndexError "index out of range in self" */
  IDX_ERR_INDICES,       /* RuntimeError "INDICES element is out of DATA bounds, id=5 axis_dim=3" */
  IDX_ERR_TAKE,          /* IndexError "out of range: tried to access index 10 on a tensor of 6
                            elements." */
  IDX_ERR_INDEX_COPY     /* IndexError "index_copy_(): index 5 is out of bounds for ..." */
} idx_err_style;

/* Element offsets index * stride (int64, index's shape) along a dim of `size`, into a new tensor,
 * or added into `acc` (then index must broadcast to acc's shape; returns a new reference to
 * acc). Negative indices count from the end when allow_negative. An index out of range fails
 * with the error of `style`; `dim` is the dim number its message names. */
oz_tensor *idx_offsets(const oz_tensor *index, int64_t size, int64_t stride, bool allow_negative,
                       int dim, int style, oz_tensor *acc);

/* out[i] = src[i + offsets[i]]: src and offsets have out's shape (restrided/expanded views). */
int idx_gather(oz_tensor *out, const oz_tensor *src, const oz_tensor *offsets);
/* dst[i + offsets[i]] (op)= values[i] for every i of values' shape; mode: oz_scatter_reduce. */
int idx_put(oz_tensor *dst, const oz_tensor *values, const oz_tensor *offsets, int mode);

/* A view of t's memory with the given geometry, starting at t's first element. */
oz_tensor *idx_restride(const oz_tensor *t, int ndim, const int64_t *shape,
                        const int64_t *strides);

/* The number in the 0-d tensor `value` converted for `dtype`, with PyTorch's overflow check
 * (RuntimeError "value cannot be converted to type int8_t without overflow"). */
int idx_scalar_for(const oz_tensor *value, int dtype, oz_scalar *out);
/* The C++ type PyTorch's messages name for a dtype: "float", "double", "int64_t", "int" ... */
const char *idx_ctype_name(int dtype);
/* A 0-d tensor of `dtype` on `device` holding `value` (checked as above). */
oz_tensor *idx_value_tensor(const oz_tensor *value, int dtype, oz_device device);

/* PyTorch's ensure_nonempty_dim/size: a 0-d tensor counts as 1-d of size 1. */
static inline int idx_nonempty_dim(int ndim) { return ndim == 0 ? 1 : ndim; }
static inline int64_t idx_nonempty_size(const oz_tensor *t, int d) {
  return t->ndim == 0 ? 1 : t->shape[d];
}

/* t as a tensor of at least one dim (a 0-d tensor becomes [1]); new reference. */
oz_tensor *idx_atleast_1d(const oz_tensor *t);

/* Sets the error when t and u are on different devices (u may be NULL). */
int idx_same_device(const oz_tensor *t, const oz_tensor *u);

/* torch's assert_no_overlap: RuntimeError when `written` shares memory with `read` (NULL ok). */
int idx_no_overlap(const oz_tensor *written, const oz_tensor *read);

/* ---- the forward computations (no autograd); the public oz_* functions of oz_ops_index.h
 * wrap them with autograd recording (index_grad_*.c) ---- */
oz_tensor *idx_cat_forward(int64_t n, const oz_tensor *const *ts, int64_t dim, oz_tensor *out,
                           const char *fname);
oz_tensor *idx_stack_forward(int64_t n, const oz_tensor *const *ts, int64_t dim, oz_tensor *out);
oz_tensor **idx_split_forward(const oz_tensor *t, int64_t split_size, int64_t dim,
                              int64_t *n_out);
oz_tensor **idx_split_sizes_forward(const oz_tensor *t, int64_t n_sizes, const int64_t *sizes,
                                    int64_t dim, int64_t *n_out);
/* *with_sizes: PyTorch made the parts with split_with_sizes (an empty dim). */
oz_tensor **idx_chunk_forward(const oz_tensor *t, int64_t chunks, int64_t dim, int64_t *n_out,
                              bool *with_sizes);
oz_tensor **idx_unbind_forward(const oz_tensor *t, int64_t dim, int64_t *n_out);
oz_tensor *idx_unflatten_forward(const oz_tensor *t, int64_t dim, int n_sizes,
                                 const int64_t *sizes);
/* The permutation movedim(source, destination) applies. */
int idx_movedim_perm(const oz_tensor *t, int n, const int64_t *source,
                     const int64_t *destination, int64_t *perm);
oz_tensor *idx_repeat_forward(const oz_tensor *t, int n, const int64_t *repeats);
oz_tensor *idx_flip_forward(const oz_tensor *t, int n, const int64_t *dims);
oz_tensor *idx_roll_forward(const oz_tensor *t, int n_shifts, const int64_t *shifts, int n_dims,
                            const int64_t *dims);
/* op: OZ_OP_TRIL or OZ_OP_TRIU. */
oz_tensor *idx_tri_forward(int op, const oz_tensor *t, int64_t diagonal, oz_tensor *out);

oz_tensor *idx_index_select_forward(const oz_tensor *t, int64_t dim, const oz_tensor *index,
                                    oz_tensor *out);
oz_tensor *idx_gather_forward(const oz_tensor *t, int64_t dim, const oz_tensor *index,
                              oz_tensor *out);
/* fname: "scatter" or "scatter_add" (for messages). */
oz_tensor *idx_scatter_forward(const char *fname, const oz_tensor *self, int64_t dim,
                               const oz_tensor *index, const oz_tensor *src,
                               const oz_tensor *value, int reduce, oz_tensor *out);
oz_tensor *idx_index_add_forward(const oz_tensor *self, int64_t dim, const oz_tensor *index,
                                 const oz_tensor *source, const oz_tensor *alpha, oz_tensor *out);
oz_tensor *idx_index_fill_forward(const oz_tensor *self, int64_t dim, const oz_tensor *index,
                                  const oz_tensor *value, oz_tensor *out);
oz_tensor *idx_take_forward(const oz_tensor *t, const oz_tensor *index, oz_tensor *out);
oz_tensor *idx_put_forward(const oz_tensor *self, const oz_tensor *index, const oz_tensor *source,
                           bool accumulate, oz_tensor *out);
oz_tensor *idx_masked_fill_forward(const oz_tensor *self, const oz_tensor *mask,
                                   const oz_tensor *value, oz_tensor *out);
oz_tensor *idx_masked_select_forward(const oz_tensor *self, const oz_tensor *mask,
                                     oz_tensor *out);
oz_tensor *idx_index_forward(const oz_tensor *self, int n, const oz_tensor *const *indices);
oz_tensor *idx_index_put_forward(const oz_tensor *self, int n, const oz_tensor *const *indices,
                                 const oz_tensor *values, bool accumulate, oz_tensor *out);
/* index_put_ into `result` itself. */
int idx_index_put_into(oz_tensor *result, int n, const oz_tensor *const *indices,
                       const oz_tensor *values, bool accumulate);

/* "[2, 3]" into buf. */
#define IDX_SHAPE(buf, t) oz_shape_str((buf), sizeof(buf), (t)->ndim, (t)->shape)

#endif
