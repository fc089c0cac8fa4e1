// abi_layout_test.cc - pins the plugin ABI (dispatch/oz_backend.h) byte by byte.
//
// Every number below was computed once, by hand, for x86-64 LP64 (8-byte pointers, size_t and
// int64_t; 4-byte int32/uint32/enums) and written as a literal ON PURPOSE: if a field is
// inserted, reordered or resized, or an op or dtype is renumbered, this test fails. That is
// the point. A deliberate, compatible change (a field appended at the end, an op appended to
// oz_ops.def) updates these numbers together with OZ_ABI_MINOR; anything else bumps OZ_ABI_MAJOR.
#include <gtest/gtest.h>

#include <set>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "dispatch/oz_backend.h"

#define EXPECT_FIELD(type, field, offset, size)                   \
  do {                                                            \
    EXPECT_EQ(offsetof(type, field), (size_t)(offset)) << #type "." #field; \
    EXPECT_EQ(sizeof(((type *)0)->field), (size_t)(size)) << #type "." #field; \
  } while (0)

TEST(AbiLayout, PlatformAssumptions) {
  // The literals below are for LP64; on another data model this test is meaningless.
  ASSERT_EQ(sizeof(void *), 8u);
  ASSERT_EQ(sizeof(size_t), 8u);
  ASSERT_EQ(sizeof(oz_kernel_fn), 8u);
}

TEST(AbiLayout, Versions) {
  EXPECT_EQ(OZ_ABI_MAJOR, 1);
  EXPECT_EQ(OZ_ABI_MINOR, 1);
  EXPECT_STREQ(OZ_BACKEND_ENTRY, "oz_backend_init");
}

TEST(AbiLayout, Limits) {
  EXPECT_EQ(OZ_MAX_DIMS, 8);
  EXPECT_EQ(OZ_MAX_INPUTS, 4);
  EXPECT_EQ(OZ_MAX_OUTPUTS, 2);
  EXPECT_EQ(OZ_MAX_SCALARS, 4);
  EXPECT_EQ(OZ_MAX_INTS, 16);
}

TEST(AbiLayout, DtypeValues) {
  EXPECT_EQ(OZ_FLOAT32, 0);
  EXPECT_EQ(OZ_FLOAT64, 1);
  EXPECT_EQ(OZ_INT64, 2);
  EXPECT_EQ(OZ_INT32, 3);
  EXPECT_EQ(OZ_INT16, 4);
  EXPECT_EQ(OZ_INT8, 5);
  EXPECT_EQ(OZ_UINT8, 6);
  EXPECT_EQ(OZ_BOOL, 7);
  EXPECT_EQ(OZ_FLOAT16, 8);
  EXPECT_EQ(OZ_BFLOAT16, 9);
  EXPECT_EQ(OZ_NUM_DTYPES, 10);
  EXPECT_EQ(sizeof(oz_dtype), 4u);
}

TEST(AbiLayout, DtypeMasks) {
  EXPECT_EQ(OZ_DTYPE_BIT(OZ_BOOL), 0x80u);
  EXPECT_EQ(OZ_MASK_FLOATING, 0x03u);
  EXPECT_EQ(OZ_MASK_INTEGRAL, 0x7Cu);
  EXPECT_EQ(OZ_MASK_NUMERIC, 0x7Fu);
  EXPECT_EQ(OZ_MASK_ALL, 0xFFu);
}

TEST(AbiLayout, DeviceTypeValues) {
  EXPECT_EQ(OZ_DEVICE_CPU, 0);
  EXPECT_EQ(OZ_DEVICE_CUDA, 1);
  EXPECT_EQ(OZ_NUM_DEVICE_TYPES, 2);
}

TEST(AbiLayout, StatusValues) {
  EXPECT_EQ(OZ_OK, 0);
  EXPECT_EQ(OZ_ERR_RUNTIME, 1);
  EXPECT_EQ(OZ_ERR_INDEX, 2);
  EXPECT_EQ(OZ_ERR_TYPE, 3);
  EXPECT_EQ(OZ_ERR_VALUE, 4);
  EXPECT_EQ(OZ_ERR_NOMEM, 5);
  EXPECT_EQ(OZ_ERR_NOT_IMPLEMENTED, 6);
  EXPECT_EQ(OZ_ERR_PLUGIN, 7);
}

