// The keys whose values are lists of objects (internal to config/): pathMap and
// registryCredentials. Each item field is declared once and used by the reader and printer.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/config.h"
#include "config/load_state.h"

namespace YAML {
class Node;
}

namespace copycat::config::internal {

using ItemRef = std::variant<std::string*, bool*, std::vector<std::string>*>;

template <class T>
struct ItemField {
  std::string_view name;  // YAML key, "usernameEnv"
  ItemRef (*ref)(T&);
  bool secret = false;
};

std::vector<ItemField<PathMapRule>> pathMapFields();
std::vector<ItemField<RegistryCredential>> registryCredentialFields();

// Read the YAML value of the key into state.config (replacing any earlier list).
void readPathMap(const YAML::Node& node, LoadState& state);
void readRegistryCredentials(const YAML::Node& node, LoadState& state);

// Replaces username/password/token with the values of the variables named by *_env when those
// are set and non-empty (they win over inline values, as upstream); warns about unset ones.
void resolveCredentialEnv(const std::function<std::optional<std::string>(std::string_view)>& env,
                          LoadState& state);

// "registryCredentials[2].tokenEnv".
std::string itemPath(std::string_view list_key, size_t index, std::string_view field);

}  // namespace copycat::config::internal
