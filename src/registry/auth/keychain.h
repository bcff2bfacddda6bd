// StaticKeychain: credentials fixed at start-up, looked up per registry host. Sources in
// order: explicit CLI credentials, `registryCredentials` entries, Docker's config.json, then
// anonymous.
//
// Host matching: hosts compare case-insensitively after canonicalRegistryHost(), so Docker
// Hub's docker.io, index.docker.io, registry-1.docker.io and https://index.docker.io/v1/ are
// one registry. A pattern with a port matches only that port; one without a port matches any.
// `registryCredentials` patterns may be "*.example.com" (any depth below example.com, not
// example.com itself); the most specific match wins: an exact host (with its port before
// without) beats any wildcard, a longer wildcard suffix beats a shorter one, and among equals
// the later entry wins (as k8s-copycat's map did). CLI credentials and config.json entries
// match exact hosts only.
//
// Docker config.json: `auths` entries with `auth` (base64 "user:password", preferred over
// `username`/`password`), `identitytoken` and `registrytoken`. `credsStore` and `credHelpers`
// name programs; they are NOT executed (a warning says so), so their registries stay anonymous
// unless configured elsewhere.
//
// Immutable after create(): thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "registry/auth/credentials.h"

namespace copycat::registry::auth {

// Reads an environment variable; nullopt when unset. Injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (std::getenv).
EnvLookup processEnv();

// Lower-case host[:port] of a registry string: trims blanks, strips "http(s)://" and any
// path, and maps the Docker Hub aliases to "docker.io". Wildcard patterns keep their "*.".
std::string canonicalRegistryHost(std::string_view registry);

class StaticKeychain final : public Keychain {
 public:
  struct Options {
    std::map<std::string, RegistryAuth> cli_credentials;  // host -> credentials (flags)
    std::vector<RegistryCredential> registry_credentials;
    bool use_docker_config = true;
    // "" = $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json (a missing file there is
    // fine); an explicit path must exist.
    std::string docker_config_path;
    EnvLookup env;  // null = processEnv(); read once, in create()
  };

  // Resolves the *_env variables and reads config.json. Fails (kInvalidArgument) when
  // config.json is unreadable or not JSON, or an explicit docker_config_path does not exist.
  [[nodiscard]] static Result<std::unique_ptr<StaticKeychain>> create(Options options);

  [[nodiscard]] Result<RegistryAuth> resolve(std::string_view registry_host) override;

  // Entries that were ignored and why (no secrets), for the caller to log once.
  [[nodiscard]] const std::vector<std::string>& warnings() const { return warnings_; }

  struct Entry {
    std::string pattern;  // canonical host[:port], possibly "*.suffix"
    RegistryAuth auth;
  };

 private:
  StaticKeychain() = default;

  std::vector<Entry> cli_;
  std::vector<Entry> configured_;  // registryCredentials, in file order
  std::vector<Entry> docker_;
  std::vector<std::string> warnings_;
};

}  // namespace copycat::registry::auth
