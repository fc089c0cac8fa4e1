// plugin_no_entry_test.cc - a .so given by path that lacks the entry symbol (fixture no_entry.c).
// The error names the path and the missing symbol; the dispatcher keeps working.
#include <gtest/gtest.h>

#include <string>

#include "core/oz_error.h"
#include "core/oz_ops.h"
#include "dispatch/oz_dispatch.h"

namespace {

constexpr const char *kPath = "tests/c/fixtures/no_entry.so";
int g_rc = -1;
std::string g_msg;

class LoadOnce : public ::testing::Environment {
 public:
  void SetUp() override {
    oz_clear_error();
    g_rc = oz_dispatch_init(kPath, "", "backends/cpu_naive");
    g_msg = oz_last_error_message();
  }
};
const auto *const kEnv = ::testing::AddGlobalTestEnvironment(new LoadOnce);

TEST(PluginNoEntry, ErrorNamesTheSymbolAndThePath) {
  EXPECT_EQ(g_rc, OZ_ERR_PLUGIN);
  EXPECT_NE(g_msg.find("oz_backend_init"), std::string::npos) << g_msg;
  EXPECT_NE(g_msg.find(kPath), std::string::npos) << g_msg;
}

TEST(PluginNoEntry, PluginInfoRecordsTheFailure) {
  const oz_plugin_info *entry = nullptr;
  for (int i = 0; i < oz_dispatch_plugin_count(); i++) {
    const oz_plugin_info *p = oz_dispatch_plugin(i);
    if (p && p->name && std::string(p->name).find("no_entry") != std::string::npos) entry = p;
  }
  ASSERT_NE(entry, nullptr);
  EXPECT_FALSE(entry->loaded);
  ASSERT_NE(entry->error, nullptr);
  EXPECT_NE(std::string(entry->error).find("oz_backend_init"), std::string::npos) << entry->error;
}

TEST(PluginNoEntry, DispatcherStillUsable) {
  const char *names[4] = {nullptr};
  ASSERT_EQ(oz_dispatch_providers(OZ_OP_MUL, OZ_DEVICE_CPU, names, 4), 1);
  EXPECT_STREQ(names[0], "cpu_naive");
  oz_tensor *a = oz_arange(0, 4, 1, true, -1, OZ_CPU);
  ASSERT_NE(a, nullptr) << oz_last_error_message();
  oz_tensor *b = oz_mul(a, a, nullptr);
  ASSERT_NE(b, nullptr) << oz_last_error_message();
  double d;
  int64_t v = 0;
  ASSERT_EQ(oz_read_element(b, 3, &d, &v), OZ_OK);
  EXPECT_EQ(v, 9);
  oz_tensor_decref(a);
  oz_tensor_decref(b);
}

}  // namespace
