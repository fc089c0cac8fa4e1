// plugin_init_fails_test.cc - a plugin whose init returns an error (fixture init_fails.c): the
// plugin's own message reaches the caller unchanged, and the dispatcher keeps working.
#include <gtest/gtest.h>

#include <string>

#include "core/oz_error.h"
#include "core/oz_ops.h"
#include "dispatch/oz_dispatch.h"

namespace {

constexpr const char *kPath = "tests/c/fixtures/init_fails.so";
constexpr const char *kPluginMessage = "init_fails: no frobnicator found on this machine (code 42)";
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

TEST(PluginInitFails, PluginMessageIsPassedThrough) {
  EXPECT_EQ(g_rc, OZ_ERR_PLUGIN);
  EXPECT_NE(g_msg.find(kPluginMessage), std::string::npos) << g_msg;
  EXPECT_NE(g_msg.find("init_fails"), std::string::npos) << g_msg;
}

TEST(PluginInitFails, PluginInfoRecordsTheFailure) {
  const oz_plugin_info *entry = nullptr;
  for (int i = 0; i < oz_dispatch_plugin_count(); i++) {
    const oz_plugin_info *p = oz_dispatch_plugin(i);
    if (p && p->name && std::string(p->name).find("init_fails") != std::string::npos) entry = p;
  }
  ASSERT_NE(entry, nullptr);
  EXPECT_FALSE(entry->loaded);
  ASSERT_NE(entry->error, nullptr);
  EXPECT_NE(std::string(entry->error).find(kPluginMessage), std::string::npos) << entry->error;
}

TEST(PluginInitFails, DispatcherStillUsable) {
  const char *names[4] = {nullptr};
  ASSERT_EQ(oz_dispatch_providers(OZ_OP_SUM, OZ_DEVICE_CPU, names, 4), 1);
  EXPECT_STREQ(names[0], "cpu_naive");
  oz_tensor *a = oz_arange(1, 5, 1, true, -1, OZ_CPU);
  ASSERT_NE(a, nullptr) << oz_last_error_message();
  oz_tensor *s = oz_sum(a, nullptr, 0, false, -1, nullptr);
  ASSERT_NE(s, nullptr) << oz_last_error_message();
  double d;
  int64_t v = 0;
  ASSERT_EQ(oz_read_element(s, 0, &d, &v), OZ_OK);
  EXPECT_EQ(v, 10);
  oz_tensor_decref(a);
  oz_tensor_decref(s);
}

}  // namespace
