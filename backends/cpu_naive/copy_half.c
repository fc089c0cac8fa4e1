/* copy_half.c - float16 and bfloat16 in cpu_naive: stored, filled, and converted to and from every
 * other dtype (COPY), which is what `.half()`, `.bfloat16()`, `.float()`, factories with
 * dtype=torch.float16 and loading such checkpoints need. No arithmetic runs on them here: ops
 * on these dtypes report "not implemented" (as PyTorch 1.13's CPU kernels do for most ops).
 *
 * Conversions follow c10::Half / c10::BFloat16, whose constructors take a float: any source goes
 * through float32 first (double rounding from float64, as in PyTorch), then rounds to nearest
 * even; reading one back to another type converts its float32 value with the usual rules. */
#include <stdbool.h>
#include <stddef.h>

#include "dispatch/oz_half.h"
#include "dtype_dispatch.h"
#include "iter.h"
#include "naive.h"

NAIVE_INTERNAL bool naive_is_half(int dtype) { return dtype == OZ_FLOAT16 || dtype == OZ_BFLOAT16; }

static int64_t elsize(int dtype) {
  return naive_is_half(dtype) ? 2 : (int64_t)naive_dtype_size(dtype);
}

/* One element of any dtype cpu_naive stores, as a float32 value. */
static float load(const char *p, int dtype) {
  switch (dtype) {
    case OZ_FLOAT16: return oz_half_to_float(*(const uint16_t *)p);
    case OZ_BFLOAT16: return oz_bf16_to_float(*(const uint16_t *)p);
    case OZ_FLOAT32: return *(const float *)p;
    case OZ_FLOAT64: return (float)*(const double *)p;
    case OZ_INT64: return (float)*(const int64_t *)p;
    case OZ_INT32: return (float)*(const int32_t *)p;
    case OZ_INT16: return (float)*(const int16_t *)p;
    case OZ_INT8: return (float)*(const int8_t *)p;
    case OZ_UINT8: return (float)*(const uint8_t *)p;
    default: return *(const uint8_t *)p != 0; /* bool */
  }
}

/* A float32 value (read from a half type) stored as dtype, with PyTorch's cast rules. */
static void store(char *p, int dtype, float x) {
  switch (dtype) {
    case OZ_FLOAT16: *(uint16_t *)p = oz_float_to_half(x); break;
    case OZ_BFLOAT16: *(uint16_t *)p = oz_float_to_bf16(x); break;
    case OZ_FLOAT32: *(float *)p = x; break;
    case OZ_FLOAT64: *(double *)p = x; break;
    case OZ_INT64: *(int64_t *)p = naive_float_to_i64(x); break;
    case OZ_INT32: *(int32_t *)p = naive_float_to_i32(x); break;
    case OZ_INT16: *(int16_t *)p = naive_float_to_i16(x); break;
    case OZ_INT8: *(int8_t *)p = naive_float_to_i8(x); break;
    case OZ_UINT8: *(uint8_t *)p = naive_float_to_u8(x); break;
    default: *(uint8_t *)p = x != 0; break; /* bool: NaN is true */
  }
}

/* The checks naive_check_call makes, for calls where a half type is involved. */
static int check(const oz_call *call, int n_in) {
  if (call->n_in != n_in || call->n_out != 1)
    return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: half copy/fill: wrong operand count");
  const oz_view *out = &call->out[0];
  for (int k = 0; k < n_in + 1; k++) {
    const oz_view *v = k ? &call->in[k - 1] : out;
    if (elsize(v->dtype) == 0 || v->ndim < 0 || v->ndim > OZ_MAX_DIMS)
      return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: half copy/fill: bad operand %d", k);
    if (v->ndim != out->ndim)
      return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: copy: shapes differ");
    for (int d = 0; d < v->ndim; d++)
      if (v->shape[d] != out->shape[d])
        return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: copy: shapes differ");
  }
  return OZ_OK;
}

static void iter_init(naive_iter *it, int nops, const oz_view *const *views) {
  int64_t strides[NAIVE_ITER_MAX_OPS][OZ_MAX_DIMS], sizes[NAIVE_ITER_MAX_OPS];
  char *data[NAIVE_ITER_MAX_OPS];
  for (int k = 0; k < nops; k++) {
    for (int d = 0; d < views[0]->ndim; d++) strides[k][d] = views[k]->strides[d];
    sizes[k] = elsize(views[k]->dtype);
    data[k] = views[k]->data;
  }
  naive_iter_init_raw(it, nops, views[0]->ndim, views[0]->shape,
                      (const int64_t(*)[OZ_MAX_DIMS])strides, sizes, data);
}

int naive_copy_half(const oz_call *call) {
  int rc = check(call, 1);
  if (rc) return rc;
  const oz_view *out = &call->out[0], *in = &call->in[0];
  const int64_t so = elsize(out->dtype), si = elsize(in->dtype);
  naive_iter it;
  iter_init(&it, 2, (const oz_view *[]){out, in});
  while (naive_iter_next(&it))
    for (int64_t i = 0; i < it.n; i++)
      store(it.row[0] + i * it.step[0] * so, out->dtype,
            load(it.row[1] + i * it.step[1] * si, in->dtype));
  return OZ_OK;
}

int naive_fill_half(const oz_call *call) {
  int rc = check(call, 0);
  if (rc) return rc;
  if (call->n_scalars < 1) return NAIVE_FAIL(OZ_ERR_RUNTIME, "cpu_naive: fill: no value");
  const oz_view *out = &call->out[0];
  const uint16_t v = out->dtype == OZ_FLOAT16 ? oz_float_to_half((float)call->scalars[0].f)
                                               : oz_float_to_bf16((float)call->scalars[0].f);
  naive_iter it;
  iter_init(&it, 1, (const oz_view *[]){out});
  while (naive_iter_next(&it))
    for (int64_t i = 0; i < it.n; i++) *(uint16_t *)(it.row[0] + i * it.step[0] * 2) = v;
  return OZ_OK;
}
