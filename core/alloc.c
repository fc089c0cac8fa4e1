/* alloc.c - the 64-byte-aligned host allocator. Failure is an error, never an abort. */
#include <stdlib.h>

#include "core/oz_error.h"
#include "core/oz_tensor.h"

#define OZ_HOST_ALIGN 64

/* Each block is preceded by a 64-byte header holding its size, so oz_host_bytes_in_use can count
 * live bytes without a side table. */
static int64_t bytes_in_use;

void *oz_host_alloc(size_t nbytes) {
  if (nbytes > ((size_t)1 << 62)) {
    oz_set_error(OZ_ERR_NOMEM, "DefaultCPUAllocator: not enough memory: you tried to allocate %zu bytes.", nbytes);
    return NULL;
  }
  size_t total = (nbytes + OZ_HOST_ALIGN - 1) / OZ_HOST_ALIGN * OZ_HOST_ALIGN + OZ_HOST_ALIGN;
  char *block = aligned_alloc(OZ_HOST_ALIGN, total);
  if (!block) {
    oz_set_error(OZ_ERR_NOMEM, "DefaultCPUAllocator: not enough memory: you tried to allocate %zu bytes.", nbytes);
    return NULL;
  }
  *(size_t *)block = nbytes;
  __atomic_add_fetch(&bytes_in_use, (int64_t)nbytes, __ATOMIC_RELAXED);
  return block + OZ_HOST_ALIGN;
}

void oz_host_free(void *ptr) {
  if (!ptr) return;
  char *block = (char *)ptr - OZ_HOST_ALIGN;
  __atomic_sub_fetch(&bytes_in_use, (int64_t) * (size_t *)block, __ATOMIC_RELAXED);
  free(block);
}

int64_t oz_host_bytes_in_use(void) { return __atomic_load_n(&bytes_in_use, __ATOMIC_RELAXED); }
