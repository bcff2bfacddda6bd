#include "aws/aws_time.h"

#include <cmath>

#include <gtest/gtest.h>

namespace copycat::aws {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

system_clock::time_point at(int64_t epoch_seconds) {
  return system_clock::time_point(seconds(epoch_seconds));
}

TEST(AwsTimeTest, ParsesIso8601Forms) {
  struct Case {
    const char* text;
    system_clock::time_point want;
  };
  const Case cases[] = {
      {"2023-11-14T22:13:20Z", at(1'700'000'000)},
      {"2023-11-14t22:13:20z", at(1'700'000'000)},
      {"2023-11-14 22:13:20Z", at(1'700'000'000)},
      {"2023-11-14T22:13:20.250Z", at(1'700'000'000) + milliseconds(250)},
      {"2023-11-15T00:13:20+02:00", at(1'700'000'000)},
      {"2023-11-14T20:13:20-02:00", at(1'700'000'000)},
      {"1970-01-01T00:00:00Z", at(0)},
      {"2024-02-29T00:00:00Z", at(1'709'164'800)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto got = parseIso8601(c.text);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(*got, c.want);
  }
}

TEST(AwsTimeTest, RejectsMalformedTimestamps) {
  for (const char* text :
       {"", "2023-11-14", "2023-11-14T22:13:20", "2023-13-14T22:13:20Z", "2023-02-29T00:00:00Z",
        "2023-11-14T24:00:00Z", "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20+2:00",
        "2023-11-14T22:13:20Zjunk", "20231114T221320Z"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(parseIso8601(text).has_value());
  }
}

TEST(AwsTimeTest, ConvertsEpochSecondsWithFraction) {
  EXPECT_EQ(fromEpochSeconds(1.7000432001E9), at(1'700'043'200) + milliseconds(100));
  EXPECT_EQ(fromEpochSeconds(1'700'000'000), at(1'700'000'000));
  EXPECT_FALSE(fromEpochSeconds(-1).has_value());
  EXPECT_FALSE(fromEpochSeconds(1e300).has_value());
  EXPECT_FALSE(fromEpochSeconds(std::nan("")).has_value());
}

}  // namespace
}  // namespace copycat::aws
