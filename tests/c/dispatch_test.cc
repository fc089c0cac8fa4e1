// dispatch_test.cc - the dispatcher with a custom plugin ahead of cpu_naive, and the core's ops
// run through it on small inputs with exact expected values (taken from real PyTorch 1.13).
//
// oz_dispatch_init runs once per process, so this whole file shares one set-up: the fixture
// plugin tests/c/fixtures/tiny_backend.so (ADD for float32 only, counting its calls), given as a
// path, then cpu_naive from the built-in folder. Plugin-load failures have their own files
// (plugin_*_test.cc), one process each.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cmath>
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

constexpr const char *kTinyPath = "tests/c/fixtures/tiny_backend.so";
int g_init_rc = -1;

class DispatcherEnv : public ::testing::Environment {
 public:
  void SetUp() override {
    g_init_rc = oz_dispatch_init(kTinyPath, "", "backends/cpu_naive");
    ASSERT_EQ(g_init_rc, OZ_OK) << oz_last_error_message();
  }
};
const auto *const kEnv = ::testing::AddGlobalTestEnvironment(new DispatcherEnv);

// The plugin's exported counters, found in the copy the dispatcher loaded.
template <typename Fn>
Fn TinySymbol(const char *name) {
  void *h = dlopen(kTinyPath, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  if (!h) {
    ADD_FAILURE() << kTinyPath << " is not loaded in this process: " << dlerror();
    return nullptr;
  }
  void *sym = dlsym(h, name);
  dlclose(h);  // drops only the reference RTLD_NOLOAD took
  if (!sym) ADD_FAILURE() << name << " not found in " << kTinyPath;
  return reinterpret_cast<Fn>(sym);
}
int64_t TinyAddCalls() {
  auto fn = TinySymbol<int64_t (*)()>("tiny_backend_add_calls");
  return fn ? fn() : -1;
}

using Dims = std::vector<int64_t>;

// ---- building and reading tensors of any dtype ----
oz_tensor *Make(int dtype, const Dims &shape, const std::vector<double> &values) {
  oz_tensor *t = oz_empty((int)shape.size(), shape.data(), dtype, OZ_CPU);
  if (!t) {
    ADD_FAILURE() << oz_last_error_message();
    return nullptr;
  }
  EXPECT_EQ((int64_t)values.size(), oz_numel(t));
  char *p = static_cast<char *>(oz_data_ptr(t));
  for (size_t i = 0; i < values.size(); i++) {
    const double v = values[i];
    switch (dtype) {
      case OZ_FLOAT32: ((float *)p)[i] = (float)v; break;
      case OZ_FLOAT64: ((double *)p)[i] = v; break;
      case OZ_INT64: ((int64_t *)p)[i] = (int64_t)v; break;
      case OZ_INT32: ((int32_t *)p)[i] = (int32_t)v; break;
      case OZ_INT16: ((int16_t *)p)[i] = (int16_t)v; break;
      case OZ_INT8: ((int8_t *)p)[i] = (int8_t)v; break;
      case OZ_UINT8: ((uint8_t *)p)[i] = (uint8_t)v; break;
      case OZ_BOOL: ((bool *)p)[i] = v != 0; break;
    }
  }
  return t;
}
Dims Shape(const oz_tensor *t) { return Dims(t->shape, t->shape + t->ndim); }
std::vector<double> Values(const oz_tensor *t) {
  std::vector<double> v;
  for (int64_t i = 0; i < oz_numel(t); i++) {
    double d = 0;
    int64_t n = 0;
    EXPECT_EQ(oz_read_element(t, i, &d, &n), OZ_OK);
    v.push_back(oz_dtype_is_floating(t->dtype) ? d : (double)n);
  }
  return v;
}
std::string DtypeOf(const oz_tensor *t) { return t ? oz_dtype_name(t->dtype) : "(null)"; }

struct Owned {
  oz_tensor *t;
  explicit Owned(oz_tensor *p = nullptr) : t(p) {}
  ~Owned() { oz_tensor_decref(t); }
  Owned(const Owned &) = delete;
  Owned &operator=(oz_tensor *p) {
    oz_tensor_decref(t);
    t = p;
    return *this;
  }
  oz_tensor *operator->() const { return t; }
  operator oz_tensor *() const { return t; }
};

using V = std::vector<double>;

// Checks a result tensor's dtype, shape and values in one go.
#define EXPECT_TENSOR(t, dtype_name, shape, values)                         \
  do {                                                                      \
    ASSERT_NE((t), nullptr) << oz_last_error_message();                     \
    EXPECT_EQ(DtypeOf(t), dtype_name);                                      \
    EXPECT_EQ(Shape(t), (Dims shape));                                      \
    EXPECT_EQ(Values(t), (V values));                                       \
  } while (0)

class DispatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    oz_clear_error();
    live0_ = oz_live_tensors();
  }
  void TearDown() override { EXPECT_EQ(oz_live_tensors(), live0_) << "tensor leak"; }
  int64_t live0_ = 0;
};

