#include "aws/ini_file.h"

#include <gtest/gtest.h>

namespace copycat::aws {
namespace {

std::vector<IniSection> parseOk(std::string_view text) {
  auto got = parseIni(text, "test");
  EXPECT_TRUE(got.has_value()) << got.error().message;
  return got.value_or(std::vector<IniSection>{});
}

TEST(IniFileTest, ParsesSectionsPropertiesAndComments) {
  auto sections = parseOk(
      "# leading comment\n"
      "; another comment\n"
      "\n"
      "[default]\n"
      "aws_access_key_id=AKIDEXAMPLE\n"
      "  # indented comment\n"
      "Region = eu-west-1   # inline comment\n"
      "output = json;not-a-comment\n"
      "[  profile   dev  ]   ; comment after header\n"
      "\tregion\t=\tus-east-2\t\r\n"
      "empty =\n");
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[0].name, "default");
  EXPECT_EQ(sections[0].line, 4);
  EXPECT_EQ(sections[0].properties.at("aws_access_key_id"), "AKIDEXAMPLE");
  EXPECT_EQ(sections[0].properties.at("region"), "eu-west-1");
  EXPECT_EQ(sections[0].properties.at("output"), "json;not-a-comment");
  EXPECT_EQ(sections[1].name, "profile   dev");
  EXPECT_EQ(sections[1].properties.at("region"), "us-east-2");
  EXPECT_EQ(sections[1].properties.at("empty"), "");
}

TEST(IniFileTest, NestedSubSectionsBecomeDottedKeys) {
  auto sections = parseOk(
      "[profile dev]\n"
      "s3 =\n"
      "  max_concurrent_requests = 20\n"
      "  Addressing_Style = path\n"
      "region = us-west-2\n"
      "[services ecr-local]\n"
      "ecr =\n"
      "  endpoint_url = http://127.0.0.1:5000\n");
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[0].properties.at("s3"), "");
  EXPECT_EQ(sections[0].properties.at("s3.max_concurrent_requests"), "20");
  EXPECT_EQ(sections[0].properties.at("s3.addressing_style"), "path");
  EXPECT_EQ(sections[0].properties.at("region"), "us-west-2");
  EXPECT_EQ(sections[1].properties.at("ecr.endpoint_url"), "http://127.0.0.1:5000");
}

TEST(IniFileTest, IndentedLinesContinueANonEmptyValue) {
  auto sections = parseOk("[a]\nkey = first\n  second\n\tthird\nnext = x\n");
  ASSERT_EQ(sections.size(), 1u);
  EXPECT_EQ(sections[0].properties.at("key"), "first\nsecond\nthird");
  EXPECT_EQ(sections[0].properties.at("next"), "x");
}

TEST(IniFileTest, RepeatedSectionsAndKeysAreKept) {
  auto sections = parseOk("[a]\nk = 1\nk = 2\n[b]\n[a]\nk = 3\n");
  ASSERT_EQ(sections.size(), 3u);
  EXPECT_EQ(sections[0].properties.at("k"), "2");
  EXPECT_EQ(sections[2].properties.at("k"), "3");
}

TEST(IniFileTest, EmptyInputHasNoSections) {
  EXPECT_TRUE(parseOk("").empty());
  EXPECT_TRUE(parseOk("\n\n# only comments\n").empty());
}

TEST(IniFileTest, ReportsMalformedLinesWithSourceAndLine) {
  struct Case {
    const char* text;
    const char* want;
  };
  const Case cases[] = {
      {"key = value\n", "test:1: property outside a section"},
      {"[a]\nno equals sign\n", "test:2: expected 'key = value'"},
      {"[a]\n= value\n", "test:2: empty key"},
      {"[a\n", "test:1: section header without ']'"},
      {"[]\n", "test:1: empty section name"},
      {"[a] trailing\n", "test:1: text after section header"},
      {"[a]\ns3 =\n  not a pair\n", "test:3: expected 'key = value' in sub-section 's3'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto got = parseIni(c.text, "test");
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(got.error().message, c.want);
  }
}

}  // namespace
}  // namespace copycat::aws
