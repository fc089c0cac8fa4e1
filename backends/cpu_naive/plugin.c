/* plugin.c - cpu_naive's entry point: checks the host's ABI and hands the core the registration
 * table. The table is the whole story of what this backend provides: one row per op, with the
 * dtypes PyTorch's CPU backend defines it for. */
#include <stddef.h>

#include "naive.h"

const oz_host_api *naive_host;

static const oz_kernel_reg foundation_kernels[] = {
    /* op             dtypes               kernel          supports() */
    {OZ_OP_FILL, OZ_MASK_ALL | OZ_MASK_HALF, naive_fill, NULL},
    {OZ_OP_COPY, OZ_MASK_ALL | OZ_MASK_HALF, naive_copy, naive_copy_supports}, /* mask: source dtype */
    {OZ_OP_ARANGE, OZ_MASK_NUMERIC, naive_arange, NULL},
    {OZ_OP_ADD, OZ_MASK_ALL, naive_add, NULL},      /* bool: logical or */
    {OZ_OP_SUB, OZ_MASK_NUMERIC, naive_sub, NULL},  /* PyTorch refuses bool - bool */
    {OZ_OP_MUL, OZ_MASK_ALL, naive_mul, NULL},      /* bool: logical and */
    {OZ_OP_DIV, OZ_MASK_FLOATING, naive_div, NULL}, /* the core promotes integers to float */
    {OZ_OP_NEG, OZ_MASK_NUMERIC, naive_neg, NULL},  /* PyTorch refuses -bool */
    {OZ_OP_EQ, OZ_MASK_ALL, naive_compare, NULL},
    {OZ_OP_NE, OZ_MASK_ALL, naive_compare, NULL},
    {OZ_OP_LT, OZ_MASK_ALL, naive_compare, NULL},
    {OZ_OP_LE, OZ_MASK_ALL, naive_compare, NULL},
    {OZ_OP_GT, OZ_MASK_ALL, naive_compare, NULL},
    {OZ_OP_GE, OZ_MASK_ALL, naive_compare, NULL},
    {OZ_OP_MATMUL, OZ_MASK_NUMERIC, naive_matmul, NULL}, /* PyTorch has no bool mm */
    {OZ_OP_SUM, OZ_MASK_ALL, naive_sum, NULL},           /* bool only for sum(dtype=bool) */
};

/* The foundation table followed by every family's (each ended by op -1). */
static const oz_kernel_reg *const family_tables[] = {
    naive_unary_kernels, naive_binary_kernels, naive_reduce_kernels, naive_index_kernels, naive_nn_kernels, naive_random_kernels, naive_linalg_kernels, naive_optim_kernels,
};
static oz_kernel_reg all_kernels[1024];

static int32_t join_tables(void) {
  int32_t n = 0;
  for (size_t k = 0; k < sizeof foundation_kernels / sizeof foundation_kernels[0]; k++)
    all_kernels[n++] = foundation_kernels[k];
  for (size_t t = 0; t < sizeof family_tables / sizeof family_tables[0]; t++)
    for (const oz_kernel_reg *r = family_tables[t]; r->op >= 0; r++)
      if (n < (int32_t)(sizeof all_kernels / sizeof all_kernels[0])) all_kernels[n++] = *r;
  return n;
}

OZ_EXPORT int oz_backend_init(const oz_host_api *host, oz_backend_desc *desc) {
  if (!host || !desc) return OZ_ERR_PLUGIN;
  /* Every major starts both tables with abi_major, abi_minor: say which ABI we were built for
   * first, so a core of another major can name both versions even if we stop here. */
  desc->abi_major = OZ_ABI_MAJOR;
  desc->abi_minor = OZ_ABI_MINOR;
  if (host->abi_major != OZ_ABI_MAJOR) {
    if (host->set_error)
      host->set_error(OZ_ERR_PLUGIN,
                      "cpu_naive was built for plugin ABI %d.%d but the core speaks %u.%u; "
                      "rebuild the plugin against this core's dispatch/oz_backend.h",
                      OZ_ABI_MAJOR, OZ_ABI_MINOR, (unsigned)host->abi_major,
                      (unsigned)host->abi_minor);
    return OZ_ERR_PLUGIN;
  }
  /* Tables only grow at the end: make sure the core's are long enough for what we use. */
  const size_t host_needs = offsetof(oz_host_api, dtype_size) + sizeof host->dtype_size;
  if (host->size < host_needs) {
    host->set_error(OZ_ERR_PLUGIN,
                    "cpu_naive: the core's oz_host_api is %u bytes, ABI %d.%d needs %zu",
                    (unsigned)host->size, OZ_ABI_MAJOR, OZ_ABI_MINOR, host_needs);
    return OZ_ERR_PLUGIN;
  }
  if (desc->size < sizeof *desc) {
    host->set_error(OZ_ERR_PLUGIN,
                    "cpu_naive: the core's oz_backend_desc is %u bytes, ABI %d.%d needs %zu",
                    (unsigned)desc->size, OZ_ABI_MAJOR, OZ_ABI_MINOR, sizeof *desc);
    return OZ_ERR_PLUGIN;
  }
  naive_host = host;
  desc->device_type = OZ_DEVICE_CPU;
  desc->name = "cpu_naive";
  desc->version = "reference C11 kernels 1.0";
  desc->kernels = all_kernels;
  desc->n_kernels = join_tables();
  desc->ctx = NULL;
  desc->device = NULL;
  return OZ_OK;
}
