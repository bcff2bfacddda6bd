#include "registry/auth/challenge.h"

#include <fmt/format.h>

#include "base/strings.h"

namespace copycat::registry::auth {
namespace {

// tchar (RFC 9110 §5.6.2).
bool isTchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// token68 characters without the trailing '=' padding (RFC 9110 §11.2).
bool isToken68Char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::string_view("-._~+/").find(c) != std::string_view::npos;
}

bool isBlank(char c) { return c == ' ' || c == '\t'; }

bool isCtl(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

std::string describeChar(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u < 0x20 || u >= 0x7f) {
    return fmt::format("\\x{:02x}", u);
  }
  return std::string(1, c);
}

// Parses one header line. Not thread-safe; one instance per line.
class LineParser {
 public:
  explicit LineParser(std::string_view line) : s_(line) {}

  // Appends what can be salvaged to `out`; returns the first problem, or "".
  std::string parse(std::vector<Challenge>& out);

 private:
  bool atEnd() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }
  void skipBlanks() {
    while (!atEnd() && isBlank(peek())) {
      ++pos_;
    }
  }
  // Skips OWS and empty list elements (RFC 9110 §5.6.1.2: recipients accept them).
  void skipSeparators() {
    while (!atEnd() && (isBlank(peek()) || peek() == ',')) {
      ++pos_;
    }
  }
  std::string_view readToken() {
    size_t start = pos_;
    while (!atEnd() && isTchar(peek())) {
      ++pos_;
    }
    return s_.substr(start, pos_ - start);
  }
  bool paramAhead() const;
  bool readToken68(Challenge& c);
  bool readParams(Challenge& c);
  bool readParam(Challenge& c);
  bool readQuoted(std::string& value);
  bool fail(std::string problem) {
    if (problem_.empty()) {
      problem_ = std::move(problem);
    }
    return false;
  }

  std::string_view s_;
  size_t pos_ = 0;
  std::string problem_;
};

std::string LineParser::parse(std::vector<Challenge>& out) {
  skipSeparators();
  if (atEnd()) {
    return "no challenge";
  }
  while (!atEnd()) {
    size_t start = pos_;
    std::string_view scheme = readToken();
    if (scheme.empty()) {
      fail(fmt::format("expected token at offset {}", start));
      break;
    }
    Challenge c;
    c.scheme = strings::toLower(scheme);
    size_t before_blanks = pos_;
    skipBlanks();
    bool complete = true;
    if (!atEnd() && peek() != ',') {
      if (pos_ == before_blanks) {
        fail(fmt::format("expected ' ' or ',' after scheme at offset {} (found '{}')", pos_,
                         describeChar(peek())));
        out.push_back(std::move(c));
        break;
      }
      complete = readToken68(c) || readParams(c);
    } else {
      skipSeparators();
      if (paramAhead()) {
        complete = readParams(c);
      }
    }
    out.push_back(std::move(c));
    if (!complete) {
      break;
    }
    skipSeparators();
  }
  return problem_;
}

// After a list separator: does an auth-param (token BWS "=") follow, rather than a scheme?
bool LineParser::paramAhead() const {
  size_t p = pos_;
  while (p < s_.size() && isTchar(s_[p])) {
    ++p;
  }
  if (p == pos_) {
    return false;
  }
  while (p < s_.size() && isBlank(s_[p])) {
    ++p;
  }
  return p < s_.size() && s_[p] == '=';
}

// token68 is only a token68 when nothing but OWS follows before ',' or the end.
bool LineParser::readToken68(Challenge& c) {
  size_t p = pos_;
  while (p < s_.size() && isToken68Char(s_[p])) {
    ++p;
  }
  if (p == pos_) {
    return false;
  }
  while (p < s_.size() && s_[p] == '=') {
    ++p;
  }
  size_t end = p;
  while (p < s_.size() && isBlank(s_[p])) {
    ++p;
  }
  if (p < s_.size() && s_[p] != ',') {
    return false;
  }
  c.token68 = std::string(s_.substr(pos_, end - pos_));
  pos_ = p;
  return true;
}

