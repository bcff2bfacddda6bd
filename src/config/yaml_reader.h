// Reads config.yaml text into a LoadState (internal to config/): values with kFile
// provenance, type errors as problems, unknown keys as warnings with a suggestion.
#pragma once

#include <string_view>

#include "config/load_state.h"

namespace copycat::config::internal {

// Parses `text` (named `source_name` in messages). Returns false when the text is not YAML or
// its top level is not a mapping (one problem is recorded; nothing else can be read).
bool readYaml(std::string_view text, std::string_view source_name, LoadState& state);

}  // namespace copycat::config::internal
