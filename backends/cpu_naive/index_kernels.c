/* index_kernels.c - cpu_naive's kernels for shapes, indexing and copies (ops/index.def). */
#include "naive.h"

/* Registration rows for this family, ended by a row with op -1. */
const oz_kernel_reg naive_index_kernels[] = {
    {-1, 0, NULL, NULL},
};
