#include "http/url.h"

#include <gtest/gtest.h>

namespace copycat::http {
namespace {

TEST(UrlTest, ParsesComponents) {
  auto url =
      parseUrl("HTTPS://User:Secret@Registry.Example:5000/v2/library/nginx?n=10&last=a#frag");
  ASSERT_TRUE(url) << url.error().message;
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->userinfo, "User:Secret");
  EXPECT_EQ(url->host, "registry.example");
  EXPECT_EQ(url->port, 5000);
  EXPECT_EQ(url->path, "/v2/library/nginx");
  EXPECT_EQ(url->query, "n=10&last=a");
  EXPECT_TRUE(url->has_query);
  EXPECT_EQ(url->fragment, "frag");
  EXPECT_EQ(url->authority(), "registry.example:5000");
  EXPECT_EQ(url->requestTarget(), "/v2/library/nginx?n=10&last=a");
}

TEST(UrlTest, DefaultsPortsAndEmptyPath) {
  auto https = parseUrl("https://ghcr.io");
  ASSERT_TRUE(https);
  EXPECT_EQ(https->port, -1);
  EXPECT_EQ(https->effectivePort(), 443);
  EXPECT_EQ(https->requestTarget(), "/");
  EXPECT_EQ(https->str(), "https://ghcr.io");
  auto http = parseUrl("http://127.0.0.1/");
  ASSERT_TRUE(http);
  EXPECT_EQ(http->effectivePort(), 80);
}

TEST(UrlTest, ParsesIpv6Literals) {
  auto url = parseUrl("http://[::1]:8080/x");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "[::1]");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->authority(), "[::1]:8080");
}

