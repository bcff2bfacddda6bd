#include "http/proxy_config.h"

#include <cstdlib>

namespace copycat::http {
namespace {

std::string getEnvAny(const char* upper, const char* lower) {
  for (const char* name : {upper, lower}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      return value;
    }
  }
  return {};
}

}  // namespace

ProxyConfig ProxyConfig::fromEnvironment() {
  return ProxyConfig{.http_proxy = getEnvAny("HTTP_PROXY", "http_proxy"),
                     .https_proxy = getEnvAny("HTTPS_PROXY", "https_proxy"),
                     .no_proxy = getEnvAny("NO_PROXY", "no_proxy")};
}

const std::string& ProxyConfig::proxyForScheme(std::string_view scheme) const {
  return scheme == "https" ? https_proxy : http_proxy;
}

}  // namespace copycat::http
