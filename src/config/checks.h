// Syntax predicates used by validation (internal to config/). Each returns true when the text
// is acceptable; the *Error functions return a description of the problem or nullopt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace copycat::config::internal {

// RFC 1123 label: 1-63 of [a-z0-9-], alphanumeric at both ends (Kubernetes namespace names).
bool isDnsLabel(std::string_view s);
// RFC 1123 subdomain: dot-separated labels, at most 253 characters (Lease names).
bool isDnsSubdomain(std::string_view s);
// host[:port] with a DNS name, IPv4 or [IPv6] host and no scheme or path.
bool isHostPort(std::string_view s);
// A listen address: "[host]:port" (":8080", "127.0.0.1:0", "[::1]:9090") or "0" (disabled).
bool isListenAddress(std::string_view s);
// A POSIX environment variable name.
bool isEnvName(std::string_view s);

// RE2's complaint about `pattern`, or nullopt when it compiles.
std::optional<std::string> regexError(std::string_view pattern);
// nlohmann's complaint about `text`, or nullopt when it is one JSON value.
std::optional<std::string> jsonError(std::string_view text);

// Normalises "os/arch[/variant]" with image::parsePlatform ("arm64" -> "linux/arm64/v8") or
// returns its complaint.
struct PlatformCheck {
  std::string normalized;
  std::optional<std::string> error;
};
PlatformCheck checkPlatform(std::string_view text);

}  // namespace copycat::config::internal
