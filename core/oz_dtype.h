/* oz_dtype.h - element types: names, sizes, categories, PyTorch's type promotion and casting
 * rules. */
#ifndef OZ_DTYPE_H
#define OZ_DTYPE_H

#include <stdbool.h>
#include <stddef.h>

#include "dispatch/oz_backend.h"

#ifdef __cplusplus
extern "C" {
#endif

size_t oz_dtype_size(int dtype);           /* bytes per element; 0 for an invalid dtype */
const char *oz_dtype_name(int dtype);      /* "float32", "int64", ... ; "invalid" otherwise */
bool oz_dtype_is_valid(int dtype);
/* PyTorch's C++ ScalarType name used in its error messages: "Float", "Long", "Bool", ... */
const char *oz_dtype_scalar_type_name(int dtype);
bool oz_dtype_is_floating(int dtype);      /* float16/bfloat16/float32/float64 */
bool oz_dtype_is_integral(int dtype, bool include_bool);

/* torch.promote_types(a, b). */
int oz_promote_types(int a, int b);
/* torch.can_cast(from, to): no float->integral, no (non-bool)->bool. */
bool oz_can_cast(int from, int to);

/* The default floating dtype (torch.get_default_dtype); float32 unless changed. */
int oz_default_dtype(void);
int oz_set_default_dtype(int dtype); /* float32/float64 only; error (TypeError) otherwise */

/* PyTorch's result_type over operands of three priorities: tensors with dims, 0-d tensors, and
 * wrapped Python numbers. Feed operands with oz_result_type_add, read with oz_result_type_get. */
typedef struct oz_result_type_state {
  int dim_result;     /* -1 while undefined */
  int zero_result;
  int wrapped_result;
} oz_result_type_state;
void oz_result_type_init(oz_result_type_state *s);
/* `priority`: 2 a tensor with dims, 1 a 0-d tensor, 0 a wrapped Python number. */
void oz_result_type_add(oz_result_type_state *s, int dtype, int priority);
int oz_result_type_get(const oz_result_type_state *s);

#ifdef __cplusplus
}
#endif
#endif