TEST(AbiLayout, CopyKindValues) {
  EXPECT_EQ(OZ_COPY_H2D, 0);
  EXPECT_EQ(OZ_COPY_D2H, 1);
  EXPECT_EQ(OZ_COPY_D2D, 2);
}

// Op ids: the position in oz_ops.def. Written out literally so that a reorder fails here.
TEST(AbiLayout, OpIds) {
  EXPECT_EQ(OZ_OP_FILL, 0);
  EXPECT_EQ(OZ_OP_COPY, 1);
  EXPECT_EQ(OZ_OP_ARANGE, 2);
  EXPECT_EQ(OZ_OP_ADD, 3);
  EXPECT_EQ(OZ_OP_SUB, 4);
  EXPECT_EQ(OZ_OP_MUL, 5);
  EXPECT_EQ(OZ_OP_DIV, 6);
  EXPECT_EQ(OZ_OP_NEG, 7);
  EXPECT_EQ(OZ_OP_EQ, 8);
  EXPECT_EQ(OZ_OP_NE, 9);
  EXPECT_EQ(OZ_OP_LT, 10);
  EXPECT_EQ(OZ_OP_LE, 11);
  EXPECT_EQ(OZ_OP_GT, 12);
  EXPECT_EQ(OZ_OP_GE, 13);
  EXPECT_EQ(OZ_OP_MATMUL, 14);
  EXPECT_EQ(OZ_OP_SUM, 15);
  // Ids are sparse (each family owns a block of 100 below the limit).
  EXPECT_EQ(OZ_OP_ID_LIMIT, 1000);
}

// The arity of each op, as declared in oz_ops.def, is part of what a kernel relies on.
struct OpArity {
  const char *name;
  int id, n_in, n_out;
};
static const OpArity kDeclared[] = {
#define OZ_OP(name, id, n_in, n_out, doc) {#name, id, n_in, n_out},
#include "dispatch/oz_ops.def"
#undef OZ_OP
};
static const OpArity kExpected[] = {
    {"FILL", 0, 0, 1},  {"COPY", 1, 1, 1},  {"ARANGE", 2, 0, 1}, {"ADD", 3, 2, 1},
    {"SUB", 4, 2, 1},   {"MUL", 5, 2, 1},   {"DIV", 6, 2, 1},    {"NEG", 7, 1, 1},
    {"EQ", 8, 2, 1},    {"NE", 9, 2, 1},    {"LT", 10, 2, 1},    {"LE", 11, 2, 1},
    {"GT", 12, 2, 1},   {"GE", 13, 2, 1},   {"MATMUL", 14, 2, 1}, {"SUM", 15, 1, 1},
};
TEST(AbiLayout, OpArity) {
  // The foundation ops come first in oz_ops.def, with these ids and arities.
  ASSERT_GE(sizeof(kDeclared) / sizeof(kDeclared[0]), sizeof(kExpected) / sizeof(kExpected[0]));
  for (size_t i = 0; i < sizeof(kExpected) / sizeof(kExpected[0]); i++) {
    EXPECT_STREQ(kDeclared[i].name, kExpected[i].name) << "op id " << i;
    EXPECT_EQ(kDeclared[i].id, kExpected[i].id) << kExpected[i].name;
    EXPECT_EQ(kDeclared[i].n_in, kExpected[i].n_in) << kExpected[i].name;
    EXPECT_EQ(kDeclared[i].n_out, kExpected[i].n_out) << kExpected[i].name;
  }
  // Every op: a unique id below the limit, arity within the call struct's capacity.
  std::set<int> ids;
  for (const OpArity &op : kDeclared) {
    EXPECT_TRUE(ids.insert(op.id).second) << "duplicate op id " << op.id << " (" << op.name << ")";
    EXPECT_GE(op.id, 0) << op.name;
    EXPECT_LT(op.id, OZ_OP_ID_LIMIT) << op.name;
    EXPECT_LE(op.n_in, OZ_MAX_INPUTS) << op.name;
    EXPECT_LE(op.n_out, OZ_MAX_OUTPUTS) << op.name;
  }
}

