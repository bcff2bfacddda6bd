// filterIndex (declared in manifest.h): a platform-filtered copy of an index whose kept child
// descriptors are the original bytes, so their digests, sizes, annotations and unknown fields
// survive exactly.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "image/digest.h"
#include "registry/manifest.h"

namespace copycat::registry {
namespace {

using nlohmann::json;

bool isJsonBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Byte spans of the elements of the top-level "manifests" array, in JSON text that nlohmann
// already accepted (so the syntax is known to be valid). Iterative: no recursion on depth.
// Not thread-safe; one per scan.
class ChildSpanScanner {
 public:
  explicit ChildSpanScanner(std::string_view s) : s_(s) {}

  Result<std::vector<std::string_view>> scan();

 private:
  void skipBlanks() {
    while (p_ < s_.size() && isJsonBlank(s_[p_])) {
      ++p_;
    }
  }
  void skipString() {
    for (++p_; p_ < s_.size() && s_[p_] != '"'; ++p_) {
      if (s_[p_] == '\\') {
        ++p_;
      }
    }
    ++p_;
  }
  void skipValue();
  std::vector<std::string_view> elements(std::string_view array) const;

  std::string_view s_;
  size_t p_ = 0;
};

void ChildSpanScanner::skipValue() {
  int depth = 0;
  while (p_ < s_.size()) {
    char c = s_[p_];
    if (c == '"') {
      skipString();
      if (depth == 0) {
        return;
      }
    } else if (c == '{' || c == '[') {
      ++depth;
      ++p_;
    } else if (c == '}' || c == ']') {
      if (depth == 0) {
        return;  // the end of the enclosing container
      }
      --depth;
      ++p_;
      if (depth == 0) {
        return;
      }
    } else if (depth == 0 && (c == ',' || isJsonBlank(c))) {
      return;
    } else {
      ++p_;
    }
  }
}

std::string decodeKey(std::string_view raw) {
  if (raw.size() < 2) {
    return {};
  }
  if (raw.find('\\') == std::string_view::npos) {
    return std::string(raw.substr(1, raw.size() - 2));
  }
  json key = json::parse(raw.begin(), raw.end(), nullptr, false);
  return key.is_string() ? key.get<std::string>() : std::string();
}

Result<std::vector<std::string_view>> ChildSpanScanner::scan() {
  if (s_.substr(0, 3) == "\xEF\xBB\xBF") {
    p_ = 3;  // nlohmann skips a UTF-8 BOM too
  }
  skipBlanks();
  if (p_ >= s_.size() || s_[p_] != '{') {
    return fail(ErrorCode::kInternal, "index scan: no object");
  }
  ++p_;
  std::string_view manifests;
  while (true) {
    skipBlanks();
    if (p_ >= s_.size() || s_[p_] != '"') {
      break;
    }
    size_t key_start = p_;
    skipString();
    std::string key = decodeKey(s_.substr(key_start, p_ - key_start));
    skipBlanks();
    ++p_;  // ':'
    skipBlanks();
    size_t value_start = p_;
    skipValue();
    // On duplicate keys nlohmann keeps the last value; so does this scan.
    if (key == "manifests") {
      manifests = s_.substr(value_start, p_ - value_start);
    }
    skipBlanks();
    if (p_ < s_.size() && s_[p_] == ',') {
      ++p_;
    }
  }
  if (manifests.empty() || manifests.front() != '[') {
    return fail(ErrorCode::kInternal, "index scan: manifests is not an array");
  }
  return elements(manifests);
}

std::vector<std::string_view> ChildSpanScanner::elements(std::string_view array) const {
  std::vector<std::string_view> out;
  ChildSpanScanner inner(array);
  inner.p_ = 1;
  while (true) {
    inner.skipBlanks();
    if (inner.p_ >= array.size() || array[inner.p_] == ']') {
      break;
    }
    size_t start = inner.p_;
    inner.skipValue();
    out.push_back(array.substr(start, inner.p_ - start));
    inner.skipBlanks();
    if (inner.p_ < array.size() && array[inner.p_] == ',') {
      ++inner.p_;
    }
  }
  return out;
}

bool matchesAny(const Descriptor& d, const std::vector<image::Platform>& platforms) {
  if (platforms.empty()) {
    return true;
  }
  if (!d.platform) {
    return false;
  }
  for (const image::Platform& wanted : platforms) {
    if (image::platformMatches(wanted, d.platform->platform)) {
      return true;
    }
  }
  return false;
}

std::string platformList(const std::vector<image::Platform>& platforms) {
  std::vector<std::string> names;
  for (const image::Platform& p : platforms) {
    names.push_back(p.str());
  }
  return names.empty() ? "any platform" : strings::join(names, ", ");
}

std::string dumpCompact(const json& v) {
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

// {"schemaVersion":..,"mediaType":..,"manifests":[..],"annotations":{..}}, compact.
std::string serializeIndex(const json& doc, const std::vector<std::string_view>& children) {
  std::string out = "{\"schemaVersion\":" + dumpCompact(doc.at("schemaVersion"));
  auto media_type = doc.find("mediaType");
  if (media_type != doc.end() && media_type->is_string()) {
    out += ",\"mediaType\":" + dumpCompact(*media_type);
  }
  out += ",\"manifests\":[";
  for (size_t i = 0; i < children.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += children[i];
  }
  out += ']';
  auto annotations = doc.find("annotations");
  if (annotations != doc.end() && annotations->is_object()) {
    out += ",\"annotations\":" + dumpCompact(*annotations);
  }
  out += '}';
  return out;
}

}  // namespace

Result<FilteredIndex> filterIndex(std::string_view index_bytes,
                                  const std::vector<image::Platform>& platforms,
                                  std::string_view content_type) {
  ASSIGN_OR_RETURN(ParsedManifest parsed, parseManifest(index_bytes, content_type));
  if (!parsed.isIndex()) {
    return fail(ErrorCode::kInvalidArgument, fmt::format("not an index: {}", parsed.media_type));
  }
  // parseManifest accepted these bytes, so this parse succeeds; checked anyway.
  json doc;
  try {
    doc = json::parse(index_bytes.begin(), index_bytes.end(), nullptr, false);
  } catch (const std::exception&) {
    doc = json();
  }
  if (!doc.is_object()) {
    return fail(ErrorCode::kInternal, "index scan: reparse failed");
  }
  const std::vector<Descriptor>& children = parsed.index().manifests;
  ASSIGN_OR_RETURN(std::vector<std::string_view> spans, ChildSpanScanner(index_bytes).scan());
  if (spans.size() != children.size()) {
    return fail(ErrorCode::kInternal, "index scan: child count differs from the parsed index");
  }
  FilteredIndex out;
  std::vector<std::string_view> kept;
  for (size_t i = 0; i < children.size(); ++i) {
    if (isRunnable(children[i]) && matchesAny(children[i], platforms)) {
      kept.push_back(spans[i]);
      out.manifests.push_back(children[i]);
    }
  }
  if (kept.empty()) {
    return fail(ErrorCode::kNotFound, fmt::format("no runnable manifest in the index matches {}",
                                                  platformList(platforms)));
  }
  out.bytes = serializeIndex(doc, kept);
  out.media_type = parsed.media_type;
  out.digest = image::Digest::ofSha256(out.bytes).str();
  out.all_kept = kept.size() == children.size();
  return out;
}

}  // namespace copycat::registry