oz_call AddCall(const oz_tensor *a, const oz_tensor *b, const oz_tensor *out) {
  oz_call c;
  memset(&c, 0, sizeof c);
  c.size = sizeof c;
  c.op = OZ_OP_ADD;
  c.n_in = 2;
  c.n_out = 1;
  c.in[0] = oz_tensor_view(a);
  c.in[1] = oz_tensor_view(b);
  c.out[0] = oz_tensor_view(out);
  c.n_scalars = 1;
  c.scalars[0] = oz_make_scalar_f(1.0);
  return c;
}

// ---------------------------------------------------------------- registry

TEST_F(DispatchTest, InitRunsOnceAndReturnsTheFirstResult) {
  EXPECT_TRUE(oz_dispatch_initialized());
  const int n = oz_dispatch_plugin_count();
  EXPECT_EQ(oz_dispatch_init("no_such_backend_xyz", "", "backends/cpu_naive"), g_init_rc);
  EXPECT_EQ(oz_dispatch_plugin_count(), n) << "a second init must not load anything";
}

TEST_F(DispatchTest, ProvidersInPriorityOrder) {
  const char *names[8] = {nullptr};
  ASSERT_EQ(oz_dispatch_providers(OZ_OP_ADD, OZ_DEVICE_CPU, names, 8), 2);
  EXPECT_STREQ(names[0], "tiny");
  EXPECT_STREQ(names[1], "cpu_naive");
  for (int op : {OZ_OP_MUL, OZ_OP_SUB, OZ_OP_MATMUL, OZ_OP_SUM, OZ_OP_COPY}) {
    ASSERT_EQ(oz_dispatch_providers(op, OZ_DEVICE_CPU, names, 8), 1) << oz_op_name(op);
    EXPECT_STREQ(names[0], "cpu_naive") << oz_op_name(op);
  }
  EXPECT_EQ(oz_dispatch_providers(OZ_OP_ADD, OZ_DEVICE_CUDA, names, 8), 0)
      << "no CUDA plugin was asked for";
}

const oz_plugin_info *FindPlugin(const char *name, int *index = nullptr) {
  for (int i = 0; i < oz_dispatch_plugin_count(); i++) {
    const oz_plugin_info *p = oz_dispatch_plugin(i);
    if (p && p->name && strcmp(p->name, name) == 0) {
      if (index) *index = i;
      return p;
    }
  }
  return nullptr;
}

TEST_F(DispatchTest, PluginInfoDescribesEachLoadedBackend) {
  EXPECT_GE(oz_dispatch_plugin_count(), 2);
  int i_tiny = -1, i_naive = -1;
  const oz_plugin_info *tiny = FindPlugin("tiny", &i_tiny);
  const oz_plugin_info *naive = FindPlugin("cpu_naive", &i_naive);
  ASSERT_NE(tiny, nullptr);
  ASSERT_NE(naive, nullptr);
  EXPECT_LT(i_tiny, i_naive) << "the plugin list is in priority order";

  EXPECT_TRUE(tiny->loaded);
  ASSERT_NE(tiny->path, nullptr);
  EXPECT_NE(std::string(tiny->path).find("tiny_backend.so"), std::string::npos) << tiny->path;
  EXPECT_TRUE(tiny->error == nullptr || tiny->error[0] == '\0') << tiny->error;
  EXPECT_EQ(tiny->abi_major, 1u);
  EXPECT_EQ(tiny->abi_minor, (uint32_t)OZ_ABI_MINOR);
  EXPECT_EQ(tiny->device_type, OZ_DEVICE_CPU);
  EXPECT_EQ(tiny->n_kernels, 1);
  EXPECT_EQ(tiny->n_ops, 1);
  ASSERT_NE(tiny->version, nullptr);
  EXPECT_STREQ(tiny->version, "tiny 0.1");

  EXPECT_TRUE(naive->loaded);
  ASSERT_NE(naive->path, nullptr);
  EXPECT_NE(std::string(naive->path).find("cpu_naive.so"), std::string::npos) << naive->path;
  EXPECT_EQ(naive->abi_major, (uint32_t)OZ_ABI_MAJOR);
  EXPECT_EQ(naive->device_type, OZ_DEVICE_CPU);
  EXPECT_EQ(naive->n_ops, oz_op_count()) << "cpu_naive is the reference: it implements every op";
  EXPECT_GE(naive->n_kernels, naive->n_ops);
}

