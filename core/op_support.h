/* op_support.h - helpers shared by the core's op front-ends (not a public API). */
#ifndef OZ_OP_SUPPORT_H
#define OZ_OP_SUPPORT_H

#include <string.h>

#include "core/oz_dtype.h"
#include "core/oz_error.h"
#include "core/oz_ops.h"
#include "dispatch/oz_dispatch.h"

/* A call for `op` with no operands yet. */
static inline oz_call oz_call_make(int op) {
  oz_call c;
  memset(&c, 0, sizeof c);
  c.size = sizeof c;
  c.op = op;
  return c;
}
static inline void oz_call_in(oz_call *c, const oz_tensor *t) { c->in[c->n_in++] = oz_tensor_view(t); }
static inline void oz_call_out(oz_call *c, const oz_tensor *t) { c->out[c->n_out++] = oz_tensor_view(t); }
static inline void oz_call_scalar(oz_call *c, oz_scalar s) { c->scalars[c->n_scalars++] = s; }

/* Type-promotion priority of an operand: wrapped Python number 0, 0-d tensor 1, else 2. */
static inline int oz_operand_priority(const oz_tensor *t) {
  return t->is_wrapped_number ? 0 : t->ndim == 0 ? 1 : 2;
}

static inline bool oz_same_device(oz_device a, oz_device b) {
  return a.type == b.type && a.index == b.index;
}

/* The device an op over these operands runs on: a 0-d CPU tensor (e.g. a Python number) may join
 * tensors on any device, anything else must agree. Error otherwise, as torch words it. */
int oz_common_device(const oz_tensor *const *ts, int n, oz_device *device);

/* `t` cast to `dtype` and moved to `device` when needed (new reference; t itself if nothing to
 * do). */
oz_tensor *oz_operand_as(const oz_tensor *t, int dtype, oz_device device);

/* Checks an out= tensor for a result of (ndim, shape, dtype) on `device`: dtype castable and
 * same device; a wrong shape is resized, unless out is one of the inputs (in-place), which is an
 * error. Returns OZ_OK or an error code. */
int oz_check_out(oz_tensor *out, bool out_is_input, int ndim, const int64_t *shape, int dtype,
                 oz_device device);

/* torch's refusals to write through aliasing memory: an output with a broadcast (stride-0) dim,
 * and an output that shares some but not all of its memory with an input. */
int oz_check_internal_overlap(const oz_tensor *out);
int oz_check_partial_overlap(const oz_tensor *out, const oz_tensor *in);

/* Writes `result` into `out` (cast) when they differ and returns a new reference to out;
 * otherwise returns result. Consumes the reference to result. */
oz_tensor *oz_finish_out(oz_tensor *result, oz_tensor *out);

/* "[2, 3]" for messages. */
const char *oz_shape_str(char *buf, size_t n, int ndim, const int64_t *shape);

#endif
