// Every error class of reference parsing, with the exact Go texts (distribution/reference and
// go-digest) and ErrorCode::kInvalidArgument.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "image/digest.h"
#include "image/reference.h"

namespace copycat::image {
namespace {

const std::string kHex = "5b161f051d017e55d358435f295f5e9a297e66158f136321d9b04520ec6c48a3";
const std::string kUpperHex = "5B161F051D017E55D358435F295F5E9A297E66158F136321D9B04520EC6C48A3";

struct ErrorCase {
  std::string input;
  std::string message;
};

std::string lowercase(const std::string& remote) {
  return "invalid reference format: repository name (" + remote + ") must be lowercase";
}

const std::string kFormat(kErrReferenceInvalidFormat);
const std::string kTooLong(kErrNameTooLong);
const std::string kLength(kErrChecksumInvalidLength);
const std::string kChecksumFormat(kErrChecksumInvalidFormat);
const std::string kUnsupported(kErrDigestUnsupported);

std::vector<ErrorCase> normalizedErrorCases() {
  return {
      // Grammar violations.
      {"", kFormat},
      {" nginx", kFormat},
      {"nginx ", kFormat},
      {"nginx:", kFormat},
      {"nginx:-tag", kFormat},
      {"nginx:.tag", kFormat},
      {"nginx:tag with space", kFormat},
      {"nginx:" + std::string(129, 't'), kFormat},
      {"nginx:tag:tag2", kFormat},
      {"nginx:tag@", kFormat},
      {"nginx@", kFormat},
      {"nginx@sha256:", kFormat},
      {"nginx@sha256:abc", kFormat},
      {"nginx@sha256:" + std::string(31, 'a'), kFormat},
      {"nginx@@sha256:" + kHex, kFormat},
      {"nginx@1sha256:" + kHex, kFormat},
      {"nginx@sha256:" + std::string(64, 'g'), kFormat},
      {"nginx@sha256:" + kHex + "@sha256:" + kHex, kFormat},
      {"@sha256:" + kHex, kFormat},
      {":latest", kFormat},
      {"/nginx", kFormat},
      {"nginx/", kFormat},
      {"a//b", kFormat},
      {"-nginx", kFormat},
      {"nginx-", kFormat},
      {"nginx_", kFormat},
      {"ngi..nx", kFormat},
      {"ngi___nx", kFormat},
      {"ngi_.nx", kFormat},
      {"ngi-.nx", kFormat},
      {"ghcr.io/", kFormat},
      {"ghcr.io/-app", kFormat},
      {"ghcr.io:/app", kFormat},
      {"ghcr.io:abc/app", kFormat},
      {"ghcr.io:5000:6000/app", kFormat},
      {"-ghcr.io/app", kFormat},
      {"ghcr-.io/app", kFormat},
      {"ghcr..io/app", kFormat},
      {"ghcr.io/app/", kFormat},
      {"ghcr.io//app", kFormat},
      {"ghcr.io/app:tag/x", kFormat},
      {"ghcr.io/app?x=1", kFormat},
      {"ghcr.io/app#frag", kFormat},
      {"ghcr.io/app name", kFormat},
      {"ghcr.io/ap\tp", kFormat},
      {"ghcr.io/app\n", kFormat},
      {"nginx:1.25\n", kFormat},
      {"ghcr.io/\xc3\xa4pp", kFormat},
      {"https://ghcr.io/app", kFormat},
      {"[::1]", kFormat},
      {"[::1]:5000", kFormat},
      {"[::1]/", kFormat},
      {"[::g]:5000/app", kFormat},
      {"[fe80::1%25eth0]/app", kFormat},
      {"[]/app", kFormat},
      {"[::1/app", kFormat},
      {"::1/app", kFormat},
      {"fc00::1:5000/app", kFormat},
      {"[2001:db8::192.0.2.33]/app", kFormat},
      // Upper case in the repository path (normalize.go's own message names the path).
      {"Nginx", lowercase("library/Nginx")},
      {"NGINX:latest", lowercase("library/NGINX")},
      {"bitnami/Redis", lowercase("bitnami/Redis")},
      {"docker.io/Bitnami/redis", lowercase("Bitnami/redis")},
      {"index.docker.io/library/Nginx", lowercase("library/Nginx")},
      {"ghcr.io/Org/App:v1", lowercase("Org/App")},
      {"localhost:5000/Foo", lowercase("Foo")},
      {"Registry.io/Foo/bar", lowercase("Foo/bar")},
      {"nginx@SHA256:" + kHex, lowercase("library/nginx@SHA256")},
      // Path longer than 255 characters (the domain does not count).
      {std::string(248, 'a'), kTooLong},
      {std::string(256, 'a'), kTooLong},
      {"x/" + std::string(254, 'a'), kTooLong},
      {"example.com/" + std::string(256, 'a'), kTooLong},
      {"example.com/" + std::string(200, 'a') + "/" + std::string(60, 'b') + ":tag", kTooLong},
      // go-digest checks of a grammatical digest.
      {"nginx@sha256:" + kHex.substr(1), kLength},
      {"nginx@sha256:" + kHex + "a", kLength},
      {"nginx@sha256:" + std::string(32, 'f'), kLength},
      {"nginx:tag@sha256:" + std::string(40, 'f'), kLength},
      {"nginx@sha512:" + kHex, kLength},
      {"nginx@sha256:" + kUpperHex, kChecksumFormat},
      {"nginx@sha512:" + kUpperHex + kUpperHex, kChecksumFormat},
      // The upper-case check runs on the text before the first ':' (normalize.go).
      {"ghcr.io/app@Sha256:" + kHex, lowercase("app@Sha256")},
      {"nginx@sha384:" + kHex + kHex.substr(0, 32), kUnsupported},
      {"nginx@md5:" + std::string(32, 'f'), kUnsupported},
      {"nginx@blake3:" + kHex, kUnsupported},
      {"nginx@sha256+b64:" + kHex, kUnsupported},
      {"nginx@sha_256:" + kHex, kFormat},  // algorithm components start with a letter
      {"nginx@a.b-c_d+e:" + std::string(32, '0'), kUnsupported},
      // A bare image ID is ambiguous.
      {kHex, "invalid repository name (" + kHex + "), cannot specify 64-byte hexadecimal strings"},
      {std::string(64, '0'), "invalid repository name (" + std::string(64, '0') +
                                 "), cannot specify 64-byte hexadecimal strings"},
  };
}

TEST(ReferenceErrorsTest, NormalizedParseNamesTheReason) {
  for (const ErrorCase& c : normalizedErrorCases()) {
    SCOPED_TRACE(c.input);
    Result<Reference> got = parseNormalized(c.input);
    ASSERT_FALSE(got.has_value()) << "parsed as " << got->str();
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(got.error().message, c.message);
  }
}

TEST(ReferenceErrorsTest, StrictParseNamesTheReason) {
  const std::vector<ErrorCase> cases = {
      {"", std::string(kErrNameEmpty)},
      {"Nginx", std::string(kErrNameContainsUppercase)},
      {"ghcr.io/Org/app", std::string(kErrNameContainsUppercase)},
      {"localhost:5000/App:v1", std::string(kErrNameContainsUppercase)},
      {"Foo/Bar", std::string(kErrNameContainsUppercase)},
      {"NGINX@sha256:" + kHex, std::string(kErrNameContainsUppercase)},
      {"Nginx:tag with space", kFormat},
      {"nginx@Sha256:" + kHex, kChecksumFormat},
      {"nginx@sha256:" + std::string(40, 'a'), kLength},
      {"nginx@sha1:" + std::string(40, 'a'), kUnsupported},
      {"x/" + std::string(256, 'a'), kTooLong},
      {":tag", kFormat},
      {"a/b/", kFormat},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.input);
    Result<Reference> got = parseStrict(c.input);
    ASSERT_FALSE(got.has_value()) << "parsed as " << got->str();
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(got.error().message, c.message);
  }
}

TEST(ReferenceErrorsTest, WithTagRejectsInvalidTags) {
  Result<Reference> base = withName("ghcr.io/org/app");
  ASSERT_TRUE(base.has_value());
  for (const std::string& tag :
       {std::string(), std::string("-x"), std::string(".x"), std::string("a b"),
        std::string(129, 'a'), std::string("a:b"), std::string("a/b"), std::string("a@b")}) {
    SCOPED_TRACE(tag);
    Result<Reference> got = withTag(*base, tag);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().message, kErrTagInvalidFormat);
  }
}

TEST(ReferenceErrorsTest, WithDigestRejectsUngrammaticalDigests) {
  Result<Reference> base = withName("ghcr.io/org/app");
  ASSERT_TRUE(base.has_value());
  for (const std::string& digest :
       {std::string(), std::string("sha256"), std::string("sha256:xyz"),
        "sha256:" + std::string(31, 'a'), "1sha:" + std::string(32, 'a'), ":" + kHex,
        "sha256:" + kHex + "g"}) {
    SCOPED_TRACE(digest);
    Result<Reference> got = withDigest(*base, digest);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().message, kErrDigestInvalidFormat);
  }
}

TEST(ReferenceErrorsTest, WithNameRejectsTagsDigestsAndLongPaths) {
  const std::vector<ErrorCase> cases = {
      {"ghcr.io/app:v1", kFormat}, {"ghcr.io/app@sha256:" + kHex, kFormat},        {"", kFormat},
      {"Foo/Bar", kFormat},        {"ghcr.io/" + std::string(256, 'a'), kTooLong},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(c.input);
    Result<Reference> got = withName(c.input);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().message, c.message);
  }
}

}  // namespace
}  // namespace copycat::image
