// Renders the effective configuration as YAML for `copycat config` / startup logs: every key
// with its value and a trailing comment naming its source ("# default", "# file",
// "# env TARGET_REGISTRY", "# flag"). Secrets (passwords, tokens, adminToken) are printed as
// "<redacted>" when set. The output parses back as a config file. Pure function; thread-safe.
#pragma once

#include <string>

#include "config/config_loader.h"

namespace copycat::config {

inline constexpr std::string_view kRedacted = "<redacted>";

std::string renderEffectiveConfig(const LoadedConfig& loaded);

}  // namespace copycat::config
