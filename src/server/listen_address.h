// Listen addresses in Go's "host:port" syntax (net.SplitHostPort), as the metrics-bind-address
// and health-probe-bind-address flags of controller-runtime take them.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace copycat::server {

struct ListenAddress {
  std::string host{};  // "" = every interface; IPv6 literals without brackets
  int port = 0;        // 0 = the kernel picks a free port

  // "host:port" again, with brackets around IPv6 literals.
  [[nodiscard]] std::string str() const;
};

// Parses ":8080", "127.0.0.1:0", "[::1]:9090", "localhost:8080". Errors (kInvalidArgument):
// a missing or non-numeric port, a port above 65535, unbalanced brackets, an unbracketed IPv6
// literal ("too many colons").
[[nodiscard]] Result<ListenAddress> parseListenAddress(std::string_view text);

// True for the values that switch a listener off, as in controller-runtime: "" and "0".
[[nodiscard]] bool isDisabledAddress(std::string_view text);

}  // namespace copycat::server
