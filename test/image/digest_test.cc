#include "image/digest.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace copycat::image {
namespace {

// sha256("") and sha512("") (FIPS 180-4 test values).
const std::string kEmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string kEmptySha512 =
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
    "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

TEST(DigestTest, ParsesSha256AndSha512) {
  Result<Digest> d = Digest::parse("sha256:" + kEmptySha256);
  ASSERT_TRUE(d.has_value()) << d.error().message;
  EXPECT_EQ(d->algorithm(), "sha256");
  EXPECT_EQ(d->hex(), kEmptySha256);
  EXPECT_EQ(d->str(), "sha256:" + kEmptySha256);
  Result<Digest> d512 = Digest::parse("sha512:" + kEmptySha512);
  ASSERT_TRUE(d512.has_value()) << d512.error().message;
  EXPECT_EQ(d512->algorithm(), "sha512");
  EXPECT_EQ(d512->hex(), kEmptySha512);
}

struct BadDigest {
  std::string input;
  std::string_view message;
};

TEST(DigestTest, RejectsLikeGoDigest) {
  const std::vector<BadDigest> cases = {
      {"", kErrChecksumInvalidFormat},
      {"sha256", kErrChecksumInvalidFormat},
      {":" + kEmptySha256, kErrChecksumInvalidFormat},
      {"sha256:", kErrChecksumInvalidFormat},
      {"sha256:" + kEmptySha256.substr(1), kErrChecksumInvalidLength},
      {"sha256:" + kEmptySha256 + "0", kErrChecksumInvalidLength},
      {"sha512:" + kEmptySha256, kErrChecksumInvalidLength},
      {"sha256:" + std::string(64, 'A'), kErrChecksumInvalidFormat},
      {"sha256:" + std::string(64, 'g'), kErrChecksumInvalidFormat},
      {"sha384:" + std::string(96, 'a'), kErrDigestUnsupported},
      {"md5:d41d8cd98f00b204e9800998ecf8427e", kErrDigestUnsupported},
      {"sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", kErrDigestUnsupported},
      {"SHA256:" + kEmptySha256, kErrChecksumInvalidFormat},
      {"sha 256:" + kEmptySha256, kErrChecksumInvalidFormat},
      {"foo:bar baz", kErrChecksumInvalidFormat},
  };
  for (const BadDigest& c : cases) {
    SCOPED_TRACE(c.input);
    Result<Digest> got = Digest::parse(c.input);
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(got.error().message, c.message);
  }
}

TEST(DigestTest, OfSha256HashesBytes) {
  EXPECT_EQ(Digest::ofSha256("").str(), "sha256:" + kEmptySha256);
  EXPECT_EQ(Digest::ofSha256("abc").hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Digest::ofSha256("abc").algorithm(), "sha256");
}

TEST(DigestTest, VerifyAcceptsMatchingContentOnly) {
  Digest d = Digest::ofSha256("manifest bytes");
  EXPECT_TRUE(d.verify("manifest bytes").has_value());
  Status bad = d.verify("manifest bytes ");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, ErrorCode::kDigestMismatch);
}

TEST(DigestTest, VerifySupportsSha512) {
  Result<Digest> d = Digest::parse("sha512:" + kEmptySha512);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->verify("").has_value());
  EXPECT_FALSE(d->verify("x").has_value());
}

TEST(DigestTest, EqualityComparesValue) {
  EXPECT_EQ(Digest::ofSha256("a"), Digest::ofSha256("a"));
  EXPECT_NE(Digest::ofSha256("a"), Digest::ofSha256("b"));
  EXPECT_EQ(*Digest::parse("sha256:" + kEmptySha256), Digest::ofSha256(""));
}

TEST(DigestTest, DefaultDigestIsEmptyAndVerifiesNothing) {
  Digest d;
  EXPECT_TRUE(d.empty());
  EXPECT_EQ(d.str(), "");
  EXPECT_EQ(d.algorithm(), "");
  EXPECT_EQ(d.hex(), "");
  Status verified = d.verify("");
  ASSERT_FALSE(verified.has_value());
  EXPECT_EQ(verified.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(Digest::ofSha256("").empty());
}

}  // namespace
}  // namespace copycat::image
