/* nn_checks.c - operand checks shared by the nn kernels. The core promises shapes, dtypes and
 * contiguity (ops/nn.def); checking anyway turns a core bug into a clear error instead of a wild
 * write, which is what the reference backend is for. */
#include <inttypes.h>
#include <stdio.h>

#include "nn_kernels.h"

static const char *op_name(const oz_call *call) { return naive_host->op_name(call->op); }

int naive_nn_check_shape(const oz_call *call, const oz_view *v, const char *what, int ndim,
                         const int64_t *shape) {
  int ok = v->ndim == ndim;
  for (int d = 0; ok && d < ndim; d++) ok = shape[d] < 0 || v->shape[d] == shape[d];
  if (ok) return OZ_OK;
  char buf[160];
  int len = 0;
  for (int d = 0; d < ndim && len < (int)sizeof buf - 24; d++)
    len += snprintf(buf + len, sizeof buf - (size_t)len, "%s%" PRId64, d ? ", " : "", shape[d]);
  buf[len] = 0;
  return NAIVE_FAIL(OZ_ERR_RUNTIME,
                    "cpu_naive: %s: %s must be %d-d [%s] (-1: any size), got a %d-d view",
                    op_name(call), what, ndim, buf, (int)v->ndim);
}

int naive_nn_check_contiguous(const oz_call *call, const oz_view *v, const char *what) {
  if (naive_numel(v) == 0) return OZ_OK; /* nothing is read or written */
  int64_t expected = 1;
  for (int d = v->ndim - 1; d >= 0; d--) {
    if (v->shape[d] != 1 && v->strides[d] != expected)
      return NAIVE_FAIL(OZ_ERR_RUNTIME,
                        "cpu_naive: %s: %s must be contiguous (the core makes it so)",
                        op_name(call), what);
    expected *= v->shape[d];
  }
  return OZ_OK;
}

int naive_nn_check_dtype(const oz_call *call, const oz_view *v, const char *what, int dtype) {
  if (v->dtype == dtype) return OZ_OK;
  return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: %s has dtype %s, expected %s", op_name(call),
                    what, naive_host->dtype_name(v->dtype), naive_host->dtype_name(dtype));
}

void *naive_nn_scratch(const oz_call *call, int64_t n, size_t size) {
  if (n < 0 || (uint64_t)n > SIZE_MAX / (size ? size : 1)) {
    naive_host->set_error(OZ_ERR_NOMEM, "cpu_naive: %s: scratch size overflows", op_name(call));
    return NULL;
  }
  const size_t nbytes = (size_t)n * size;
  void *p = naive_host->host_alloc(nbytes > 0 ? nbytes : 1);
  if (!p)
    naive_host->set_error(OZ_ERR_NOMEM, "cpu_naive: %s could not allocate %zu bytes of scratch",
                          op_name(call), nbytes);
  return p;
}
