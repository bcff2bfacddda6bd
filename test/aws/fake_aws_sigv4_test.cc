// Validates FakeAws's own SigV4 verifier (test/support/fake_aws_sigv4.h) against the AWS SigV4
// test suite: from each classic case's .req it must recompute the .creq, .sts and the signature
// in .authz. The production signer is not involved, so the fake is an independent check of it.
#include "support/fake_aws_sigv4.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace copycat::testing::sigv4check {
namespace {

namespace fs = std::filesystem;

const fs::path kSuite = fs::path(COPYCAT_TEST_DATA_DIR) / "aws-sigv4-test-suite";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr char kAmzDate[] = "20150830T123600Z";

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A deliberately separate, minimal .req reader: request line split on its first and last space,
// header lines with obs-fold continuations appended, then the body.
RequestView parseReq(const std::string& text) {
  RequestView view;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  view.method = line.substr(0, line.find(' '));
  view.target = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
  while (std::getline(in, line) && !line.empty()) {
    if ((line[0] == ' ' || line[0] == '\t') && !view.headers.empty()) {
      view.headers.back().second += " " + line;
    } else {
      size_t colon = line.find(':');
      view.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
  }
  std::ostringstream body;
  body << in.rdbuf();
  view.body = body.str();
  return view;
}

std::vector<fs::path> classicCases() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(kSuite / "classic")) {
    fs::path dir = entry.path();
    if (entry.is_directory() && fs::exists(dir / (dir.filename().string() + ".req"))) {
      out.push_back(dir);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Cases whose .creq signs a token that the .req lacks: it lives in the v4 twin's context.json.
void addMissingToken(const fs::path& dir, const Authorization& auth, RequestView& view) {
  bool signs_token = std::find(auth.signed_headers.begin(), auth.signed_headers.end(),
                               "x-amz-security-token") != auth.signed_headers.end();
  bool has_token = std::any_of(view.headers.begin(), view.headers.end(),
                               [](const auto& h) { return h.first == "X-Amz-Security-Token"; });
  if (signs_token && !has_token) {
    auto context = nlohmann::json::parse(readFile(kSuite / "v4" / dir.filename() / "context.json"));
    view.headers.emplace_back("X-Amz-Security-Token", context["credentials"]["token"]);
  }
}

TEST(FakeAwsSigV4Test, RecomputesEveryClassicSuiteCase) {
  std::vector<fs::path> cases = classicCases();
  ASSERT_GE(cases.size(), 30u);
  for (const fs::path& dir : cases) {
    std::string name = dir.filename().string();
    SCOPED_TRACE(name);
    auto auth = parseAuthorization(readFile(dir / (name + ".authz")));
    ASSERT_TRUE(auth.has_value());
    EXPECT_EQ(auth->access_key_id, "AKIDEXAMPLE");
    RequestView view = parseReq(readFile(dir / (name + ".req")));
    addMissingToken(dir, *auth, view);
    Computed got = computeSignature(view, *auth, kSecret, kAmzDate);
    ASSERT_TRUE(got.error.empty()) << got.error;
    EXPECT_EQ(got.canonical_request, readFile(dir / (name + ".creq")));
    EXPECT_EQ(got.string_to_sign, readFile(dir / (name + ".sts")));
    EXPECT_EQ(got.signature, auth->signature);
  }
}

TEST(FakeAwsSigV4Test, DetectsTamperedSecretBodyAndHeaders) {
  fs::path dir = kSuite / "classic" / "post-x-www-form-urlencoded";
  auto auth = parseAuthorization(readFile(dir / "post-x-www-form-urlencoded.authz"));
  ASSERT_TRUE(auth.has_value());
  RequestView view = parseReq(readFile(dir / "post-x-www-form-urlencoded.req"));
  EXPECT_EQ(computeSignature(view, *auth, kSecret, kAmzDate).signature, auth->signature);
  EXPECT_NE(computeSignature(view, *auth, "wrong-secret", kAmzDate).signature, auth->signature);
  RequestView body = view;
  body.body += "&x=1";
  EXPECT_NE(computeSignature(body, *auth, kSecret, kAmzDate).signature, auth->signature);
  RequestView headers = view;
  headers.headers.erase(headers.headers.begin());  // Content-Type is signed
  EXPECT_FALSE(computeSignature(headers, *auth, kSecret, kAmzDate).error.empty());
}

TEST(FakeAwsSigV4Test, ParsesOnlyWellFormedAuthorization) {
  EXPECT_FALSE(parseAuthorization("Basic dXNlcjpwdw==").has_value());
  EXPECT_FALSE(parseAuthorization("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service, "
                                  "SignedHeaders=host, Signature=" +
                                  std::string(64, 'a'))
                   .has_value());
  auto ok = parseAuthorization(
      "AWS4-HMAC-SHA256 Credential=AKID/20150830/eu-west-1/ecr/"
      "aws4_request, SignedHeaders=host;x-amz-date, Signature=" +
      std::string(64, 'b'));
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->region, "eu-west-1");
  EXPECT_EQ(ok->service, "ecr");
  EXPECT_EQ(ok->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
}

}  // namespace
}  // namespace copycat::testing::sigv4check
