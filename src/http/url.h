// URL parsing, reference resolution (RFC 3986 §5.2) and query helpers for the HTTP client and
// the protocols above it (registry upload Locations, presigned storage redirects).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace copycat::http {

// An absolute URL with an authority: scheme://[userinfo@]host[:port][/path][?query][#fragment].
// A value type.
struct Url {
  std::string scheme;    // lower case: "https"
  std::string userinfo;  // "user:password" when present; never log it
  std::string host;      // lower case; IPv6 literals keep their brackets: "[::1]"
  int port = -1;         // -1 when the URL names no port
  std::string path;      // percent-encoded as received; may be empty
  std::string query;     // without the '?'
  bool has_query = false;
  std::string fragment;  // without the '#'
  bool has_fragment = false;

  // Returns the explicit port, else 80 for http and 443 for https, else -1.
  [[nodiscard]] int effectivePort() const;
  // Returns "host" or "host:port" as written in the URL (userinfo excluded).
  [[nodiscard]] std::string authority() const;
  // Returns "path?query" with "/" for an empty path: the HTTP request-target (RFC 9112 §3.2).
  [[nodiscard]] std::string requestTarget() const;
  // Returns the URL text; fragment included when present.
  [[nodiscard]] std::string str() const;
};

// Parses an absolute URL. Errors: kInvalidArgument for a missing scheme or host, a bad port or
// forbidden characters (controls, spaces).
[[nodiscard]] Result<Url> parseUrl(std::string_view text);

// True when scheme, host and effective port are equal (RFC 6454 §5 origin comparison).
[[nodiscard]] bool isSameOrigin(const Url& a, const Url& b);

// Resolves `reference` (absolute, "//host/x", "/abs?q", "rel", "?q", "") against the absolute
// `base` (RFC 3986 §5.2.2). Spaces and non-ASCII bytes in `reference` are percent-encoded first,
// as browsers and curl do for sloppy Location headers. Errors: kInvalidArgument when the base or
// the result is not a valid absolute URL.
[[nodiscard]] Result<std::string> resolveReference(std::string_view base,
                                                   std::string_view reference);

// RFC 3986 §5.2.4: removes "." and ".." segments.
[[nodiscard]] std::string removeDotSegments(std::string_view path);

// Percent-encodes every byte except the unreserved set ALPHA / DIGIT / "-" / "." / "_" / "~"
// (RFC 3986 §2.3); safe for query keys and values and single path segments.
[[nodiscard]] std::string percentEncode(std::string_view text);
// Decodes %XX escapes; '+' is left alone. Malformed escapes are kept literally.
[[nodiscard]] std::string percentDecode(std::string_view text);

// Appends encoded "key=value" pairs to the query of `url`, keeping the existing query and any
// fragment: ("https://h/p?a=b", {{"digest","sha256:1"}}) -> "https://h/p?a=b&digest=sha256%3A1".
[[nodiscard]] std::string appendQueryParams(
    std::string_view url, const std::vector<std::pair<std::string, std::string>>& params);

// Splits "host", "host:port", "[v6]" or "[v6]:port" into a lower-case host and a port (-1 when
// absent or invalid).
[[nodiscard]] std::pair<std::string, int> splitHostPort(std::string_view authority);

}  // namespace copycat::http