// #auth-param; returns false when the line must stop.
bool LineParser::readParams(Challenge& c) {
  while (true) {
    if (!readParam(c)) {
      return false;
    }
    skipBlanks();
    if (atEnd()) {
      return true;
    }
    if (peek() != ',') {
      return fail(
          fmt::format("expected ',' at offset {} (found '{}')", pos_, describeChar(peek())));
    }
    skipSeparators();
    if (atEnd() || !paramAhead()) {
      return true;  // the next element is a new challenge
    }
  }
}

bool LineParser::readParam(Challenge& c) {
  size_t name_pos = pos_;
  std::string name = strings::toLower(readToken());
  skipBlanks();
  if (name.empty() || atEnd() || peek() != '=') {
    return fail(fmt::format("expected auth-param at offset {}", name_pos));
  }
  ++pos_;
  skipBlanks();
  std::string value;
  if (!atEnd() && peek() == '"') {
    if (!readQuoted(value)) {
      return false;
    }
  } else {
    value = std::string(readToken());
    bool ends = atEnd() || isBlank(peek()) || peek() == ',';
    if (value.empty() && ends) {
      return fail(fmt::format("empty or invalid param value for '{}'", name));
    }
    if (!ends) {
      // Lenient: keep an unquoted value with non-tchar characters ("realm=/", URLs).
      fail(fmt::format("empty or invalid param value for '{}'", name));
      while (!atEnd() && !isBlank(peek()) && peek() != ',' && peek() != '"' && !isCtl(peek())) {
        value += peek();
        ++pos_;
      }
    }
  }
  if (c.params.count(name) != 0) {
    fail(fmt::format("duplicate parameter '{}'", name));
    return true;
  }
  c.params.emplace(std::move(name), std::move(value));
  return true;
}

// quoted-string with quoted-pair (RFC 9110 §5.6.4); the opening quote is at pos_.
bool LineParser::readQuoted(std::string& value) {
  ++pos_;
  while (!atEnd()) {
    char ch = peek();
    if (ch == '"') {
      ++pos_;
      return true;
    }
    if (ch == '\\') {
      if (pos_ + 1 >= s_.size()) {
        break;
      }
      ch = s_[pos_ + 1];
      pos_ += 2;
    } else {
      ++pos_;
    }
    if (isCtl(ch)) {
      return fail(fmt::format("invalid character in quoted-string at offset {}", pos_ - 1));
    }
    value += ch;
  }
  return fail("unterminated quoted-string");
}

}  // namespace

const std::string* Challenge::param(std::string_view name) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? nullptr : &it->second;
}

ChallengeParse parseChallenges(std::string_view header_value) {
  ChallengeParse result;
  result.problem = LineParser(header_value).parse(result.challenges);
  result.valid = result.problem.empty();
  return result;
}

ChallengeParse parseChallenges(const std::vector<std::string>& header_values) {
  ChallengeParse result;
  if (header_values.empty()) {
    result.valid = false;
    result.problem = "no challenge";
    return result;
  }
  for (size_t i = 0; i < header_values.size(); ++i) {
    std::string problem = LineParser(header_values[i]).parse(result.challenges);
    if (!problem.empty() && result.valid) {
      result.valid = false;
      result.problem = header_values.size() == 1
                           ? std::move(problem)
                           : fmt::format("header line {}: {}", i + 1, problem);
    }
  }
  return result;
}

std::optional<BearerChallenge> bearerChallenge(const std::vector<Challenge>& challenges) {
  for (const Challenge& c : challenges) {
    const std::string* realm = c.param("realm");
    if (c.scheme != "bearer" || realm == nullptr || realm->empty()) {
      continue;
    }
    BearerChallenge out;
    out.realm = *realm;
    if (const std::string* service = c.param("service")) {
      out.service = *service;
    }
    if (const std::string* error = c.param("error")) {
      out.error = *error;
    }
    if (const std::string* scope = c.param("scope")) {
      for (const std::string& s : strings::split(*scope, ' ')) {
        if (!s.empty()) {
          out.scopes.push_back(s);
        }
      }
    }
    return out;
  }
  return std::nullopt;
}

const Challenge* preferredChallenge(const std::vector<Challenge>& challenges) {
  for (const Challenge& c : challenges) {
    const std::string* realm = c.param("realm");
    if (c.scheme == "bearer" && realm != nullptr && !realm->empty()) {
      return &c;
    }
  }
  for (const Challenge& c : challenges) {
    if (c.scheme == "basic") {
      return &c;
    }
  }
  return nullptr;
}

}  // namespace copycat::registry::auth