TEST(AbiLayout, View) {
  EXPECT_EQ(sizeof(oz_view), 152u);
  EXPECT_EQ(alignof(oz_view), 8u);
  EXPECT_FIELD(oz_view, data, 0, 8);
  EXPECT_FIELD(oz_view, dtype, 8, 4);
  EXPECT_FIELD(oz_view, ndim, 12, 4);
  EXPECT_FIELD(oz_view, device_type, 16, 4);
  EXPECT_FIELD(oz_view, device_index, 20, 4);
  EXPECT_FIELD(oz_view, shape, 24, 64);
  EXPECT_FIELD(oz_view, strides, 88, 64);
}

TEST(AbiLayout, Scalar) {
  EXPECT_EQ(sizeof(oz_scalar), 16u);
  EXPECT_FIELD(oz_scalar, f, 0, 8);
  EXPECT_FIELD(oz_scalar, i, 8, 8);
}

TEST(AbiLayout, Call) {
  EXPECT_EQ(sizeof(oz_call), 1128u);
  EXPECT_FIELD(oz_call, size, 0, 4);
  EXPECT_FIELD(oz_call, op, 4, 4);
  EXPECT_FIELD(oz_call, n_in, 8, 4);
  EXPECT_FIELD(oz_call, n_out, 12, 4);
  EXPECT_FIELD(oz_call, in, 16, 608);     // 4 x 152
  EXPECT_FIELD(oz_call, out, 624, 304);   // 2 x 152
  EXPECT_FIELD(oz_call, n_scalars, 928, 4);
  EXPECT_FIELD(oz_call, n_ints, 932, 4);
  EXPECT_FIELD(oz_call, scalars, 936, 64); // 4 x 16
  EXPECT_FIELD(oz_call, ints, 1000, 128);  // 16 x 8
}

TEST(AbiLayout, KernelReg) {
  EXPECT_EQ(sizeof(oz_kernel_reg), 24u);
  EXPECT_FIELD(oz_kernel_reg, op, 0, 4);
  EXPECT_FIELD(oz_kernel_reg, dtype_mask, 4, 4);
  EXPECT_FIELD(oz_kernel_reg, kernel, 8, 8);
  EXPECT_FIELD(oz_kernel_reg, supports, 16, 8);
}

TEST(AbiLayout, DeviceApi) {
  EXPECT_EQ(sizeof(oz_device_api), 48u);
  EXPECT_FIELD(oz_device_api, size, 0, 4);
  EXPECT_FIELD(oz_device_api, device_count, 8, 8);
  EXPECT_FIELD(oz_device_api, alloc, 16, 8);
  EXPECT_FIELD(oz_device_api, free, 24, 8);
  EXPECT_FIELD(oz_device_api, copy, 32, 8);
  EXPECT_FIELD(oz_device_api, synchronize, 40, 8);
}

TEST(AbiLayout, HostApi) {
  EXPECT_EQ(sizeof(oz_host_api), 72u);
  EXPECT_FIELD(oz_host_api, abi_major, 0, 4);
  EXPECT_FIELD(oz_host_api, abi_minor, 4, 4);
  EXPECT_FIELD(oz_host_api, size, 8, 4);
  EXPECT_FIELD(oz_host_api, set_error, 16, 8);
  EXPECT_FIELD(oz_host_api, log, 24, 8);
  EXPECT_FIELD(oz_host_api, host_alloc, 32, 8);
  EXPECT_FIELD(oz_host_api, host_free, 40, 8);
  EXPECT_FIELD(oz_host_api, op_name, 48, 8);
  EXPECT_FIELD(oz_host_api, dtype_name, 56, 8);
  EXPECT_FIELD(oz_host_api, dtype_size, 64, 8);
}

TEST(AbiLayout, BackendDesc) {
  EXPECT_EQ(sizeof(oz_backend_desc), 64u);
  EXPECT_FIELD(oz_backend_desc, abi_major, 0, 4);
  EXPECT_FIELD(oz_backend_desc, abi_minor, 4, 4);
  EXPECT_FIELD(oz_backend_desc, size, 8, 4);
  EXPECT_FIELD(oz_backend_desc, device_type, 12, 4);
  EXPECT_FIELD(oz_backend_desc, name, 16, 8);
  EXPECT_FIELD(oz_backend_desc, version, 24, 8);
  EXPECT_FIELD(oz_backend_desc, kernels, 32, 8);
  EXPECT_FIELD(oz_backend_desc, n_kernels, 40, 4);
  EXPECT_FIELD(oz_backend_desc, ctx, 48, 8);
  EXPECT_FIELD(oz_backend_desc, device, 56, 8);
}
