#include "aws/sigv4_signer.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/crypto.h"
#include "base/strings.h"

namespace copycat::aws {
namespace {

using std::chrono::seconds;
using std::chrono::sys_days;
using namespace std::chrono_literals;

// 2015-08-30T12:36:00Z, the suite's and AWS's documented signing time.
const std::chrono::system_clock::time_point kTime =
    sys_days{std::chrono::year{2015} / 8 / 30} + 12h + 36min;

Credentials exampleCredentials(std::string token = "") {
  return Credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", std::move(token),
                     std::nullopt, "test"};
}

SigningRequest vanillaGet() {
  SigningRequest request;
  request.method = "GET";
  request.path = "/";
  request.headers = {{"Host", "example.amazonaws.com"}};
  return request;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(SigV4SignerTest, FormatsAmzDateInUtc) {
  EXPECT_EQ(formatAmzDate(kTime), "20150830T123600Z");
  EXPECT_EQ(formatAmzDate(kTime + 11h + 24min), "20150831T000000Z");
}

// AWS General Reference, "Examples of the complete Signature Version 4 signing process".
TEST(SigV4SignerTest, MatchesAwsDocumentedIamExample) {
  auto doc = nlohmann::json::parse(readFile(std::filesystem::path(COPYCAT_TEST_DATA_DIR) /
                                            "aws-sigv4-test-suite" / "aws-docs-iam-example.json"));
  const auto& v = doc.at("vectors").at(0);
  EXPECT_EQ(strings::hexEncode(deriveSigningKey(v.at("secret_key").get<std::string>(), "20150830",
                                                v.at("region").get<std::string>(),
                                                v.at("service").get<std::string>())),
            v.at("signing_key_hex").get<std::string>());

  SigningRequest request;
  request.method = "GET";
  request.path = "/";
  request.query = {{"Action", "ListUsers"}, {"Version", "2010-05-08"}};
  for (const auto& header : v.at("request").at("headers")) {
    request.headers.emplace_back(header.at(0).get<std::string>(), header.at(1).get<std::string>());
  }
  auto got = sign(request, exampleCredentials(), "us-east-1", "iam", kTime);
  ASSERT_TRUE(got.has_value()) << got.error().message;
  EXPECT_EQ(got->canonical_request, v.at("canonical_request").get<std::string>());
  EXPECT_EQ(got->string_to_sign, v.at("string_to_sign").get<std::string>());
  EXPECT_EQ(got->authorization, v.at("authorization").get<std::string>());
  // X-Amz-Date was in the request already, so only Authorization is added.
  ASSERT_EQ(got->headers.size(), 1u);
  EXPECT_EQ(got->headers[0].first, "Authorization");
}

TEST(SigV4SignerTest, AddsHeadersInDocumentedOrder) {
  SignOptions options;
  options.add_content_sha256 = true;
  auto got = sign(vanillaGet(), exampleCredentials("TOKEN"), "us-east-1", "ecr", kTime, options);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->headers.size(), 4u);
  EXPECT_EQ(got->headers[0],
            (std::pair<std::string, std::string>{"X-Amz-Security-Token", "TOKEN"}));
  EXPECT_EQ(got->headers[1].first, "X-Amz-Date");
  EXPECT_EQ(got->headers[2],
            (std::pair<std::string, std::string>{"x-amz-content-sha256", crypto::sha256Hex("")}));
  EXPECT_EQ(got->headers[3].first, "Authorization");
  EXPECT_EQ(got->signed_headers, "host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
  EXPECT_NE(got->authorization.find("Credential=AKIDEXAMPLE/20150830/us-east-1/ecr/aws4_request"),
            std::string::npos);
}

TEST(SigV4SignerTest, UnsignedSecurityTokenIsAddedButNotSigned) {
  SignOptions options;
  options.sign_security_token = false;
  auto got = sign(vanillaGet(), exampleCredentials("TOKEN"), "us-east-1", "sts", kTime, options);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->signed_headers, "host;x-amz-date");
  EXPECT_EQ(got->headers[0].first, "X-Amz-Security-Token");
  EXPECT_EQ(got->canonical_request.find("TOKEN"), std::string::npos);
}

TEST(SigV4SignerTest, PayloadHashOverridesPayload) {
  SigningRequest request = vanillaGet();
  request.payload = "ignored";
  request.payload_hash = std::string(kUnsignedPayload);
  auto got = sign(request, exampleCredentials(), "us-east-1", "s3", kTime);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));

  request.payload_hash.reset();
  got = sign(request, exampleCredentials(), "us-east-1", "s3", kTime);
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->canonical_request.ends_with("\n" + crypto::sha256Hex("ignored")));
}

