#include "kube/namespace_selection.h"

#include <algorithm>
#include <set>

#include "base/strings.h"

namespace copycat::kube {
namespace {

bool isGlob(std::string_view pattern) {
  return pattern.find_first_of("*?") != std::string_view::npos;
}

}  // namespace

NamespaceSelection::NamespaceSelection(const std::vector<std::string>& include_namespaces,
                                       const std::vector<std::string>& skip_namespaces) {
  for (const auto& raw : include_namespaces) {
    std::string entry(strings::trim(raw));
    if (entry.empty()) {
      continue;
    }
    if (entry == "*") {
      all_ = true;
    } else if (isGlob(entry)) {
      globs_.push_back(std::move(entry));
    } else {
      names_.push_back(std::move(entry));
    }
  }
  // An empty list means every namespace (k8s-copycat's default).
  if (names_.empty() && globs_.empty()) {
    all_ = true;
  }
  if (all_) {
    names_.clear();
    globs_.clear();
  }
  for (const auto& raw : skip_namespaces) {
    std::string entry(strings::trim(raw));
    if (!entry.empty()) {
      skips_.push_back(std::move(entry));
    }
  }
}

bool NamespaceSelection::isSkipped(std::string_view namespace_name) const {
  return std::any_of(skips_.begin(), skips_.end(), [&](const std::string& pattern) {
    return strings::globMatch(pattern, namespace_name);
  });
}

bool NamespaceSelection::matches(std::string_view namespace_name) const {
  if (isSkipped(namespace_name)) {
    return false;
  }
  if (all_) {
    return true;
  }
  if (std::find(names_.begin(), names_.end(), namespace_name) != names_.end()) {
    return true;
  }
  return std::any_of(globs_.begin(), globs_.end(), [&](const std::string& pattern) {
    return strings::globMatch(pattern, namespace_name);
  });
}

Result<std::vector<std::string>> NamespaceSelection::resolve(
    const std::vector<std::string>& existing) const {
  const std::set<std::string> present(existing.begin(), existing.end());
  std::vector<std::string> missing;
  for (const auto& name : names_) {
    if (present.count(name) == 0) {
      missing.push_back("\"" + name + "\"");
    }
  }
  if (!missing.empty()) {
    return fail(ErrorCode::kNotFound,
                "includeNamespaces: namespace" + std::string(missing.size() > 1 ? "s " : " ") +
                    strings::join(missing, ", ") +
                    (missing.size() > 1 ? " do not exist" : " does not exist"));
  }
  std::set<std::string> selected;
  for (const auto& name : existing) {
    if (matches(name)) {
      selected.insert(name);
    }
  }
  return std::vector<std::string>(selected.begin(), selected.end());
}

}  // namespace copycat::kube
