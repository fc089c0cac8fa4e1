// dtype_test.cc - element types, torch.promote_types, torch.can_cast and torch.result_type.
// Every expected table below was generated once from real PyTorch 1.13
// (/usr/bin/python3 -c "import torch; ...") and pasted as literals.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/oz_dtype.h"
#include "core/oz_error.h"

namespace {

constexpr int F32 = OZ_FLOAT32, F64 = OZ_FLOAT64, I64 = OZ_INT64, I32 = OZ_INT32, I16 = OZ_INT16,
              I8 = OZ_INT8, U8 = OZ_UINT8, B = OZ_BOOL;
// Row/column order of every table.
constexpr int kDtypes[8] = {F32, F64, I64, I32, I16, I8, U8, B};

std::string Name(int dt) { return oz_dtype_name(dt); }

TEST(Dtype, SizesAndNames) {
  struct Row { int dt; size_t size; const char *name; bool floating, integral, integral_or_bool; };
  const Row rows[] = {
      {F32, 4, "float32", true, false, false}, {F64, 8, "float64", true, false, false},
      {I64, 8, "int64", false, true, true},    {I32, 4, "int32", false, true, true},
      {I16, 2, "int16", false, true, true},    {I8, 1, "int8", false, true, true},
      {U8, 1, "uint8", false, true, true},     {B, 1, "bool", false, false, true},
  };
  for (const Row &r : rows) {
    SCOPED_TRACE(r.name);
    EXPECT_TRUE(oz_dtype_is_valid(r.dt));
    EXPECT_EQ(oz_dtype_size(r.dt), r.size);
    EXPECT_STREQ(oz_dtype_name(r.dt), r.name);
    EXPECT_EQ(oz_dtype_is_floating(r.dt), r.floating);
    EXPECT_EQ(oz_dtype_is_integral(r.dt, false), r.integral);
    EXPECT_EQ(oz_dtype_is_integral(r.dt, true), r.integral_or_bool);
  }
}

TEST(Dtype, ReservedHalfTypes) {
  EXPECT_EQ(oz_dtype_size(OZ_FLOAT16), 2u);
  EXPECT_EQ(oz_dtype_size(OZ_BFLOAT16), 2u);
  EXPECT_TRUE(oz_dtype_is_floating(OZ_FLOAT16));
  EXPECT_TRUE(oz_dtype_is_floating(OZ_BFLOAT16));
}

TEST(Dtype, InvalidIds) {
  for (int dt : {-1, (int)OZ_NUM_DTYPES, 42, 1 << 20}) {
    SCOPED_TRACE(dt);
    EXPECT_FALSE(oz_dtype_is_valid(dt));
    EXPECT_EQ(oz_dtype_size(dt), 0u);
    EXPECT_STREQ(oz_dtype_name(dt), "invalid");
    EXPECT_FALSE(oz_dtype_is_floating(dt));
    EXPECT_FALSE(oz_dtype_is_integral(dt, true));
  }
}

// torch.promote_types(row, column).
constexpr int kPromote[8][8] = {
    {F32, F64, F32, F32, F32, F32, F32, F32},
    {F64, F64, F64, F64, F64, F64, F64, F64},
    {F32, F64, I64, I64, I64, I64, I64, I64},
    {F32, F64, I64, I32, I32, I32, I32, I32},
    {F32, F64, I64, I32, I16, I16, I16, I16},
    {F32, F64, I64, I32, I16, I8, I16, I8},
    {F32, F64, I64, I32, I16, I16, U8, U8},
    {F32, F64, I64, I32, I16, I8, U8, B},
};

TEST(Dtype, PromoteTypesFullTable) {
  for (int r = 0; r < 8; r++)
    for (int c = 0; c < 8; c++)
      EXPECT_EQ(Name(oz_promote_types(kDtypes[r], kDtypes[c])), Name(kPromote[r][c]))
          << "promote_types(" << Name(kDtypes[r]) << ", " << Name(kDtypes[c]) << ")";
}

// torch.can_cast(from = row, to = column).
constexpr bool kCanCast[8][8] = {
    {1, 1, 0, 0, 0, 0, 0, 0},
    {1, 1, 0, 0, 0, 0, 0, 0},
    {1, 1, 1, 1, 1, 1, 1, 0},
    {1, 1, 1, 1, 1, 1, 1, 0},
    {1, 1, 1, 1, 1, 1, 1, 0},
    {1, 1, 1, 1, 1, 1, 1, 0},
    {1, 1, 1, 1, 1, 1, 1, 0},
    {1, 1, 1, 1, 1, 1, 1, 1},
};

TEST(Dtype, CanCastFullTable) {
  for (int r = 0; r < 8; r++)
    for (int c = 0; c < 8; c++)
      EXPECT_EQ(oz_can_cast(kDtypes[r], kDtypes[c]), kCanCast[r][c])
          << "can_cast(" << Name(kDtypes[r]) << ", " << Name(kDtypes[c]) << ")";
}

// ---- result_type ----
constexpr int kDim = 2, kZeroDim = 1, kWrapped = 0;

int ResultType(const std::vector<std::pair<int, int>> &operands) {
  oz_result_type_state s;
  oz_result_type_init(&s);
  for (auto [dt, prio] : operands) oz_result_type_add(&s, dt, prio);
  return oz_result_type_get(&s);
}

// torch.result_type(torch.ones(2, dtype=row), torch.ones((), dtype=column)), either order.
constexpr int kDimWithZeroDim[8][8] = {
    {F32, F32, F32, F32, F32, F32, F32, F32},
    {F64, F64, F64, F64, F64, F64, F64, F64},
    {F32, F64, I64, I64, I64, I64, I64, I64},
    {F32, F64, I32, I32, I32, I32, I32, I32},
    {F32, F64, I16, I16, I16, I16, I16, I16},
    {F32, F64, I8, I8, I8, I8, I8, I8},
    {F32, F64, U8, U8, U8, U8, U8, U8},
    {F32, F64, I64, I32, I16, I8, U8, B},
};

TEST(ResultType, DimTensorWithZeroDimTensor) {
  for (int r = 0; r < 8; r++)
    for (int c = 0; c < 8; c++) {
      const int a = kDtypes[r], z = kDtypes[c];
      SCOPED_TRACE("dim " + Name(a) + " with 0-d " + Name(z));
      EXPECT_EQ(Name(ResultType({{a, kDim}, {z, kZeroDim}})), Name(kDimWithZeroDim[r][c]));
      EXPECT_EQ(Name(ResultType({{z, kZeroDim}, {a, kDim}})), Name(kDimWithZeroDim[r][c]));
    }
}

// A Python int is a wrapped int64, a float a wrapped float64, a bool a wrapped bool.
constexpr int kWrappedKinds[3] = {I64, F64, B};
// torch.result_type(tensor of dtype row, 3 / 2.5 / True): identical for dim and 0-d tensors.
constexpr int kTensorWithWrapped[8][3] = {
    {F32, F32, F32}, {F64, F64, F64}, {I64, F32, I64}, {I32, F32, I32},
    {I16, F32, I16}, {I8, F32, I8},   {U8, F32, U8},   {I64, F32, B},
};

TEST(ResultType, TensorWithWrappedNumber) {
  for (int prio : {kDim, kZeroDim})
    for (int r = 0; r < 8; r++)
      for (int k = 0; k < 3; k++) {
        const int a = kDtypes[r], w = kWrappedKinds[k];
        SCOPED_TRACE("tensor " + Name(a) + " (priority " + std::to_string(prio) +
                     ") with wrapped " + Name(w));
        EXPECT_EQ(Name(ResultType({{a, prio}, {w, kWrapped}})), Name(kTensorWithWrapped[r][k]));
        EXPECT_EQ(Name(ResultType({{w, kWrapped}, {a, prio}})), Name(kTensorWithWrapped[r][k]));
      }
}

TEST(ResultType, SamePriorityIsPromoteTypes) {
  for (int prio : {kDim, kZeroDim})
    for (int r = 0; r < 8; r++)
      for (int c = 0; c < 8; c++)
        EXPECT_EQ(Name(ResultType({{kDtypes[r], prio}, {kDtypes[c], prio}})),
                  Name(kPromote[r][c]));
}

// Cases called out in the PyTorch docs / easy to get wrong, with torch's answers.
TEST(ResultType, NotableCases) {
  struct Case { const char *what; std::vector<std::pair<int, int>> ops; int expect; };
  const Case cases[] = {
      {"int32 tensor + 1", {{I32, kDim}, {I64, kWrapped}}, I32},
      {"int32 tensor + 2.5", {{I32, kDim}, {F64, kWrapped}}, F32},
      {"uint8 tensor + tensor(1)", {{U8, kDim}, {I64, kZeroDim}}, U8},
      // The 0-d tensor is a higher category (float): promote_types(uint8, float64).
      {"uint8 tensor + tensor(1., dtype=float64)", {{U8, kDim}, {F64, kZeroDim}}, F64},
      {"bool tensor + 1", {{B, kDim}, {I64, kWrapped}}, I64},
      {"bool tensor + True", {{B, kDim}, {B, kWrapped}}, B},
      {"tensor(1., dtype=float64) + float32 tensor", {{F64, kZeroDim}, {F32, kDim}}, F32},
      {"float32 tensor + 2.5 (wrapped float64)", {{F32, kDim}, {F64, kWrapped}}, F32},
      {"tensor(5) + 2.5", {{I64, kZeroDim}, {F64, kWrapped}}, F32},
      {"int8 tensor + tensor(1) + 2.5", {{I8, kDim}, {I64, kZeroDim}, {F64, kWrapped}}, F32},
      {"int16 tensor + int64 tensor(0-d) + True", {{I16, kDim}, {I64, kZeroDim}, {B, kWrapped}},
       I16},
      {"bool tensor + int8 tensor(0-d)", {{B, kDim}, {I8, kZeroDim}}, I8},
      {"only wrapped: 1 + 2.5", {{I64, kWrapped}, {F64, kWrapped}}, F32},
      {"only wrapped: 1 + 2", {{I64, kWrapped}, {I64, kWrapped}}, I64},
      {"single float64 tensor", {{F64, kDim}}, F64},
      {"single 0-d int16 tensor", {{I16, kZeroDim}}, I16},
  };
  for (const Case &c : cases) EXPECT_EQ(Name(ResultType(c.ops)), Name(c.expect)) << c.what;
}

TEST(DefaultDtype, Float32UnlessChanged) {
  EXPECT_EQ(oz_default_dtype(), F32);
  ASSERT_EQ(oz_set_default_dtype(F64), OZ_OK);
  EXPECT_EQ(oz_default_dtype(), F64);
  // Wrapped Python floats take the default dtype (torch: int32 tensor + 2.5 -> float64 now).
  EXPECT_EQ(Name(ResultType({{I32, kDim}, {F64, kWrapped}})), "float64");
  EXPECT_EQ(Name(ResultType({{F32, kDim}, {F64, kWrapped}})), "float32");
  ASSERT_EQ(oz_set_default_dtype(F32), OZ_OK);
  EXPECT_EQ(oz_default_dtype(), F32);
  EXPECT_EQ(Name(ResultType({{I32, kDim}, {F64, kWrapped}})), "float32");
}

TEST(DefaultDtype, OnlyFloatingAllowed) {
  // torch.set_default_dtype(torch.int64): TypeError "only floating-point types are supported
  // as the default type".
  for (int dt : {I64, I32, U8, B, 42}) {
    oz_clear_error();
    EXPECT_EQ(oz_set_default_dtype(dt), OZ_ERR_TYPE) << Name(dt);
    EXPECT_EQ(oz_last_error_code(), OZ_ERR_TYPE);
    EXPECT_STRNE(oz_last_error_message(), "");
    EXPECT_EQ(oz_default_dtype(), F32) << "a failed set must not change the default";
  }
}

TEST(Error, LastErrorIsPerCallAndClearable) {
  oz_clear_error();
  EXPECT_EQ(oz_last_error_code(), OZ_OK);
  EXPECT_STREQ(oz_last_error_message(), "");
  EXPECT_EQ(oz_set_error(OZ_ERR_VALUE, "bad %s %d", "thing", 7), OZ_ERR_VALUE);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_VALUE);
  EXPECT_STREQ(oz_last_error_message(), "bad thing 7");
  oz_clear_error();
  EXPECT_EQ(oz_last_error_code(), OZ_OK);
  EXPECT_STREQ(oz_last_error_message(), "");
}

TEST(Error, LongMessagesAreTruncatedNotOverflowed) {
  std::string huge(OZ_ERROR_MSG_MAX * 3, 'x');
  oz_set_error(OZ_ERR_RUNTIME, "%s", huge.c_str());
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  size_t n = std::string(oz_last_error_message()).size();
  EXPECT_GT(n, 0u);
  EXPECT_LE(n, (size_t)OZ_ERROR_MSG_MAX);
  oz_clear_error();
}

}  // namespace
