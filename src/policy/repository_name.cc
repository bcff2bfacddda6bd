#include "policy/repository_name.h"

#include "base/strings.h"

namespace copycat::policy {
namespace {

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool isSeparatorChar(char c) { return c == '.' || c == '_' || c == '-'; }

// separator := '.' | '_' | '__' | '-'+
bool isValidSeparator(std::string_view run) {
  if (run == "." || run == "_" || run == "__") {
    return true;
  }
  return !run.empty() && run.find_first_not_of('-') == std::string_view::npos;
}

size_t separatorRunEnd(std::string_view s, size_t begin) {
  size_t end = begin;
  while (end < s.size() && isSeparatorChar(s[end])) {
    ++end;
  }
  return end;
}

// Lower-cases and replaces each run of characters outside [a-z0-9._-] with a single '-'.
std::string mapCharacters(std::string_view in, SanitizedPath& result) {
  std::string out;
  out.reserve(in.size());
  bool in_invalid_run = false;
  for (char c : in) {
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
      result.lower_cased = true;
      in_invalid_run = false;
    } else if (isLowerAlnum(c) || isSeparatorChar(c)) {
      out += c;
      in_invalid_run = false;
    } else {
      if (!in_invalid_run) {
        out += '-';
      }
      in_invalid_run = true;
      result.replaced_invalid = true;
    }
  }
  return out;
}

std::string sanitizeComponent(std::string_view raw, SanitizedPath& result) {
  std::string mapped = mapCharacters(raw, result);
  size_t begin = mapped.find_first_not_of("._-");
  if (begin == std::string::npos) {
    if (!mapped.empty()) {
      result.trimmed_separators = true;
    }
    return {};
  }
  size_t end = mapped.find_last_not_of("._-") + 1;
  if (begin != 0 || end != mapped.size()) {
    result.trimmed_separators = true;
  }
  std::string_view core(mapped.data() + begin, end - begin);
  std::string out;
  out.reserve(core.size());
  for (size_t i = 0; i < core.size();) {
    if (!isSeparatorChar(core[i])) {
      out += core[i++];
      continue;
    }
    size_t run_end = separatorRunEnd(core, i);
    std::string_view run = core.substr(i, run_end - i);
    if (isValidSeparator(run)) {
      out += run;
    } else {
      out += '-';
      result.fixed_separators = true;
    }
    i = run_end;
  }
  return out;
}

}  // namespace

bool isValidPathComponent(std::string_view component) {
  if (component.empty() || !isLowerAlnum(component.front()) || !isLowerAlnum(component.back())) {
    return false;
  }
  for (size_t i = 0; i < component.size();) {
    char c = component[i];
    if (isLowerAlnum(c)) {
      ++i;
      continue;
    }
    if (!isSeparatorChar(c)) {
      return false;
    }
    size_t run_end = separatorRunEnd(component, i);
    if (!isValidSeparator(component.substr(i, run_end - i))) {
      return false;
    }
    i = run_end;
  }
  return true;
}

bool isValidRepositoryPath(std::string_view path) {
  if (path.empty()) {
    return false;
  }
  for (const std::string& component : strings::split(path, '/')) {
    if (!isValidPathComponent(component)) {
      return false;
    }
  }
  return true;
}

SanitizedPath sanitizeRepositoryPath(std::string_view path) {
  SanitizedPath result;
  std::vector<std::string> kept;
  for (const std::string& raw : strings::split(path, '/')) {
    std::string component = sanitizeComponent(raw, result);
    if (component.empty()) {
      result.dropped_empty = true;
      continue;
    }
    kept.push_back(std::move(component));
  }
  if (path.empty()) {
    result.dropped_empty = false;
  }
  result.path = strings::join(kept, "/");
  return result;
}

std::vector<std::string> SanitizedPath::notes() const {
  std::vector<std::string> out;
  if (lower_cased) {
    out.emplace_back("lower-cased upper-case characters");
  }
  if (replaced_invalid) {
    out.emplace_back("replaced invalid characters with '-'");
  }
  if (fixed_separators) {
    out.emplace_back("replaced invalid separator runs with '-'");
  }
  if (trimmed_separators) {
    out.emplace_back("trimmed separators at component edges");
  }
  if (dropped_empty) {
    out.emplace_back("dropped empty path components");
  }
  return out;
}

}  // namespace copycat::policy
