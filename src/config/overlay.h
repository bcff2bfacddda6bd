// Environment variables and flag overrides applied over the file (internal to config/).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/load_state.h"

namespace copycat::config::internal {

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// Applies every key's environment variable that is set to a non-blank value (upstream treats
// empty variables as unset). Lists are comma-separated and replace the file's list. A legacy
// spelling (PUSH_INTERVALL) is read only when the current one is unset.
void applyEnv(const EnvLookup& env, LoadState& state);

// Applies `key path -> value` overrides (aliases accepted), after the environment.
void applyFlags(const std::vector<std::pair<std::string, std::string>>& flags, LoadState& state);

}  // namespace copycat::config::internal
