/* nn_kernels.c - cpu_naive's kernels for neural-network primitives (ops/nn.def). */
#include "naive.h"

/* Registration rows for this family, ended by a row with op -1. */
const oz_kernel_reg naive_nn_kernels[] = {
    {-1, 0, NULL, NULL},
};
