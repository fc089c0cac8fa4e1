/* reduce_kernels.c - cpu_naive's kernels for reductions and sorting (ops/reduce.def). */
#include "naive.h"

/* Registration rows for this family, ended by a row with op -1. */
const oz_kernel_reg naive_reduce_kernels[] = {
    {-1, 0, NULL, NULL},
};
