#include "base/log.h"

#include <vector>

#include <gtest/gtest.h>

namespace copycat::log {
namespace {

TEST(LogTest, LineIsOneJsonObjectWithFixedKeysFirst) {
  auto line =
      formatLine(Level::kInfo, "registry", "blob copied", {{"digest", "sha256:ab"}, {"bytes", 3}});
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["logger"], "registry");
  EXPECT_EQ(j["msg"], "blob copied");
  EXPECT_EQ(j["bytes"], 3);
  EXPECT_EQ(line.rfind(R"({"ts":")", 0), 0u);
}

TEST(LogTest, LevelFilterSkipsLowerLevels) {
  std::vector<std::string> lines;
  setSinkForTesting([&](std::string_view l) { lines.emplace_back(l); });
  setLevel(Level::kWarn);
  LOG_INFO("app", "hidden", {});
  LOG_WARN("app", "shown", {{"k", 1}});
  setLevel(Level::kInfo);
  setSinkForTesting({});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("shown"), std::string::npos);
}

TEST(LogTest, ParseLevelAcceptsNamesAndVerbosity) {
  Level l{};
  ASSERT_TRUE(parseLevel("WARNING", &l));
  EXPECT_EQ(l, Level::kWarn);
  ASSERT_TRUE(parseLevel("2", &l));
  EXPECT_EQ(l, Level::kDebug);
  ASSERT_TRUE(parseLevel("0", &l));
  EXPECT_EQ(l, Level::kInfo);
  EXPECT_FALSE(parseLevel("loud", &l));
}

}  // namespace
}  // namespace copycat::log
