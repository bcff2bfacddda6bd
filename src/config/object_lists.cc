#include "config/object_lists.h"

#include <yaml-cpp/yaml.h>

#include "base/strings.h"
#include "config/fields.h"

namespace copycat::config::internal {
namespace {

int lineOf(const YAML::Node& node) { return node.Mark().line + 1; }

std::string kindName(const YAML::Node& node) {
  if (node.IsMap()) {
    return "a mapping";
  }
  return node.IsSequence() ? "a list" : "a scalar";
}

void readItemValue(ItemRef ref, const std::string& path, const YAML::Node& node, LoadState& state) {
  if (auto* list = std::get_if<std::vector<std::string>*>(&ref)) {
    (*list)->clear();
    if (node.IsScalar()) {
      **list = strings::splitList(node.Scalar());
      return;
    }
    if (!node.IsSequence()) {
      state.problem(path, "expected a list of strings, got " + kindName(node));
      return;
    }
    for (const auto& item : node) {
      if (!item.IsScalar()) {
        state.problem(path, "expected a list of strings, got an item that is " + kindName(item));
        return;
      }
      if (auto trimmed = strings::trim(item.Scalar()); !trimmed.empty()) {
        (*list)->emplace_back(trimmed);
      }
    }
    return;
  }
  if (!node.IsScalar()) {
    state.problem(path, "expected a scalar value, got " + kindName(node));
    return;
  }
  if (auto* text = std::get_if<std::string*>(&ref)) {
    **text = node.Scalar();
    return;
  }
  auto value = strings::parseBool(node.Scalar());
  if (!value) {
    state.problem(path, "invalid boolean " + quote(node.Scalar()) +
                            " (allowed: true/false, yes/no, on/off, 1/0)");
    return;
  }
  *std::get<bool*>(ref) = *value;
}

template <class T>
void readItem(const YAML::Node& item, std::string_view key, size_t index,
              const std::vector<ItemField<T>>& fields, T& out, LoadState& state) {
  std::vector<std::string> candidates;
  for (const auto& field : fields) {
    candidates.push_back(itemPath(key, index, field.name));
  }
  for (const auto& entry : item) {
    if (!entry.first.IsScalar()) {
      state.problem(itemPath(key, index, ""), "keys must be strings");
      continue;
    }
    std::string path = itemPath(key, index, entry.first.Scalar());
    const ItemField<T>* field = nullptr;
    for (const auto& candidate : fields) {
      if (candidate.name == entry.first.Scalar()) {
        field = &candidate;
      }
    }
    if (field == nullptr) {
      state.warnings.push_back(unknownKeyMessage(path, candidates) + " at line " +
                               std::to_string(lineOf(entry.first)));
      continue;
    }
    if (entry.second.IsNull()) {
      continue;
    }
    state.setOrigin(path, Origin{Source::kFile, "", lineOf(entry.second)});
    readItemValue(field->ref(out), path, entry.second, state);
  }
}

template <class T>
void readObjectList(const YAML::Node& node, std::string_view key,
                    const std::vector<ItemField<T>>& fields, std::vector<T>& out,
                    LoadState& state) {
  if (node.IsNull()) {
    return;
  }
  std::string list_path(key);
  state.setOrigin(list_path, Origin{Source::kFile, "", lineOf(node)});
  out.clear();
  if (!node.IsSequence()) {
    state.problem(list_path, "expected a list of mappings, got " + kindName(node));
    return;
  }
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    out.emplace_back();  // keep indices aligned with the file even for broken items
    std::string item_path = list_path + "[" + std::to_string(i) + "]";
    if (!item.IsMap()) {
      state.broken_items.insert(item_path);
      state.problems.push_back(item_path + " (line " + std::to_string(lineOf(item)) +
                               "): expected a mapping, got " +
                               (item.IsNull() ? std::string("null") : kindName(item)));
      continue;
    }
    readItem(item, key, i, fields, out.back(), state);
  }
}

}  // namespace

std::string itemPath(std::string_view list_key, size_t index, std::string_view field) {
  std::string path = std::string(list_key) + "[" + std::to_string(index) + "]";
  return field.empty() ? path : path + "." + std::string(field);
}

std::vector<ItemField<PathMapRule>> pathMapFields() {
  return {
      {"from", [](PathMapRule& r) -> ItemRef { return &r.from; }},
      {"to", [](PathMapRule& r) -> ItemRef { return &r.to; }},
      {"regex", [](PathMapRule& r) -> ItemRef { return &r.regex; }},
  };
}

std::vector<ItemField<RegistryCredential>> registryCredentialFields() {
  using C = RegistryCredential;
  return {
      {"registry", [](C& c) -> ItemRef { return &c.registry; }},
      {"registryAliases", [](C& c) -> ItemRef { return &c.registry_aliases; }},
      {"username", [](C& c) -> ItemRef { return &c.username; }},
      {"password", [](C& c) -> ItemRef { return &c.password; }, true},
      {"token", [](C& c) -> ItemRef { return &c.token; }, true},
      {"usernameEnv", [](C& c) -> ItemRef { return &c.username_env; }},
      {"passwordEnv", [](C& c) -> ItemRef { return &c.password_env; }},
      {"tokenEnv", [](C& c) -> ItemRef { return &c.token_env; }},
  };
}

void readPathMap(const YAML::Node& node, LoadState& state) {
  readObjectList(node, kPathMapKey, pathMapFields(), state.config.path_map, state);
}

void readRegistryCredentials(const YAML::Node& node, LoadState& state) {
  readObjectList(node, kRegistryCredentialsKey, registryCredentialFields(),
                 state.config.registry_credentials, state);
}

void resolveCredentialEnv(const std::function<std::optional<std::string>(std::string_view)>& env,
                          LoadState& state) {
  auto& creds = state.config.registry_credentials;
  for (size_t i = 0; i < creds.size(); ++i) {
    struct Indirection {
      std::string_view field;
      std::string_view env_field;
      std::string* env_name;
      std::string* value;
    };
    const Indirection indirections[] = {
        {"username", "usernameEnv", &creds[i].username_env, &creds[i].username},
        {"password", "passwordEnv", &creds[i].password_env, &creds[i].password},
        {"token", "tokenEnv", &creds[i].token_env, &creds[i].token},
    };
    for (const auto& ind : indirections) {
      std::string name(strings::trim(*ind.env_name));
      if (name.empty()) {
        continue;
      }
      auto value = env ? env(name) : std::nullopt;
      if (!value || value->empty()) {
        state.warnings.push_back(itemPath(kRegistryCredentialsKey, i, ind.env_field) +
                                 ": environment variable " + quote(name) +
                                 " is not set; using the inline value, if any");
        continue;
      }
      *ind.value = *value;
      state.setOrigin(itemPath(kRegistryCredentialsKey, i, ind.field),
                      Origin{Source::kEnv, name, 0});
    }
  }
}

}  // namespace copycat::config::internal
