// tensor_test.cc - the tensor core: refcounts and leaks, alignment, views sharing storage,
// contiguity, view/reshape rules, dim wrapping, allocation errors and broadcasting.
// Expected geometries (shapes, strides, offsets) and messages were taken from real PyTorch 1.13.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/oz_dtype.h"
#include "core/oz_error.h"
#include "core/oz_ops.h"
#include "core/oz_tensor.h"
#include "dispatch/oz_dispatch.h"

namespace {

using Dims = std::vector<int64_t>;

// reshape/contiguous copy through the dispatcher: load the reference backend once.
class DispatcherEnv : public ::testing::Environment {
 public:
  void SetUp() override {
    ASSERT_EQ(oz_dispatch_init("cpu_naive", "", "backends/cpu_naive"), OZ_OK)
        << oz_last_error_message();
  }
};
const auto *const kEnv = ::testing::AddGlobalTestEnvironment(new DispatcherEnv);

Dims Shape(const oz_tensor *t) { return Dims(t->shape, t->shape + t->ndim); }
Dims Strides(const oz_tensor *t) { return Dims(t->strides, t->strides + t->ndim); }

// A contiguous float32 tensor holding 0, 1, 2, ... in row-major order.
oz_tensor *Iota(const Dims &shape) {
  oz_tensor *t = oz_empty((int)shape.size(), shape.data(), OZ_FLOAT32, OZ_CPU);
  if (!t) return nullptr;
  float *p = static_cast<float *>(oz_data_ptr(t));
  for (int64_t i = 0; i < oz_numel(t); i++) p[i] = (float)i;
  return t;
}

// All elements in row-major (logical) order, read through the tensor's strides.
std::vector<double> Values(const oz_tensor *t) {
  std::vector<double> v;
  for (int64_t i = 0; i < oz_numel(t); i++) {
    double d = -1;
    int64_t n = -1;
    EXPECT_EQ(oz_read_element(t, i, &d, &n), OZ_OK) << oz_last_error_message();
    v.push_back(d);
  }
  return v;
}

// Releases tensors at scope exit so a failed ASSERT does not turn into a leak report.
struct Owned {
  oz_tensor *t;
  explicit Owned(oz_tensor *p) : t(p) {}
  ~Owned() { oz_tensor_decref(t); }
  Owned(const Owned &) = delete;
  oz_tensor *operator->() const { return t; }
  operator oz_tensor *() const { return t; }
};

// Every test starts and ends with the same number of live tensors and host bytes.
class TensorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    oz_clear_error();
    live0_ = oz_live_tensors();
    bytes0_ = oz_host_bytes_in_use();
  }
  void TearDown() override {
    EXPECT_EQ(oz_live_tensors(), live0_) << "tensor leak";
    EXPECT_EQ(oz_host_bytes_in_use(), bytes0_) << "host memory leak";
  }
  int64_t live0_ = 0, bytes0_ = 0;
};

// ---------------------------------------------------------------- refcounts and memory

TEST_F(TensorTest, NewTensorHasOneReference) {
  oz_tensor *t = Iota({2, 3});
  ASSERT_NE(t, nullptr) << oz_last_error_message();
  EXPECT_EQ(t->refcount, 1);
  EXPECT_EQ(t->storage->refcount, 1);
  EXPECT_EQ(oz_live_tensors(), live0_ + 1);
  EXPECT_GE(oz_host_bytes_in_use(), bytes0_ + 6 * 4);
  oz_tensor_incref(t);
  EXPECT_EQ(t->refcount, 2);
  oz_tensor_decref(t);
  EXPECT_EQ(t->refcount, 1);
  EXPECT_EQ(oz_live_tensors(), live0_ + 1);
  oz_tensor_decref(t);
  EXPECT_EQ(oz_live_tensors(), live0_);
  EXPECT_EQ(oz_host_bytes_in_use(), bytes0_);
}

TEST_F(TensorTest, DecrefNullIsANoOp) { oz_tensor_decref(nullptr); }

TEST_F(TensorTest, ViewKeepsStorageAliveAfterBaseIsReleased) {
  oz_tensor *base = Iota({2, 3});
  ASSERT_NE(base, nullptr);
  oz_tensor *row = oz_select(base, 0, 1);
  ASSERT_NE(row, nullptr) << oz_last_error_message();
  EXPECT_EQ(row->storage, base->storage);
  EXPECT_EQ(base->storage->refcount, 2);
  oz_tensor_decref(base);
  EXPECT_EQ(oz_live_tensors(), live0_ + 1);
  EXPECT_EQ(row->storage->refcount, 1);
  EXPECT_EQ(Values(row), (std::vector<double>{3, 4, 5}));
  // The memory is still there and writable.
  static_cast<float *>(oz_data_ptr(row))[2] = 42.f;
  EXPECT_EQ(Values(row), (std::vector<double>{3, 4, 42}));
  oz_tensor_decref(row);
  EXPECT_EQ(oz_live_tensors(), live0_);
  EXPECT_EQ(oz_host_bytes_in_use(), bytes0_);
}

