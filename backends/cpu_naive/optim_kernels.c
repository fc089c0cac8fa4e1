/* optim_kernels.c - cpu_naive's kernels for optimizer and fused update ops (ops/optim.def). */
#include "naive.h"

/* Registration rows for this family, ended by a row with op -1. */
const oz_kernel_reg naive_optim_kernels[] = {
    {-1, 0, NULL, NULL},
};
