/* random_kernels.c - cpu_naive's kernels for random numbers and sequences (ops/random.def): the
 * registration table. The kernels are in random_sample.c, random_rows.c and random_range.c. */
#include "random_naive.h"

/* Registration rows for this family, ended by a row with op -1. The mask is of the dispatch
 * dtype: out[0]'s for ops without inputs, in[0]'s otherwise (BERNOULLI: the float64
 * probabilities; MULTINOMIAL: the weights). */
const oz_kernel_reg naive_random_kernels[] = {
    {OZ_OP_UNIFORM, OZ_MASK_FLOATING, naive_uniform, NULL},
    {OZ_OP_NORMAL, OZ_MASK_FLOATING, naive_normal, NULL},
    {OZ_OP_RANDOM, OZ_MASK_ALL, naive_random, NULL},
    {OZ_OP_BERNOULLI, OZ_DTYPE_BIT(OZ_FLOAT64), naive_bernoulli, NULL},
    {OZ_OP_EXPONENTIAL, OZ_MASK_FLOATING, naive_exponential, NULL},
    {OZ_OP_GEOMETRIC, OZ_MASK_NUMERIC, naive_geometric, NULL},
    {OZ_OP_CAUCHY, OZ_MASK_FLOATING, naive_cauchy, NULL},
    {OZ_OP_LOG_NORMAL, OZ_MASK_FLOATING, naive_log_normal, NULL},
    {OZ_OP_MULTINOMIAL, OZ_MASK_FLOATING, naive_multinomial, NULL},
    {OZ_OP_RANDPERM, OZ_MASK_NUMERIC, naive_randperm, NULL},
    {OZ_OP_LINSPACE, OZ_MASK_NUMERIC, naive_linspace, NULL},
    {OZ_OP_LOGSPACE, OZ_MASK_NUMERIC, naive_logspace, NULL},
    {-1, 0, NULL, NULL},
};