TEST(SigV4SignerTest, LeavesOutHeadersThatChangeInFlight) {
  SigningRequest request = vanillaGet();
  request.headers.emplace_back("User-Agent", "copycat/1");
  request.headers.emplace_back("X-Amzn-Trace-Id", "Root=1");
  request.headers.emplace_back("Expect", "100-continue");
  request.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
  auto got = sign(request, exampleCredentials(), "us-east-1", "ecr", kTime);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->signed_headers, "content-type;host;x-amz-date");
}

TEST(SigV4SignerTest, SignatureDependsOnEveryInput) {
  auto base = sign(vanillaGet(), exampleCredentials(), "us-east-1", "ecr", kTime);
  ASSERT_TRUE(base.has_value());
  SigningRequest other_path = vanillaGet();
  other_path.path = "/x";
  SigningRequest other_query = vanillaGet();
  other_query.query = {{"a", "b"}};
  const Result<SignedHeaders> variants[] = {
      sign(vanillaGet(), exampleCredentials(), "us-west-2", "ecr", kTime),
      sign(vanillaGet(), exampleCredentials(), "us-east-1", "sts", kTime),
      sign(vanillaGet(), exampleCredentials(), "us-east-1", "ecr", kTime + 1s),
      sign(other_path, exampleCredentials(), "us-east-1", "ecr", kTime),
      sign(other_query, exampleCredentials(), "us-east-1", "ecr", kTime),
  };
  for (const auto& variant : variants) {
    ASSERT_TRUE(variant.has_value());
    EXPECT_NE(variant->signature, base->signature);
  }
}

TEST(SigV4SignerTest, RejectsRequestsItCannotSign) {
  SigningRequest no_host = vanillaGet();
  no_host.headers.clear();
  SigningRequest signed_already = vanillaGet();
  signed_already.headers.emplace_back("authorization", "AWS4-HMAC-SHA256 ...");
  SigningRequest stale_date = vanillaGet();
  stale_date.headers.emplace_back("X-Amz-Date", "20150830T123559Z");
  SigningRequest other_token = vanillaGet();
  other_token.headers.emplace_back("X-Amz-Security-Token", "OTHER");
  SigningRequest no_method = vanillaGet();
  no_method.method.clear();
  Credentials no_secret = exampleCredentials();
  no_secret.secret_access_key.clear();

  struct Case {
    const char* name;
    Result<SignedHeaders> got;
  };
  Case cases[] = {
      {"no host", sign(no_host, exampleCredentials(), "us-east-1", "ecr", kTime)},
      {"signed already", sign(signed_already, exampleCredentials(), "us-east-1", "ecr", kTime)},
      {"stale date", sign(stale_date, exampleCredentials(), "us-east-1", "ecr", kTime)},
      {"other token", sign(other_token, exampleCredentials("TOKEN"), "us-east-1", "ecr", kTime)},
      {"no method", sign(no_method, exampleCredentials(), "us-east-1", "ecr", kTime)},
      {"no secret", sign(vanillaGet(), no_secret, "us-east-1", "ecr", kTime)},
      {"no region", sign(vanillaGet(), exampleCredentials(), "", "ecr", kTime)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_FALSE(c.got.has_value());
    EXPECT_EQ(c.got.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(c.got.error().message.find("wJalr"), std::string::npos);
  }
}

TEST(SigV4SignerTest, PresignBoundsTheExpiry) {
  EXPECT_FALSE(presign(vanillaGet(), exampleCredentials(), "us-east-1", "s3", kTime, 0s));
  EXPECT_FALSE(presign(vanillaGet(), exampleCredentials(), "us-east-1", "s3", kTime,
                       kMaxPresignExpiry + 1s));
  auto got =
      presign(vanillaGet(), exampleCredentials(), "us-east-1", "s3", kTime, kMaxPresignExpiry);
  ASSERT_TRUE(got.has_value());
  EXPECT_NE(got->encodedQuery().find("&X-Amz-Expires=604800&"), std::string::npos);
  EXPECT_TRUE(got->encodedQuery().starts_with("X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
  EXPECT_EQ(got->params.back().first, "X-Amz-Signature");
}

}  // namespace
}  // namespace copycat::aws
