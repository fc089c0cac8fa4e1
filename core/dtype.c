/* dtype.c - element types and PyTorch's type promotion (torch.promote_types, torch.result_type,
 * torch.can_cast). */
#include "core/oz_dtype.h"

#include "core/oz_error.h"

typedef struct dtype_info {
  const char *name;
  const char *scalar_type_name;
  size_t size;
  bool floating;
  bool integral; /* excluding bool */
} dtype_info;

/* Indexed by oz_dtype. */
static const dtype_info DTYPES[OZ_NUM_DTYPES] = {
    [OZ_FLOAT32] = {"float32", "Float", 4, true, false},   [OZ_FLOAT64] = {"float64", "Double", 8, true, false},
    [OZ_INT64] = {"int64", "Long", 8, false, true},       [OZ_INT32] = {"int32", "Int", 4, false, true},
    [OZ_INT16] = {"int16", "Short", 2, false, true},       [OZ_INT8] = {"int8", "Char", 1, false, true},
    [OZ_UINT8] = {"uint8", "Byte", 1, false, true},       [OZ_BOOL] = {"bool", "Bool", 1, false, false},
    [OZ_FLOAT16] = {"float16", "Half", 2, true, false},   [OZ_BFLOAT16] = {"bfloat16", "BFloat16", 2, true, false},
};

bool oz_dtype_is_valid(int dt) { return dt >= 0 && dt < OZ_NUM_DTYPES; }
size_t oz_dtype_size(int dt) { return oz_dtype_is_valid(dt) ? DTYPES[dt].size : 0; }
const char *oz_dtype_scalar_type_name(int dt) {
  return oz_dtype_is_valid(dt) ? DTYPES[dt].scalar_type_name : "Undefined";
}
const char *oz_dtype_name(int dt) { return oz_dtype_is_valid(dt) ? DTYPES[dt].name : "invalid"; }
bool oz_dtype_is_floating(int dt) { return oz_dtype_is_valid(dt) && DTYPES[dt].floating; }
bool oz_dtype_is_integral(int dt, bool include_bool) {
  return oz_dtype_is_valid(dt) && (DTYPES[dt].integral || (include_bool && dt == OZ_BOOL));
}

/* torch.promote_types, read off PyTorch 1.13 (rows and columns in oz_dtype order). */
#define F4 OZ_FLOAT32
#define F8 OZ_FLOAT64
#define I8 OZ_INT64
#define I4 OZ_INT32
#define I2 OZ_INT16
#define I1 OZ_INT8
#define U1 OZ_UINT8
#define B1 OZ_BOOL
#define H2 OZ_FLOAT16
#define BF OZ_BFLOAT16
static const signed char PROMOTE[OZ_NUM_DTYPES][OZ_NUM_DTYPES] = {
    /*        F4  F8  I8  I4  I2  I1  U1  B1  H2  BF */
    /* F4 */ {F4, F8, F4, F4, F4, F4, F4, F4, F4, F4},
    /* F8 */ {F8, F8, F8, F8, F8, F8, F8, F8, F8, F8},
    /* I8 */ {F4, F8, I8, I8, I8, I8, I8, I8, H2, BF},
    /* I4 */ {F4, F8, I8, I4, I4, I4, I4, I4, H2, BF},
    /* I2 */ {F4, F8, I8, I4, I2, I2, I2, I2, H2, BF},
    /* I1 */ {F4, F8, I8, I4, I2, I1, I2, I1, H2, BF},
    /* U1 */ {F4, F8, I8, I4, I2, I2, U1, U1, H2, BF},
    /* B1 */ {F4, F8, I8, I4, I2, I1, U1, B1, H2, BF},
    /* H2 */ {F4, F8, H2, H2, H2, H2, H2, H2, H2, F4},
    /* BF */ {F4, F8, BF, BF, BF, BF, BF, BF, F4, BF},
};

int oz_promote_types(int a, int b) {
  if (!oz_dtype_is_valid(a) || !oz_dtype_is_valid(b)) return -1;
  return PROMOTE[a][b];
}

/* 0 bool, 1 integral, 2 floating: PyTorch's type categories. */
static int category(int dt) { return dt == OZ_BOOL ? 0 : oz_dtype_is_floating(dt) ? 2 : 1; }

bool oz_can_cast(int from, int to) { return category(from) <= category(to); }

static int default_dtype = OZ_FLOAT32;
int oz_default_dtype(void) { return default_dtype; }
int oz_set_default_dtype(int dt) {
  if (dt != OZ_FLOAT32 && dt != OZ_FLOAT64)
    return oz_set_error(OZ_ERR_TYPE, "only floating-point types are supported as the default type");
  default_dtype = dt;
  return OZ_OK;
}

void oz_result_type_init(oz_result_type_state *s) {
  s->dim_result = s->zero_result = s->wrapped_result = -1;
}

static int promote_skip_undefined(int a, int b) {
  if (a < 0) return b;
  if (b < 0) return a;
  return oz_promote_types(a, b);
}

void oz_result_type_add(oz_result_type_state *s, int dtype, int priority) {
  if (priority == 2) {
    s->dim_result = promote_skip_undefined(s->dim_result, dtype);
  } else if (priority == 1) {
    s->zero_result = promote_skip_undefined(s->zero_result, dtype);
  } else {
    /* A Python float counts as the default dtype, not as float64. */
    if (oz_dtype_is_floating(dtype)) dtype = default_dtype;
    s->wrapped_result = promote_skip_undefined(s->wrapped_result, dtype);
  }
}

/* A lower-priority operand only matters if it is of a higher category (a float scalar promotes
 * an integer tensor; an int scalar does not widen an int8 tensor). */
static int combine_categories(int higher, int lower) {
  if (higher < 0) return lower;
  if (lower < 0) return higher;
  if (category(higher) >= category(lower)) {
    /* bool is the one exception: bool tensor + int scalar is int64. */
    return higher == OZ_BOOL ? oz_promote_types(higher, lower) : higher;
  }
  return oz_promote_types(higher, lower);
}

int oz_result_type_get(const oz_result_type_state *s) {
  return combine_categories(s->dim_result, combine_categories(s->zero_result, s->wrapped_result));
}
