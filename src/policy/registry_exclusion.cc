#include "policy/registry_exclusion.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/strings.h"

namespace copycat::policy {
namespace {

std::string normalizeHost(std::string_view host) {
  std::string lower = strings::toLower(host);
  if (lower == image::kDockerHubLegacyDomain || lower == image::kDockerHubApiHost) {
    return std::string(image::kDockerHubDomain);
  }
  return lower;
}

std::string_view stripScheme(std::string_view s) {
  for (std::string_view scheme : {std::string_view("https://"), std::string_view("http://")}) {
    if (s.size() >= scheme.size() &&
        strings::equalsIgnoreCase(s.substr(0, scheme.size()), scheme)) {
      return s.substr(scheme.size());
    }
  }
  return s;
}

// Characters a normalised reference can contain (plus '[' ']' for IPv6 hosts).
bool isValidEntry(std::string_view entry) {
  for (char c : entry) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::string_view("._-/:@+[]").find(c) != std::string_view::npos;
    if (!ok) {
      return false;
    }
  }
  for (const std::string& component : strings::split(entry, '/')) {
    if (component.empty()) {
      return false;
    }
  }
  return true;
}

bool hasBoundaryPrefix(std::string_view text, std::string_view prefix, bool allow_tag_boundary) {
  if (text.substr(0, prefix.size()) != prefix) {
    return false;
  }
  if (text.size() == prefix.size()) {
    return true;
  }
  char next = text[prefix.size()];
  return next == '/' || (allow_tag_boundary && (next == ':' || next == '@'));
}

}  // namespace

std::string normalizeExclusionEntry(std::string_view entry) {
  std::string_view s = stripScheme(strings::trim(entry));
  while (!s.empty() && s.back() == '/') {
    s.remove_suffix(1);
  }
  if (s.empty()) {
    return {};
  }
  size_t slash = s.find('/');
  std::string_view first = s.substr(0, slash);
  std::string_view rest = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
  bool is_host = first.find_first_of(".:") != std::string_view::npos ||
                 strings::equalsIgnoreCase(first, "localhost");
  if (is_host) {
    return normalizeHost(first) + std::string(rest);
  }
  return std::string(image::kDockerHubDomain) + "/" + std::string(s);
}

Result<RegistryExclusion> RegistryExclusion::create(const std::vector<std::string>& entries) {
  RegistryExclusion exclusion;
  for (size_t i = 0; i < entries.size(); ++i) {
    std::string normalized = normalizeExclusionEntry(entries[i]);
    if (normalized.empty()) {
      continue;
    }
    if (!isValidEntry(normalized)) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("excludeRegistries[{}]: invalid entry \"{}\"", i, entries[i]));
    }
    bool duplicate = std::any_of(exclusion.entries_.begin(), exclusion.entries_.end(),
                                 [&](const Entry& e) { return e.normalized == normalized; });
    if (duplicate) {
      continue;
    }
    Entry entry;
    entry.has_path = normalized.find('/') != std::string::npos;
    entry.prefixes.push_back(normalized);
    const std::string hub_prefix = std::string(image::kDockerHubDomain) + "/";
    if (normalized.rfind(hub_prefix, 0) == 0) {
      std::string_view hub_path = std::string_view(normalized).substr(hub_prefix.size());
      if (hub_path.find('/') == std::string_view::npos) {
        entry.prefixes.push_back(hub_prefix + "library/" + std::string(hub_path));
      }
    }
    entry.normalized = std::move(normalized);
    exclusion.entries_.push_back(std::move(entry));
  }
  return exclusion;
}

std::optional<std::string> RegistryExclusion::match(const image::Reference& ref) const {
  if (entries_.empty()) {
    return std::nullopt;
  }
  std::string text = normalizeHost(ref.registry) + "/" + ref.repository;
  if (!ref.tag.empty()) {
    text += ":" + ref.tag;
  }
  if (!ref.digest.empty()) {
    text += "@" + ref.digest;
  }
  for (const Entry& entry : entries_) {
    for (const std::string& prefix : entry.prefixes) {
      if (hasBoundaryPrefix(text, prefix, entry.has_path)) {
        return entry.normalized;
      }
    }
  }
  return std::nullopt;
}

std::vector<std::string> RegistryExclusion::entries() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const Entry& entry : entries_) {
    out.push_back(entry.normalized);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace copycat::policy
