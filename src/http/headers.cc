#include "http/headers.h"

#include <algorithm>

#include "base/strings.h"

namespace copycat::http {

Headers::Headers(std::initializer_list<Field> fields) : fields_(fields) {}

void Headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

size_t Headers::remove(std::string_view name) {
  auto matches = [name](const Field& f) { return strings::equalsIgnoreCase(f.first, name); };
  auto it = std::remove_if(fields_.begin(), fields_.end(), matches);
  size_t removed = static_cast<size_t>(fields_.end() - it);
  fields_.erase(it, fields_.end());
  return removed;
}

std::optional<std::string> Headers::get(std::string_view name) const {
  for (const auto& [key, value] : fields_) {
    if (strings::equalsIgnoreCase(key, name)) {
      return value;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Headers::getAll(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : fields_) {
    if (strings::equalsIgnoreCase(key, name)) {
      out.push_back(value);
    }
  }
  return out;
}

bool Headers::has(std::string_view name) const { return get(name).has_value(); }

void Headers::appendToLast(std::string_view continuation) {
  if (fields_.empty()) {
    return;
  }
  auto& value = fields_.back().second;
  if (!value.empty()) {
    value += ' ';
  }
  value += strings::trim(continuation);
}

}  // namespace copycat::http
