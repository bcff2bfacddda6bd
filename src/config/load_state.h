// State shared by the loading stages (internal to config/): the configuration being built,
// where each value came from, and the problems and warnings found so far.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace copycat::config::internal {

struct LoadState {
  Config config;
  std::map<std::string, Origin, std::less<>> provenance;
  std::vector<std::string> problems;  // one line each; any problem fails the load
  std::vector<std::string> warnings;
  // List items ("pathMap[1]") that were not mappings: already reported, so validation skips
  // them instead of adding follow-on problems.
  std::set<std::string, std::less<>> broken_items;
  bool require_target = true;  // LoadOptions::require_target

  // Records where `path` got its value.
  void setOrigin(const std::string& path, Origin origin) { provenance[path] = std::move(origin); }

  // "ecr.region", "ecr.region (env AWS_REGION)", "dryRun (flag)" or "pathMap[1].from (line 7)":
  // the key and, when it helps to find it, where its value was set.
  [[nodiscard]] std::string label(std::string_view path) const;

  void problem(std::string_view path, std::string_view what) {
    problems.push_back(label(path) + ": " + std::string(what));
  }
};

// The candidate closest to `key` (case-insensitive optimal-alignment edit distance), when it is
// close enough to be a likely typo.
std::optional<std::string> closestMatch(std::string_view key,
                                        const std::vector<std::string>& candidates);

// `unknown key "pathmap" (did you mean "pathMap"?)`.
std::string unknownKeyMessage(std::string_view key, const std::vector<std::string>& candidates);

}  // namespace copycat::config::internal