TEST(UrlTest, RejectsInvalidUrls) {
  for (auto bad : {"", "registry.example/v2/", "/v2/", "https://", "https://:443/",
                   "https://host:99999/", "https://host:port/", "https://ho st/",
                   "https://host/a b", "https://[::1/", "https://host/\x01"}) {
    SCOPED_TRACE(bad);
    auto url = parseUrl(bad);
    ASSERT_FALSE(url);
    EXPECT_EQ(url.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(UrlTest, SameOriginComparesSchemeHostAndEffectivePort) {
  auto a = *parseUrl("https://r.example/v2/");
  EXPECT_TRUE(isSameOrigin(a, *parseUrl("https://R.example:443/other")));
  EXPECT_FALSE(isSameOrigin(a, *parseUrl("http://r.example/v2/")));
  EXPECT_FALSE(isSameOrigin(a, *parseUrl("https://r.example:8443/v2/")));
  EXPECT_FALSE(isSameOrigin(a, *parseUrl("https://s3.example/v2/")));
}

struct ResolveCase {
  const char* reference;
  const char* want;
};

// RFC 3986 §5.4.1 and §5.4.2 examples, base "http://a/b/c/d;p?q".
TEST(UrlTest, ResolvesRfc3986Examples) {
  const ResolveCase cases[] = {
      {"g:h", "g:h"},  // not http(s): must still resolve per the RFC (checked separately)
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q#s"},
      {"g#s", "http://a/b/c/g#s"},
      {"g?y#s", "http://a/b/c/g?y#s"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../g", "http://a/g"},
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g#s/./x"},
      {"g#s/../x", "http://a/b/c/g#s/../x"},
      {"http:g", "http:g"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.reference);
    auto got = resolveReference("http://a/b/c/d;p?q", c.reference);
    if (std::string_view(c.want).find("//") == std::string_view::npos) {
      // "g:h" and strict "http:g" have no authority: not a usable http URL.
      EXPECT_FALSE(got);
      continue;
    }
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, c.want);
  }
}

TEST(UrlTest, ResolvesLocationHeadersSeenFromRegistries) {
  const struct {
    const char* base;
    const char* location;
    const char* want;
  } cases[] = {
      // distribution: upload session Location as an absolute path with state.
      {"https://r.example/v2/app/blobs/uploads/", "/v2/app/blobs/uploads/u1?_state=abc",
       "https://r.example/v2/app/blobs/uploads/u1?_state=abc"},
      // Docker Hub: blob redirect to a CDN with a presigned query.
      {"https://registry-1.docker.io/v2/library/nginx/blobs/sha256:1",
       "https://production.cloudflare.docker.com/registry-v2/x?X-Amz-Signature=s",
       "https://production.cloudflare.docker.com/registry-v2/x?X-Amz-Signature=s"},
      {"https://r.example:5000/v2/a/b", "//cdn.example/blob", "https://cdn.example/blob"},
      {"https://r.example/v2/a/manifests/t", "../blobs/sha256:1",
       "https://r.example/v2/a/blobs/sha256:1"},
      {"https://r.example/v2/a/?x=1", "  ?x=2 ", "https://r.example/v2/a/?x=2"},
      {"https://r.example/v2/", "/path with space/\xc3\xa9",
       "https://r.example/path%20with%20space/%C3%A9"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.location);
    auto got = resolveReference(c.base, c.location);
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, c.want);
  }
}

TEST(UrlTest, ResolveRejectsInvalidBase) {
  EXPECT_FALSE(resolveReference("/relative", "x"));
  EXPECT_FALSE(resolveReference("https://r.example/", "https://bad host/"));
}

TEST(UrlTest, RemovesDotSegments) {
  EXPECT_EQ(removeDotSegments("/a/b/c/./../../g"), "/a/g");
  EXPECT_EQ(removeDotSegments("mid/content=5/../6"), "mid/6");
  EXPECT_EQ(removeDotSegments("/.."), "/");
  EXPECT_EQ(removeDotSegments(""), "");
}

TEST(UrlTest, PercentEncodesEverythingButUnreserved) {
  EXPECT_EQ(percentEncode("sha256:ab/c d+e~_.-"), "sha256%3Aab%2Fc%20d%2Be~_.-");
  EXPECT_EQ(percentEncode("\xff"), "%FF");
  EXPECT_EQ(percentDecode("sha256%3Aab%2fc%20d+%zz%4"), "sha256:ab/c d+%zz%4");
}

TEST(UrlTest, AppendsQueryParamsKeepingExistingOnes) {
  const std::vector<std::pair<std::string, std::string>> digest = {{"digest", "sha256:1"}};
  EXPECT_EQ(appendQueryParams("https://r/v2/u?_state=a", digest),
            "https://r/v2/u?_state=a&digest=sha256%3A1");
  EXPECT_EQ(appendQueryParams("https://r/v2/u", digest), "https://r/v2/u?digest=sha256%3A1");
  EXPECT_EQ(appendQueryParams("https://r/v2/u?", digest), "https://r/v2/u?digest=sha256%3A1");
  EXPECT_EQ(appendQueryParams("https://r/v2/u?a=b&", digest),
            "https://r/v2/u?a=b&digest=sha256%3A1");
  EXPECT_EQ(appendQueryParams("https://r/v2/u#f", {{"a", "1"}, {"b", "2"}}),
            "https://r/v2/u?a=1&b=2#f");
  EXPECT_EQ(appendQueryParams("https://r/v2/u?x=1", {}), "https://r/v2/u?x=1");
}

TEST(UrlTest, SplitsHostPort) {
  EXPECT_EQ(splitHostPort("Registry.local:5000"),
            std::make_pair(std::string("registry.local"), 5000));
  EXPECT_EQ(splitHostPort("registry.local"), std::make_pair(std::string("registry.local"), -1));
  EXPECT_EQ(splitHostPort("[::1]:443"), std::make_pair(std::string("[::1]"), 443));
  EXPECT_EQ(splitHostPort("[::1]"), std::make_pair(std::string("[::1]"), -1));
  EXPECT_EQ(splitHostPort("host:bad"), std::make_pair(std::string("host"), -1));
}

}  // namespace
}  // namespace copycat::http
