#include "base/strings.h"

#include <gtest/gtest.h>

namespace copycat::strings {
namespace {

TEST(StringsTest, SplitListTrimsAndDropsEmptyItems) {
  EXPECT_EQ(splitList(" a, b,,c ,"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(splitList("").empty());
}

TEST(StringsTest, ParseBoolAcceptsUsualSpellings) {
  for (auto s : {"true", "TRUE", "yes", "on", "1", "t", "Y"}) {
    SCOPED_TRACE(s);
    EXPECT_EQ(parseBool(s), true);
  }
  for (auto s : {"false", "No", "off", "0", "f", "n"}) {
    SCOPED_TRACE(s);
    EXPECT_EQ(parseBool(s), false);
  }
  EXPECT_EQ(parseBool("maybe"), std::nullopt);
}

TEST(StringsTest, GlobMatchesWholeString) {
  EXPECT_TRUE(globMatch("team-*", "team-a"));
  EXPECT_TRUE(globMatch("*", ""));
  EXPECT_TRUE(globMatch("a?c", "abc"));
  EXPECT_TRUE(globMatch("*-prod-*", "x-prod-y"));
  EXPECT_FALSE(globMatch("team-*", "xteam-a"));
  EXPECT_FALSE(globMatch("a?c", "ac"));
}

}  // namespace
}  // namespace copycat::strings