TEST_F(TensorTest, ChainOfViewsReleasedInAnyOrder) {
  oz_tensor *a = Iota({4, 5});
  oz_tensor *b = oz_transpose(a, 0, 1);
  oz_tensor *c = oz_slice(b, 0, 1, 4, 2);
  oz_tensor *d = oz_alias(c);
  ASSERT_TRUE(a && b && c && d) << oz_last_error_message();
  EXPECT_EQ(a->storage->refcount, 4);
  EXPECT_NE(d, c);
  oz_tensor_decref(b);
  oz_tensor_decref(a);
  oz_tensor_decref(d);
  // c = a.t()[1:4:2] = columns 1 and 3 of a
  EXPECT_EQ(Values(c), (std::vector<double>{1, 6, 11, 16, 3, 8, 13, 18}));
  oz_tensor_decref(c);
}

TEST_F(TensorTest, StorageWrapCallsDeleterOnceWhenLastUserLetsGo) {
  static int deleted = 0;
  static void *deleted_ptr = nullptr;
  deleted = 0;
  float buf[6] = {0, 1, 2, 3, 4, 5};
  oz_storage *s = oz_storage_wrap(
      buf, sizeof buf, OZ_CPU,
      [](void *ctx, void *data) {
        deleted++;
        deleted_ptr = data;
        EXPECT_EQ(ctx, (void *)0x1234);
      },
      (void *)0x1234);
  ASSERT_NE(s, nullptr) << oz_last_error_message();
  const int64_t shape[2] = {3, 2}, strides[2] = {1, 3};
  oz_tensor *t = oz_tensor_over(s, 0, OZ_FLOAT32, 2, shape, strides);
  ASSERT_NE(t, nullptr) << oz_last_error_message();
  EXPECT_EQ(s->refcount, 2);
  oz_storage_decref(s);  // the tensor holds its own reference
  EXPECT_EQ(deleted, 0);
  EXPECT_EQ(Values(t), (std::vector<double>{0, 3, 1, 4, 2, 5}));
  oz_tensor *v = oz_select(t, 1, 0);
  oz_tensor_decref(t);
  EXPECT_EQ(deleted, 0);
  oz_tensor_decref(v);
  EXPECT_EQ(deleted, 1);
  EXPECT_EQ(deleted_ptr, (void *)buf);
}

TEST_F(TensorTest, TensorOverRejectsGeometryOutsideStorage) {
  oz_storage *s = oz_storage_new(6 * sizeof(float), OZ_CPU);
  ASSERT_NE(s, nullptr);
  const int64_t shape[1] = {6}, strides[1] = {1};
  const int64_t shape2[2] = {2, 3}, strides2[2] = {4, 1};  // needs 4 + 2 + 1 = 7 elements
  EXPECT_EQ(oz_tensor_over(s, 1, OZ_FLOAT32, 1, shape, strides), nullptr);
  EXPECT_NE(oz_last_error_code(), OZ_OK);
  EXPECT_EQ(oz_tensor_over(s, 0, OZ_FLOAT64, 1, shape, strides), nullptr);  // 48 > 24 bytes
  EXPECT_EQ(oz_tensor_over(s, 0, OZ_FLOAT32, 2, shape2, strides2), nullptr);
  EXPECT_EQ(oz_tensor_over(s, -1, OZ_FLOAT32, 1, shape, strides), nullptr);
  // Reaches that overflow int64 must not wrap around into the storage.
  const int64_t huge_shape[2] = {2, 3}, huge_strides[2] = {INT64_MAX / 2 + 1, 1};
  EXPECT_EQ(oz_tensor_over(s, 0, OZ_FLOAT32, 2, huge_shape, huge_strides), nullptr);
  const int64_t wrap_shape[2] = {3, 2}, wrap_strides[2] = {INT64_MAX / 2 + 2, -(INT64_MAX / 2)};
  EXPECT_EQ(oz_tensor_over(s, 0, OZ_FLOAT32, 2, wrap_shape, wrap_strides), nullptr);
  const int64_t big_shape[1] = {2}, big_strides[1] = {INT64_MAX / 8};  // bytes overflow
  EXPECT_EQ(oz_tensor_over(s, 0, OZ_FLOAT64, 1, big_shape, big_strides), nullptr);
  oz_tensor *ok = oz_tensor_over(s, 0, OZ_FLOAT32, 1, shape, strides);
  EXPECT_NE(ok, nullptr) << oz_last_error_message();
  oz_tensor_decref(ok);
  oz_storage_decref(s);
}

TEST_F(TensorTest, DataIs64ByteAligned) {
  for (int dt : {OZ_FLOAT32, OZ_FLOAT64, OZ_UINT8, OZ_BOOL, OZ_INT16})
    for (int64_t n : {1, 3, 17, 63, 64, 65, 1000, 4097}) {
      oz_tensor *t = oz_empty(1, &n, dt, OZ_CPU);
      ASSERT_NE(t, nullptr) << oz_last_error_message();
      EXPECT_EQ((uintptr_t)oz_data_ptr(t) % 64, 0u) << oz_dtype_name(dt) << " x " << n;
      oz_tensor_decref(t);
    }
  for (size_t n : {1, 7, 64, 100, 1 << 20}) {
    void *p = oz_host_alloc(n);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ((uintptr_t)p % 64, 0u) << n;
    EXPECT_GE(oz_host_bytes_in_use(), bytes0_ + (int64_t)n);
    memset(p, 0xab, n);  // really usable (ASan/valgrind would notice otherwise)
    oz_host_free(p);
  }
  oz_host_free(nullptr);
}

