// pathMap: rewrites a source repository path before it is placed under the target registry.
//
// Rules apply to the repository PATH only, never to the registry host (as the Go original,
// which maps name.Repository.RepositoryStr()): for "nginx:1.25" the path is "library/nginx",
// for "ghcr.io/org/app" it is "org/app". Rules are tried in order; the first match wins.
//  - plain rule: `from` matches the whole path or a leading run of whole components
//    ("group" matches "group" and "group/x", never "group-other/x"); that prefix is replaced
//    by `to` (an empty `to` removes it). Slashes around `from`/`to` are ignored.
//  - regex rule: `from` is a Go/RE2 regular expression searched anywhere in the path (anchor it
//    with ^ ... $ as needed); every match is replaced by `to` expanded Go-style ($1, ${1},
//    $name, ${name}, $$), exactly like Go's Regexp.ReplaceAllString.
// The result is not sanitised here; target_naming makes it a valid repository name.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace re2 {
class RE2;
}

namespace copycat::policy {

// One configured rule, as written in the config file's `pathMap` list.
struct PathMapRule {
  std::string from = {};
  std::string to = {};
  bool regex = false;
};

struct MappedPath {
  std::string path = {};
  std::optional<size_t> rule = std::nullopt;  // index of the rule that matched, if any
};

// Compiled, immutable rule list. Thread-safe: map() is const and RE2 matching is thread-safe.
// Cheap to copy (compiled expressions are shared).
class PathMapper {
 public:
  // An empty mapper that returns every path unchanged.
  PathMapper() = default;

  // Compiles `rules` once. Errors (kInvalidArgument) name the rule:
  // "pathMap[1]: invalid regular expression \"(\": missing ): (" or
  // "pathMap[0]: from must not be empty".
  [[nodiscard]] static Result<PathMapper> create(const std::vector<PathMapRule>& rules);

  // Applies the first matching rule to `path`; returns it unchanged when none matches.
  [[nodiscard]] MappedPath map(std::string_view path) const;

  [[nodiscard]] size_t size() const { return rules_.size(); }

 private:
  struct CompiledRule {
    std::string from;                    // plain: trimmed of '/'; regex: as written
    std::string to;                      // plain: trimmed of '/'; regex: the expansion template
    std::shared_ptr<const re2::RE2> re;  // set for regex rules only
  };

  std::vector<CompiledRule> rules_;
};

}  // namespace copycat::policy
