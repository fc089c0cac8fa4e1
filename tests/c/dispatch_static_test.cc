// dispatch_static_test.cc - a backend registered in-process (oz_dispatch_register_static) after
// start-up: it goes ahead of cpu_naive, its supports() predicate is honoured (calls it declines
// fall through to the next provider), and a bad descriptor is refused like a bad plugin.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/oz_error.h"
#include "core/oz_ops.h"
#include "dispatch/oz_dispatch.h"

namespace {

int g_mul_calls = 0, g_supports_calls = 0;

bool RowMajor(const oz_view &v) {
  int64_t expect = 1;
  for (int d = v.ndim - 1; d >= 0; d--) {
    if (v.shape[d] != 1 && v.strides[d] != expect) return false;
    expect *= v.shape[d];
  }
  return true;
}

// Only contiguous int16 operands, to exercise supports().
int SupportsContiguous(void *, const oz_call *c) {
  g_supports_calls++;
  return RowMajor(c->in[0]) && RowMajor(c->in[1]) && RowMajor(c->out[0]);
}

int MulInt16(void *, const oz_call *c) {
  g_mul_calls++;
  int64_t n = 1;
  for (int d = 0; d < c->out[0].ndim; d++) n *= c->out[0].shape[d];
  const int16_t *a = (const int16_t *)c->in[0].data, *b = (const int16_t *)c->in[1].data;
  int16_t *o = (int16_t *)c->out[0].data;
  for (int64_t i = 0; i < n; i++) o[i] = (int16_t)(a[i] * b[i]);
  return OZ_OK;
}

const oz_kernel_reg kStaticKernels[] = {
    {OZ_OP_MUL, OZ_DTYPE_BIT(OZ_INT16), MulInt16, SupportsContiguous},
};

int StaticInit(const oz_host_api *, oz_backend_desc *desc) {
  desc->abi_major = OZ_ABI_MAJOR;
  desc->abi_minor = OZ_ABI_MINOR;
  desc->device_type = OZ_DEVICE_CPU;
  desc->name = "static_mul";
  desc->version = "test";
  desc->kernels = kStaticKernels;
  desc->n_kernels = 1;
  return OZ_OK;
}

int FutureInit(const oz_host_api *, oz_backend_desc *desc) {
  desc->abi_major = 999;
  desc->device_type = OZ_DEVICE_CPU;
  desc->name = "future";
  desc->kernels = kStaticKernels;
  desc->n_kernels = 1;
  return OZ_OK;
}

int FailingInit(const oz_host_api *host, oz_backend_desc *) {
  host->set_error(OZ_ERR_RUNTIME, "static backend says: no thanks");
  return OZ_ERR_RUNTIME;
}

class Setup : public ::testing::Environment {
 public:
  void SetUp() override {
    ASSERT_EQ(oz_dispatch_init("cpu_naive", "", "backends/cpu_naive"), OZ_OK)
        << oz_last_error_message();
    ASSERT_EQ(oz_dispatch_register_static(StaticInit, "dispatch_static_test"), OZ_OK)
        << oz_last_error_message();
  }
};
const auto *const kEnv = ::testing::AddGlobalTestEnvironment(new Setup);

oz_tensor *Int16(const std::vector<int16_t> &v, int64_t rows, int64_t cols) {
  const int64_t shape[2] = {rows, cols};
  oz_tensor *t = oz_empty(2, shape, OZ_INT16, OZ_CPU);
  for (size_t i = 0; i < v.size(); i++) ((int16_t *)oz_data_ptr(t))[i] = v[i];
  return t;
}

std::vector<int64_t> Ints(const oz_tensor *t) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < oz_numel(t); i++) {
    double d;
    int64_t v;
    EXPECT_EQ(oz_read_element(t, i, &d, &v), OZ_OK);
    out.push_back(v);
  }
  return out;
}

TEST(StaticBackend, GoesAheadOfCpuNaive) {
  const char *names[4] = {nullptr};
  ASSERT_EQ(oz_dispatch_providers(OZ_OP_MUL, OZ_DEVICE_CPU, names, 4), 2);
  EXPECT_STREQ(names[0], "static_mul");
  EXPECT_STREQ(names[1], "cpu_naive");
}

TEST(StaticBackend, RunsWhenSupportsAccepts) {
  oz_tensor *a = Int16({1, 2, 3, 4, 5, 6}, 2, 3);
  const int before = g_mul_calls;
  oz_tensor *c = oz_mul(a, a, nullptr);
  ASSERT_NE(c, nullptr) << oz_last_error_message();
  EXPECT_EQ(g_mul_calls, before + 1);
  EXPECT_EQ(Ints(c), (std::vector<int64_t>{1, 4, 9, 16, 25, 36}));
  oz_tensor_decref(a);
  oz_tensor_decref(c);
}

TEST(StaticBackend, FallsThroughWhenSupportsDeclines) {
  oz_tensor *a = Int16({1, 2, 3, 4, 5, 6}, 2, 3);
  oz_tensor *at = oz_transpose(a, 0, 1);  // [[1, 4], [2, 5], [3, 6]], not row-major
  const int before = g_mul_calls, asked = g_supports_calls;
  oz_tensor *c = oz_mul(at, at, nullptr);
  ASSERT_NE(c, nullptr) << oz_last_error_message();
  EXPECT_EQ(g_mul_calls, before) << "the declined call must not reach the kernel";
  EXPECT_GT(g_supports_calls, asked) << "supports() must be consulted";
  EXPECT_EQ(Ints(c), (std::vector<int64_t>{1, 16, 4, 25, 9, 36}));
  oz_tensor_decref(a);
  oz_tensor_decref(at);
  oz_tensor_decref(c);
}

TEST(StaticBackend, OtherDtypesGoToCpuNaive) {
  const int before = g_mul_calls;
  oz_tensor *a = oz_arange(0, 4, 1, true, -1, OZ_CPU);  // int64
  oz_tensor *c = oz_mul(a, a, nullptr);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(g_mul_calls, before);
  EXPECT_EQ(Ints(c), (std::vector<int64_t>{0, 1, 4, 9}));
  oz_tensor_decref(a);
  oz_tensor_decref(c);
}

TEST(StaticBackend, WrongAbiIsRefused) {
  oz_clear_error();
  EXPECT_EQ(oz_dispatch_register_static(FutureInit, "future"), OZ_ERR_PLUGIN);
  EXPECT_NE(std::string(oz_last_error_message()).find("999"), std::string::npos)
      << oz_last_error_message();
  const char *names[4] = {nullptr};
  EXPECT_EQ(oz_dispatch_providers(OZ_OP_MUL, OZ_DEVICE_CPU, names, 4), 2);
}

TEST(StaticBackend, FailingInitPassesItsMessageThrough) {
  oz_clear_error();
  EXPECT_NE(oz_dispatch_register_static(FailingInit, "failing"), OZ_OK);
  EXPECT_NE(std::string(oz_last_error_message()).find("static backend says: no thanks"),
            std::string::npos)
      << oz_last_error_message();
}

}  // namespace
