// plugin_wrong_abi_test.cc - a plugin built for ABI major 999 (fixture wrong_abi.c) is refused
// with both versions in the message, and none of its kernels is ever registered (they trap).
#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "core/oz_error.h"
#include "core/oz_ops.h"
#include "dispatch/oz_dispatch.h"

namespace {

constexpr const char *kPath = "tests/c/fixtures/wrong_abi.so";
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

TEST(PluginWrongAbi, ErrorHasBothVersions) {
  EXPECT_EQ(g_rc, OZ_ERR_PLUGIN);
  EXPECT_NE(g_msg.find("999"), std::string::npos) << g_msg;
  // The core's own major, as a number of its own (not a digit inside 999 or a path).
  const std::regex core_major("(^|[^0-9])" + std::to_string(OZ_ABI_MAJOR) + "([^0-9]|$)");
  EXPECT_TRUE(std::regex_search(g_msg, core_major)) << g_msg;
  EXPECT_NE(g_msg.find("ABI"), std::string::npos) << g_msg;
  EXPECT_NE(g_msg.find(kPath), std::string::npos) << g_msg;
}

TEST(PluginWrongAbi, PluginInfoRecordsTheFailure) {
  const oz_plugin_info *entry = nullptr;
  for (int i = 0; i < oz_dispatch_plugin_count(); i++) {
    const oz_plugin_info *p = oz_dispatch_plugin(i);
    if (p && p->name && std::string(p->name).find("wrong_abi") != std::string::npos) entry = p;
  }
  ASSERT_NE(entry, nullptr);
  EXPECT_FALSE(entry->loaded);
  ASSERT_NE(entry->error, nullptr);
  EXPECT_NE(std::string(entry->error).find("999"), std::string::npos) << entry->error;
}

TEST(PluginWrongAbi, NoKernelOfItIsRegistered) {
  for (int op : {OZ_OP_ADD, OZ_OP_MUL}) {
    const char *names[4] = {nullptr};
    ASSERT_EQ(oz_dispatch_providers(op, OZ_DEVICE_CPU, names, 4), 1) << oz_op_name(op);
    EXPECT_STREQ(names[0], "cpu_naive");
  }
  // Would trap inside the plugin if its kernel had been registered.
  const int64_t shape[1] = {2};
  oz_tensor *a = oz_full(1, shape, oz_make_scalar_f(1.5), OZ_FLOAT32, OZ_CPU);
  ASSERT_NE(a, nullptr) << oz_last_error_message();
  oz_tensor *b = oz_add(a, a, oz_make_scalar_f(1), nullptr);
  oz_tensor *c = oz_mul(a, a, nullptr);
  ASSERT_TRUE(b && c) << oz_last_error_message();
  double d = 0;
  int64_t i;
  ASSERT_EQ(oz_read_element(c, 1, &d, &i), OZ_OK);
  EXPECT_EQ(d, 2.25);
  oz_tensor_decref(a);
  oz_tensor_decref(b);
  oz_tensor_decref(c);
}

}  // namespace
