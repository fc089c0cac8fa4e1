/* binary_kernels.c - cpu_naive's kernels for binary and ternary elementwise ops (ops/binary.def). */
#include "naive.h"

/* Registration rows for this family, ended by a row with op -1. */
const oz_kernel_reg naive_binary_kernels[] = {
    {-1, 0, NULL, NULL},
};
