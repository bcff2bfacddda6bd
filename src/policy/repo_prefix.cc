#include "policy/repo_prefix.h"

#include <array>
#include <vector>

#include <fmt/format.h>

#include "base/strings.h"
#include "image/reference.h"

namespace copycat::policy {
namespace {

struct Placeholder {
  std::string_view token;
  std::string_view PrefixValues::*value;  // nullptr for $registry, which is normalised
};

constexpr std::array<Placeholder, 5> kPlaceholders = {{
    {"$namespace", &PrefixValues::namespace_name},
    {"$podname", &PrefixValues::workload_name},
    {"$container_name", &PrefixValues::container_name},
    {"$arch", &PrefixValues::arch},
    {"$registry", nullptr},
}};

const Placeholder* placeholderAt(std::string_view tmpl, size_t pos) {
  for (const Placeholder& p : kPlaceholders) {
    if (tmpl.substr(pos, p.token.size()) == p.token) {
      return &p;
    }
  }
  return nullptr;
}

bool isWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

std::string registryPlaceholderValue(std::string_view registry) {
  std::string host = strings::toLower(strings::trim(registry));
  if (host == image::kDockerHubLegacyDomain || host == image::kDockerHubApiHost) {
    host = std::string(image::kDockerHubDomain);
  }
  for (char& c : host) {
    if (c == ':') {
      c = '-';
    }
  }
  return host;
}

std::string expandRepoPrefix(std::string_view tmpl, const PrefixValues& values) {
  const std::string registry = registryPlaceholderValue(values.registry);
  std::string expanded;
  for (size_t i = 0; i < tmpl.size();) {
    const Placeholder* p = tmpl[i] == '$' ? placeholderAt(tmpl, i) : nullptr;
    if (p == nullptr) {
      expanded += tmpl[i++];
      continue;
    }
    expanded += p->value != nullptr ? values.*(p->value) : std::string_view(registry);
    i += p->token.size();
  }
  std::vector<std::string> segments;
  for (const std::string& segment : strings::split(expanded, '/')) {
    std::string_view trimmed = strings::trim(segment);
    if (!trimmed.empty()) {
      segments.emplace_back(trimmed);
    }
  }
  return strings::join(segments, "/");
}

Status validateRepoPrefix(std::string_view tmpl) {
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '$') {
      continue;
    }
    if (const Placeholder* p = placeholderAt(tmpl, i)) {
      i += p->token.size() - 1;
      continue;
    }
    size_t end = i + 1;
    while (end < tmpl.size() && isWordChar(tmpl[end])) {
      ++end;
    }
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("repoPrefix: unknown placeholder \"{}\" (known: $namespace, $podname, "
                            "$container_name, $arch, $registry)",
                            tmpl.substr(i, end - i)));
  }
  return ok();
}

}  // namespace copycat::policy