TEST_F(TensorTest, NumelAndZeroDim) {
  const int64_t s0[3] = {2, 0, 3};
  Owned empty(oz_empty(3, s0, OZ_FLOAT32, OZ_CPU));
  ASSERT_NE(empty.t, nullptr) << oz_last_error_message();
  EXPECT_EQ(oz_numel(empty), 0);
  EXPECT_TRUE(oz_is_contiguous(empty));
  Owned scalar(oz_empty(0, nullptr, OZ_INT64, OZ_CPU));
  ASSERT_NE(scalar.t, nullptr) << oz_last_error_message();
  EXPECT_EQ(scalar->ndim, 0);
  EXPECT_EQ(oz_numel(scalar), 1);
  EXPECT_TRUE(oz_is_contiguous(scalar));
  *static_cast<int64_t *>(oz_data_ptr(scalar)) = -7;
  double d;
  int64_t i;
  ASSERT_EQ(oz_read_element(scalar, 0, &d, &i), OZ_OK);
  EXPECT_EQ(i, -7);
  EXPECT_EQ(d, -7.0);
}

TEST_F(TensorTest, ContiguousStridesAndViewStruct) {
  Owned t(Iota({2, 3, 4}));
  ASSERT_NE(t.t, nullptr);
  EXPECT_EQ(Shape(t), (Dims{2, 3, 4}));
  EXPECT_EQ(Strides(t), (Dims{12, 4, 1}));
  EXPECT_EQ(t->offset, 0);
  EXPECT_FALSE(t->is_wrapped_number);
  Owned s(oz_select(t, 0, 1));
  oz_view v = oz_tensor_view(s);
  EXPECT_EQ(v.data, (char *)t->storage->data + 12 * sizeof(float));
  EXPECT_EQ(v.data, oz_data_ptr(s));
  EXPECT_EQ(v.dtype, OZ_FLOAT32);
  EXPECT_EQ(v.ndim, 2);
  EXPECT_EQ(v.device_type, OZ_DEVICE_CPU);
  EXPECT_EQ(v.device_index, 0);
  EXPECT_EQ(v.shape[0], 3);
  EXPECT_EQ(v.shape[1], 4);
  EXPECT_EQ(v.strides[0], 4);
  EXPECT_EQ(v.strides[1], 1);
}

// ---------------------------------------------------------------- views share storage

struct ViewCase {
  const char *what;
  oz_tensor *(*make)(const oz_tensor *base);  // base is a contiguous [2, 3, 4] iota
  Dims shape, strides;
  int64_t offset;
};

