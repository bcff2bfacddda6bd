#include "policy/go_replace.h"

#include <string>

#include <gtest/gtest.h>
#include <re2/re2.h>

namespace copycat::policy {
namespace {

struct ReplaceCase {
  const char* pattern;
  const char* replacement;
  const char* input;
  const char* want;
};

// Expected values are those of Go's regexp package: the replaceTests table in
// src/regexp/all_test.go and the ReplaceAllString examples in example_test.go.
const ReplaceCase kGoReplaceCases[] = {
    // Empty input and/or replacement, with a pattern that matches the empty string.
    {"", "", "", ""},
    {"", "x", "", "x"},
    {"", "", "abc", "abc"},
    {"", "x", "abc", "xaxbxcx"},
    // Empty input and/or replacement, with a pattern that does not match the empty string.
    {"b", "", "", ""},
    {"b", "x", "", ""},
    {"b", "", "abc", "ac"},
    {"b", "x", "abc", "axc"},
    {"y", "", "", ""},
    {"y", "x", "", ""},
    {"y", "", "abc", "abc"},
    {"y", "x", "abc", "abc"},
    // Multibyte characters: never match in the middle of a character.
    {"[a-c]*", "x", "\u65e5", "x\u65e5x"},
    {"[^\u65e5]", "x", "abc\u65e5def", "xxx\u65e5xxx"},
    // Start and end of a string.
    {"^[a-c]*", "x", "abcdabc", "xdabc"},
    {"[a-c]*$", "x", "abcdabc", "abcdx"},
    {"^[a-c]*$", "x", "abcdabc", "abcdabc"},
    {"^[a-c]*", "x", "abc", "x"},
    {"[a-c]*$", "x", "abc", "x"},
    {"^[a-c]*$", "x", "abc", "x"},
    {"^[a-c]*", "x", "dabce", "xdabce"},
    {"[a-c]*$", "x", "dabce", "dabcex"},
    {"^[a-c]*$", "x", "dabce", "dabce"},
    {"^[a-c]*", "x", "", "x"},
    {"[a-c]*$", "x", "", "x"},
    {"^[a-c]*$", "x", "", "x"},
    {"^[a-c]+", "x", "abcdabc", "xdabc"},
    {"[a-c]+$", "x", "abcdabc", "abcdx"},
    {"^[a-c]+$", "x", "abcdabc", "abcdabc"},
    {"^[a-c]+", "x", "abc", "x"},
    {"[a-c]+$", "x", "abc", "x"},
    {"^[a-c]+$", "x", "abc", "x"},
    {"^[a-c]+", "x", "dabce", "dabce"},
    {"[a-c]+$", "x", "dabce", "dabce"},
    {"^[a-c]+$", "x", "dabce", "dabce"},
    {"^[a-c]+", "x", "", ""},
    {"[a-c]+$", "x", "", ""},
    {"^[a-c]+$", "x", "", ""},
    // Other cases.
    {"abc", "def", "abcdefg", "defdefg"},
    {"bc", "BC", "abcbcdcdedef", "aBCBCdcdedef"},
    {"abc", "", "abcdabc", "d"},
    {"x", "xXx", "xxxXxxx", "xXxxXxxXxXxXxxXxxXx"},
    {"abc", "d", "", ""},
    {"abc", "d", "abc", "d"},
    {".+", "x", "abc", "x"},
    {"[a-c]*", "x", "def", "xdxexfx"},
    {"[a-c]+", "x", "abcbcdcdedef", "xdxdedef"},
    {"[a-c]*", "x", "abcbcdcdedef", "xdxdxexdxexfx"},
    // Substitutions.
    {"a+", "($0)", "banana", "b(a)n(a)n(a)"},
    {"a+", "(${0})", "banana", "b(a)n(a)n(a)"},
    {"a+", "(${0})$0", "banana", "b(a)an(a)an(a)a"},
    {"hello, (.+)", "goodbye, ${1}", "hello, world", "goodbye, world"},
    {"hello, (?P<noun>.+)", "goodbye, $noun!", "hello, world", "goodbye, world!"},
    {"hello, (?P<noun>.+)", "goodbye, $nounx!", "hello, world", "goodbye, !"},
    {"hello, (?P<noun>.+)", "goodbye, ${noun}!", "hello, world", "goodbye, world!"},
    {"(?P<x>hi)|(?P<y>bye)", "$x$x$x", "hi", "hihihi"},
    {"(?P<x>hi)|(?P<y>bye)", "$x$x$x", "bye", ""},
    {"(?P<x>hi)|(?P<y>bye)", "$y$y$y", "bye", "byebyebye"},
    {"(?P<x>hi)|(?P<y>bye)", "$y$y$y", "hi", ""},
    {"a+", "${oops", "aaa", "${oops"},
    {"a+", "$$", "aaa", "$"},
    {"a+", "$", "aaa", "$"},
    // Substitution when a subexpression is not found.
    {"(x)?", "$1", "123", "123"},
    {"abc", "$1", "123", "123"},
    // Substitutions involving a (x){0}.
    {"(a)(b){0}(c)", ".$1|$3.", "xacxacx", "x.a|c.x.a|c.x"},
    {"(a)(((b))){0}c", ".$1.", "xacxacx", "x.a.x.a.x"},
    {"((a(b){0}){3}){5}(h)", "y caramb$2", "say aaaaaaaaaaaaaaaah", "say ay caramba"},
    {"((a(b){0}){3}){5}h", "y caramb$2", "say aaaaaaaaaaaaaaaah", "say ay caramba"},
    // example_test.go ExampleRegexp_ReplaceAllString: "$1W" means "${1W}", the group named "1W".
    {"a(x*)b", "T", "-ab-axxb-", "-T-T-"},
    {"a(x*)b", "$1", "-ab-axxb-", "--xx-"},
    {"a(x*)b", "$1W", "-ab-axxb-", "---"},
    {"a(x*)b", "${1}W", "-ab-axxb-", "-W-xxW-"},
    {"a(?P<1W>x*)b", "$1W", "-ab-axxb-", "--xx-"},
    {"a(?P<1W>x*)b", "${1}W", "-ab-axxb-", "-W-xxW-"},
};

TEST(GoReplaceTest, MatchesGoReplaceAllString) {
  for (const auto& c : kGoReplaceCases) {
    SCOPED_TRACE(testing::Message()
                 << "pattern=" << c.pattern << " repl=" << c.replacement << " input=" << c.input);
    re2::RE2 re(c.pattern);
    ASSERT_TRUE(re.ok()) << re.error();
    EXPECT_EQ(goReplaceAll(re, c.input, c.replacement), c.want);
  }
}

TEST(GoReplaceTest, ExpandFollowsGoTemplateRules) {
  re2::RE2 re("(?P<first>a)(b)?(c)");
  std::string text = "ac";
  re2::StringPiece groups[4];
  ASSERT_TRUE(re.Match(text, 0, text.size(), re2::RE2::UNANCHORED, groups, 4));
  struct Case {
    const char* tmpl;
    const char* want;
  };
  const Case cases[] = {
      {"$1", "a"},
      {"${1}", "a"},
      {"$first", "a"},
      {"${first}", "a"},
      {"$2", ""},
      {"$3", "c"},
      {"$4", ""},
      {"$1x", ""},
      {"${1}x", "ax"},
      {"$01", ""},
      {"$$1", "$1"},
      {"$", "$"},
      {"${", "${"},
      {"${1", "${1"},
      {"$-", "$-"},
      {"${}", "${}"},
      {"a$", "a$"},
      {"$first_", ""},
      {"$3$1", "ca"},
      {"[$0]", "[ac]"},
      {"$100000000", ""},
      {"$first.$3", "a.c"},
      {"no dollars", "no dollars"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.tmpl);
    std::string out;
    goExpand(out, c.tmpl, re, groups, 4);
    EXPECT_EQ(out, c.want);
  }
}

TEST(GoReplaceTest, ExpandExampleFromGoDocumentation) {
  // example_test.go ExampleRegexp_Expand.
  re2::RE2 re(R"((?m)(?P<key>\w+):\s+(?P<value>\w+)$)");
  ASSERT_TRUE(re.ok());
  std::string content =
      "\n\t# comment line\n\toption1: value1\n\toption2: value2\n\n\t# another comment "
      "line\n\toption3: value3\n";
  std::string result;
  re2::StringPiece groups[3];
  size_t pos = 0;
  while (pos <= content.size() &&
         re.Match(content, pos, content.size(), re2::RE2::UNANCHORED, groups, 3)) {
    goExpand(result, "$key=$value\n", re, groups, 3);
    pos = static_cast<size_t>(groups[0].data() - content.data()) + groups[0].size();
  }
  EXPECT_EQ(result, "option1=value1\noption2=value2\noption3=value3\n");
}

}  // namespace
}  // namespace copycat::policy
