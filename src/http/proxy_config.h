// Proxy settings in the shape of Go's httpproxy.Config, so copycat honours the same
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY variables as the Go original and kubectl.
#pragma once

#include <string>
#include <string_view>

namespace copycat::http {

// A value type.
struct ProxyConfig {
  std::string http_proxy{};   // proxy URL for http:// requests; empty = direct
  std::string https_proxy{};  // proxy URL for https:// requests (CONNECT tunnel); empty = direct
  // Comma-separated hosts, domain suffixes (".example.com" or "example.com"), IPs and CIDRs that
  // bypass the proxy; "*" bypasses it for everything. Matched by libcurl (CURLOPT_NOPROXY);
  // unlike Go, "host:port" entries and implicit loopback bypass are not supported.
  std::string no_proxy{};

  // Reads HTTPS_PROXY/https_proxy, HTTP_PROXY/http_proxy and NO_PROXY/no_proxy; the upper-case
  // name wins when both are set (Go httpproxy.FromEnvironment).
  [[nodiscard]] static ProxyConfig fromEnvironment();

  // Returns the proxy URL for `scheme` ("http" or "https"), or "" for a direct connection.
  [[nodiscard]] const std::string& proxyForScheme(std::string_view scheme) const;
};

}  // namespace copycat::http
