// Registry credentials and the Keychain interface that finds them for a registry host.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace copycat::registry::auth {

// What to authenticate a registry with. Everything empty means anonymous.
struct RegistryAuth {
  std::string username;
  std::string password;
  std::string identity_token;  // OAuth2 refresh token (Docker config "identitytoken")
  std::string registry_token;  // bearer token sent as is ("token" in registryCredentials)
  std::string source;          // where it came from, for logs ("registryCredentials[1]"); no secret

  [[nodiscard]] bool isAnonymous() const {
    return username.empty() && password.empty() && identity_token.empty() && registry_token.empty();
  }
  friend bool operator==(const RegistryAuth&, const RegistryAuth&) = default;
};

// One `registryCredentials` entry of the configuration (k8s-copycat's RegistryCredential).
// A non-empty *_env variable overrides the direct value; a token wins over username/password.
struct RegistryCredential {
  std::string registry;                       // "ghcr.io", "localhost:5000", "*.example.com"
  std::vector<std::string> registry_aliases;  // more hosts or "*." patterns for the same creds
  std::string username;
  std::string password;
  std::string token;
  std::string username_env;
  std::string password_env;
  std::string token_env;
};

// Finds credentials for a registry host ("ghcr.io", "localhost:5000", "registry-1.docker.io").
// Implementations are thread-safe.
class Keychain {
 public:
  virtual ~Keychain() = default;
  // An anonymous RegistryAuth when nothing matches; an error only when looking up failed.
  [[nodiscard]] virtual Result<RegistryAuth> resolve(std::string_view registry_host) = 0;
};

}  // namespace copycat::registry::auth
