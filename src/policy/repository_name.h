// Repository-path grammar shared by every target kind, and the sanitiser that turns an arbitrary
// composed path (prefix + mapped source path) into one the registry accepts.
//
// Grammar (CNCF distribution reference.go, and the ECR API model's RepositoryName pattern,
// aws-models/ecr/2015-09-21 "RepositoryName": the same component rule):
//   path      := component ('/' component)*
//   component := [a-z0-9]+ (separator [a-z0-9]+)*
//   separator := '.' | '_' | '__' | '-'+
// Length limits differ per kind and are applied by target_naming.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace copycat::policy {

// Returns true when `component` matches the component rule above (no '/').
bool isValidPathComponent(std::string_view component);

// Returns true when `path` is non-empty and every '/'-separated component is valid.
bool isValidRepositoryPath(std::string_view path);

// What the sanitiser had to change; each flag becomes one note for the caller's log.
struct SanitizedPath {
  std::string path;  // valid per isValidRepositoryPath, or "" when nothing usable remained
  bool lower_cased = false;
  bool replaced_invalid = false;    // characters outside [a-z0-9._-/] became '-'
  bool fixed_separators = false;    // invalid separator runs ("..", "___", "._") became '-'
  bool trimmed_separators = false;  // separators at component edges were removed
  bool dropped_empty = false;       // empty components ("a//b", leading '/') were dropped

  [[nodiscard]] bool changed() const {
    return lower_cased || replaced_invalid || fixed_separators || trimmed_separators ||
           dropped_empty;
  }
  // Human-readable notes, one per flag that is set.
  [[nodiscard]] std::vector<std::string> notes() const;
};

// Lower-cases `path`, replaces each run of invalid characters with one '-', rewrites invalid
// separator runs as '-', trims separators at component edges and drops empty components.
// Idempotent; a valid path is returned unchanged.
SanitizedPath sanitizeRepositoryPath(std::string_view path);

}  // namespace copycat::policy
