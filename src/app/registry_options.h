// Config -> the copy engine's options and the source/target credentials keychain. Shared by
// `copycat copy` and `copycat run` so both reach registries identically.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "base/result.h"
#include "config/config.h"
#include "registry/auth/keychain.h"
#include "registry/copy_options.h"

namespace copycat::app {

// Retries, timeouts, insecure hosts (insecureRegistries plus the docker target's host when
// docker.insecure), CA bundle and per-registry concurrency from the configuration.
registry::ImageCopierOptions copierOptions(const config::Config& config);

// registryCredentials, the docker target's TARGET_USERNAME/TARGET_PASSWORD, Docker's
// config.json, and `cli` (host -> credentials from flags), which wins over all of them.
[[nodiscard]] Result<std::unique_ptr<registry::auth::StaticKeychain>> buildKeychain(
    const config::Config& config, std::map<std::string, registry::auth::RegistryAuth> cli = {});

}  // namespace copycat::app
