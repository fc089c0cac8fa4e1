/* reduce_kernels.c - cpu_naive's kernels for reductions and sorting (ops/reduce.def): the
 * registration rows, with the dtypes PyTorch's CPU backend defines each op for. The kernels are in
 * reduce_fold.c, reduce_scan.c, reduce_sort.c and reduce_grad.c (see reduce_walk.h). */
#include "naive.h"
#include "reduce_walk.h"

/* Registration rows for this family, ended by a row with op -1. */
const oz_kernel_reg naive_reduce_kernels[] = {
    /* op                        dtypes            kernel */
    {OZ_OP_PROD, OZ_MASK_ALL, naive_prod, NULL}, /* bool: prod(dtype=torch.bool) */
    {OZ_OP_AMAX, OZ_MASK_ALL, naive_amax, NULL},
    {OZ_OP_AMIN, OZ_MASK_ALL, naive_amax, NULL},
    {OZ_OP_MAX_DIM, OZ_MASK_ALL, naive_max_dim, NULL},
    {OZ_OP_MIN_DIM, OZ_MASK_ALL, naive_max_dim, NULL},
    {OZ_OP_VAR_MEAN, OZ_MASK_FLOATING, naive_var_mean, NULL},
    {OZ_OP_LOGSUMEXP, OZ_MASK_FLOATING, naive_logsumexp, NULL},
    {OZ_OP_NORM, OZ_MASK_FLOATING, naive_norm, NULL},
    {OZ_OP_ALL, OZ_MASK_ALL, naive_all_any, NULL},
    {OZ_OP_ANY, OZ_MASK_ALL, naive_all_any, NULL},
    {OZ_OP_CUMSUM, OZ_MASK_NUMERIC, naive_cumulative, NULL}, /* bool is summed as int64 */
    {OZ_OP_CUMPROD, OZ_MASK_NUMERIC, naive_cumulative, NULL},
    {OZ_OP_SORT, OZ_MASK_ALL, naive_sort, NULL},
    {OZ_OP_UNIQUE_GROUPS, OZ_MASK_ALL, naive_unique_groups, NULL},
    {OZ_OP_LEXSORT_ROWS, OZ_MASK_ALL, naive_lexsort_rows, NULL},
    {OZ_OP_SCATTER_INTO_ZEROS, OZ_MASK_ALL, naive_scatter_into_zeros, NULL},
    {OZ_OP_LOGSUMEXP_BACKWARD, OZ_MASK_FLOATING, naive_logsumexp_backward, NULL},
    {OZ_OP_NORM_BACKWARD, OZ_MASK_FLOATING, naive_norm_backward, NULL},
    {OZ_OP_CUMPROD_BACKWARD, OZ_MASK_FLOATING, naive_cumprod_backward, NULL},
    {-1, 0, NULL, NULL},
};
