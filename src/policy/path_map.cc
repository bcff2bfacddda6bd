#include "policy/path_map.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include "base/strings.h"
#include "policy/go_replace.h"

namespace copycat::policy {
namespace {

std::string_view trimSlashes(std::string_view s) {
  s = strings::trim(s);
  while (!s.empty() && s.front() == '/') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == '/') {
    s.remove_suffix(1);
  }
  return s;
}

// True when `path` is `prefix` or starts with `prefix` followed by '/'.
bool hasComponentPrefix(std::string_view path, std::string_view prefix) {
  if (path.substr(0, prefix.size()) != prefix) {
    return false;
  }
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace

Result<PathMapper> PathMapper::create(const std::vector<PathMapRule>& rules) {
  PathMapper mapper;
  mapper.rules_.reserve(rules.size());
  for (size_t i = 0; i < rules.size(); ++i) {
    const PathMapRule& rule = rules[i];
    CompiledRule compiled;
    if (!rule.regex) {
      compiled.from = std::string(trimSlashes(rule.from));
      compiled.to = std::string(trimSlashes(rule.to));
      if (compiled.from.empty()) {
        return fail(ErrorCode::kInvalidArgument,
                    fmt::format("pathMap[{}]: from must not be empty", i));
      }
      mapper.rules_.push_back(std::move(compiled));
      continue;
    }
    if (rule.from.empty()) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("pathMap[{}]: from must not be empty", i));
    }
    re2::RE2::Options options;
    options.set_log_errors(false);  // the error is returned, not printed to stderr
    auto re = std::make_shared<const re2::RE2>(rule.from, options);
    if (!re->ok()) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("pathMap[{}]: invalid regular expression \"{}\": {}", i, rule.from,
                              re->error()));
    }
    compiled.from = rule.from;
    compiled.to = rule.to;
    compiled.re = std::move(re);
    mapper.rules_.push_back(std::move(compiled));
  }
  return mapper;
}

MappedPath PathMapper::map(std::string_view path) const {
  for (size_t i = 0; i < rules_.size(); ++i) {
    const CompiledRule& rule = rules_[i];
    if (rule.re) {
      if (!re2::RE2::PartialMatch(path, *rule.re)) {
        continue;
      }
      return MappedPath{goReplaceAll(*rule.re, path, rule.to), i};
    }
    if (!hasComponentPrefix(path, rule.from)) {
      continue;
    }
    std::string_view rest = path.substr(rule.from.size());  // "" or "/..."
    if (rule.to.empty()) {
      if (!rest.empty()) {
        rest.remove_prefix(1);
      }
      return MappedPath{std::string(rest), i};
    }
    return MappedPath{rule.to + std::string(rest), i};
  }
  return MappedPath{std::string(path), std::nullopt};
}

}  // namespace copycat::policy
