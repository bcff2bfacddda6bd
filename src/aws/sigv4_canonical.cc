#include "aws/sigv4_canonical.h"

#include <algorithm>
#include <map>

#include "base/strings.h"

namespace copycat::aws::sigv4 {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";

bool isUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

bool isEscapeAt(std::string_view s, size_t i) {
  return i + 2 < s.size() && s[i] == '%' && hexValue(s[i + 1]) >= 0 && hexValue(s[i + 2]) >= 0;
}

void appendEscaped(std::string& out, unsigned char c) {
  out += '%';
  out += kHexUpper[c >> 4];
  out += kHexUpper[c & 0x0F];
}

bool isWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string uriEncode(std::string_view bytes, bool keep_slash) {
  std::string out;
  out.reserve(bytes.size());
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (isUnreserved(c) || (keep_slash && c == '/')) {
      out += ch;
    } else {
      appendEscaped(out, c);
    }
  }
  return out;
}

std::string percentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (isEscapeAt(text, i)) {
      out += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string normalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  std::string_view last;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    std::string_view segment = path.substr(start, end - start);
    last = segment;
    if (segment == "..") {
      if (!segments.empty()) {
        segments.pop_back();
      }
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) {
      out += '/';
    }
    out += segments[i];
  }
  // "/a/" and "/a/b/.." both name a directory: keep the trailing slash (RFC 3986 5.2.4 output).
  bool directory = last.empty() || last == "." || last == "..";
  if (!segments.empty() && directory) {
    out += '/';
  }
  return out;
}

std::string canonicalUri(std::string_view path, bool normalize, bool double_encode) {
  std::string source = normalize ? normalizePath(path) : std::string(path.empty() ? "/" : path);
  if (double_encode) {
    return uriEncode(source, /*keep_slash=*/true);
  }
  std::string out;
  out.reserve(source.size());
  for (size_t i = 0; i < source.size(); ++i) {
    auto c = static_cast<unsigned char>(source[i]);
    if (isEscapeAt(source, i)) {
      out += source.substr(i, 3);
      i += 2;
    } else if (isUnreserved(c) || c == '/') {
      out += source[i];
    } else {
      appendEscaped(out, c);
    }
  }
  return out;
}

std::string canonicalQuery(const Pairs& decoded_params) {
  Pairs encoded;
  encoded.reserve(decoded_params.size());
  for (const auto& [name, value] : decoded_params) {
    encoded.emplace_back(uriEncode(name), uriEncode(value));
  }
  // Sorting the encoded strings by byte value is what the spec asks for ("sort by code point").
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) {
      out += '&';
    }
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string canonicalHeaderValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (isWhitespace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out += ' ';
      pending_space = false;
    }
    out += c;
  }
  return out;
}

CanonicalHeaders canonicalHeaders(const Pairs& headers) {
  std::map<std::string, std::string> merged;  // sorted by lower-case name
  for (const auto& [name, value] : headers) {
    std::string key = strings::toLower(strings::trim(name));
    std::string canonical = canonicalHeaderValue(value);
    auto [it, inserted] = merged.try_emplace(key, canonical);
    if (!inserted) {
      it->second += ',';
      it->second += canonical;
    }
  }
  CanonicalHeaders out;
  for (auto& [name, value] : merged) {
    out.block += name + ':' + value + '\n';
    if (!out.signed_headers.empty()) {
      out.signed_headers += ';';
    }
    out.signed_headers += name;
    out.headers.emplace_back(name, std::move(value));
  }
  return out;
}

}  // namespace copycat::aws::sigv4
