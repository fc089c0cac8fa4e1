/* half_widen.c - float16/bfloat16 ops on the CPU when no backend has a kernel for them: the
 * call runs on float32 copies of its 16-bit views and the outputs are rounded back, which is how
 * PyTorch's CPU kernels compute on these types too (in float, one rounding at the end).
 *
 * Only the COPY kernel has to know the 16-bit formats (cpu_naive's does); every other op gets
 * them through here. A backend that registers real 16-bit kernels is found first and used. */
#include <stdbool.h>
#include <string.h>

#include "core/oz_error.h"
#include "core/oz_tensor.h"
#include "dispatch/oz_dispatch.h"

static bool is_half(int dtype) { return dtype == OZ_FLOAT16 || dtype == OZ_BFLOAT16; }

bool oz_dispatch_has_half(const oz_call *call) {
  for (int i = 0; i < call->n_in; i++)
    if (is_half(call->in[i].dtype)) return true;
  for (int i = 0; i < call->n_out; i++)
    if (is_half(call->out[i].dtype)) return true;
  return false;
}

/* dst = src converted, through the COPY op (same shape). */
static int convert(const oz_view *dst, const oz_view *src) {
  oz_call c;
  memset(&c, 0, sizeof c);
  c.op = OZ_OP_COPY;
  c.n_in = 1, c.n_out = 1;
  c.in[0] = *src;
  c.out[0] = *dst;
  return oz_dispatch_call(&c);
}

/* A contiguous float32 copy of a 16-bit view: *wide describes it; block is its memory. */
static int widen(const oz_view *v, oz_view *wide, void **block) {
  int64_t n = 1;
  for (int d = 0; d < v->ndim; d++) n *= v->shape[d];
  *block = oz_host_alloc((size_t)(n > 0 ? n : 1) * sizeof(float));
  if (!*block) return oz_set_error(OZ_ERR_NOMEM, "out of memory widening a 16-bit tensor");
  *wide = *v;
  wide->data = *block;
  wide->dtype = OZ_FLOAT32;
  int64_t stride = 1;
  for (int d = v->ndim - 1; d >= 0; d--) {
    wide->strides[d] = stride;
    stride *= v->shape[d] > 0 ? v->shape[d] : 1;
  }
  return convert(wide, v);
}

int oz_dispatch_widened(oz_call *call) {
  oz_call wide = *call;
  void *blocks[OZ_MAX_INPUTS + OZ_MAX_OUTPUTS] = {0};
  int rc = OZ_OK;
  for (int i = 0; i < call->n_in && rc == OZ_OK; i++)
    if (is_half(call->in[i].dtype)) rc = widen(&call->in[i], &wide.in[i], &blocks[i]);
  /* Outputs are read in too: in-place ops and kernels that write part of their output. */
  for (int i = 0; i < call->n_out && rc == OZ_OK; i++)
    if (is_half(call->out[i].dtype))
      rc = widen(&call->out[i], &wide.out[i], &blocks[OZ_MAX_INPUTS + i]);
  if (rc == OZ_OK) rc = oz_dispatch_call(&wide);
  for (int i = 0; i < call->n_out && rc == OZ_OK; i++)
    if (is_half(call->out[i].dtype)) rc = convert(&call->out[i], &wide.out[i]);
  for (size_t i = 0; i < sizeof blocks / sizeof blocks[0]; i++) oz_host_free(blocks[i]);
  return rc;
}