TEST_F(DispatchTest, OpNames) {
  const char *expected[] = {"fill", "copy", "arange", "add", "sub", "mul", "div", "neg",
                            "eq",   "ne",   "lt",     "le",  "gt",  "ge",  "matmul", "sum"};
  ASSERT_GE(oz_op_count(), (int)(sizeof expected / sizeof expected[0]));
  for (int op = 0; op < (int)(sizeof expected / sizeof expected[0]); op++)
    EXPECT_STREQ(oz_op_name(op), expected[op]) << op;
  EXPECT_FALSE(oz_op_declared(99)) << "ids are sparse: 99 is in no family";
  EXPECT_STREQ(oz_op_name(99), "unknown_op");
}

TEST_F(DispatchTest, HostTableHandedToPlugins) {
  const oz_host_api *h = oz_host_api_table();
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->abi_major, (uint32_t)OZ_ABI_MAJOR);
  EXPECT_EQ(h->abi_minor, (uint32_t)OZ_ABI_MINOR);
  EXPECT_EQ(h->size, sizeof(oz_host_api));
  ASSERT_TRUE(h->set_error && h->log && h->host_alloc && h->host_free && h->op_name &&
              h->dtype_name && h->dtype_size);
  EXPECT_STREQ(h->op_name(OZ_OP_MATMUL), "matmul");
  EXPECT_STREQ(h->dtype_name(OZ_INT16), "int16");
  EXPECT_EQ(h->dtype_size(OZ_FLOAT64), 8u);
  void *p = h->host_alloc(100);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ((uintptr_t)p % 64, 0u);
  h->host_free(p);
  h->set_error(OZ_ERR_VALUE, "from a plugin: %d", 5);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_VALUE);
  EXPECT_STREQ(oz_last_error_message(), "from a plugin: 5");
  oz_clear_error();
  // What the plugin itself saw at init.
  auto abi = TinySymbol<uint32_t (*)()>("tiny_backend_host_abi_major");
  auto desc_size = TinySymbol<uint32_t (*)()>("tiny_backend_desc_size_seen");
  ASSERT_TRUE(abi && desc_size);
  EXPECT_EQ(abi(), (uint32_t)OZ_ABI_MAJOR);
  EXPECT_EQ(desc_size(), sizeof(oz_backend_desc)) << "the core sets desc->size before init";
}

// ---------------------------------------------------------------- routing

TEST_F(DispatchTest, AddFloat32GoesToTheCustomBackend) {
  Owned a(Make(OZ_FLOAT32, {2, 3}, {1, 2, 3, 4, 5, 6}));
  Owned b(Make(OZ_FLOAT32, {3}, {10, 20, 30}));
  const int64_t before = TinyAddCalls();
  Owned c(oz_add(a, b, oz_make_scalar_f(2.0), nullptr));
  EXPECT_TENSOR(c.t, "float32", ({2, 3}), ({21, 42, 63, 24, 45, 66}));
  EXPECT_EQ(TinyAddCalls(), before + 1);
  auto size = TinySymbol<uint32_t (*)()>("tiny_backend_last_call_size");
  auto ctx_ok = TinySymbol<int (*)()>("tiny_backend_ctx_ok");
  ASSERT_TRUE(size && ctx_ok);
  EXPECT_EQ(size(), sizeof(oz_call)) << "call->size is the core's sizeof(oz_call)";
  EXPECT_TRUE(ctx_ok()) << "kernels get back the ctx the plugin put in its descriptor";
  oz_call call = AddCall(a, a, a);
  EXPECT_STREQ(oz_dispatch_provider(&call), "tiny");
}

TEST_F(DispatchTest, AddOfOtherDtypesFallsThroughToCpuNaive) {
  const int64_t before = TinyAddCalls();
  Owned a(Make(OZ_INT64, {3}, {1, -2, 3}));
  Owned b(Make(OZ_INT64, {3}, {10, 20, 30}));
  Owned c(oz_add(a, b, oz_make_scalar_i(3), nullptr));
  EXPECT_TENSOR(c.t, "int64", ({3}), ({31, 58, 93}));
  Owned d(Make(OZ_FLOAT64, {2}, {0.5, 0.25}));
  Owned e(oz_add(d, d, oz_make_scalar_f(1.0), nullptr));
  EXPECT_TENSOR(e.t, "float64", ({2}), ({1.0, 0.5}));
  EXPECT_EQ(TinyAddCalls(), before) << "tiny only registered float32";
  oz_call call = AddCall(a, b, a);
  EXPECT_STREQ(oz_dispatch_provider(&call), "cpu_naive");
  oz_call fcall = AddCall(d, d, d);
  EXPECT_STREQ(oz_dispatch_provider(&fcall), "cpu_naive");
}

