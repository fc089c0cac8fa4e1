/* naive.h - what the cpu_naive source files share: the host table, argument checks, and the
 * kernel entry points that plugin.c registers. Everything here is internal to the plugin. */
#ifndef NAIVE_H
#define NAIVE_H

#include <stddef.h>
#include <stdint.h>

#include <stdbool.h>

#include "dispatch/oz_backend.h"

/* Internal symbols stay out of the .so's dynamic symbol table even if the build forgets
 * -fvisibility=hidden: the plugin exports only oz_backend_init. */
#if defined(__GNUC__)
#define NAIVE_INTERNAL __attribute__((visibility("hidden")))
#else
#define NAIVE_INTERNAL
#endif

/* The host services handed to oz_backend_init; set once, before any kernel can run. */
NAIVE_INTERNAL extern const oz_host_api *naive_host;

/* Reports through host->set_error and evaluates to `code`:  return NAIVE_FAIL(OZ_ERR_..., ...); */
#define NAIVE_FAIL(code, ...) (naive_host->set_error((code), __VA_ARGS__), (code))

/* ---- argument checks (cheap, O(ndim)); each sets the error and returns nonzero ----
 * The core promises all of this; checking anyway turns a core bug into a clear error instead of
 * a wild write, which is what the reference backend is for. */

/* n_in/n_out are what the op takes, there are at least n_scalars scalars, and every used view
 * has a dtype with kernels, 0 <= ndim <= OZ_MAX_DIMS, no negative sizes, and non-NULL data
 * where it has elements. */
NAIVE_INTERNAL int naive_check_call(const oz_call *call, int n_in, int n_out, int n_scalars);
/* Every input has out[0]'s shape and `in_dtype` (any dtype if < 0); out[0] has `out_dtype`. */
NAIVE_INTERNAL int naive_check_elementwise(const oz_call *call, int in_dtype, int out_dtype);
/* "cpu_naive: <op> is not implemented for '<dtype>'" (OZ_ERR_NOT_IMPLEMENTED). */
NAIVE_INTERNAL int naive_unsupported(const oz_call *call, int dtype);
NAIVE_INTERNAL int64_t naive_numel(const oz_view *v);
/* Bytes per element of a dtype cpu_naive computes on; 0 for float16/bfloat16 and invalid ids. */
NAIVE_INTERNAL size_t naive_dtype_size(int dtype);

/* ---- kernels (oz_kernel_fn), one group per file ---- */
/* copy_fill.c */
NAIVE_INTERNAL int naive_fill(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_copy(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_copy_supports(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_arange(void *ctx, const oz_call *call);
/* copy_half.c: float16/bfloat16 are only stored, filled and converted */
NAIVE_INTERNAL bool naive_is_half(int dtype);
NAIVE_INTERNAL int naive_copy_half(const oz_call *call);
NAIVE_INTERNAL int naive_fill_half(const oz_call *call);
/* elementwise.c */
NAIVE_INTERNAL int naive_add(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_sub(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_mul(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_div(void *ctx, const oz_call *call);
NAIVE_INTERNAL int naive_neg(void *ctx, const oz_call *call);
/* compare.c: EQ NE LT LE GT GE, chosen by call->op */
NAIVE_INTERNAL int naive_compare(void *ctx, const oz_call *call);
/* matmul.c */
NAIVE_INTERNAL int naive_matmul(void *ctx, const oz_call *call);
/* reduce.c */
NAIVE_INTERNAL int naive_sum(void *ctx, const oz_call *call);


/* Each op family registers its kernels in <family>_kernels.c, a table ended by op -1;
 * plugin.c joins them. */
extern const oz_kernel_reg naive_unary_kernels[];
extern const oz_kernel_reg naive_binary_kernels[];
extern const oz_kernel_reg naive_reduce_kernels[];
extern const oz_kernel_reg naive_index_kernels[];
extern const oz_kernel_reg naive_nn_kernels[];
extern const oz_kernel_reg naive_random_kernels[];
extern const oz_kernel_reg naive_linalg_kernels[];
extern const oz_kernel_reg naive_optim_kernels[];

#endif /* NAIVE_H */
