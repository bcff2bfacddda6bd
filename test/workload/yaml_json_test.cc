#include "workload/yaml_json.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace copycat::workload {
namespace {

std::string toJson(std::string_view yaml) {
  Result<std::string> json = yamlToJson(yaml);
  EXPECT_TRUE(json.has_value()) << json.error().message;
  return json.value_or("");
}

TEST(YamlToJsonTest, ScalarResolutionKeepsTextIntact) {
  struct Case {
    const char* yaml;
    const char* want;
  };
  const Case cases[] = {
      {"image: redis:6", R"({"image":"redis:6"})"},
      {"image: 3", R"({"image":3})"},            // a JSON number spelled as written
      {"version: 1.10", R"({"version":1.10})"},  // never reprinted as 1.1
      {"version: \"1.10\"", R"({"version":"1.10"})"},
      {"tag: '3'", R"({"tag":"3"})"},
      {"v: 007", R"({"v":"007"})"},  // not a JSON number: kept as text
      {"v: +1", R"({"v":"+1"})"},
      {"v: 0x1F", R"({"v":"0x1F"})"},
      {"v: .inf", R"({"v":".inf"})"},
      {"v: 1_000", R"({"v":"1_000"})"},
      {"v: -2.5e3", R"({"v":-2.5e3})"},
      {"v: 1.", R"({"v":"1."})"},
      {"b: true", R"({"b":true})"},
      {"b: False", R"({"b":false})"},
      {"b: yes", R"({"b":"yes"})"},  // YAML 1.1 booleans stay strings
      {"b: on", R"({"b":"on"})"},
      {"n: null", R"({"n":null})"},
      {"n: ~", R"({"n":null})"},
      {"n:", R"({"n":null})"},
      {"n: 'null'", R"({"n":"null"})"},
      {"s: !!str 3", R"({"s":"3"})"},
      {"s: !!str", R"({"s":""})"},
      {"s: !custom 3", R"({"s":"3"})"},
      {"s: |\n  line1\n  line2\n", R"({"s":"line1\nline2\n"})"},
      {"s: \"tab\\there \\\"q\\\" back\\\\slash \\u0001\"",
       R"({"s":"tab\there \"q\" back\\slash \u0001"})"},
      {"s: é✓", R"({"s":"é✓"})"},
      {"3: x", R"({"3":"x"})"},
      {"~: x", R"({"null":"x"})"},
      {"list: [a, 1, {k: v}, [], {}]", R"({"list":["a",1,{"k":"v"},[],{}]})"},
      {"", "null"},
      {"# only a comment", "null"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    EXPECT_EQ(toJson(c.yaml), c.want);
  }
}

TEST(YamlToJsonTest, FlowStyleWithTrailingCommasAndComments) {
  EXPECT_EQ(
      toJson("{\n  kind: \"Pod\",\n  # c\n  spec: {containers: [{name: a, image: \"x\",},],},\n}"),
      R"({"kind":"Pod","spec":{"containers":[{"name":"a","image":"x"}]}})");
}

TEST(YamlToJsonTest, AliasesExpandAndMergeKeysApply) {
  EXPECT_EQ(toJson("base: &b {image: nginx, name: a}\n"
                   "c1:\n  <<: *b\n  name: override\n"
                   "c2:\n  <<: [*b, {extra: 1, name: second}]\n"),
            R"({"base":{"image":"nginx","name":"a"},"c1":{"name":"override","image":"nginx"},)"
            R"("c2":{"image":"nginx","name":"a","extra":1}})");
  EXPECT_EQ(toJson("a: &x [1, 2]\nb: *x\n"), R"({"a":[1,2],"b":[1,2]})");
}

TEST(YamlToJsonTest, ErrorsCarryAbsoluteLineNumbers) {
  Result<std::string> json = yamlToJson("a: 1\nb: [unclosed\n", 10);
  ASSERT_FALSE(json.has_value());
  EXPECT_EQ(json.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(json.error().message.rfind("line 1", 0), 0u) << json.error().message;

  json = yamlToJson("a: 1\n  b: 2\n", 10);
  ASSERT_FALSE(json.has_value());
  EXPECT_EQ(json.error().message.rfind("line 11, column", 0), 0u) << json.error().message;
}

TEST(YamlToJsonTest, RejectsComplexKeysBadMergesAndRecursion) {
  EXPECT_FALSE(yamlToJson("? [a, b]\n: c\n").has_value());
  EXPECT_FALSE(yamlToJson("x:\n  <<: 3\n").has_value());
  std::string deep;
  for (int i = 0; i < 300; ++i) {
    deep += "[";
  }
  Result<std::string> json = yamlToJson(deep);
  EXPECT_FALSE(json.has_value());
}

TEST(YamlToJsonTest, AliasBombIsBounded) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) {
      bomb += std::string(i ? ", *" : "*") + prev;
    }
    bomb += "]\n";
    prev = c;
  }
  Result<std::string> json = yamlToJson(bomb);
  ASSERT_FALSE(json.has_value());
  EXPECT_NE(json.error().message.find("aliases expand"), std::string::npos) << json.error().message;
}

struct Split {
  std::string text;
  size_t line;
  bool operator==(const Split&) const = default;
};

std::vector<Split> split(std::string_view stream) {
  std::vector<Split> out;
  for (const auto& doc : splitYamlDocuments(stream)) {
    out.push_back({std::string(doc.text), doc.first_line});
  }
  return out;
}

void PrintTo(const Split& s, std::ostream* os) {
  *os << "{line " << s.line << ": " << s.text << "}";
}

TEST(SplitYamlDocumentsTest, Markers) {
  EXPECT_EQ(split("a: 1\n"), (std::vector<Split>{{"a: 1\n", 1}}));
  EXPECT_EQ(split("a: 1\n---\nb: 2\n"), (std::vector<Split>{{"a: 1\n", 1}, {"---\nb: 2\n", 2}}));
  EXPECT_EQ(split("---\na: 1\n---\n"), (std::vector<Split>{{"---\na: 1\n", 1}, {"---\n", 3}}));
  EXPECT_EQ(split("# header\n\n---\na: 1\n"), (std::vector<Split>{{"# header\n\n---\na: 1\n", 1}}));
  EXPECT_EQ(split("--- {a: 1}\n--- # c\nb: 2"),
            (std::vector<Split>{{"--- {a: 1}\n", 1}, {"--- # c\nb: 2", 2}}));
  EXPECT_EQ(split("a: 1\n...\n# trailing\n"), (std::vector<Split>{{"a: 1\n...\n", 1}}));
  EXPECT_EQ(split("a: 1\n...\n%YAML 1.2\n---\nb: 2\n"),
            (std::vector<Split>{{"a: 1\n...\n", 1}, {"%YAML 1.2\n---\nb: 2\n", 3}}));
  EXPECT_EQ(split("a: 1\r\n---\r\nb: 2\r\n"),
            (std::vector<Split>{{"a: 1\r\n", 1}, {"---\r\nb: 2\r\n", 2}}));
  EXPECT_EQ(split("\xEF\xBB\xBF---\na: 1\n"), (std::vector<Split>{{"---\na: 1\n", 1}}));
  EXPECT_TRUE(split("").empty());
  EXPECT_TRUE(split("# nothing\n\n").empty());
}

TEST(SplitYamlDocumentsTest, MarkerLookalikesAreContent) {
  // Indented, longer or glued dashes are not markers.
  EXPECT_EQ(split("a:\n  # --- not a marker\n  b: |\n    ---\n----\n---x: 1\n").size(), 1u);
}

}  // namespace
}  // namespace copycat::workload
