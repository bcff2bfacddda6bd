#include "config/overlay.h"

#include "base/strings.h"
#include "config/fields.h"

namespace copycat::config::internal {
namespace {

std::optional<std::string> lookup(const EnvLookup& env, std::string_view name) {
  if (!env || name.empty()) {
    return std::nullopt;
  }
  auto value = env(name);
  if (!value || strings::trim(*value).empty()) {
    return std::nullopt;
  }
  return value;
}

std::vector<std::string> allKeyPaths() {
  std::vector<std::string> out;
  for (const auto& spec : fieldSpecs()) {
    out.emplace_back(spec.path);
  }
  return out;
}

}  // namespace

void applyEnv(const EnvLookup& env, LoadState& state) {
  for (const auto& spec : fieldSpecs()) {
    std::string_view used = spec.env;
    auto value = lookup(env, spec.env);
    auto legacy = lookup(env, spec.legacy_env);
    if (!value && legacy) {
      used = spec.legacy_env;
      value = legacy;
      state.warnings.push_back("environment variable " + std::string(spec.legacy_env) +
                               " is a legacy spelling; use " + std::string(spec.env));
    } else if (value && legacy) {
      state.warnings.push_back("environment variables " + std::string(spec.env) + " and " +
                               std::string(spec.legacy_env) + " are both set; using " +
                               std::string(spec.env));
    }
    if (!value) {
      continue;
    }
    std::string path(spec.path);
    state.setOrigin(path, Origin{Source::kEnv, std::string(used), 0});
    if (auto problem = assignText(spec, state.config, *value)) {
      state.problem(path, *problem);
    }
  }
}

void applyFlags(const std::vector<std::pair<std::string, std::string>>& flags, LoadState& state) {
  for (const auto& [key, value] : flags) {
    const FieldSpec* spec = findField(key);
    if (spec == nullptr) {
      state.problems.push_back("flag override: " + unknownKeyMessage(key, allKeyPaths()));
      continue;
    }
    std::string path(spec->path);
    state.setOrigin(path, Origin{Source::kFlag, "", 0});
    if (auto problem = assignText(*spec, state.config, value)) {
      state.problem(path, *problem);
    }
  }
}

}  // namespace copycat::config::internal
