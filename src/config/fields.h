// The table of scalar and list keys (internal to config/): one row per configuration key with
// its YAML path, YAML alias, environment variables, type, bounds and the member it sets. The
// YAML reader, the environment and flag overlays, validation of numbers and the printer all
// walk this table, so a key is declared once. Keys holding lists of objects (pathMap,
// registryCredentials) are handled by the reader and printer directly.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.h"

namespace copycat::config::internal {

enum class FieldType { kString, kBool, kInt, kList, kDuration, kLogLevel, kTargetKind, kMap };

using FieldRef =
    std::variant<std::string*, bool*, int*, std::vector<std::string>*, std::chrono::nanoseconds*,
                 log::Level*, TargetKind*, std::map<std::string, std::string>*>;

struct FieldSpec {
  std::string_view path;  // canonical key path, "ecr.region"
  FieldType type;
  FieldRef (*ref)(Config&);
  std::string_view env;         // "" when the key has no environment variable
  std::string_view legacy_env;  // older spelling read when `env` is unset ("" for none)
  std::string_view alias;       // alternative YAML/flag path ("" for none)
  bool secret = false;
  bool split_commas = true;  // list items containing commas are split (not for regexes)
  int64_t min_value = 0;     // kInt bounds
  int64_t max_value = std::numeric_limits<int>::max();
};

std::span<const FieldSpec> fieldSpecs();

// Finds a row by canonical path or alias; nullptr when unknown.
const FieldSpec* findField(std::string_view path);

// Paths of the keys that hold lists of objects.
inline constexpr std::string_view kPathMapKey = "pathMap";
inline constexpr std::string_view kRegistryCredentialsKey = "registryCredentials";

// Sets a field from text (environment, flags, YAML scalars). Lists and maps are
// comma-separated ("a,b", "k=v,k2=v2"). Returns a description of what is wrong, naming the
// value and what is allowed, or nullopt on success.
std::optional<std::string> assignText(const FieldSpec& spec, Config& config, std::string_view text);

// Sets a list field from YAML sequence items, trimmed, empties dropped and (if the row says
// so) comma-containing items split.
void assignList(const FieldSpec& spec, Config& config, const std::vector<std::string>& items);

// Quotes a value for a problem message (JSON-style, so control characters stay on one line).
std::string quote(std::string_view value);

}  // namespace copycat::config::internal