TEST_F(DispatchTest, HalfCallsRunOnFloat32KernelsAndRoundBack) {
  // No backend registers float16 ADD: the call runs on float32 copies (so tiny's float32 kernel
  // takes it) and the result is rounded back to float16 (dispatch/half_widen.c).
  Owned a(Make(OZ_FLOAT32, {3}, {1.5, 2.25, 0.1}));
  Owned h(oz_to_dtype(a, OZ_FLOAT16, false));
  ASSERT_NE(h.t, nullptr) << oz_last_error_message();
  const int64_t before = TinyAddCalls();
  Owned c(oz_add(h, h, oz_make_scalar_f(1.0), nullptr));
  ASSERT_NE(c.t, nullptr) << oz_last_error_message();
  EXPECT_EQ(c.t->dtype, OZ_FLOAT16);
  EXPECT_EQ(TinyAddCalls(), before + 1);
  // 0.1 is 0.0999755859375 in float16; doubled it is exact: 0.199951171875
  EXPECT_EQ(Values(c), (V{3.0, 4.5, 0.199951171875}));
  Owned b(oz_to_dtype(a, OZ_BFLOAT16, false));
  Owned m(oz_mul(b, b, nullptr));
  ASSERT_NE(m.t, nullptr) << oz_last_error_message();
  EXPECT_EQ(m.t->dtype, OZ_BFLOAT16);
  // 2.25^2 = 5.0625 rounds to 5.0625 (exact in bfloat16's 8 bits); 0.1 -> 0.10009765625 in
  // bfloat16, squared 0.0100196..., rounded to 0.010009765625
  EXPECT_EQ(Values(m), (V{2.25, 5.0625, 0.010009765625}));
}

TEST_F(DispatchTest, DispatchCallRunsTheKernelDirectly) {
  Owned a(Make(OZ_FLOAT32, {2}, {1.5, 2.5}));
  Owned b(Make(OZ_FLOAT32, {2}, {10, 20}));
  Owned out(Make(OZ_FLOAT32, {2}, {0, 0}));
  oz_call call = AddCall(a, b, out);
  call.scalars[0] = oz_make_scalar_f(-1.0);
  const int64_t before = TinyAddCalls();
  ASSERT_EQ(oz_dispatch_call(&call), OZ_OK) << oz_last_error_message();
  EXPECT_EQ(TinyAddCalls(), before + 1);
  EXPECT_EQ(Values(out), (V{-8.5, -17.5}));
}

TEST_F(DispatchTest, BadOpIdIsAnErrorNotACrash) {
  Owned a(Make(OZ_FLOAT32, {2}, {1, 2}));
  for (int op : {-1, 99, (int)OZ_OP_ID_LIMIT, 1 << 20}) {
    oz_call call = AddCall(a, a, a);
    call.op = op;
    oz_clear_error();
    EXPECT_NE(oz_dispatch_call(&call), OZ_OK) << op;
    EXPECT_NE(oz_last_error_code(), OZ_OK) << op;
    EXPECT_EQ(oz_dispatch_provider(&call), nullptr) << op;
  }
}

// ---------------------------------------------------------------- ops through the core

TEST_F(DispatchTest, AddBroadcastsAndPromotes) {
  Owned a(Make(OZ_INT32, {2, 1}, {1, 2}));
  Owned b(Make(OZ_INT16, {3}, {10, 20, 30}));
  Owned c(oz_add(a, b, oz_make_scalar_i(1), nullptr));
  EXPECT_TENSOR(c.t, "int32", ({2, 3}), ({11, 21, 31, 12, 22, 32}));
  // int32 tensor + 2.5 (a wrapped Python float) -> float32
  Owned s(oz_wrapped_scalar(2.5, 0, OZ_FLOAT64));
  ASSERT_NE(s.t, nullptr);
  EXPECT_TRUE(s->is_wrapped_number);
  EXPECT_EQ(s->ndim, 0);
  Owned d(oz_add(a, s, oz_make_scalar_i(1), nullptr));
  EXPECT_TENSOR(d.t, "float32", ({2, 1}), ({3.5, 4.5}));
  // uint8 + 0-d int64 tensor -> uint8 (wraps around like torch)
  Owned u(Make(OZ_UINT8, {2}, {250, 3}));
  Owned z(Make(OZ_INT64, {}, {10}));
  Owned e(oz_add(u, z, oz_make_scalar_i(1), nullptr));
  EXPECT_TENSOR(e.t, "uint8", ({2}), ({4, 13}));
}

