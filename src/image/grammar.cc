#include "image/grammar.h"

#include <cstddef>

namespace copycat::image::grammar {
namespace {

constexpr size_t kTagMaxLength = 128;
constexpr size_t kDigestHexMinLength = 32;
constexpr size_t kIdentifierLength = 64;

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || isDigit(c); }
bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAlnum(char c) { return isAlpha(c) || isDigit(c); }
bool isWord(char c) { return isAlnum(c) || c == '_'; }
bool isHex(char c) { return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool isDomainComponent(std::string_view s) {
  if (s.empty() || !isAlnum(s.front()) || !isAlnum(s.back())) {
    return false;
  }
  for (char c : s) {
    if (!isAlnum(c) && c != '-') {
      return false;
    }
  }
  return true;
}

// domain-name := domain-component ("." domain-component)*
bool isDomainName(std::string_view s) {
  while (true) {
    size_t dot = s.find('.');
    if (!isDomainComponent(s.substr(0, dot))) {
      return false;
    }
    if (dot == std::string_view::npos) {
      return true;
    }
    s.remove_prefix(dot + 1);
  }
}

// optional-port := (":" [0-9]+)?
bool isOptionalPort(std::string_view s) {
  if (s.empty()) {
    return true;
  }
  if (s.size() < 2 || s.front() != ':') {
    return false;
  }
  for (char c : s.substr(1)) {
    if (!isDigit(c)) {
      return false;
    }
  }
  return true;
}

// Consumes one alphanumeric run [a-z0-9]+ starting at pos; returns false when there is none.
bool consumeAlnumRun(std::string_view s, size_t& pos) {
  size_t start = pos;
  while (pos < s.size() && isLowerAlnum(s[pos])) {
    ++pos;
  }
  return pos > start;
}

// Consumes one separator ([._] | "__" | "-"+) starting at pos.
bool consumeSeparator(std::string_view s, size_t& pos) {
  char c = s[pos];
  if (c == '.') {
    ++pos;
    return true;
  }
  if (c == '_') {
    ++pos;
    if (pos < s.size() && s[pos] == '_') {
      ++pos;
    }
    return true;
  }
  if (c == '-') {
    while (pos < s.size() && s[pos] == '-') {
      ++pos;
    }
    return true;
  }
  return false;
}

// algorithm-component := [A-Za-z][A-Za-z0-9]*, joined by single [-_+.] separators.
bool isDigestAlgorithm(std::string_view s) {
  size_t pos = 0;
  while (true) {
    if (pos >= s.size() || !isAlpha(s[pos])) {
      return false;
    }
    while (pos < s.size() && isAlnum(s[pos])) {
      ++pos;
    }
    if (pos == s.size()) {
      return true;
    }
    char sep = s[pos];
    if (sep != '-' && sep != '_' && sep != '+' && sep != '.') {
      return false;
    }
    ++pos;
  }
}

}  // namespace

bool isDomain(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  if (s.front() == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos || close == 1) {
      return false;
    }
    for (char c : s.substr(1, close - 1)) {
      if (!isHex(c) && c != ':') {
        return false;
      }
    }
    return isOptionalPort(s.substr(close + 1));
  }
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) {
    return isDomainName(s);
  }
  return isDomainName(s.substr(0, colon)) && isOptionalPort(s.substr(colon));
}

bool isPathComponent(std::string_view s) {
  size_t pos = 0;
  if (!consumeAlnumRun(s, pos)) {
    return false;
  }
  while (pos < s.size()) {
    if (!consumeSeparator(s, pos) || !consumeAlnumRun(s, pos)) {
      return false;
    }
  }
  return true;
}

bool isPath(std::string_view s) {
  while (true) {
    size_t slash = s.find('/');
    if (!isPathComponent(s.substr(0, slash))) {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    s.remove_prefix(slash + 1);
  }
}

bool isTag(std::string_view s) {
  if (s.empty() || s.size() > kTagMaxLength || !isWord(s.front())) {
    return false;
  }
  for (char c : s) {
    if (!isWord(c) && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

bool isDigest(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || !isDigestAlgorithm(s.substr(0, colon))) {
    return false;
  }
  std::string_view hex = s.substr(colon + 1);
  if (hex.size() < kDigestHexMinLength) {
    return false;
  }
  for (char c : hex) {
    if (!isHex(c)) {
      return false;
    }
  }
  return true;
}

bool isIdentifier(std::string_view s) {
  if (s.size() != kIdentifierLength) {
    return false;
  }
  for (char c : s) {
    if (!isDigit(c) && !(c >= 'a' && c <= 'f')) {
      return false;
    }
  }
  return true;
}

// The optional domain group is greedy and cannot contain '/', so the domain, when present, is
// exactly the first component; otherwise the whole name must be a path.
std::optional<NameParts> splitName(std::string_view name) {
  size_t slash = name.find('/');
  if (slash == std::string_view::npos) {
    if (!isPathComponent(name)) {
      return std::nullopt;
    }
    return NameParts{{}, name};
  }
  std::string_view first = name.substr(0, slash);
  if (!isPath(name.substr(slash + 1))) {
    return std::nullopt;
  }
  if (isDomain(first)) {
    return NameParts{first, name.substr(slash + 1)};
  }
  if (isPathComponent(first)) {
    return NameParts{{}, name};
  }
  return std::nullopt;
}

// Neither name nor tag contains '@', so a digest starts at the first '@'. A tag cannot hold
// ':' or '/', and a ':' in the name only occurs in the domain (before a '/'), so a tag, when
// present, follows the first ':' after the last '/'.
std::optional<ReferenceParts> splitReference(std::string_view s) {
  ReferenceParts parts;
  size_t at = s.find('@');
  if (at != std::string_view::npos) {
    parts.digest = s.substr(at + 1);
    if (!isDigest(parts.digest)) {
      return std::nullopt;
    }
    s = s.substr(0, at);
  }
  size_t last_slash = s.rfind('/');
  size_t colon = s.find(':', last_slash == std::string_view::npos ? 0 : last_slash + 1);
  if (colon != std::string_view::npos) {
    parts.tag = s.substr(colon + 1);
    if (!isTag(parts.tag)) {
      return std::nullopt;
    }
    s = s.substr(0, colon);
  }
  auto name = splitName(s);
  if (!name) {
    return std::nullopt;
  }
  parts.domain = name->domain;
  parts.path = name->path;
  return parts;
}

}  // namespace copycat::image::grammar
