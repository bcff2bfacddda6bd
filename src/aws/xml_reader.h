// A small, strict XML reader for AWS Query API responses (STS): enough XML 1.0 to read
// <AssumeRoleResponse> and <ErrorResponse> documents into an element tree. Element names lose
// any namespace prefix; attributes are checked for well-formedness and dropped. DOCTYPE (and so
// any custom entity) is rejected. Pure functions: thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace copycat::aws {

struct XmlElement {
  std::string name{};  // local name: "AccessKeyId" for "<sts:AccessKeyId>"
  std::string text{};  // concatenated character data directly inside this element, decoded
  std::vector<XmlElement> children{};

  // The first child named `child_name`, or null.
  [[nodiscard]] const XmlElement* child(std::string_view child_name) const;
  // Follows `path` through first-match children: find({"Error", "Code"}); null when absent.
  [[nodiscard]] const XmlElement* find(std::initializer_list<std::string_view> path) const;
  // The text of find(path), or "" when absent.
  [[nodiscard]] std::string textAt(std::initializer_list<std::string_view> path) const;
};

// Bounds that keep hostile input cheap.
inline constexpr size_t kMaxXmlDepth = 32;
inline constexpr size_t kMaxXmlBytes = 1024 * 1024;

// Parses a whole document and returns its root element. Fails with kProtocol (naming the byte
// offset) for malformed markup, mismatched tags, unknown entities, a DOCTYPE, content after the
// root, nesting deeper than kMaxXmlDepth or input larger than kMaxXmlBytes.
[[nodiscard]] Result<XmlElement> parseXml(std::string_view text);

}  // namespace copycat::aws
