/* checks.c - validating a call before a kernel touches memory, and the dtype sizes. */
#include <inttypes.h>

#include "dtype_dispatch.h"
#include "naive.h"

#define SIZE_ENTRY(DT, SFX, T, W, KIND) [DT] = sizeof(T),
static const size_t dtype_sizes[OZ_NUM_DTYPES] = {NAIVE_ALL_TYPES(SIZE_ENTRY)};

size_t naive_dtype_size(int dtype) {
  return dtype >= 0 && dtype < OZ_NUM_DTYPES ? dtype_sizes[dtype] : 0;
}

int64_t naive_numel(const oz_view *v) {
  int64_t n = 1;
  for (int d = 0; d < v->ndim; d++) n *= v->shape[d];
  return n;
}

static const char *op_name(const oz_call *call) { return naive_host->op_name(call->op); }

static int check_view(const oz_call *call, const oz_view *v, const char *which, int k) {
  if (naive_dtype_size(v->dtype) == 0)
    return NAIVE_FAIL(OZ_ERR_NOT_IMPLEMENTED,
                      "cpu_naive: %s: %s[%d] has dtype %s, which has no kernels", op_name(call),
                      which, k, naive_host->dtype_name(v->dtype));
  if (v->ndim < 0 || v->ndim > OZ_MAX_DIMS)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: %s[%d] has ndim %d (must be 0..%d)",
                      op_name(call), which, k, (int)v->ndim, OZ_MAX_DIMS);
  for (int d = 0; d < v->ndim; d++)
    if (v->shape[d] < 0)
      return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: %s[%d] has size %" PRId64 " in dim %d",
                        op_name(call), which, k, v->shape[d], d);
  if (v->data == NULL && naive_numel(v) > 0)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: %s[%d] has elements but no data",
                      op_name(call), which, k);
  return OZ_OK;
}

int naive_check_call(const oz_call *call, int n_in, int n_out, int n_scalars) {
  if (call->n_in != n_in || call->n_out != n_out)
    return NAIVE_FAIL(OZ_ERR_RUNTIME,
                      "cpu_naive: %s takes %d input(s) and %d output(s), got %d and %d",
                      op_name(call), n_in, n_out, (int)call->n_in, (int)call->n_out);
  if (call->n_scalars < n_scalars)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s takes %d scalar(s), got %d", op_name(call),
                      n_scalars, (int)call->n_scalars);
  for (int k = 0; k < n_in; k++) {
    int rc = check_view(call, &call->in[k], "in", k);
    if (rc) return rc;
  }
  for (int k = 0; k < n_out; k++) {
    int rc = check_view(call, &call->out[k], "out", k);
    if (rc) return rc;
  }
  return OZ_OK;
}

int naive_check_elementwise(const oz_call *call, int in_dtype, int out_dtype) {
  const oz_view *out = &call->out[0];
  if (out->dtype != out_dtype)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: out[0] has dtype %s, expected %s",
                      op_name(call), naive_host->dtype_name(out->dtype),
                      naive_host->dtype_name(out_dtype));
  for (int k = 0; k < call->n_in; k++) {
    const oz_view *v = &call->in[k];
    if (in_dtype >= 0 && v->dtype != in_dtype)
      return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: %s: in[%d] has dtype %s, expected %s",
                        op_name(call), k, naive_host->dtype_name(v->dtype),
                        naive_host->dtype_name(in_dtype));
    int same = v->ndim == out->ndim;
    for (int d = 0; same && d < out->ndim; d++) same = v->shape[d] == out->shape[d];
    if (!same)
      return NAIVE_FAIL(OZ_ERR_RUNTIME,
                        "cpu_naive: %s: in[%d] does not have out[0]'s shape (the core broadcasts "
                        "inputs before an elementwise kernel runs)",
                        op_name(call), k);
  }
  return OZ_OK;
}

int naive_unsupported(const oz_call *call, int dtype) {
  return NAIVE_FAIL(OZ_ERR_NOT_IMPLEMENTED, "cpu_naive: %s is not implemented for '%s'",
                    op_name(call), naive_host->dtype_name(dtype));
}
