#include "config/duration.h"

#include <cstdint>
#include <limits>

#include <gtest/gtest.h>

namespace copycat::config {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

// Cases from Go's time.ParseDuration behaviour (time_test.go parseDurationTests).
TEST(GoDurationTest, ParsesLikeGo) {
  struct Case {
    const char* text;
    nanoseconds want;
  };
  const Case cases[] = {
      {"0", nanoseconds{0}},
      {"-0", nanoseconds{0}},
      {"+0", nanoseconds{0}},
      {"5s", seconds{5}},
      {"30s", seconds{30}},
      {"1478s", seconds{1478}},
      {"-5s", seconds{-5}},
      {"+5s", seconds{5}},
      {"-0s", nanoseconds{0}},
      {"5.0s", seconds{5}},
      {"5.6s", milliseconds{5600}},
      {"5.s", seconds{5}},
      {".5s", milliseconds{500}},
      {"1.004s", milliseconds{1004}},
      {"100.00100s", milliseconds{100001}},
      {"10ns", nanoseconds{10}},
      {"11us", microseconds{11}},
      {"12\xc2\xb5s", microseconds{12}},  // U+00B5 micro sign
      {"12\xce\xbcs", microseconds{12}},  // U+03BC Greek mu
      {"300ms", milliseconds{300}},
      {"13ms", milliseconds{13}},
      {"1m", minutes{1}},
      {"15m", minutes{15}},
      {"16h", hours{16}},
      {"1h30m", minutes{90}},
      {"1.5h", minutes{90}},
      {"3h30m", minutes{210}},
      {"10.5s4m", minutes{4} + milliseconds{10500}},
      {"-2m3.4s", -(minutes{2} + milliseconds{3400})},
      {"1h2m3s4ms5us6ns",
       hours{1} + minutes{2} + seconds{3} + milliseconds{4} + microseconds{5} + nanoseconds{6}},
      {"39h9m14.425s", hours{39} + minutes{9} + milliseconds{14425}},
      {"52763797000ns", nanoseconds{52763797000}},
      {"0.3333333333333333333h", minutes{20}},
      {"9007199254740993ns", nanoseconds{(int64_t{1} << 53) + 1}},
      {"9223372036854775807ns", nanoseconds{kMax}},
      {"9223372036854775.807us", nanoseconds{kMax}},
      {"9223372036s854ms775us807ns", nanoseconds{kMax}},
      {"-9223372036854775808ns", nanoseconds{kMin}},
      {"-9223372036854775.808us", nanoseconds{kMin}},
      {"-9223372036s854ms775us808ns", nanoseconds{kMin}},
      {"0.100000000000000000000h", minutes{6}},
      {"0.830103483285477580700h", minutes{49} + seconds{48} + nanoseconds{372539827}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto got = parseGoDuration(c.text);
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->count(), c.want.count());
  }
}

TEST(GoDurationTest, RejectsInvalidFormsWithGoMessages) {
  struct Case {
    std::string text;
    const char* message;
  };
  const Case cases[] = {
      {"", R"(time: invalid duration "")"},
      {"3", R"(time: missing unit in duration "3")"},
      {"30", R"(time: missing unit in duration "30")"},
      {"-", R"(time: invalid duration "-")"},
      {"s", R"(time: invalid duration "s")"},
      {".", R"(time: invalid duration ".")"},
      {"-.", R"(time: invalid duration "-.")"},
      {".s", R"(time: invalid duration ".s")"},
      {"+.s", R"(time: invalid duration "+.s")"},
      {"1d", R"(time: unknown unit "d" in duration "1d")"},
      {"5 minutes", R"(time: unknown unit " minutes" in duration "5 minutes")"},
      {"1h30", R"(time: missing unit in duration "1h30")"},
      {" 1s", R"(time: invalid duration " 1s")"},
      {"\x85\x85", R"(time: invalid duration "\x85\x85")"},
      {"\xff"
       "ff",
       R"(time: invalid duration "\xffff")"},
      {"hello \xff"
       "ff world",
       R"(time: invalid duration "hello \xffff world")"},
      {"9223372036854775808ns", R"(time: invalid duration "9223372036854775808ns")"},
      {"9223372036854775.808us", R"(time: invalid duration "9223372036854775.808us")"},
      {"9223372036854ms775us808ns", R"(time: invalid duration "9223372036854ms775us808ns")"},
      {"-9223372036854775809ns", R"(time: invalid duration "-9223372036854775809ns")"},
      {"99999999999999999999h", R"(time: invalid duration "99999999999999999999h")"},
      {"1.5.5s", R"(time: missing unit in duration "1.5.5s")"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto got = parseGoDuration(c.text);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(got.error().message, c.message);
  }
}

TEST(GoDurationTest, FormatsLikeGoDurationString) {
  struct Case {
    nanoseconds value;
    const char* want;
  };
  const Case cases[] = {
      {nanoseconds{0}, "0s"},
      {nanoseconds{1}, "1ns"},
      {nanoseconds{1100}, "1.1\xc2\xb5s"},
      {microseconds{2200}, "2.2ms"},
      {milliseconds{300}, "300ms"},
      {milliseconds{3300}, "3.3s"},
      {seconds{30}, "30s"},
      {minutes{1}, "1m0s"},
      {minutes{4} + seconds{5}, "4m5s"},
      {minutes{4} + milliseconds{5001}, "4m5.001s"},
      {hours{5} + minutes{6} + milliseconds{7001}, "5h6m7.001s"},
      {minutes{8} + nanoseconds{1}, "8m0.000000001s"},
      {minutes{90}, "1h30m0s"},
      {nanoseconds{kMax}, "2562047h47m16.854775807s"},
      {nanoseconds{kMin}, "-2562047h47m16.854775808s"},
      {seconds{-5}, "-5s"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(formatGoDuration(c.value), c.want);
  }
}

TEST(GoDurationTest, FormattedValuesParseBack) {
  for (int64_t v : {int64_t{1}, int64_t{999}, int64_t{1500000}, int64_t{61000000000},
                    int64_t{5400000000001}, kMax, kMin}) {
    SCOPED_TRACE(v);
    auto parsed = parseGoDuration(formatGoDuration(nanoseconds{v}));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->count(), v);
  }
}

}  // namespace
}  // namespace copycat::config
