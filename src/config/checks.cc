#include "config/checks.h"

#include <charconv>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "base/strings.h"
#include "image/platform.h"

namespace copycat::config::internal {
namespace {

bool isAlnumLower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool isPort(std::string_view s, bool allow_zero) {
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  return !s.empty() && ec == std::errc() && ptr == s.data() + s.size() && port <= 65535 &&
         (allow_zero || port > 0);
}

bool isHostName(std::string_view s) {
  if (s.empty() || s.size() > 253) {
    return false;
  }
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_';
    if (!ok) {
      return false;
    }
  }
  return s.front() != '.' && s.front() != '-' && s.back() != '.' && s.back() != '-';
}

bool isBracketedIpv6(std::string_view s) {
  if (s.size() < 3 || s.front() != '[' || s.back() != ']') {
    return false;
  }
  for (char c : s.substr(1, s.size() - 2)) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
              c == ':' || c == '.';
    if (!ok) {
      return false;
    }
  }
  return true;
}

// Splits "host:port" where host may be "[v6]"; port is empty when absent.
void splitHostPort(std::string_view s, std::string_view& host, std::string_view& port,
                   bool& has_port) {
  size_t colon = std::string_view::npos;
  if (!s.empty() && s.front() == '[') {
    size_t close = s.find(']');
    colon = (close != std::string_view::npos && close + 1 < s.size() && s[close + 1] == ':')
                ? close + 1
                : std::string_view::npos;
  } else {
    colon = s.rfind(':');
  }
  has_port = colon != std::string_view::npos;
  host = has_port ? s.substr(0, colon) : s;
  port = has_port ? s.substr(colon + 1) : std::string_view{};
}

}  // namespace

bool isDnsLabel(std::string_view s) {
  if (s.empty() || s.size() > 63 || !isAlnumLower(s.front()) || !isAlnumLower(s.back())) {
    return false;
  }
  for (char c : s) {
    if (!isAlnumLower(c) && c != '-') {
      return false;
    }
  }
  return true;
}

bool isDnsSubdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) {
    return false;
  }
  for (const auto& label : strings::split(s, '.')) {
    if (!isDnsLabel(label)) {
      return false;
    }
  }
  return true;
}

bool isHostPort(std::string_view s) {
  std::string_view host, port;
  bool has_port = false;
  splitHostPort(s, host, port, has_port);
  if (has_port && !isPort(port, false)) {
    return false;
  }
  return isHostName(host) || isBracketedIpv6(host);
}

bool isListenAddress(std::string_view s) {
  if (s == "0") {
    return true;
  }
  std::string_view host, port;
  bool has_port = false;
  splitHostPort(s, host, port, has_port);
  return has_port && isPort(port, true) &&
         (host.empty() || isHostName(host) || isBracketedIpv6(host));
}

bool isEnvName(std::string_view s) {
  if (s.empty() || (s.front() >= '0' && s.front() <= '9')) {
    return false;
  }
  for (char c : s) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> regexError(std::string_view pattern) {
  RE2 re(re2::StringPiece(pattern.data(), pattern.size()), RE2::Quiet);
  if (re.ok()) {
    return std::nullopt;
  }
  return re.error();
}

std::optional<std::string> jsonError(std::string_view text) {
  try {
    auto parsed = nlohmann::json::parse(text);
    return parsed.is_discarded() ? std::optional<std::string>("not a JSON value") : std::nullopt;
  } catch (const nlohmann::json::exception& e) {
    return std::string(e.what());
  }
}

PlatformCheck checkPlatform(std::string_view text) {
  auto parsed = image::parsePlatform(strings::trim(text));
  if (!parsed) {
    return {"", parsed.error().message};
  }
  return {parsed->str(), std::nullopt};
}

}  // namespace copycat::config::internal
