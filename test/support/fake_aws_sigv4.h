// SigV4 verification for FakeAws, written separately from src/aws/sigv4_*.
//
// Why this duplicates the signer's canonicalisation: the fake must check signatures
// INDEPENDENTLY of the code under test. If it reused src/aws/sigv4_canonical.h, a bug there would
// sign and verify the same wrong way and every test would still pass. So this file has its own
// (deliberately plain) canonical request, string to sign and HMAC chain on OpenSSL directly, and
// test/aws/fake_aws_sigv4_test.cc validates it against the AWS SigV4 test suite's reference
// values (test/data/aws-sigv4-test-suite/classic: .req -> .creq/.sts/.authz). Do not "clean it
// up" by including the production signer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace copycat::testing::sigv4check {

// The parts of an "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." header.
struct Authorization {
  std::string access_key_id;
  std::string date;  // YYYYMMDD from the credential scope
  std::string region;
  std::string service;
  std::string terminator;                   // "aws4_request"
  std::vector<std::string> signed_headers;  // as listed (lower case expected)
  std::string signature;
};

// nullopt when the header is not a well-formed SigV4 Authorization value.
std::optional<Authorization> parseAuthorization(std::string_view header);

// A request as it arrived: method, raw request target, headers in arrival order, body.
struct RequestView {
  std::string method;
  std::string target;  // "/path?query", raw
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct Computed {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
  std::string error;  // non-empty when a signed header is missing from the request
};

// Recomputes the signature `auth` should carry for `request` with `secret`, at `amz_date`
// ("20150830T123600Z"). Path normalisation and double URI encoding as for every service but S3.
Computed computeSignature(const RequestView& request, const Authorization& auth,
                          std::string_view secret, std::string_view amz_date);

// Lower-case hex SHA-256 (OpenSSL EVP), for payload hashes.
std::string sha256Hex(std::string_view data);

}  // namespace copycat::testing::sigv4check