const ViewCase kViewCases[] = {
    {"select(0, 1)", [](const oz_tensor *b) { return oz_select(b, 0, 1); }, {3, 4}, {4, 1}, 12},
    {"select(-1, 2)", [](const oz_tensor *b) { return oz_select(b, -1, 2); }, {2, 3}, {12, 4}, 2},
    {"select(2, -1)", [](const oz_tensor *b) { return oz_select(b, 2, -1); }, {2, 3}, {12, 4}, 3},
    {"[:, 1:3]", [](const oz_tensor *b) { return oz_slice(b, 1, 1, 3, 1); }, {2, 2, 4},
     {12, 4, 1}, 4},
    {"[:, :, 0:100:2]", [](const oz_tensor *b) { return oz_slice(b, 2, 0, 100, 2); }, {2, 3, 2},
     {12, 4, 2}, 0},
    {"[1:2]", [](const oz_tensor *b) { return oz_slice(b, 0, 1, 2, 1); }, {1, 3, 4}, {12, 4, 1},
     12},
    {"[:, :, 1::2] (step 2, odd length)", [](const oz_tensor *b) { return oz_slice(b, 2, 1, 4, 2); },
     {2, 3, 2}, {12, 4, 2}, 1},
    {"transpose(0, 2)", [](const oz_tensor *b) { return oz_transpose(b, 0, 2); }, {4, 3, 2},
     {1, 4, 12}, 0},
    {"transpose(-1, -2)", [](const oz_tensor *b) { return oz_transpose(b, -1, -2); }, {2, 4, 3},
     {12, 1, 4}, 0},
    {"transpose(1, 1)", [](const oz_tensor *b) { return oz_transpose(b, 1, 1); }, {2, 3, 4},
     {12, 4, 1}, 0},
    {"permute(2, 0, 1)",
     [](const oz_tensor *b) {
       const int64_t p[3] = {2, 0, 1};
       return oz_permute(b, 3, p);
     },
     {4, 2, 3}, {1, 12, 4}, 0},
    {"permute(-1, 1, 0)",
     [](const oz_tensor *b) {
       const int64_t p[3] = {-1, 1, 0};
       return oz_permute(b, 3, p);
     },
     {4, 3, 2}, {1, 4, 12}, 0},
    {"view(6, 4)",
     [](const oz_tensor *b) {
       const int64_t s[2] = {6, 4};
       return oz_view_shape(b, 2, s);
     },
     {6, 4}, {4, 1}, 0},
    {"view(-1)",
     [](const oz_tensor *b) {
       const int64_t s[1] = {-1};
       return oz_view_shape(b, 1, s);
     },
     {24}, {1}, 0},
    {"view(4, -1)",
     [](const oz_tensor *b) {
       const int64_t s[2] = {4, -1};
       return oz_view_shape(b, 2, s);
     },
     {4, 6}, {6, 1}, 0},
    {"reshape(3, 8) of a contiguous tensor is a view",
     [](const oz_tensor *b) {
       const int64_t s[2] = {3, 8};
       return oz_reshape(b, 2, s);
     },
     {3, 8}, {8, 1}, 0},
    {"unsqueeze(0)", [](const oz_tensor *b) { return oz_unsqueeze(b, 0); }, {1, 2, 3, 4},
     {24, 12, 4, 1}, 0},
    {"unsqueeze(1)", [](const oz_tensor *b) { return oz_unsqueeze(b, 1); }, {2, 1, 3, 4},
     {12, 12, 4, 1}, 0},
    {"unsqueeze(3)", [](const oz_tensor *b) { return oz_unsqueeze(b, 3); }, {2, 3, 4, 1},
     {12, 4, 1, 1}, 0},
    {"unsqueeze(-1)", [](const oz_tensor *b) { return oz_unsqueeze(b, -1); }, {2, 3, 4, 1},
     {12, 4, 1, 1}, 0},
    {"select(1, 2).select(0, 1)",
     [](const oz_tensor *b) {
       oz_tensor *s = oz_select(b, 1, 2);
       oz_tensor *r = s ? oz_select(s, 0, 1) : nullptr;
       oz_tensor_decref(s);
       return r;
     },
     {4}, {1}, 20},
    {"as_strided((3, 2), (1, 4), 5)",
     [](const oz_tensor *b) {
       const int64_t sh[2] = {3, 2}, st[2] = {1, 4};
       return oz_as_strided(b, 2, sh, st, 5);
     },
     {3, 2}, {1, 4}, 5},
    {"alias", [](const oz_tensor *b) { return oz_alias(b); }, {2, 3, 4}, {12, 4, 1}, 0},
};

class ViewTest : public TensorTest, public ::testing::WithParamInterface<ViewCase> {};

TEST_P(ViewTest, SharesStorageWithExpectedGeometry) {
  const ViewCase &c = GetParam();
  Owned base(Iota({2, 3, 4}));
  ASSERT_NE(base.t, nullptr);
  Owned v(c.make(base));
  ASSERT_NE(v.t, nullptr) << c.what << ": " << oz_last_error_message();
  EXPECT_NE(v.t, base.t);
  EXPECT_EQ(v->storage, base->storage) << "a view must share its base's storage";
  EXPECT_EQ(Shape(v), c.shape);
  EXPECT_EQ(Strides(v), c.strides);
  EXPECT_EQ(v->offset, c.offset);
  EXPECT_EQ(v->dtype, OZ_FLOAT32);
  // Writes through the base are seen through the view: element 0 of the view.
  float *p = static_cast<float *>(base->storage->data);
  p[c.offset] = -100.f;
  double d;
  int64_t i;
  ASSERT_EQ(oz_read_element(v, 0, &d, &i), OZ_OK);
  EXPECT_EQ(d, -100.0);
}

INSTANTIATE_TEST_SUITE_P(Views, ViewTest, ::testing::ValuesIn(kViewCases),
                         [](const ::testing::TestParamInfo<ViewCase> &info) {
                           return "case" + std::to_string(info.index);
                         });

TEST_F(TensorTest, ExpandUsesStrideZero) {
  Owned b(Iota({3, 1}));
  const int64_t to[3] = {2, 3, 4};
  Owned e(oz_expand(b, 3, to));
  ASSERT_NE(e.t, nullptr) << oz_last_error_message();
  EXPECT_EQ(e->storage, b->storage);
  EXPECT_EQ(Shape(e), (Dims{2, 3, 4}));
  EXPECT_EQ(Strides(e), (Dims{0, 1, 0}));
  EXPECT_FALSE(oz_is_contiguous(e));
  std::vector<double> v = Values(e);
  ASSERT_EQ(v.size(), 24u);
  EXPECT_EQ(v[0], 0);
  EXPECT_EQ(v[5], 1);   // [0, 1, 1]
  EXPECT_EQ(v[23], 2);  // [1, 2, 3]
  const int64_t keep[2] = {-1, 5};
  Owned e2(oz_expand(b, 2, keep));
  ASSERT_NE(e2.t, nullptr) << oz_last_error_message();
  EXPECT_EQ(Shape(e2), (Dims{3, 5}));
  EXPECT_EQ(Strides(e2), (Dims{1, 0}));
}

