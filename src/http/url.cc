#include "http/url.h"

#include <optional>

#include "base/strings.h"

namespace copycat::http {
namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

// The five components of RFC 3986 Appendix B; `defined` matters for resolution (§5.2.2).
struct Parts {
  std::optional<std::string> scheme;
  std::optional<std::string> authority;
  std::string path;
  std::optional<std::string> query;
  std::optional<std::string> fragment;
};

bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool isValidScheme(std::string_view s) {
  if (s.empty() || !isAlpha(s[0])) {
    return false;
  }
  for (char c : s) {
    if (!isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

Parts splitReference(std::string_view s) {
  Parts p;
  size_t colon = s.find(':');
  size_t delim = s.find_first_of("/?#");
  if (colon != std::string_view::npos && (delim == std::string_view::npos || colon < delim) &&
      isValidScheme(s.substr(0, colon))) {
    p.scheme = strings::toLower(s.substr(0, colon));
    s.remove_prefix(colon + 1);
  }
  if (s.starts_with("//")) {
    s.remove_prefix(2);
    size_t end = s.find_first_of("/?#");
    p.authority = std::string(s.substr(0, end));
    s = end == std::string_view::npos ? std::string_view() : s.substr(end);
  }
  size_t end = s.find_first_of("?#");
  p.path = std::string(s.substr(0, end));
  s = end == std::string_view::npos ? std::string_view() : s.substr(end);
  if (s.starts_with('?')) {
    size_t hash = s.find('#');
    p.query = std::string(s.substr(1, hash == std::string_view::npos ? hash : hash - 1));
    s = hash == std::string_view::npos ? std::string_view() : s.substr(hash);
  }
  if (s.starts_with('#')) {
    p.fragment = std::string(s.substr(1));
  }
  return p;
}

// RFC 3986 §5.3.
std::string recompose(const Parts& p) {
  std::string out;
  if (p.scheme) {
    out += *p.scheme + ":";
  }
  if (p.authority) {
    out += "//" + *p.authority;
  }
  out += p.path;
  if (p.query) {
    out += "?" + *p.query;
  }
  if (p.fragment) {
    out += "#" + *p.fragment;
  }
  return out;
}

bool hasForbiddenChar(std::string_view s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '<' || c == '>' || c == '"' || c == '\\') {
      return true;
    }
  }
  return false;
}

// Registered names as DNS allows them (letters, digits, '-', '.', '_'), or a bracketed IPv6
// literal (RFC 3986 §3.2.2; zone identifiers are not supported).
bool isValidHost(std::string_view host) {
  if (host.starts_with('[')) {
    std::string_view inner = host.substr(1, host.size() - 2);
    return !inner.empty() &&
           inner.find_first_not_of("0123456789abcdefABCDEF:.") == std::string_view::npos;
  }
  for (char c : host) {
    if (!isAlpha(c) && !isDigit(c) && c != '-' && c != '.' && c != '_') {
      return false;
    }
  }
  return true;
}

int parsePort(std::string_view s) {
  if (s.empty() || s.size() > 5) {
    return -1;
  }
  int port = 0;
  for (char c : s) {
    if (!isDigit(c)) {
      return -1;
    }
    port = port * 10 + (c - '0');
  }
  return port <= 65535 ? port : -1;
}

Status parseAuthority(std::string_view authority, Url& url) {
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    url.userinfo = std::string(authority.substr(0, at));
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return fail(ErrorCode::kInvalidArgument, "url has an unterminated ipv6 literal");
    }
    host = authority.substr(0, close + 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && !rest.starts_with(':')) {
      return fail(ErrorCode::kInvalidArgument, "url has garbage after the ipv6 literal");
    }
    port = rest.empty() ? rest : rest.substr(1);
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty() || host == "[]") {
    return fail(ErrorCode::kInvalidArgument, "url has no host");
  }
  if (!isValidHost(host)) {
    return fail(ErrorCode::kInvalidArgument, "url host has invalid characters");
  }
  url.host = strings::toLower(host);
  if (!port.empty()) {
    url.port = parsePort(port);
    if (url.port < 0) {
      return fail(ErrorCode::kInvalidArgument, "url has an invalid port");
    }
  }
  return ok();
}

std::string mergePaths(const Parts& base, std::string_view ref_path) {
  if (base.authority && base.path.empty()) {
    return "/" + std::string(ref_path);
  }
  size_t slash = base.path.rfind('/');
  if (slash == std::string::npos) {
    return std::string(ref_path);
  }
  return base.path.substr(0, slash + 1) + std::string(ref_path);
}

