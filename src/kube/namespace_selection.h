// Which namespaces the watches cover, from includeNamespaces / skipNamespaces: every
// namespace (empty list or "*"), or named namespaces and globs resolved against the cluster.
// A named namespace that does not exist is a startup error; a glob that matches nothing
// selects nothing (never everything); namespaces created later that match a glob join.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace copycat::kube {

// A value type; thread-safe for concurrent reads.
class NamespaceSelection {
 public:
  // Entries are trimmed; empty ones dropped. '*' and '?' make an entry a glob
  // (base/strings globMatch).
  NamespaceSelection(const std::vector<std::string>& include_namespaces,
                     const std::vector<std::string>& skip_namespaces);

  // Every namespace: one cluster-wide watch per kind.
  [[nodiscard]] bool all() const { return all_; }
  [[nodiscard]] const std::vector<std::string>& names() const { return names_; }
  [[nodiscard]] const std::vector<std::string>& globs() const { return globs_; }

  // True when `namespace_name` is included (by name or glob, or all) and not skipped.
  [[nodiscard]] bool matches(std::string_view namespace_name) const;

  // The namespaces to watch now, sorted: the named ones and the existing namespaces matching a
  // glob, minus skipped ones. Errors: kNotFound naming every named namespace missing from
  // `existing` ("includeNamespaces: namespace \"a\" does not exist"). Must not be called when
  // all().
  [[nodiscard]] Result<std::vector<std::string>> resolve(
      const std::vector<std::string>& existing) const;

 private:
  [[nodiscard]] bool isSkipped(std::string_view namespace_name) const;

  bool all_ = false;
  std::vector<std::string> names_;
  std::vector<std::string> globs_;
  std::vector<std::string> skips_;
};

}  // namespace copycat::kube