TEST_F(TensorTest, SqueezeAllAndOneDim) {
  Owned t(Iota({1, 3, 1}));
  Owned all(oz_squeeze(t));
  ASSERT_NE(all.t, nullptr);
  EXPECT_EQ(Shape(all), (Dims{3}));
  EXPECT_EQ(Strides(all), (Dims{1}));
  EXPECT_EQ(all->storage, t->storage);
  Owned d0(oz_squeeze_dim(t, 0));
  ASSERT_NE(d0.t, nullptr);
  EXPECT_EQ(Shape(d0), (Dims{3, 1}));
  Owned d1(oz_squeeze_dim(t, 1));  // size 3: unchanged, as in torch
  ASSERT_NE(d1.t, nullptr);
  EXPECT_EQ(Shape(d1), (Dims{1, 3, 1}));
  Owned dm1(oz_squeeze_dim(t, -1));
  ASSERT_NE(dm1.t, nullptr);
  EXPECT_EQ(Shape(dm1), (Dims{1, 3}));
  EXPECT_EQ(dm1->storage, t->storage);
}

TEST_F(TensorTest, EmptySliceWhenStartPastEnd) {
  Owned t(Iota({2, 3, 4}));
  Owned s(oz_slice(t, 2, 3, 1, 1));
  ASSERT_NE(s.t, nullptr) << oz_last_error_message();
  EXPECT_EQ(Shape(s), (Dims{2, 3, 0}));
  EXPECT_EQ(oz_numel(s), 0);
  Owned s2(oz_slice(t, 0, 5, 9, 1));  // both clamped to 2
  ASSERT_NE(s2.t, nullptr) << oz_last_error_message();
  EXPECT_EQ(Shape(s2), (Dims{0, 3, 4}));
}

struct ViewErrorCase {
  const char *what;
  oz_tensor *(*make)(const oz_tensor *base);  // base is a contiguous [2, 3, 4] iota
  int code;
};
const ViewErrorCase kViewErrors[] = {
    {"select(0, 2): index out of range",
     [](const oz_tensor *b) { return oz_select(b, 0, 2); }, OZ_ERR_INDEX},
    {"select(0, -3)", [](const oz_tensor *b) { return oz_select(b, 0, -3); }, OZ_ERR_INDEX},
    {"select(3, 0): dim out of range", [](const oz_tensor *b) { return oz_select(b, 3, 0); },
     OZ_ERR_INDEX},
    {"transpose(0, 3)", [](const oz_tensor *b) { return oz_transpose(b, 0, 3); }, OZ_ERR_INDEX},
    {"unsqueeze(4)", [](const oz_tensor *b) { return oz_unsqueeze(b, 4); }, OZ_ERR_INDEX},
    {"unsqueeze(-5)", [](const oz_tensor *b) { return oz_unsqueeze(b, -5); }, OZ_ERR_INDEX},
    {"permute(2, 0, 0): duplicate dims",
     [](const oz_tensor *b) {
       const int64_t p[3] = {2, 0, 0};
       return oz_permute(b, 3, p);
     },
     OZ_ERR_RUNTIME},
    {"permute(0, 1): wrong number of dims",
     [](const oz_tensor *b) {
       const int64_t p[2] = {0, 1};
       return oz_permute(b, 2, p);
     },
     OZ_ERR_RUNTIME},
    {"expand to (2, 3, 5)",
     [](const oz_tensor *b) {
       const int64_t s[3] = {2, 3, 5};
       return oz_expand(b, 3, s);
     },
     OZ_ERR_RUNTIME},
    {"expand to fewer dims (3, 4)",
     [](const oz_tensor *b) {
       const int64_t s[2] = {3, 4};
       return oz_expand(b, 2, s);
     },
     OZ_ERR_RUNTIME},
    {"view(-1, -1): only one dimension can be inferred",
     [](const oz_tensor *b) {
       const int64_t s[2] = {-1, -1};
       return oz_view_shape(b, 2, s);
     },
     OZ_ERR_RUNTIME},
    {"view(5, -1): 24 is not a multiple of 5",
     [](const oz_tensor *b) {
       const int64_t s[2] = {5, -1};
       return oz_view_shape(b, 2, s);
     },
     OZ_ERR_RUNTIME},
    {"view(5, 5): wrong numel",
     [](const oz_tensor *b) {
       const int64_t s[2] = {5, 5};
       return oz_view_shape(b, 2, s);
     },
     OZ_ERR_RUNTIME},
    {"reshape(7, -1)",
     [](const oz_tensor *b) {
       const int64_t s[2] = {7, -1};
       return oz_reshape(b, 2, s);
     },
     OZ_ERR_RUNTIME},
    {"squeeze_dim(3)", [](const oz_tensor *b) { return oz_squeeze_dim(b, 3); }, OZ_ERR_INDEX},
    {"slice(3, ...)", [](const oz_tensor *b) { return oz_slice(b, 3, 0, 1, 1); }, OZ_ERR_INDEX},
};

class ViewErrorTest : public TensorTest, public ::testing::WithParamInterface<ViewErrorCase> {};

