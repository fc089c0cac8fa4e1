// plugin_missing_test.cc - OZTORCH_BACKEND names a backend that exists nowhere. The error names
// every path tried; the process lives on and the dispatcher still works with cpu_naive.
// (oz_dispatch_init runs once per process: this scenario has its own test program.)
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "core/oz_error.h"
#include "core/oz_ops.h"
#include "dispatch/oz_dispatch.h"

namespace {

int g_rc = -1;
std::string g_msg;

class LoadOnce : public ::testing::Environment {
 public:
  void SetUp() override {
    oz_clear_error();
    g_rc = oz_dispatch_init("no_such_backend", "tests/c/no_such_dir:tests/c/another_missing_dir",
                            "backends/cpu_naive");
    g_msg = oz_last_error_message();
  }
};
const auto *const kEnv = ::testing::AddGlobalTestEnvironment(new LoadOnce);

TEST(PluginMissing, IsAPluginErrorNamingEveryPathTried) {
  EXPECT_EQ(g_rc, OZ_ERR_PLUGIN);
  for (const char *needle :
       {"no_such_backend", "tests/c/no_such_dir/no_such_backend.so",
        "tests/c/another_missing_dir/no_such_backend.so", "backends/cpu_naive/no_such_backend.so"})
    EXPECT_NE(g_msg.find(needle), std::string::npos) << "missing '" << needle << "' in:\n" << g_msg;
}

TEST(PluginMissing, PluginInfoRecordsTheFailure) {
  const oz_plugin_info *entry = nullptr;
  for (int i = 0; i < oz_dispatch_plugin_count(); i++) {
    const oz_plugin_info *p = oz_dispatch_plugin(i);
    if (p && p->name && strcmp(p->name, "no_such_backend") == 0) entry = p;
  }
  ASSERT_NE(entry, nullptr) << "the requested name is listed even though it did not load";
  EXPECT_FALSE(entry->loaded);
  ASSERT_NE(entry->error, nullptr);
  EXPECT_NE(std::string(entry->error).find("backends/cpu_naive/no_such_backend.so"),
            std::string::npos)
      << entry->error;
}

TEST(PluginMissing, DispatcherStillUsableWithCpuNaive) {
  EXPECT_TRUE(oz_dispatch_initialized());
  const char *names[4] = {nullptr};
  ASSERT_EQ(oz_dispatch_providers(OZ_OP_ADD, OZ_DEVICE_CPU, names, 4), 1);
  EXPECT_STREQ(names[0], "cpu_naive");
  const int64_t shape[1] = {3};
  oz_tensor *a = oz_full(1, shape, oz_make_scalar_i(2), OZ_INT64, OZ_CPU);
  ASSERT_NE(a, nullptr) << oz_last_error_message();
  oz_tensor *b = oz_add(a, a, oz_make_scalar_i(1), nullptr);
  ASSERT_NE(b, nullptr) << oz_last_error_message();
  double d;
  int64_t v = 0;
  ASSERT_EQ(oz_read_element(b, 2, &d, &v), OZ_OK);
  EXPECT_EQ(v, 4);
  oz_tensor_decref(a);
  oz_tensor_decref(b);
}

}  // namespace
