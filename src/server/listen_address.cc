#include "server/listen_address.h"

#include <charconv>

namespace copycat::server {
namespace {

Error invalid(std::string_view text, std::string_view why) {
  return Error(ErrorCode::kInvalidArgument,
               "invalid listen address \"" + std::string(text) + "\": " + std::string(why));
}

Result<int> parsePort(std::string_view text, std::string_view port) {
  if (port.empty()) {
    return tl::unexpected(invalid(text, "missing port"));
  }
  int value = 0;
  const auto* end = port.data() + port.size();
  auto [ptr, ec] = std::from_chars(port.data(), end, value);
  if (ec != std::errc() || ptr != end || value < 0 || value > 65535) {
    return tl::unexpected(invalid(text, "invalid port \"" + std::string(port) + "\""));
  }
  return value;
}

}  // namespace

std::string ListenAddress::str() const {
  bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ListenAddress> parseListenAddress(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return tl::unexpected(invalid(text, "missing port in address"));
  }
  std::string_view host = text.substr(0, colon);
  if (!host.empty() && host.front() == '[') {
    if (host.back() != ']') {
      return tl::unexpected(invalid(text, "missing ']' in address"));
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find_first_of("[]") != std::string_view::npos) {
    return tl::unexpected(invalid(text, "unexpected bracket in address"));
  } else if (host.find(':') != std::string_view::npos) {
    return tl::unexpected(invalid(text, "too many colons in address"));
  }
  ASSIGN_OR_RETURN(int port, parsePort(text, text.substr(colon + 1)));
  return ListenAddress{std::string(host), port};
}

bool isDisabledAddress(std::string_view text) { return text.empty() || text == "0"; }

}  // namespace copycat::server
