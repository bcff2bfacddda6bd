#include "aws/sigv4_signer.h"

#include <ctime>

#include "base/crypto.h"
#include "base/strings.h"

namespace copycat::aws {
namespace {

constexpr std::string_view kTerminator = "aws4_request";

// Headers that proxies and clients rewrite in flight; signing them would break the signature
// (the AWS SDKs leave out the same set).
bool isUnsignableHeader(std::string_view lower_name) {
  return lower_name == "user-agent" || lower_name == "x-amzn-trace-id" || lower_name == "expect" ||
         lower_name == "transfer-encoding" || lower_name == "authorization";
}

struct Scope {
  std::string amz_date;  // 20150830T123600Z
  std::string date;      // 20150830
  std::string region;
  std::string service;
  std::string credential;  // 20150830/us-east-1/service/aws4_request
};

Scope makeScope(std::chrono::system_clock::time_point time, std::string_view region,
                std::string_view service) {
  Scope scope{formatAmzDate(time), "", std::string(region), std::string(service), ""};
  scope.date = scope.amz_date.substr(0, 8);
  scope.credential =
      scope.date + '/' + scope.region + '/' + scope.service + '/' + std::string(kTerminator);
  return scope;
}

// Step 1: the canonical request, once the headers and the query are final.
std::string canonicalRequest(const SigningRequest& request, const std::string& canonical_query,
                             const sigv4::CanonicalHeaders& headers, const SignOptions& options,
                             const std::string& payload_hash) {
  return request.method + '\n' +
         sigv4::canonicalUri(request.path, options.normalize_path, options.double_uri_encode) +
         '\n' + canonical_query + '\n' + headers.block + '\n' + headers.signed_headers + '\n' +
         payload_hash;
}

// Steps 2-4: string to sign, signing key, signature.
struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
};

Signature signCanonicalRequest(std::string canonical_request, std::string_view secret,
                               const Scope& scope) {
  Signature out;
  out.string_to_sign = std::string(kSigV4Algorithm) + '\n' + scope.amz_date + '\n' +
                       scope.credential + '\n' + crypto::sha256Hex(canonical_request);
  std::string key = deriveSigningKey(secret, scope.date, scope.region, scope.service);
  out.signature = strings::hexEncode(crypto::hmacSha256(key, out.string_to_sign));
  out.canonical_request = std::move(canonical_request);
  return out;
}

Status validate(const SigningRequest& request, const Credentials& credentials,
                std::string_view region, std::string_view service) {
  if (!credentials.hasKeys()) {
    return fail(ErrorCode::kInvalidArgument, "sigv4: credentials have no access key id or secret");
  }
  if (request.method.empty() || region.empty() || service.empty()) {
    return fail(ErrorCode::kInvalidArgument, "sigv4: method, region and service are required");
  }
  bool has_host = false;
  for (const auto& [name, value] : request.headers) {
    std::string lower = strings::toLower(strings::trim(name));
    if (lower == "authorization") {
      return fail(ErrorCode::kInvalidArgument, "sigv4: request is already signed");
    }
    has_host = has_host || lower == "host";
  }
  if (!has_host) {
    return fail(ErrorCode::kInvalidArgument, "sigv4: request has no host header");
  }
  return ok();
}

const std::string* findHeader(const sigv4::Pairs& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (strings::equalsIgnoreCase(strings::trim(name), lower_name)) {
      return &value;
    }
  }
  return nullptr;
}

std::string payloadHash(const SigningRequest& request) {
  return request.payload_hash ? *request.payload_hash : crypto::sha256Hex(request.payload);
}

// The request's own headers that take part in the signature.
sigv4::Pairs signableHeaders(const SigningRequest& request, const SignOptions& options) {
  sigv4::Pairs out;
  for (const auto& header : request.headers) {
    std::string lower = strings::toLower(strings::trim(header.first));
    if (isUnsignableHeader(lower)) {
      continue;
    }
    if (lower == "x-amz-security-token" && !options.sign_security_token) {
      continue;
    }
    out.push_back(header);
  }
  return out;
}

