// plugin_probe_test.cc - the default backend list with a plugin folder (OZTORCH_PLUGIN_PATH)
// holding the broken fixtures: nothing was asked for by name, so init succeeds; every .so in the
// folder is probed and its problem recorded for the doctor, and none of them is registered.
#include <gtest/gtest.h>

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
    g_rc = oz_dispatch_init(nullptr, "tests/c/fixtures", "backends/cpu_naive");
    g_msg = oz_last_error_message();
  }
};
const auto *const kEnv = ::testing::AddGlobalTestEnvironment(new LoadOnce);

// The entry whose name or path mentions `stem`.
const oz_plugin_info *Find(const char *stem) {
  for (int i = 0; i < oz_dispatch_plugin_count(); i++) {
    const oz_plugin_info *p = oz_dispatch_plugin(i);
    if (!p) continue;
    if ((p->name && std::string(p->name).find(stem) != std::string::npos) ||
        (p->path && std::string(p->path).find(stem) != std::string::npos))
      return p;
  }
  return nullptr;
}

TEST(PluginProbe, BrokenOptionalPluginsDoNotFailInit) {
  EXPECT_EQ(g_rc, OZ_OK) << g_msg;
  EXPECT_TRUE(oz_dispatch_initialized());
}

struct ProbeCase {
  const char *stem;
  const char *error_mentions;
};

TEST(PluginProbe, EachBrokenPluginIsReportedWithItsReason) {
  const ProbeCase cases[] = {
      {"no_entry", "oz_backend_init"},
      {"wrong_abi", "999"},
      {"init_fails", "no frobnicator found on this machine (code 42)"},
  };
  for (const ProbeCase &c : cases) {
    const oz_plugin_info *p = Find(c.stem);
    ASSERT_NE(p, nullptr) << c.stem << " was not reported";
    EXPECT_FALSE(p->loaded) << c.stem;
    ASSERT_NE(p->error, nullptr) << c.stem;
    EXPECT_NE(std::string(p->error).find(c.error_mentions), std::string::npos)
        << c.stem << ": " << p->error;
  }
}

TEST(PluginProbe, AGoodPluginInTheFolderIsProbedButNotRegistered) {
  const oz_plugin_info *tiny = Find("tiny");
  ASSERT_NE(tiny, nullptr) << "tiny_backend.so is in the plugin folder and should be listed";
  EXPECT_FALSE(tiny->loaded) << "probing must not register: nobody asked for it";
  const char *names[4] = {nullptr};
  ASSERT_EQ(oz_dispatch_providers(OZ_OP_ADD, OZ_DEVICE_CPU, names, 4), 1);
  EXPECT_STREQ(names[0], "cpu_naive");
}

TEST(PluginProbe, CpuNaiveServesEveryOp) {
  const oz_plugin_info *naive = Find("cpu_naive");
  ASSERT_NE(naive, nullptr);
  EXPECT_TRUE(naive->loaded);
  for (int op = 0; op < OZ_OP_ID_LIMIT; op++) {
    if (!oz_op_declared(op)) continue;
    const char *names[4] = {nullptr};
    EXPECT_GE(oz_dispatch_providers(op, OZ_DEVICE_CPU, names, 4), 1) << oz_op_name(op);
  }
}

}  // namespace