// Encodes the bytes a sloppy server may put into a Location header.
std::string encodeSloppyBytes(std::string_view s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == ' ' || u >= 0x80) {
      out += '%';
      out += kHexDigits[u >> 4];
      out += kHexDigits[u & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

void removeLastSegment(std::string& output) {
  size_t slash = output.rfind('/');
  output.erase(slash == std::string::npos ? 0 : slash);
}

}  // namespace

int Url::effectivePort() const {
  if (port >= 0) {
    return port;
  }
  if (scheme == "http") {
    return 80;
  }
  if (scheme == "https") {
    return 443;
  }
  return -1;
}

std::string Url::authority() const { return port >= 0 ? host + ":" + std::to_string(port) : host; }

std::string Url::requestTarget() const {
  std::string out = path.empty() ? "/" : path;
  if (has_query) {
    out += "?" + query;
  }
  return out;
}

std::string Url::str() const {
  std::string out = scheme + "://";
  if (!userinfo.empty()) {
    out += userinfo + "@";
  }
  out += authority() + path;
  if (has_query) {
    out += "?" + query;
  }
  if (has_fragment) {
    out += "#" + fragment;
  }
  return out;
}

Result<Url> parseUrl(std::string_view text) {
  if (hasForbiddenChar(text)) {
    return fail(ErrorCode::kInvalidArgument, "url contains spaces or control characters");
  }
  Parts parts = splitReference(text);
  if (!parts.scheme) {
    return fail(ErrorCode::kInvalidArgument, "url has no scheme");
  }
  if (!parts.authority) {
    return fail(ErrorCode::kInvalidArgument, "url has no authority");
  }
  Url url;
  url.scheme = *parts.scheme;
  RETURN_IF_ERROR(parseAuthority(*parts.authority, url));
  url.path = std::move(parts.path);
  url.has_query = parts.query.has_value();
  url.query = parts.query.value_or("");
  url.has_fragment = parts.fragment.has_value();
  url.fragment = parts.fragment.value_or("");
  return url;
}

bool isSameOrigin(const Url& a, const Url& b) {
  return a.scheme == b.scheme && a.host == b.host && a.effectivePort() == b.effectivePort();
}

Result<std::string> resolveReference(std::string_view base, std::string_view reference) {
  ASSIGN_OR_RETURN(Url base_url, parseUrl(base));
  Parts b = splitReference(base_url.str());
  Parts r = splitReference(encodeSloppyBytes(strings::trim(reference)));
  Parts t;
  if (r.scheme) {
    t = r;
    t.path = removeDotSegments(r.path);
  } else if (r.authority) {
    t = r;
    t.path = removeDotSegments(r.path);
    t.scheme = b.scheme;
  } else {
    if (r.path.empty()) {
      t.path = b.path;
      t.query = r.query ? r.query : b.query;
    } else {
      t.path = removeDotSegments(r.path.starts_with('/') ? r.path : mergePaths(b, r.path));
      t.query = r.query;
    }
    t.scheme = b.scheme;
    t.authority = b.authority;
  }
  t.fragment = r.fragment;
  std::string resolved = recompose(t);
  RETURN_IF_ERROR(parseUrl(resolved));
  return resolved;
}

std::string removeDotSegments(std::string_view path) {
  std::string input(path);
  std::string output;
  std::string_view in = input;
  while (!in.empty()) {
    if (in.starts_with("../")) {
      in.remove_prefix(3);
    } else if (in.starts_with("./")) {
      in.remove_prefix(2);
    } else if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../")) {
      in.remove_prefix(3);
      removeLastSegment(output);
    } else if (in == "/..") {
      in = "/";
      removeLastSegment(output);
    } else if (in == "." || in == "..") {
      in = {};
    } else {
      size_t next = in.find('/', in.starts_with('/') ? 1 : 0);
      output += in.substr(0, next);
      in = next == std::string_view::npos ? std::string_view() : in.substr(next);
    }
  }
  return output;
}

std::string percentEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
      continue;
    }
    auto u = static_cast<unsigned char>(c);
    out += '%';
    out += kHexDigits[u >> 4];
    out += kHexDigits[u & 0xf];
  }
  return out;
}

std::string percentDecode(std::string_view text) {
  auto hexValue = [](char c) -> int {
    if (isDigit(c)) {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = hexValue(text[i + 1]);
      int lo = hexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

std::string appendQueryParams(std::string_view url,
                              const std::vector<std::pair<std::string, std::string>>& params) {
  size_t hash = url.find('#');
  std::string out(url.substr(0, hash));
  std::string_view fragment = hash == std::string_view::npos ? "" : url.substr(hash);
  for (const auto& [key, value] : params) {
    if (out.find('?') == std::string::npos) {
      out += '?';
    } else if (!out.ends_with('?') && !out.ends_with('&')) {
      out += '&';
    }
    out += percentEncode(key) + "=" + percentEncode(value);
  }
  out += fragment;
  return out;
}

std::pair<std::string, int> splitHostPort(std::string_view authority) {
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {
    size_t close = authority.find(']');
    if (close != std::string_view::npos) {
      host = authority.substr(0, close + 1);
      std::string_view rest = authority.substr(close + 1);
      port = rest.starts_with(':') ? rest.substr(1) : std::string_view();
    }
  } else if (authority.find(':') == authority.rfind(':') &&
             authority.find(':') != std::string_view::npos) {
    size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  return {strings::toLower(host), port.empty() ? -1 : parsePort(port)};
}

}  // namespace copycat::http
