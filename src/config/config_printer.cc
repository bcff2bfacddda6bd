#include "config/config_printer.h"

#include <re2/re2.h>

#include "base/strings.h"
#include "config/duration.h"
#include "config/fields.h"
#include "config/object_lists.h"

namespace copycat::config {
namespace {

using internal::FieldRef;
using internal::FieldSpec;

// Plain YAML scalars only when they cannot be read back as anything but this string.
std::string scalar(std::string_view value) {
  static const RE2 kPlain(R"([A-Za-z0-9_/][A-Za-z0-9_./@+-]*)");
  static const RE2 kNumberLike(R"([-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?)");
  static const RE2 kOtherTyped(
      R"((?i)(true|false|yes|no|on|off|y|n|null|~|0x[0-9a-f]+|0o[0-7]+|[0-9:]+))");
  re2::StringPiece piece(value.data(), value.size());
  if (RE2::FullMatch(piece, kPlain) && !RE2::FullMatch(piece, kNumberLike) &&
      !RE2::FullMatch(piece, kOtherTyped)) {
    return std::string(value);
  }
  return internal::quote(value);
}

std::string flowList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i > 0 ? ", " : "") + scalar(items[i]);
  }
  return out + "]";
}

std::string secretValue(const std::string& value) {
  return value.empty() ? "\"\"" : internal::quote(kRedacted);
}

struct ValueRenderer {
  bool secret;
  std::string operator()(std::string* v) const { return secret ? secretValue(*v) : scalar(*v); }
  std::string operator()(bool* v) const { return *v ? "true" : "false"; }
  std::string operator()(int* v) const { return std::to_string(*v); }
  std::string operator()(std::vector<std::string>* v) const { return flowList(*v); }
  std::string operator()(std::chrono::nanoseconds* v) const { return scalar(formatGoDuration(*v)); }
  std::string operator()(log::Level* v) const { return std::string(log::levelName(*v)); }
  std::string operator()(TargetKind* v) const { return std::string(targetKindName(*v)); }
  std::string operator()(std::map<std::string, std::string>* v) const {
    std::string out = "{";
    for (const auto& [key, value] : *v) {
      out += (out.size() > 1 ? ", " : "") + scalar(key) + ": " + scalar(value);
    }
    return out + "}";
  }
};

std::string comment(const Origin& origin) {
  std::string out = "  # " + std::string(sourceName(origin.source));
  if (origin.source == Source::kEnv) {
    out += " " + origin.env_var;
  }
  return out;
}

// Emits "key: value  # source", opening the enclosing sections ("ecr:", "  encryption:") that
// differ from the previous key's.
void emitField(const FieldSpec& spec, Config& config, const LoadedConfig& loaded,
               std::vector<std::string>& open_sections, std::string& out) {
  auto parts = strings::split(spec.path, '.');
  size_t depth = parts.size() - 1;
  size_t common = 0;
  while (common < depth && common < open_sections.size() &&
         open_sections[common] == parts[common]) {
    ++common;
  }
  open_sections.resize(common);
  for (size_t i = common; i < depth; ++i) {
    out += std::string(2 * i, ' ') + parts[i] + ":\n";
    open_sections.push_back(parts[i]);
  }
  out += std::string(2 * depth, ' ') + parts.back() + ": " +
         std::visit(ValueRenderer{spec.secret}, spec.ref(config)) +
         comment(loaded.originOf(spec.path)) + "\n";
}

template <class T>
void emitObjectList(std::string_view key, std::vector<T> items,
                    const std::vector<internal::ItemField<T>>& fields, const LoadedConfig& loaded,
                    std::string& out) {
  std::string comment_text = comment(loaded.originOf(key));
  if (items.empty()) {
    out += std::string(key) + ": []" + comment_text + "\n";
    return;
  }
  out += std::string(key) + ":" + comment_text + "\n";
  for (size_t i = 0; i < items.size(); ++i) {
    for (size_t f = 0; f < fields.size(); ++f) {
      const auto& field = fields[f];
      internal::ItemRef ref = field.ref(items[i]);
      std::string value;
      if (auto* text = std::get_if<std::string*>(&ref)) {
        value = field.secret ? secretValue(**text) : scalar(**text);
      } else if (auto* flag = std::get_if<bool*>(&ref)) {
        value = **flag ? "true" : "false";
      } else {
        value = flowList(*std::get<std::vector<std::string>*>(ref));
      }
      out += std::string(f == 0 ? "  - " : "    ") + std::string(field.name) + ": " + value +
             comment(loaded.originOf(internal::itemPath(key, i, field.name))) + "\n";
    }
  }
}

}  // namespace

std::string renderEffectiveConfig(const LoadedConfig& loaded) {
  std::string out = "# copycat effective configuration (secrets redacted)\n";
  out += loaded.file_found ? "# file: " + loaded.file_path + "\n"
                           : std::string("# file: none (defaults and environment)\n");
  Config config = loaded.config;  // the field table hands out mutable references
  std::vector<std::string> open_sections;
  for (const auto& spec : internal::fieldSpecs()) {
    emitField(spec, config, loaded, open_sections, out);
  }
  emitObjectList(internal::kPathMapKey, config.path_map, internal::pathMapFields(), loaded, out);
  emitObjectList(internal::kRegistryCredentialsKey, config.registry_credentials,
                 internal::registryCredentialFields(), loaded, out);
  return out;
}

}  // namespace copycat::config
