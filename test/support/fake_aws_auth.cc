// FakeAws request authentication (SigV4 via fake_aws_sigv4.h) and small encoders.
#include <algorithm>
#include <ctime>

#include <openssl/evp.h>

#include "support/fake_aws_internal.h"
#include "support/fake_aws_sigv4.h"

namespace copycat::testing {
namespace {

// "20150830T123600Z" -> time point; nullopt when malformed.
std::optional<WallTime> parseAmzDate(const std::string& text) {
  std::tm tm{};
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z' ||
      strptime(text.c_str(), "%Y%m%dT%H%M%SZ", &tm) == nullptr) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

sigv4check::RequestView viewOf(const httplib::Request& req) {
  sigv4check::RequestView view;
  view.method = req.method;
  view.target = req.target;
  for (const auto& [name, value] : req.headers) {
    view.headers.emplace_back(name, value);
  }
  view.body = req.body;
  return view;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

struct Rejection {
  int status;
  std::string code;
  std::string message;
};

// Error codes differ by protocol: JSON services (ECR) and Query services (STS).
struct Codes {
  std::string signature;
  std::string bad_token;
};
Codes codesFor(bool ecr) {
  return ecr ? Codes{"InvalidSignatureException", "UnrecognizedClientException"}
             : Codes{"SignatureDoesNotMatch", "InvalidClientTokenId"};
}

std::optional<Rejection> checkTimeAndScope(const FakeAws::State& state,
                                           const sigv4check::Authorization& auth,
                                           const std::string& amz_date, WallTime date,
                                           std::string_view service) {
  const Codes codes = codesFor(service == "ecr");
  WallTime now = state.now();
  if (date > now + state.options.max_skew || date < now - state.options.max_skew) {
    return Rejection{403, codes.signature,
                     "Signature expired: " + amz_date + " is outside the allowed clock skew"};
  }
  if (auth.date != amz_date.substr(0, 8) || auth.region != state.options.region ||
      auth.service != service || auth.terminator != "aws4_request") {
    return Rejection{403, codes.signature,
                     "Credential should be scoped to a valid date, region " + state.options.region +
                         " and service " + std::string(service)};
  }
  return std::nullopt;
}

std::optional<Rejection> checkKey(const FakeAws::State& state, const httplib::Request& req,
                                  const sigv4check::Authorization& auth, const FakeKey& key,
                                  bool ecr) {
  const Codes codes = codesFor(ecr);
  std::string token = req.get_header_value("X-Amz-Security-Token");
  if (token != key.session_token) {
    return Rejection{403, codes.bad_token, "The security token included in the request is invalid"};
  }
  if (!token.empty() && !contains(auth.signed_headers, "x-amz-security-token")) {
    return Rejection{400, "IncompleteSignature", "X-Amz-Security-Token must be signed"};
  }
  if (key.expires && state.now() >= *key.expires) {
    return Rejection{ecr ? 400 : 403, ecr ? "ExpiredTokenException" : "ExpiredToken",
                     "The security token included in the request is expired"};
  }
  return std::nullopt;
}

// Everything but the signature itself: header syntax, time, scope, key and session token.
std::optional<Rejection> precheck(const FakeAws::State& state, const httplib::Request& req,
                                  std::string_view service,
                                  std::optional<sigv4check::Authorization>& auth) {
  const bool ecr = service == "ecr";
  std::string header = req.get_header_value("Authorization");
  if (header.empty()) {
    return Rejection{403,
                     ecr ? "MissingAuthenticationTokenException" : "MissingAuthenticationToken",
                     "Missing Authentication Token"};
  }
  auth = sigv4check::parseAuthorization(header);
  std::string amz_date = req.get_header_value("X-Amz-Date");
  std::optional<WallTime> date = parseAmzDate(amz_date);
  if (!auth || !date || !contains(auth->signed_headers, "host") ||
      !contains(auth->signed_headers, "x-amz-date")) {
    return Rejection{400, "IncompleteSignature", "Authorization header or X-Amz-Date is malformed"};
  }
  if (auto rejected = checkTimeAndScope(state, *auth, amz_date, *date, service)) {
    return rejected;
  }
  auto key = state.keys.find(auth->access_key_id);
  if (key == state.keys.end()) {
    return Rejection{403, codesFor(ecr).bad_token,
                     "The security token included in the request is invalid."};
  }
  return checkKey(state, req, *auth, key->second, ecr);
}

}  // namespace

AuthCheck authenticate(FakeAws::State& state, const httplib::Request& req,
                       std::string_view service) {
  AuthCheck out;
  std::optional<sigv4check::Authorization> auth;
  std::optional<Rejection> rejected = precheck(state, req, service, auth);
  if (!rejected) {
    const FakeKey& key = state.keys.at(auth->access_key_id);
    sigv4check::Computed want = sigv4check::computeSignature(viewOf(req), *auth, key.secret,
                                                             req.get_header_value("X-Amz-Date"));
    if (!want.error.empty()) {
      rejected = Rejection{403, codesFor(service == "ecr").signature, want.error};
    } else if (want.signature != auth->signature) {
      rejected = Rejection{403, codesFor(service == "ecr").signature,
                           "The request signature we calculated does not match the signature "
                           "you provided. Check your AWS Secret Access Key and signing method."};
    } else {
      out.ok = true;
      out.access_key_id = auth->access_key_id;
      out.principal_arn = key.principal_arn;
      return out;
    }
  }
  out.status = rejected->status;
  out.code = rejected->code;
  out.message = rejected->message;
  ++state.rejected;
  state.last_rejection = out.code + ": " + out.message;
  return out;
}

std::string iso8601(WallTime time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

std::string base64Encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string xmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::map<std::string, std::string> parseForm(std::string_view body) {
  std::map<std::string, std::string> out;
  auto decode = [](std::string_view s) {
    std::string plus(s);
    std::replace(plus.begin(), plus.end(), '+', ' ');
    return httplib::detail::decode_url(plus, false);
  };
  size_t start = 0;
  while (start < body.size()) {
    size_t amp = body.find('&', start);
    std::string_view piece =
        body.substr(start, amp == std::string_view::npos ? body.npos : amp - start);
    size_t eq = piece.find('=');
    if (eq != std::string_view::npos) {
      out[decode(piece.substr(0, eq))] = decode(piece.substr(eq + 1));
    }
    if (amp == std::string_view::npos) {
      break;
    }
    start = amp + 1;
  }
  return out;
}

}  // namespace copycat::testing