TEST_F(DispatchTest, SubMulDivNeg) {
  Owned a(Make(OZ_INT8, {3}, {5, -6, 7}));
  Owned b(Make(OZ_INT8, {3}, {1, 2, 3}));
  Owned s(oz_sub(a, b, oz_make_scalar_i(2), nullptr));
  EXPECT_TENSOR(s.t, "int8", ({3}), ({3, -10, 1}));
  Owned m(oz_mul(a, b, nullptr));
  EXPECT_TENSOR(m.t, "int8", ({3}), ({5, -12, 21}));
  // true division of integers gives the default float dtype: [5/1, -6/2, 7/3]
  Owned d(oz_div(a, b, nullptr));
  ASSERT_NE(d.t, nullptr) << oz_last_error_message();
  EXPECT_EQ(DtypeOf(d), "float32");
  V dv = Values(d);
  ASSERT_EQ(dv.size(), 3u);
  EXPECT_EQ(dv[0], 5.0);
  EXPECT_EQ(dv[1], -3.0);
  EXPECT_EQ((float)dv[2], 7.0f / 3.0f);
  Owned n(oz_neg(a, nullptr));
  EXPECT_TENSOR(n.t, "int8", ({3}), ({-5, 6, -7}));
  Owned f(Make(OZ_FLOAT64, {2}, {1.0, 0.0}));
  Owned z(Make(OZ_FLOAT64, {2}, {0.0, 0.0}));
  Owned inf(oz_div(f, z, nullptr));  // 1/0 = inf, 0/0 = nan
  ASSERT_NE(inf.t, nullptr);
  V iv = Values(inf);
  EXPECT_TRUE(std::isinf(iv[0]) && iv[0] > 0);
  EXPECT_TRUE(std::isnan(iv[1]));
}

TEST_F(DispatchTest, IntegerAlphaOnBoolsIsAllowed) {
  // torch.add(bool, bool, alpha=2): an integral alpha is fine for bool results (only a float
  // alpha is refused); the sum is cast to bool.
  Owned a(Make(OZ_BOOL, {4}, {0, 1, 0, 1}));
  Owned b(Make(OZ_BOOL, {4}, {0, 0, 1, 1}));
  for (int64_t alpha : {2, -1}) {
    Owned c(oz_add(a, b, oz_make_scalar_i(alpha), nullptr));
    EXPECT_TENSOR(c.t, "bool", ({4}), ({0, 1, 1, 1}));
  }
}

