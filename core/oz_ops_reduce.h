/* oz_ops_reduce.h - front-ends of the reductions and sorting (ops/reduce.def): mean, prod,
 * max/min (whole tensor, along a dim, amax/amin, argmax/argmin), var/std (and *_mean),
 * logsumexp, norm, all/any, count_nonzero, cumsum/cumprod, sort/argsort, topk, unique.
 * sum is oz_sum in core/oz_ops.h.
 *
 * Conventions (as core/oz_ops.h): results are new references, or NULL / an error code with the
 * last error set; `out` may be NULL or torch's out= tensor (also how in-place cumsum_ is written:
 * out == a). `dims`/`n_dims`: the dims to reduce, NULL or 0 of them meaning all (torch's
 * dim=None); negative dims count from the end. `dtype` < 0 means torch's default.
 * Differentiable results record their PyTorch grad_fn (MeanBackward0/1, ProdBackward0/1,
 * MaxBackward0/1, AmaxBackward0, VarBackward0, StdBackward0, VarMeanBackward0, StdMeanBackward0,
 * LogsumexpBackward0, NormBackward1, CumsumBackward0, CumprodBackward0, SortBackward0,
 * TopkBackward0); the formulas are in core/reductions_grad.c (their recording forms, for
 * create_graph, in core/reductions_grad_graph.c). */
#ifndef OZ_OPS_REDUCE_H
#define OZ_OPS_REDUCE_H

#include "core/oz_tensor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* torch.mean: floating (or dtype=) only: RuntimeError "mean(): could not infer output dtype..."
 * otherwise. An empty reduction gives NaN. */
oz_tensor *oz_mean(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim, int dtype,
                   oz_tensor *out);
/* torch.prod over all dims (n_dims 0) or one dim (TypeError for more, as torch takes one int):
 * integral and bool inputs multiply to int64 unless dtype says otherwise. */
oz_tensor *oz_prod(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim, int dtype,
                   oz_tensor *out);

/* torch.amax / amin: NaN propagates; an empty reduced dim is an IndexError unless the result is
 * empty. */
oz_tensor *oz_amax(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim,
                   oz_tensor *out);
oz_tensor *oz_amin(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim,
                   oz_tensor *out);
/* torch.max(input) / min(input): a 0-d tensor; RuntimeError for an empty input. */
oz_tensor *oz_max_all(const oz_tensor *a, oz_tensor *out);
oz_tensor *oz_min_all(const oz_tensor *a, oz_tensor *out);
/* torch.max(input, dim, keepdim) / min: *values and *indices (int64) receive new references;
 * out_values/out_indices are torch's out=(values, indices) (both or neither). */
int oz_max_dim(const oz_tensor *a, int64_t dim, bool keepdim, oz_tensor *out_values,
               oz_tensor *out_indices, oz_tensor **values, oz_tensor **indices);
int oz_min_dim(const oz_tensor *a, int64_t dim, bool keepdim, oz_tensor *out_values,
               oz_tensor *out_indices, oz_tensor **values, oz_tensor **indices);
/* torch.argmax / argmin: dim NULL flattens (keepdim then gives all-ones dims, as torch). */
oz_tensor *oz_argmax(const oz_tensor *a, const int64_t *dim, bool keepdim, oz_tensor *out);
oz_tensor *oz_argmin(const oz_tensor *a, const int64_t *dim, bool keepdim, oz_tensor *out);

/* var/std with Bessel's correction `correction` (unbiased=True is 1, False is 0); floating
 * inputs only. *result gets the variance (standard deviation when std), *mean (may be NULL)
 * the mean; both differentiable (VarMeanBackward0 / StdMeanBackward0 when mean is asked for). */
int oz_var_mean(const oz_tensor *a, const int64_t *dims, int n_dims, double correction,
                bool keepdim, bool std, oz_tensor *out, oz_tensor **result, oz_tensor **mean);
oz_tensor *oz_var(const oz_tensor *a, const int64_t *dims, int n_dims, double correction,
                  bool keepdim, oz_tensor *out);
oz_tensor *oz_std(const oz_tensor *a, const int64_t *dims, int n_dims, double correction,
                  bool keepdim, oz_tensor *out);

/* torch.logsumexp: integral inputs compute in the default float dtype. */
oz_tensor *oz_logsumexp(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim,
                        oz_tensor *out);
/* The vector p-norm over dims (torch.norm / linalg.vector_norm): p any double, +-INFINITY too;
 * dtype < 0 keeps a's (floating) dtype, else a is cast to dtype first. */
oz_tensor *oz_norm(const oz_tensor *a, double p, const int64_t *dims, int n_dims, bool keepdim,
                   int dtype, oz_tensor *out);

/* torch.all / any: bool results (uint8 for a uint8 input, as torch 1.13). */
oz_tensor *oz_all(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim,
                  oz_tensor *out);
oz_tensor *oz_any(const oz_tensor *a, const int64_t *dims, int n_dims, bool keepdim,
                  oz_tensor *out);
/* torch.count_nonzero: int64. */
oz_tensor *oz_count_nonzero(const oz_tensor *a, const int64_t *dims, int n_dims);

/* torch.cumsum / cumprod along dim: integral and bool inputs accumulate in int64 unless dtype
 * says otherwise. out == a is the in-place form (cumsum_). */
oz_tensor *oz_cumsum(const oz_tensor *a, int64_t dim, int dtype, oz_tensor *out);
oz_tensor *oz_cumprod(const oz_tensor *a, int64_t dim, int dtype, oz_tensor *out);

/* torch.sort (always stable) and argsort. */
int oz_sort(const oz_tensor *a, int64_t dim, bool descending, oz_tensor *out_values,
            oz_tensor *out_indices, oz_tensor **values, oz_tensor **indices);
oz_tensor *oz_argsort(const oz_tensor *a, int64_t dim, bool descending);
/* torch.topk: k largest (or smallest) along dim, in sorted order whatever `sorted` says (torch
 * leaves the order unspecified when it is false). */
int oz_topk(const oz_tensor *a, int64_t k, int64_t dim, bool largest, bool sorted,
            oz_tensor *out_values, oz_tensor *out_indices, oz_tensor **values,
            oz_tensor **indices);
/* torch.unique: the sorted distinct values of the flattened input (dim NULL), or the distinct
 * slices along *dim in lexicographic order; *inverse (a's shape, or one per slice) and *counts
 * are filled when the pointers are not NULL. */
int oz_unique(const oz_tensor *a, const int64_t *dim, oz_tensor **values, oz_tensor **inverse,
              oz_tensor **counts);

/* ---- for the core's own use: the backward formulas (core/reductions_grad.c) ---- */
/* out[...] = 0, then out[.., index[.., j, ..], ..] (+)= src[.., j, ..] along dim; out has
 * src's shape with `size` along dim. */
oz_tensor *oz_scatter_into_zeros(const oz_tensor *src, const oz_tensor *index, int64_t dim,
                                 int64_t size, bool accumulate);

#ifdef __cplusplus
}
#endif
#endif
