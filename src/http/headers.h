// HTTP header fields as an ordered list with case-insensitive names (RFC 9110 §5.1), so
// repeated fields such as several WWW-Authenticate challenges keep their order and count.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace copycat::http {

// A value type; not thread-safe for concurrent mutation.
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;
  using const_iterator = std::vector<Field>::const_iterator;

  Headers() = default;
  Headers(std::initializer_list<Field> fields);

  // Appends a field, keeping existing fields of the same name.
  void add(std::string name, std::string value);
  // Replaces every field named `name` with one field.
  void set(std::string name, std::string value);
  // Removes every field named `name`; returns how many were removed.
  size_t remove(std::string_view name);

  // Returns the first value of `name`, or nullopt.
  [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
  // Returns every value of `name` in arrival order.
  [[nodiscard]] std::vector<std::string> getAll(std::string_view name) const;
  [[nodiscard]] bool has(std::string_view name) const;

  [[nodiscard]] size_t size() const { return fields_.size(); }
  [[nodiscard]] bool empty() const { return fields_.empty(); }
  void clear() { fields_.clear(); }
  [[nodiscard]] const_iterator begin() const { return fields_.begin(); }
  [[nodiscard]] const_iterator end() const { return fields_.end(); }

  // Appends to the value of the last field (obsolete line folding, RFC 9112 §5.2).
  void appendToLast(std::string_view continuation);

  friend bool operator==(const Headers&, const Headers&) = default;

 private:
  std::vector<Field> fields_;
};

}  // namespace copycat::http