// Adds X-Amz-Security-Token, X-Amz-Date and x-amz-content-sha256 where the request lacks them.
Status addAmzHeaders(const SigningRequest& request, const Credentials& credentials,
                     const Scope& scope, const SignOptions& options, const std::string& hash,
                     sigv4::Pairs& to_sign, sigv4::Pairs& to_add) {
  if (credentials.hasSessionToken()) {
    const std::string* existing = findHeader(request.headers, "x-amz-security-token");
    if (existing == nullptr) {
      to_add.emplace_back("X-Amz-Security-Token", credentials.session_token);
      if (options.sign_security_token) {
        to_sign.emplace_back("x-amz-security-token", credentials.session_token);
      }
    } else if (strings::trim(*existing) != credentials.session_token) {
      return fail(ErrorCode::kInvalidArgument,
                  "sigv4: x-amz-security-token header differs from the session token");
    }
  }
  if (const std::string* date = findHeader(request.headers, "x-amz-date")) {
    if (strings::trim(*date) != scope.amz_date) {
      return fail(ErrorCode::kInvalidArgument,
                  "sigv4: x-amz-date header differs from the signing time");
    }
  } else {
    to_add.emplace_back("X-Amz-Date", scope.amz_date);
    to_sign.emplace_back("x-amz-date", scope.amz_date);
  }
  if (options.add_content_sha256 &&
      findHeader(request.headers, "x-amz-content-sha256") == nullptr) {
    to_add.emplace_back("x-amz-content-sha256", hash);
    to_sign.emplace_back("x-amz-content-sha256", hash);
  }
  return ok();
}

}  // namespace

std::string formatAmzDate(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  size_t n = std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return std::string(buf, n);
}

std::string deriveSigningKey(std::string_view secret_access_key, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string key = crypto::hmacSha256("AWS4" + std::string(secret_access_key), date);
  key = crypto::hmacSha256(key, region);
  key = crypto::hmacSha256(key, service);
  return crypto::hmacSha256(key, kTerminator);
}

Result<SignedHeaders> sign(const SigningRequest& request, const Credentials& credentials,
                           std::string_view region, std::string_view service,
                           std::chrono::system_clock::time_point time, const SignOptions& options) {
  RETURN_IF_ERROR(validate(request, credentials, region, service));
  Scope scope = makeScope(time, region, service);
  std::string hash = payloadHash(request);
  sigv4::Pairs to_sign = signableHeaders(request, options);
  SignedHeaders out;
  RETURN_IF_ERROR(addAmzHeaders(request, credentials, scope, options, hash, to_sign, out.headers));

  sigv4::CanonicalHeaders canonical = sigv4::canonicalHeaders(to_sign);
  Signature sig = signCanonicalRequest(
      canonicalRequest(request, sigv4::canonicalQuery(request.query), canonical, options, hash),
      credentials.secret_access_key, scope);
  out.canonical_request = std::move(sig.canonical_request);
  out.string_to_sign = std::move(sig.string_to_sign);
  out.signed_headers = canonical.signed_headers;
  out.signature = std::move(sig.signature);
  out.authorization = std::string(kSigV4Algorithm) + " Credential=" + credentials.access_key_id +
                      '/' + scope.credential + ", SignedHeaders=" + out.signed_headers +
                      ", Signature=" + out.signature;
  out.headers.emplace_back("Authorization", out.authorization);
  return out;
}

Result<PresignedQuery> presign(const SigningRequest& request, const Credentials& credentials,
                               std::string_view region, std::string_view service,
                               std::chrono::system_clock::time_point time,
                               std::chrono::seconds expires, const SignOptions& options) {
  RETURN_IF_ERROR(validate(request, credentials, region, service));
  if (expires.count() < 1 || expires > kMaxPresignExpiry) {
    return fail(ErrorCode::kInvalidArgument, "sigv4: presign expiry must be 1 to 604800 seconds");
  }
  Scope scope = makeScope(time, region, service);
  sigv4::CanonicalHeaders canonical = sigv4::canonicalHeaders(signableHeaders(request, options));
  bool with_token = credentials.hasSessionToken();

  sigv4::Pairs auth = {
      {"X-Amz-Algorithm", std::string(kSigV4Algorithm)},
      {"X-Amz-Credential", credentials.access_key_id + '/' + scope.credential},
      {"X-Amz-Date", scope.amz_date},
      {"X-Amz-SignedHeaders", canonical.signed_headers},
      {"X-Amz-Expires", std::to_string(expires.count())},
  };
  sigv4::Pairs query = request.query;
  query.insert(query.end(), auth.begin(), auth.end());
  if (with_token && options.sign_security_token) {
    query.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  Signature sig = signCanonicalRequest(canonicalRequest(request, sigv4::canonicalQuery(query),
                                                        canonical, options, payloadHash(request)),
                                       credentials.secret_access_key, scope);

  PresignedQuery out;
  if (with_token) {
    auth.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }
  auth.emplace_back("X-Amz-Signature", sig.signature);
  for (auto& [name, value] : auth) {
    out.params.emplace_back(name, sigv4::uriEncode(value));
  }
  out.canonical_request = std::move(sig.canonical_request);
  out.string_to_sign = std::move(sig.string_to_sign);
  out.signed_headers = canonical.signed_headers;
  out.signature = std::move(sig.signature);
  return out;
}

std::string PresignedQuery::encodedQuery() const {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) {
      out += '&';
    }
    out += name + '=' + value;
  }
  return out;
}

}  // namespace copycat::aws
