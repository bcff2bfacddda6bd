#include "aws/sigv4_canonical.h"

#include <gtest/gtest.h>

namespace copycat::aws::sigv4 {
namespace {

TEST(SigV4CanonicalTest, UriEncodeKeepsOnlyUnreservedBytes) {
  struct Case {
    std::string in;
    bool keep_slash;
    std::string want;
  };
  const Case cases[] = {
      {"AZaz09-_.~", false, "AZaz09-_.~"},
      {"a b", false, "a%20b"},
      {"a+b", false, "a%2Bb"},
      {"a/b", false, "a%2Fb"},
      {"a/b", true, "a/b"},
      {"%41", false, "%2541"},
      {"\xe1\x88\xb4", false, "%E1%88%B4"},
      {"$&=;:@,", false, "%24%26%3D%3B%3A%40%2C"},
      {std::string("\0\xff", 2), false, "%00%FF"},
      {"", false, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(uriEncode(c.in, c.keep_slash), c.want);
  }
}

TEST(SigV4CanonicalTest, PercentDecodeLeavesInvalidEscapesAndPlusAlone) {
  const std::pair<std::string, std::string> cases[] = {
      {"%E1%88%B4", "\xe1\x88\xb4"},
      {"%e1%88%b4", "\xe1\x88\xb4"},
      {"a+b", "a+b"},
      {"%zz", "%zz"},
      {"100%", "100%"},
      {"%4", "%4"},
      {"%2525", "%25"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(percentDecode(in), want);
  }
}

TEST(SigV4CanonicalTest, NormalizePathRemovesDotSegmentsAndDuplicateSlashes) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "/"},
      {"/", "/"},
      {"//", "/"},
      {"/./", "/"},
      {"/./example", "/example"},
      {"/example/..", "/"},
      {"/example1/example2/../..", "/"},
      {"//example//", "/example/"},
      {"/a/b/../c", "/a/c"},
      {"/a/b/..", "/a/"},
      {"/a/b/.", "/a/b/"},
      {"/../../a", "/a"},
      {"/a/.../b", "/a/.../b"},
      {"/a/..b/c", "/a/..b/c"},
      {"relative/path", "/relative/path"},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(normalizePath(in), want);
  }
}

TEST(SigV4CanonicalTest, CanonicalUriEncodesTwiceExceptForS3) {
  struct Case {
    std::string path;
    bool normalize;
    bool double_encode;
    std::string want;
  };
  const Case cases[] = {
      // Every service but S3: the wire path is encoded again, so an escape is escaped.
      {"/a%20b", true, true, "/a%2520b"},
      {"/a b", true, true, "/a%20b"},
      {"/example/$delete", true, true, "/example/%24delete"},
      {"/a//b/../c", true, true, "/a/c"},
      // S3: existing escapes are kept, raw bytes are encoded once, and dots stay.
      {"/a%20b", false, false, "/a%20b"},
      {"/a b", false, false, "/a%20b"},
      {"/my-object//example//photo.user", false, false, "/my-object//example//photo.user"},
      {"/a/./b/../c", false, false, "/a/./b/../c"},
      {"/100%", false, false, "/100%25"},
      {"", false, false, "/"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    EXPECT_EQ(canonicalUri(c.path, c.normalize, c.double_encode), c.want);
  }
}

TEST(SigV4CanonicalTest, CanonicalQuerySortsEncodedNamesThenValues) {
  struct Case {
    Pairs params;
    std::string want;
  };
  const Case cases[] = {
      {{}, ""},
      {{{"b", "2"}, {"a", "1"}}, "a=1&b=2"},
      {{{"Param1", "value2"}, {"Param1", "Value1"}}, "Param1=Value1&Param1=value2"},
      {{{"Param-3", "v"}, {"Param", "v"}, {"\xe1\x88\xb4", "v"}}, "%E1%88%B4=v&Param=v&Param-3=v"},
      {{{"key", ""}}, "key="},
      {{{"a b", "c/d"}}, "a%20b=c%2Fd"},
      {{{"X-Amz-Signature", "x"}, {"x-amz-date", "y"}}, "X-Amz-Signature=x&x-amz-date=y"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(canonicalQuery(c.params), c.want);
  }
}

TEST(SigV4CanonicalTest, CanonicalHeaderValueTrimsAndFoldsWhitespace) {
  const std::pair<std::string, std::string> cases[] = {
      {" value1", "value1"},
      {"\"a   b   c\"", "\"a b c\""},
      {"value1\n  value2\n     value3", "value1 value2 value3"},
      {"\t a \t b \t", "a b"},
      {"   ", ""},
      {"", ""},
  };
  for (const auto& [in, want] : cases) {
    SCOPED_TRACE(in);
    EXPECT_EQ(canonicalHeaderValue(in), want);
  }
}

TEST(SigV4CanonicalTest, CanonicalHeadersLowerCaseMergeAndSort) {
  CanonicalHeaders got = canonicalHeaders({{"My-Header1", "value4"},
                                           {"Host", "example.amazonaws.com"},
                                           {"my-header1", " value1 "},
                                           {"X-Amz-Date", "20150830T123600Z"},
                                           {"MY-HEADER1", "a  b"}});
  EXPECT_EQ(got.block,
            "host:example.amazonaws.com\nmy-header1:value4,value1,a b\n"
            "x-amz-date:20150830T123600Z\n");
  EXPECT_EQ(got.signed_headers, "host;my-header1;x-amz-date");
  ASSERT_EQ(got.headers.size(), 3u);
  EXPECT_EQ(got.headers[1].first, "my-header1");
}

}  // namespace
}  // namespace copycat::aws::sigv4
