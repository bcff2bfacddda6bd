#include "http/redact.h"

#include <array>

#include "base/strings.h"
#include "http/url.h"

namespace copycat::http {
namespace {

constexpr std::array<std::string_view, 15> kSensitiveQueryKeys = {"x-amz-signature",
                                                                  "x-amz-credential",
                                                                  "x-amz-security-token",
                                                                  "x-goog-signature",
                                                                  "x-goog-credential",
                                                                  "signature",
                                                                  "sig",
                                                                  "token",
                                                                  "access_token",
                                                                  "id_token",
                                                                  "refresh_token",
                                                                  "password",
                                                                  "client_secret",
                                                                  "x-oss-signature",
                                                                  "awsaccesskeyid"};

constexpr std::array<std::string_view, 8> kSensitiveHeaders = {
    "authorization",        "proxy-authorization", "cookie",       "set-cookie",
    "x-amz-security-token", "x-registry-auth",     "x-auth-token", "x-api-key"};

bool isSensitiveQueryKey(std::string_view key) {
  std::string lower = strings::toLower(percentDecode(key));
  for (auto k : kSensitiveQueryKeys) {
    if (lower == k) {
      return true;
    }
  }
  return false;
}

std::string redactQuery(std::string_view query) {
  std::string out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string_view pair = query.substr(start, amp == std::string_view::npos ? amp : amp - start);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && isSensitiveQueryKey(pair.substr(0, eq))) {
      out += std::string(pair.substr(0, eq + 1)) + std::string(kRedacted);
    } else {
      out += pair;
    }
    if (amp == std::string_view::npos) {
      break;
    }
    out += '&';
    start = amp + 1;
  }
  return out;
}

std::string redactUserinfo(std::string_view prefix) {
  size_t scheme_end = prefix.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::string(prefix);
  }
  size_t authority_start = scheme_end + 3;
  size_t authority_end = prefix.find('/', authority_start);
  std::string_view authority = prefix.substr(
      authority_start,
      authority_end == std::string_view::npos ? authority_end : authority_end - authority_start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) {
    return std::string(prefix);
  }
  std::string_view userinfo = authority.substr(0, at);
  size_t colon = userinfo.find(':');
  if (colon == std::string_view::npos) {
    return std::string(prefix);
  }
  std::string out(prefix.substr(0, authority_start));
  out += std::string(userinfo.substr(0, colon + 1)) + std::string(kRedacted);
  out += prefix.substr(authority_start + at);
  return out;
}

}  // namespace

std::string redactUrl(std::string_view url) {
  size_t hash = url.find('#');
  std::string_view without_fragment = url.substr(0, hash);
  std::string_view fragment = hash == std::string_view::npos ? "" : url.substr(hash);
  size_t question = without_fragment.find('?');
  std::string out = redactUserinfo(without_fragment.substr(0, question));
  if (question != std::string_view::npos) {
    out += "?" + redactQuery(without_fragment.substr(question + 1));
  }
  out += fragment;
  return out;
}

bool isSensitiveHeader(std::string_view name) {
  std::string lower = strings::toLower(name);
  for (auto h : kSensitiveHeaders) {
    if (lower == h) {
      return true;
    }
  }
  return false;
}

Headers redactHeaders(const Headers& headers) {
  Headers out;
  for (const auto& [name, value] : headers) {
    out.add(name, isSensitiveHeader(name) ? std::string(kRedacted) : value);
  }
  return out;
}

}  // namespace copycat::http