TEST_P(ViewErrorTest, FailsWithTorchsErrorKind) {
  const ViewErrorCase &c = GetParam();
  Owned base(Iota({2, 3, 4}));
  oz_tensor *v = c.make(base);
  EXPECT_EQ(v, nullptr) << c.what << " should fail";
  oz_tensor_decref(v);
  EXPECT_EQ(oz_last_error_code(), c.code) << c.what << ": " << oz_last_error_message();
  EXPECT_STRNE(oz_last_error_message(), "") << c.what;
}

INSTANTIATE_TEST_SUITE_P(Views, ViewErrorTest, ::testing::ValuesIn(kViewErrors),
                         [](const ::testing::TestParamInfo<ViewErrorCase> &info) {
                           return "case" + std::to_string(info.index);
                         });

TEST_F(TensorTest, SelectErrorMessageLikeTorch) {
  Owned t(Iota({3}));
  EXPECT_EQ(oz_select(t, 0, 5), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_INDEX);
  EXPECT_STREQ(oz_last_error_message(),
               "select(): index 5 out of range for tensor of size [3] at dimension 0");
}

TEST_F(TensorTest, ExpandErrorMessageLikeTorch) {
  Owned t(Iota({3}));
  const int64_t to[2] = {2, 4};
  EXPECT_EQ(oz_expand(t, 2, to), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  EXPECT_STREQ(oz_last_error_message(),
               "The expanded size of the tensor (4) must match the existing size (3) at "
               "non-singleton dimension 1.  Target sizes: [2, 4].  Tensor sizes: [3]");
}

// ---------------------------------------------------------------- contiguity

struct ContigCase {
  Dims shape, strides;
  bool contiguous;  // torch.empty(100).as_strided(shape, strides).is_contiguous()
};
const ContigCase kContig[] = {
    {{2, 3}, {3, 1}, true},     {{2, 3}, {1, 2}, false},    {{2, 3}, {6, 2}, false},
    {{3, 1}, {1, 100}, true},   {{1, 3}, {7, 1}, true},     {{0, 3}, {1, 1}, true},
    {{2, 1, 3}, {3, 99, 1}, true}, {{2, 2}, {0, 1}, false}, {{}, {}, true},
    {{5}, {1}, true},           {{5}, {2}, false},
};

TEST_F(TensorTest, ContiguityFollowsTorchRules) {
  Owned buf(Iota({100}));
  for (const ContigCase &c : kContig) {
    Owned v(oz_as_strided(buf, (int)c.shape.size(), c.shape.data(), c.strides.data(), 0));
    ASSERT_NE(v.t, nullptr) << oz_last_error_message();
    EXPECT_EQ(oz_is_contiguous(v), c.contiguous)
        << "shape " << ::testing::PrintToString(c.shape) << " strides "
        << ::testing::PrintToString(c.strides);
  }
}

// ---------------------------------------------------------------- view vs reshape

TEST_F(TensorTest, ViewOfTransposedFailsAndReshapeCopies) {
  Owned t(Iota({2, 3}));
  Owned tt(oz_transpose(t, 0, 1));  // [[0, 3], [1, 4], [2, 5]]
  ASSERT_FALSE(oz_is_contiguous(tt));
  const int64_t flat[1] = {6};
  oz_tensor *v = oz_view_shape(tt, 1, flat);
  EXPECT_EQ(v, nullptr);
  oz_tensor_decref(v);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  EXPECT_NE(std::string(oz_last_error_message()).find("view size is not compatible"),
            std::string::npos)
      << oz_last_error_message();

  Owned r(oz_reshape(tt, 1, flat));
  ASSERT_NE(r.t, nullptr) << oz_last_error_message();
  EXPECT_NE(r->storage, t->storage) << "reshape of a non-viewable tensor must copy";
  EXPECT_TRUE(oz_is_contiguous(r));
  EXPECT_EQ(Shape(r), (Dims{6}));
  EXPECT_EQ(Values(r), (std::vector<double>{0, 3, 1, 4, 2, 5}));
  // The copy is independent of the original.
  static_cast<float *>(oz_data_ptr(t))[0] = 99.f;
  EXPECT_EQ(Values(r)[0], 0.0);
}

TEST_F(TensorTest, ViewOfTransposedIntoCompatibleShapesWorks) {
  // torch: a.t().view(3, 2), view(1, 3, 2) and view(3, 1, 2) are fine, view(6)/(2, 3) are not.
  Owned t(Iota({2, 3}));
  Owned tt(oz_transpose(t, 0, 1));
  for (Dims s : {Dims{3, 2}, Dims{1, 3, 2}, Dims{3, 1, 2}}) {
    Owned v(oz_view_shape(tt, (int)s.size(), s.data()));
    ASSERT_NE(v.t, nullptr) << ::testing::PrintToString(s) << ": " << oz_last_error_message();
    EXPECT_EQ(v->storage, t->storage);
    EXPECT_EQ(Values(v), (std::vector<double>{0, 3, 1, 4, 2, 5}));
  }
  const Dims bad{2, 3};
  EXPECT_EQ(oz_view_shape(tt, 2, bad.data()), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
}

TEST_F(TensorTest, ContiguousReturnsSelfOrCopy) {
  Owned t(Iota({2, 3}));
  Owned same(oz_contiguous(t));
  ASSERT_NE(same.t, nullptr);
  EXPECT_EQ(same.t, t.t) << "already contiguous: the same tensor, new reference";
  EXPECT_EQ(t->refcount, 2);
  Owned tt(oz_slice(t, 1, 0, 3, 2));  // columns 0 and 2
  Owned c(oz_contiguous(tt));
  ASSERT_NE(c.t, nullptr) << oz_last_error_message();
  EXPECT_NE(c->storage, t->storage);
  EXPECT_TRUE(oz_is_contiguous(c));
  EXPECT_EQ(Strides(c), (Dims{2, 1}));
  EXPECT_EQ(Values(c), (std::vector<double>{0, 2, 3, 5}));
}

TEST_F(TensorTest, ReadElementFollowsStrides) {
  Owned t(Iota({2, 3}));
  Owned tt(oz_transpose(t, 0, 1));
  EXPECT_EQ(Values(tt), (std::vector<double>{0, 3, 1, 4, 2, 5}));
  double d;
  int64_t i;
  EXPECT_NE(oz_read_element(tt, 6, &d, &i), OZ_OK) << "index past the end is an error";
}

// ---------------------------------------------------------------- wrap_dim

struct WrapCase {
  int64_t dim;
  int ndim;
  int expect;  // -1: IndexError
  const char *message;
};
const WrapCase kWrap[] = {
    {0, 2, 0, nullptr},
    {1, 2, 1, nullptr},
    {-1, 2, 1, nullptr},
    {-2, 2, 0, nullptr},
    {2, 2, -1, "Dimension out of range (expected to be in range of [-2, 1], but got 2)"},
    {5, 2, -1, "Dimension out of range (expected to be in range of [-2, 1], but got 5)"},
    {-3, 2, -1, "Dimension out of range (expected to be in range of [-2, 1], but got -3)"},
    {0, 0, 0, nullptr},  // a 0-d tensor accepts 0 and -1
    {-1, 0, 0, nullptr},
    {1, 0, -1, "Dimension out of range (expected to be in range of [-1, 0], but got 1)"},
    {-2, 0, -1, "Dimension out of range (expected to be in range of [-1, 0], but got -2)"},
    {7, 8, 7, nullptr},
    {-8, 8, 0, nullptr},
    {8, 8, -1, "Dimension out of range (expected to be in range of [-8, 7], but got 8)"},
};

TEST(WrapDim, Table) {
  for (const WrapCase &c : kWrap) {
    oz_clear_error();
    SCOPED_TRACE("wrap_dim(" + std::to_string(c.dim) + ", ndim " + std::to_string(c.ndim) + ")");
    EXPECT_EQ(oz_wrap_dim(c.dim, c.ndim), c.expect);
    if (c.message) {
      EXPECT_EQ(oz_last_error_code(), OZ_ERR_INDEX);
      EXPECT_STREQ(oz_last_error_message(), c.message);
    } else {
      EXPECT_EQ(oz_last_error_code(), OZ_OK);
    }
  }
}

// ---------------------------------------------------------------- oz_empty errors

TEST_F(TensorTest, EmptyRejectsNegativeSize) {
  const int64_t s[1] = {-1};
  EXPECT_EQ(oz_empty(1, s, OZ_FLOAT32, OZ_CPU), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  EXPECT_STREQ(oz_last_error_message(), "Trying to create tensor with negative dimension -1: [-1]");
  const int64_t s2[3] = {2, -5, 3};
  EXPECT_EQ(oz_empty(3, s2, OZ_INT64, OZ_CPU), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
}

TEST_F(TensorTest, EmptyRejectsTooManyDims) {
  int64_t s[OZ_MAX_DIMS + 1];
  for (int64_t &x : s) x = 1;
  EXPECT_EQ(oz_empty(OZ_MAX_DIMS + 1, s, OZ_FLOAT32, OZ_CPU), nullptr);
  EXPECT_NE(oz_last_error_code(), OZ_OK);
  EXPECT_STRNE(oz_last_error_message(), "");
  EXPECT_EQ(oz_empty(-1, s, OZ_FLOAT32, OZ_CPU), nullptr);
  EXPECT_NE(oz_last_error_code(), OZ_OK);
  Owned max(oz_empty(OZ_MAX_DIMS, s, OZ_FLOAT32, OZ_CPU));
  EXPECT_NE(max.t, nullptr) << "exactly OZ_MAX_DIMS dims is allowed: " << oz_last_error_message();
}

TEST_F(TensorTest, EmptyRejectsInvalidDtype) {
  const int64_t s[1] = {4};
  for (int dt : {-1, (int)OZ_NUM_DTYPES, 1000}) {
    oz_clear_error();
    EXPECT_EQ(oz_empty(1, s, dt, OZ_CPU), nullptr) << dt;
    EXPECT_NE(oz_last_error_code(), OZ_OK) << dt;
  }
}

TEST_F(TensorTest, EmptyRejectsAbsurdSizesWithoutDying) {
  const Dims absurd[] = {
      {int64_t(1) << 62},                      // bytes overflow int64
      {int64_t(1) << 40, int64_t(1) << 40},    // numel overflows
      {int64_t(1) << 40},                      // 4 TiB: no machine here has it
      {3, int64_t(1) << 61, 0},                // valid: numel 0 (torch accepts it)
  };
  for (size_t k = 0; k < 3; k++) {
    const Dims &s = absurd[k];
    oz_clear_error();
    oz_tensor *t = oz_empty((int)s.size(), s.data(), OZ_FLOAT32, OZ_CPU);
    EXPECT_EQ(t, nullptr) << ::testing::PrintToString(s);
    oz_tensor_decref(t);
    const int code = oz_last_error_code();
    EXPECT_TRUE(code == OZ_ERR_NOMEM || code == OZ_ERR_RUNTIME)
        << ::testing::PrintToString(s) << " gave code " << code << ": "
        << oz_last_error_message();
    EXPECT_STRNE(oz_last_error_message(), "");
  }
  // torch.empty(3, 2**61, 0) is a valid empty tensor: numel 0 needs no storage.
  oz_clear_error();
  Owned z(oz_empty(3, absurd[3].data(), OZ_FLOAT32, OZ_CPU));
  EXPECT_NE(z.t, nullptr) << oz_last_error_message();
  if (z.t) {
    EXPECT_EQ(oz_numel(z), 0);
  }
  // And the allocator still works afterwards.
  Owned ok(Iota({16}));
  EXPECT_NE(ok.t, nullptr);
}

TEST_F(TensorTest, HostAllocOfAbsurdSizeFailsCleanly) {
  oz_clear_error();
  void *p = oz_host_alloc(SIZE_MAX / 2);
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_NOMEM);
  EXPECT_EQ(oz_host_bytes_in_use(), bytes0_);
}

// ---------------------------------------------------------------- broadcasting

struct BroadcastCase {
  Dims a, b;
  bool ok;
  Dims result;          // when ok
  const char *message;  // torch's message when not
};
const BroadcastCase kBroadcast[] = {
    {{}, {}, true, {}, nullptr},
    {{}, {3}, true, {3}, nullptr},
    {{2, 3}, {}, true, {2, 3}, nullptr},
    {{3}, {3}, true, {3}, nullptr},
    {{2, 3}, {3}, true, {2, 3}, nullptr},
    {{2, 1}, {1, 3}, true, {2, 3}, nullptr},
    {{4, 1, 5}, {3, 1}, true, {4, 3, 5}, nullptr},
    {{1}, {7}, true, {7}, nullptr},
    {{5, 1, 1}, {1, 4, 1}, true, {5, 4, 1}, nullptr},
    {{0}, {1}, true, {0}, nullptr},
    {{3, 0}, {3, 1}, true, {3, 0}, nullptr},
    {{1, 0}, {5, 1}, true, {5, 0}, nullptr},
    {{2, 0, 3}, {1, 3}, true, {2, 0, 3}, nullptr},
    {{8, 1, 1, 1, 1, 1, 1, 1}, {2, 1, 1, 1, 1, 1, 1}, true, {8, 2, 1, 1, 1, 1, 1, 1}, nullptr},
    {{2, 1, 3}, {4, 3}, true, {2, 4, 3}, nullptr},
    {{1, 2, 3, 4}, {5, 2, 1, 1}, true, {5, 2, 3, 4}, nullptr},
    {{3},
     {4},
     false,
     {},
     "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0"},
    {{2, 3},
     {4},
     false,
     {},
     "The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1"},
    {{2, 3},
     {3, 2},
     false,
     {},
     "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1"},
    {{0},
     {2},
     false,
     {},
     "The size of tensor a (0) must match the size of tensor b (2) at non-singleton dimension 0"},
    {{5, 4, 3},
     {2, 1, 3},
     false,
     {},
     "The size of tensor a (5) must match the size of tensor b (2) at non-singleton dimension 0"},
};

TEST(Broadcast, Table) {
  for (const BroadcastCase &c : kBroadcast) {
    SCOPED_TRACE(::testing::PrintToString(c.a) + " with " + ::testing::PrintToString(c.b));
    oz_clear_error();
    int out_ndim = -1;
    int64_t out[OZ_MAX_DIMS];
    const int rc = oz_broadcast_shapes((int)c.a.size(), c.a.data(), (int)c.b.size(), c.b.data(),
                                       &out_ndim, out);
    if (c.ok) {
      ASSERT_EQ(rc, OZ_OK) << oz_last_error_message();
      EXPECT_EQ(Dims(out, out + out_ndim), c.result);
    } else {
      EXPECT_EQ(rc, OZ_ERR_RUNTIME);
      EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
      EXPECT_STREQ(oz_last_error_message(), c.message);
    }
  }
}

TEST(Broadcast, IsSymmetricForSuccessfulPairs) {
  for (const BroadcastCase &c : kBroadcast) {
    if (!c.ok) continue;
    int n = -1;
    int64_t out[OZ_MAX_DIMS];
    ASSERT_EQ(oz_broadcast_shapes((int)c.b.size(), c.b.data(), (int)c.a.size(), c.a.data(), &n,
                                  out),
              OZ_OK);
    EXPECT_EQ(Dims(out, out + n), c.result);
  }
}

}  // namespace
