#include "config/yaml_reader.h"

#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/fields.h"
#include "config/object_lists.h"

namespace copycat::config::internal {
namespace {

std::string kindName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "null";
    default:
      return "a scalar";
  }
}

int lineOf(const YAML::Node& node) { return node.Mark().line + 1; }

std::string joinPath(std::string_view prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : std::string(prefix) + "." + std::string(key);
}

// Full paths of the keys allowed directly under `prefix` ("" = top level), for suggestions.
std::vector<std::string> keysUnder(std::string_view prefix) {
  std::set<std::string> names;
  std::string start = prefix.empty() ? "" : std::string(prefix) + ".";
  for (const auto& spec : fieldSpecs()) {
    for (std::string_view path : {spec.path, spec.alias}) {
      if (path.empty() || path.substr(0, start.size()) != start) {
        continue;
      }
      std::string_view rest = path.substr(start.size());
      names.insert(start + std::string(rest.substr(0, rest.find('.'))));
    }
  }
  if (prefix.empty()) {
    names.insert(std::string(kPathMapKey));
    names.insert(std::string(kRegistryCredentialsKey));
  }
  return {names.begin(), names.end()};
}

bool isSection(std::string_view path) {
  std::string start = std::string(path) + ".";
  for (const auto& spec : fieldSpecs()) {
    if (spec.path.substr(0, start.size()) == start) {
      return true;
    }
  }
  return false;
}

void readMap(const YAML::Node& map, const std::string& prefix, LoadState& state);

void readListField(const FieldSpec& spec, const YAML::Node& node, LoadState& state) {
  std::string path(spec.path);
  std::vector<std::string> items;
  for (size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    if (item.IsNull()) {
      continue;
    }
    if (!item.IsScalar()) {
      state.problem(path + "[" + std::to_string(i) + "]",
                    "expected a string, got " + kindName(item));
      continue;
    }
    items.push_back(item.Scalar());
  }
  assignList(spec, state.config, items);
}

void readMapField(const FieldSpec& spec, const YAML::Node& node, LoadState& state) {
  auto* out = std::get<std::map<std::string, std::string>*>(spec.ref(state.config));
  out->clear();
  for (const auto& entry : node) {
    if (!entry.first.IsScalar() || !(entry.second.IsScalar() || entry.second.IsNull())) {
      state.problem(std::string(spec.path), "expected a mapping of strings to strings");
      continue;
    }
    (*out)[entry.first.Scalar()] = entry.second.IsNull() ? "" : entry.second.Scalar();
  }
}

void readField(const FieldSpec& spec, const YAML::Node& node, LoadState& state) {
  if (node.IsNull()) {
    return;  // "key:" or "key: ~" keeps the default, as an unset pointer does upstream
  }
  std::string path(spec.path);
  if (state.provenance[path].source == Source::kFile) {
    state.warnings.push_back("key " + quote(path) + " is set more than once (line " +
                             std::to_string(lineOf(node)) + "); the last value wins");
  }
  state.setOrigin(path, Origin{Source::kFile, "", lineOf(node)});
  if (spec.type == FieldType::kList && node.IsSequence()) {
    readListField(spec, node, state);
    return;
  }
  if (spec.type == FieldType::kMap && node.IsMap()) {
    readMapField(spec, node, state);
    return;
  }
  if (!node.IsScalar()) {
    std::string want = spec.type == FieldType::kList  ? "a list of strings"
                       : spec.type == FieldType::kMap ? "a mapping"
                                                      : "a scalar value";
    state.problem(path, "expected " + want + ", got " + kindName(node));
    return;
  }
  if (auto problem = assignText(spec, state.config, node.Scalar())) {
    state.problem(path, *problem);
  }
}

void readEntry(const std::string& prefix, const YAML::Node& key, const YAML::Node& value,
               LoadState& state) {
  if (!key.IsScalar()) {
    state.problems.push_back((prefix.empty() ? std::string("config") : prefix) + " (line " +
                             std::to_string(lineOf(key)) + "): keys must be strings, got " +
                             kindName(key));
    return;
  }
  std::string path = joinPath(prefix, key.Scalar());
  if (path == kPathMapKey) {
    readPathMap(value, state);
  } else if (path == kRegistryCredentialsKey) {
    readRegistryCredentials(value, state);
  } else if (const FieldSpec* spec = findField(path)) {
    readField(*spec, value, state);
  } else if (isSection(path)) {
    if (value.IsMap()) {
      readMap(value, path, state);
    } else if (!value.IsNull()) {
      state.problems.push_back(path + " (line " + std::to_string(lineOf(value)) +
                               "): expected a mapping, got " + kindName(value));
    }
  } else {
    state.warnings.push_back(unknownKeyMessage(path, keysUnder(prefix)) + " at line " +
                             std::to_string(lineOf(key)));
  }
}

void readMap(const YAML::Node& map, const std::string& prefix, LoadState& state) {
  for (const auto& entry : map) {
    readEntry(prefix, entry.first, entry.second, state);
  }
}

}  // namespace

bool readYaml(std::string_view text, std::string_view source_name, LoadState& state) {
  std::string name(source_name);
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (root.IsNull()) {
      return true;  // an empty file: defaults
    }
    if (!root.IsMap()) {
      state.problems.push_back(name + ": the top level must be a mapping of keys, got " +
                               kindName(root));
      return false;
    }
    readMap(root, "", state);
    return true;
  } catch (const YAML::Exception& e) {
    state.problems.push_back(name + ": invalid YAML at line " + std::to_string(e.mark.line + 1) +
                             ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
  } catch (const std::exception& e) {
    state.problems.push_back(name + ": cannot read YAML: " + e.what());
  }
  return false;
}

}  // namespace copycat::config::internal