TEST_F(DispatchTest, WritesThroughOverlappingMemoryAreRefused) {
  // torch: "unsupported operation: more than one element of the written-to tensor refers to a
  // single memory location. Please clone() the tensor before performing the operation."
  Owned col(Make(OZ_FLOAT32, {3, 1}, {0, 0, 0}));
  const int64_t to[2] = {3, 4};
  Owned wide(oz_expand(col, 2, to));
  Owned ones(Make(OZ_FLOAT32, {3, 4}, V(12, 1.0)));
  Owned bad(oz_add(wide, ones, oz_make_scalar_f(1), wide));
  EXPECT_EQ(bad.t, nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  EXPECT_NE(oz_copy_(wide, ones), OZ_OK);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  EXPECT_EQ(Values(col), (V{0, 0, 0})) << "nothing may have been written";
  EXPECT_EQ(oz_fill_(wide, oz_make_scalar_f(2)), OZ_OK) << "fill_ is allowed (torch too)";
  // Partial overlap of the output with an input: x[1:] += x[:-1]
  Owned x(Make(OZ_FLOAT32, {6}, {0, 1, 2, 3, 4, 5}));
  Owned tail(oz_slice(x, 0, 1, 6, 1));
  Owned head(oz_slice(x, 0, 0, 5, 1));
  Owned bad2(oz_add(tail, head, oz_make_scalar_f(1), tail));
  EXPECT_EQ(bad2.t, nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  EXPECT_EQ(Values(x), (V{0, 1, 2, 3, 4, 5}));
  // Full aliasing is the ordinary in-place case.
  Owned r(oz_add(x, x, oz_make_scalar_f(1), x));
  ASSERT_NE(r.t, nullptr) << oz_last_error_message();
  EXPECT_EQ(Values(x), (V{0, 2, 4, 6, 8, 10}));
}

TEST_F(DispatchTest, BoolSubAndNegAreErrorsLikeTorch) {
  Owned a(Make(OZ_BOOL, {2}, {1, 0}));
  EXPECT_EQ(oz_sub(a, a, oz_make_scalar_i(1), nullptr), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  EXPECT_EQ(oz_neg(a, nullptr), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
}

TEST_F(DispatchTest, Compare) {
  Owned a(Make(OZ_INT64, {4}, {1, 2, 3, 4}));
  Owned b(Make(OZ_FLOAT32, {4}, {1.5, 2, 2.5, 5}));
  struct { int op; V expect; } cases[] = {
      {OZ_OP_EQ, {0, 1, 0, 0}}, {OZ_OP_NE, {1, 0, 1, 1}}, {OZ_OP_LT, {1, 0, 0, 1}},
      {OZ_OP_LE, {1, 1, 0, 1}}, {OZ_OP_GT, {0, 0, 1, 0}}, {OZ_OP_GE, {0, 1, 1, 0}},
  };
  for (auto &c : cases) {
    Owned r(oz_compare(c.op, a, b, nullptr));
    ASSERT_NE(r.t, nullptr) << oz_op_name(c.op) << ": " << oz_last_error_message();
    EXPECT_EQ(DtypeOf(r), "bool") << oz_op_name(c.op);
    EXPECT_EQ(Values(r), c.expect) << oz_op_name(c.op);
  }
  EXPECT_EQ(oz_compare(OZ_OP_ADD, a, b, nullptr), nullptr) << "ADD is not a comparison";
  EXPECT_NE(oz_last_error_code(), OZ_OK);
}

TEST_F(DispatchTest, Matmul2dAnd1d) {
  Owned a(Make(OZ_FLOAT32, {2, 3}, {1, 2, 3, 4, 5, 6}));
  Owned b(Make(OZ_FLOAT32, {3, 2}, {7, 8, 9, 10, 11, 12}));
  Owned c(oz_matmul(a, b, nullptr));
  EXPECT_TENSOR(c.t, "float32", ({2, 2}), ({58, 64, 139, 154}));
  Owned ai(Make(OZ_INT64, {2, 3}, {1, 2, 3, 4, 5, 6}));
  Owned bi(Make(OZ_INT64, {3, 2}, {7, 8, 9, 10, 11, 12}));
  Owned ci(oz_matmul(ai, bi, nullptr));
  EXPECT_TENSOR(ci.t, "int64", ({2, 2}), ({58, 64, 139, 154}));
  Owned v(Make(OZ_FLOAT32, {3}, {1, 0, -1}));
  Owned w(Make(OZ_FLOAT32, {2}, {1, 2}));
  Owned mv(oz_matmul(a, v, nullptr));  // [2,3] @ [3] -> [2]
  EXPECT_TENSOR(mv.t, "float32", ({2}), ({-2, -2}));
  Owned vm(oz_matmul(w, a, nullptr));  // [2] @ [2,3] -> [3]
  EXPECT_TENSOR(vm.t, "float32", ({3}), ({9, 12, 15}));
  Owned vv(oz_matmul(v, v, nullptr));  // [3] @ [3] -> 0-d
  EXPECT_TENSOR(vv.t, "float32", ({}), ({2}));
  // a non-contiguous operand: a.t() is [[1, 4], [2, 5], [3, 6]]
  Owned at(oz_transpose(a, 0, 1));
  Owned atw(oz_matmul(at, w, nullptr));
  EXPECT_TENSOR(atw.t, "float32", ({3}), ({9, 12, 15}));
  // K = 0: zeros
  Owned e1(Make(OZ_FLOAT32, {2, 0}, {}));
  Owned e2(Make(OZ_FLOAT32, {0, 3}, {}));
  Owned ez(oz_matmul(e1, e2, nullptr));
  EXPECT_TENSOR(ez.t, "float32", ({2, 3}), ({0, 0, 0, 0, 0, 0}));
}

TEST_F(DispatchTest, MatmulErrorsLikeTorch) {
  Owned a(Make(OZ_FLOAT32, {2, 3}, {1, 2, 3, 4, 5, 6}));
  Owned b(Make(OZ_FLOAT32, {2, 2}, {1, 2, 3, 4}));
  EXPECT_EQ(oz_matmul(a, b, nullptr), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  EXPECT_STREQ(oz_last_error_message(), "mat1 and mat2 shapes cannot be multiplied (2x3 and 2x2)");
  Owned s(Make(OZ_FLOAT32, {}, {1}));
  EXPECT_EQ(oz_matmul(s, a, nullptr), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  // matmul does not promote: float32 @ float64 is an error in torch
  Owned d(Make(OZ_FLOAT64, {3, 2}, {1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(oz_matmul(a, d, nullptr), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
}

TEST_F(DispatchTest, Sum) {
  Owned a(Make(OZ_FLOAT32, {2, 3}, {1, 2, 3, 4, 5, 6}));
  Owned all(oz_sum(a, nullptr, 0, false, -1, nullptr));
  EXPECT_TENSOR(all.t, "float32", ({}), ({21}));
  const int64_t d1[1] = {1}, dm2[1] = {-2}, both[2] = {0, -1};
  Owned rows(oz_sum(a, d1, 1, false, -1, nullptr));
  EXPECT_TENSOR(rows.t, "float32", ({2}), ({6, 15}));
  Owned rowsk(oz_sum(a, d1, 1, true, -1, nullptr));
  EXPECT_TENSOR(rowsk.t, "float32", ({2, 1}), ({6, 15}));
  Owned cols(oz_sum(a, dm2, 1, false, -1, nullptr));
  EXPECT_TENSOR(cols.t, "float32", ({3}), ({5, 7, 9}));
  Owned b2(oz_sum(a, both, 2, true, -1, nullptr));
  EXPECT_TENSOR(b2.t, "float32", ({1, 1}), ({21}));
  Owned as64(oz_sum(a, d1, 1, false, OZ_FLOAT64, nullptr));
  EXPECT_TENSOR(as64.t, "float64", ({2}), ({6, 15}));
  // integral and bool sums default to int64
  Owned i(Make(OZ_INT32, {3}, {1, 2, 3}));
  Owned si(oz_sum(i, nullptr, 0, false, -1, nullptr));
  EXPECT_TENSOR(si.t, "int64", ({}), ({6}));
  Owned bl(Make(OZ_BOOL, {3}, {1, 0, 1}));
  Owned sb(oz_sum(bl, nullptr, 0, false, -1, nullptr));
  EXPECT_TENSOR(sb.t, "int64", ({}), ({2}));
  // empty: sum is 0
  Owned e(Make(OZ_FLOAT32, {0, 3}, {}));
  Owned se(oz_sum(e, nullptr, 0, false, -1, nullptr));
  EXPECT_TENSOR(se.t, "float32", ({}), ({0}));
  Owned se0(oz_sum(e, dm2, 1, false, -1, nullptr));
  EXPECT_TENSOR(se0.t, "float32", ({3}), ({0, 0, 0}));
  // a non-contiguous input
  Owned at(oz_transpose(a, 0, 1));
  Owned sat(oz_sum(at, d1, 1, false, -1, nullptr));
  EXPECT_TENSOR(sat.t, "float32", ({3}), ({5, 7, 9}));
}

TEST_F(DispatchTest, SumErrors) {
  Owned a(Make(OZ_FLOAT32, {2, 3}, {1, 2, 3, 4, 5, 6}));
  const int64_t bad[1] = {2}, dup[2] = {0, 0};
  EXPECT_EQ(oz_sum(a, bad, 1, false, -1, nullptr), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_INDEX);
  EXPECT_STREQ(oz_last_error_message(),
               "Dimension out of range (expected to be in range of [-2, 1], but got 2)");
  EXPECT_EQ(oz_sum(a, dup, 2, false, -1, nullptr), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  EXPECT_STREQ(oz_last_error_message(), "dim 0 appears multiple times in the list of dims");
}

TEST_F(DispatchTest, CopyCastsTruncatesAndBroadcasts) {
  Owned f(Make(OZ_FLOAT32, {4}, {-1.7, 2.9, 0, 3.5}));
  Owned i(Make(OZ_INT32, {4}, {9, 9, 9, 9}));
  ASSERT_EQ(oz_copy_(i, f), OZ_OK) << oz_last_error_message();
  EXPECT_EQ(Values(i), (V{-1, 2, 0, 3}));
  Owned b(Make(OZ_BOOL, {4}, {0, 0, 1, 0}));
  ASSERT_EQ(oz_copy_(b, f), OZ_OK);
  EXPECT_EQ(Values(b), (V{1, 1, 0, 1}));
  Owned d(Make(OZ_FLOAT64, {4}, {0, 0, 0, 0}));
  ASSERT_EQ(oz_copy_(d, i), OZ_OK);
  EXPECT_EQ(Values(d), (V{-1, 2, 0, 3}));
  // broadcast [3] into [2, 3], and into a transposed (non-contiguous) destination
  Owned row(Make(OZ_INT64, {3}, {1, 2, 3}));
  Owned m(Make(OZ_FLOAT32, {3, 2}, {0, 0, 0, 0, 0, 0}));
  Owned mt(oz_transpose(m, 0, 1));  // [2, 3] view of m
  ASSERT_EQ(oz_copy_(mt, row), OZ_OK) << oz_last_error_message();
  EXPECT_EQ(Values(m), (V{1, 1, 2, 2, 3, 3}));
  // shapes that do not broadcast
  Owned four(Make(OZ_INT64, {4}, {1, 2, 3, 4}));
  EXPECT_NE(oz_copy_(row, four), OZ_OK);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
}

TEST_F(DispatchTest, ToDtypeAndClone) {
  Owned f(Make(OZ_FLOAT64, {3}, {1.5, -2.5, 3}));
  Owned same(oz_to_dtype(f, OZ_FLOAT64, false));
  EXPECT_EQ(same.t, f.t) << "nothing to change and copy=false: the same tensor";
  Owned copied(oz_to_dtype(f, OZ_FLOAT64, true));
  ASSERT_NE(copied.t, nullptr);
  EXPECT_NE(copied->storage, f->storage);
  Owned i(oz_to_dtype(f, OZ_INT16, false));
  EXPECT_TENSOR(i.t, "int16", ({3}), ({1, -2, 3}));
  Owned c(oz_clone(f));
  ASSERT_NE(c.t, nullptr);
  EXPECT_NE(c->storage, f->storage);
  EXPECT_EQ(Values(c), (V{1.5, -2.5, 3}));
}

TEST_F(DispatchTest, FullFillAndArange) {
  const int64_t shape[2] = {2, 2};
  Owned f(oz_full(2, shape, oz_make_scalar_f(1.25), OZ_FLOAT32, OZ_CPU));
  EXPECT_TENSOR(f.t, "float32", ({2, 2}), ({1.25, 1.25, 1.25, 1.25}));
  ASSERT_EQ(oz_fill_(f, oz_make_scalar_i(-3)), OZ_OK);
  EXPECT_EQ(Values(f), (V{-3, -3, -3, -3}));
  Owned r(oz_arange(0, 5, 2, true, -1, OZ_CPU));
  EXPECT_TENSOR(r.t, "int64", ({3}), ({0, 2, 4}));
  Owned q(oz_arange(0, 1, 0.25, false, -1, OZ_CPU));
  EXPECT_TENSOR(q.t, "float32", ({4}), ({0, 0.25, 0.5, 0.75}));
  Owned n(oz_arange(5, 0, -2, true, -1, OZ_CPU));
  EXPECT_TENSOR(n.t, "int64", ({3}), ({5, 3, 1}));
  Owned d(oz_arange(0, 3, 1, true, OZ_FLOAT64, OZ_CPU));
  EXPECT_TENSOR(d.t, "float64", ({3}), ({0, 1, 2}));
  Owned e(oz_arange(3, 3, 1, true, -1, OZ_CPU));
  EXPECT_TENSOR(e.t, "int64", ({0}), ({}));
  EXPECT_EQ(oz_arange(0, 5, 0, true, -1, OZ_CPU), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  EXPECT_STREQ(oz_last_error_message(), "step must be nonzero");
  EXPECT_EQ(oz_arange(0, 5, -1, true, -1, OZ_CPU), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  EXPECT_STREQ(oz_last_error_message(),
               "upper bound and larger bound inconsistent with step sign");
}

TEST_F(DispatchTest, OutAndInPlaceRules) {
  Owned a(Make(OZ_FLOAT32, {3}, {1, 2, 3}));
  Owned i(Make(OZ_INT64, {3}, {1, 2, 3}));
  // out= with no elements is resized
  Owned out(Make(OZ_FLOAT32, {0}, {}));
  Owned r(oz_add(a, a, oz_make_scalar_f(1), out));
  ASSERT_EQ(r.t, out.t) << "the result is a new reference to out";
  EXPECT_EQ(Shape(out), (Dims{3}));
  EXPECT_EQ(Values(out), (V{2, 4, 6}));
  // in-place: out == a
  Owned r2(oz_add(i, i, oz_make_scalar_i(1), i));
  ASSERT_EQ(r2.t, i.t);
  EXPECT_EQ(Values(i), (V{2, 4, 6}));
  // int tensor += float tensor: the float result can't be cast to int64
  EXPECT_EQ(oz_add(i, a, oz_make_scalar_i(1), i), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  EXPECT_STREQ(oz_last_error_message(),
               "result type Float can't be cast to the desired output type Long");
  EXPECT_EQ(Values(i), (V{2, 4, 6})) << "a failed in-place op leaves its target alone";
  // in-place into a smaller tensor: broadcast shape does not fit
  Owned two(Make(OZ_FLOAT32, {2}, {0, 0}));
  Owned m(Make(OZ_FLOAT32, {3, 2}, {1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(oz_add(two, m, oz_make_scalar_f(1), two), nullptr);
  EXPECT_EQ(oz_last_error_code(), OZ_ERR_RUNTIME);
  EXPECT_STREQ(oz_last_error_message(),
               "output with shape [2] doesn't match the broadcast shape [3, 2]");
}

}  // namespace
