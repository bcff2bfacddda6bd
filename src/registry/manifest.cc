#include "registry/manifest.h"

#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "image/digest.h"
#include "image/media_types.h"

namespace copycat::registry {
namespace {

using nlohmann::json;

Error invalid(std::string message) {
  return Error{ErrorCode::kInvalidArgument, std::move(message)};
}

// Bounds what an error message repeats from untrusted input.
std::string quoteForError(std::string_view s) {
  constexpr size_t kMaxQuoted = 80;
  std::string out = json(std::string(s.substr(0, kMaxQuoted)))
                        .dump(-1, ' ', false, json::error_handler_t::replace);
  if (s.size() > kMaxQuoted) {
    out += "...";
  }
  return out;
}

// The member `key`, or nullptr when it is absent or null (Go decoders read null as absent).
const json* member(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

std::string joinPath(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

Result<std::string> readString(const json& obj, std::string_view key, std::string_view path,
                               bool required) {
  const json* v = member(obj, key);
  if (v == nullptr) {
    if (required) {
      return fail(invalid(fmt::format("{}: required", joinPath(path, key))));
    }
    return std::string();
  }
  if (!v->is_string()) {
    return fail(invalid(fmt::format("{}: must be a string", joinPath(path, key))));
  }
  return v->get_ref<const std::string&>();
}

Result<std::vector<std::string>> readStrings(const json& obj, std::string_view key,
                                             std::string_view path) {
  std::vector<std::string> out;
  const json* v = member(obj, key);
  if (v == nullptr) {
    return out;
  }
  if (!v->is_array()) {
    return fail(invalid(fmt::format("{}: must be an array of strings", joinPath(path, key))));
  }
  for (const json& item : *v) {
    if (!item.is_string()) {
      return fail(invalid(fmt::format("{}: must be an array of strings", joinPath(path, key))));
    }
    out.push_back(item.get_ref<const std::string&>());
  }
  return out;
}

Result<std::map<std::string, std::string>> readAnnotations(const json& obj, std::string_view path) {
  std::map<std::string, std::string> out;
  const json* v = member(obj, "annotations");
  if (v == nullptr) {
    return out;
  }
  if (!v->is_object()) {
    return fail(invalid(fmt::format("{}: must be an object", joinPath(path, "annotations"))));
  }
  for (const auto& [key, value] : v->items()) {
    if (!value.is_string()) {
      return fail(
          invalid(fmt::format("{}: values must be strings", joinPath(path, "annotations"))));
    }
    out.emplace(key, value.get_ref<const std::string&>());
  }
  return out;
}

Result<int64_t> readSize(const json& obj, std::string_view path) {
  const json* v = member(obj, "size");
  std::string where = joinPath(path, "size");
  if (v == nullptr) {
    return fail(invalid(fmt::format("{}: required", where)));
  }
  if (v->is_number_unsigned()) {
    auto u = v->get<uint64_t>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return static_cast<int64_t>(u);
    }
  } else if (v->is_number_integer() && v->get<int64_t>() >= 0) {
    return v->get<int64_t>();
  }
  return fail(invalid(fmt::format("{}: must be a non-negative integer", where)));
}

Result<DescriptorPlatform> readPlatform(const json& v, std::string_view path) {
  if (!v.is_object()) {
    return fail(invalid(fmt::format("{}: must be an object", path)));
  }
  DescriptorPlatform p;
  ASSIGN_OR_RETURN(p.platform.os, readString(v, "os", path, true));
  ASSIGN_OR_RETURN(p.platform.architecture, readString(v, "architecture", path, true));
  ASSIGN_OR_RETURN(p.platform.variant, readString(v, "variant", path, false));
  ASSIGN_OR_RETURN(p.os_version, readString(v, "os.version", path, false));
  ASSIGN_OR_RETURN(p.os_features, readStrings(v, "os.features", path));
  ASSIGN_OR_RETURN(p.features, readStrings(v, "features", path));
  return p;
}

Result<Descriptor> readDescriptor(const json& v, std::string_view path) {
  if (!v.is_object()) {
    return fail(invalid(fmt::format("{}: must be an object", path)));
  }
  Descriptor d;
  ASSIGN_OR_RETURN(d.media_type, readString(v, "mediaType", path, true));
  if (d.media_type.empty()) {
    return fail(invalid(fmt::format("{}.mediaType: empty", path)));
  }
  ASSIGN_OR_RETURN(d.digest, readString(v, "digest", path, true));
  if (auto digest = image::Digest::parse(d.digest); !digest) {
    return fail(invalid(
        fmt::format("{}.digest: {} ({})", path, digest.error().message, quoteForError(d.digest))));
  }
  ASSIGN_OR_RETURN(d.size, readSize(v, path));
  ASSIGN_OR_RETURN(d.urls, readStrings(v, "urls", path));
  ASSIGN_OR_RETURN(d.annotations, readAnnotations(v, path));
  ASSIGN_OR_RETURN(d.artifact_type, readString(v, "artifactType", path, false));
  if (const json* p = member(v, "platform")) {
    ASSIGN_OR_RETURN(d.platform, readPlatform(*p, joinPath(path, "platform")));
  }
  return d;
}

Result<std::vector<Descriptor>> readDescriptors(const json& obj, std::string_view key,
                                                bool required) {
  std::vector<Descriptor> out;
  const json* v = member(obj, key);
  if (v == nullptr) {
    if (required) {
      return fail(invalid(fmt::format("{}: required", key)));
    }
    return out;
  }
  if (!v->is_array()) {
    return fail(invalid(fmt::format("{}: must be an array", key)));
  }
  out.reserve(v->size());
  for (size_t i = 0; i < v->size(); ++i) {
    ASSIGN_OR_RETURN(Descriptor d, readDescriptor((*v)[i], fmt::format("{}[{}]", key, i)));
    out.push_back(std::move(d));
  }
  return out;
}

Result<std::optional<Descriptor>> readSubject(const json& obj) {
  const json* v = member(obj, "subject");
  if (v == nullptr) {
    return std::optional<Descriptor>();
  }
  ASSIGN_OR_RETURN(Descriptor d, readDescriptor(*v, "subject"));
  return std::optional<Descriptor>(std::move(d));
}

Result<ImageManifest> readImageManifest(const json& doc, std::string media_type) {
  ImageManifest m;
  m.media_type = std::move(media_type);
  const json* config = member(doc, "config");
  if (config == nullptr) {
    return fail(invalid("config: required"));
  }
  ASSIGN_OR_RETURN(m.config, readDescriptor(*config, "config"));
  ASSIGN_OR_RETURN(m.layers, readDescriptors(doc, "layers", false));
  ASSIGN_OR_RETURN(m.subject, readSubject(doc));
  ASSIGN_OR_RETURN(m.annotations, readAnnotations(doc, ""));
  ASSIGN_OR_RETURN(m.artifact_type, readString(doc, "artifactType", "", false));
  return m;
}

Result<ImageIndex> readImageIndex(const json& doc, std::string media_type) {
  ImageIndex index;
  index.media_type = std::move(media_type);
  ASSIGN_OR_RETURN(index.manifests, readDescriptors(doc, "manifests", true));
  ASSIGN_OR_RETURN(index.subject, readSubject(doc));
  ASSIGN_OR_RETURN(index.annotations, readAnnotations(doc, ""));
  ASSIGN_OR_RETURN(index.artifact_type, readString(doc, "artifactType", "", false));
  return index;
}

// Media types compare case-insensitively without parameters (RFC 9110 §8.3.1).
std::optional<ManifestKind> kindOf(std::string_view media_type) {
  using namespace image::media_types;
  std::string bare = strings::toLower(strings::trim(media_type.substr(0, media_type.find(';'))));
  if (bare == kDockerManifestSchema2) {
    return ManifestKind::kDockerManifest;
  }
  if (bare == kDockerManifestList) {
    return ManifestKind::kDockerManifestList;
  }
  if (bare == kOciManifest) {
    return ManifestKind::kOciManifest;
  }
  if (bare == kOciIndex) {
    return ManifestKind::kOciIndex;
  }
  return std::nullopt;
}

bool isIndexKind(ManifestKind kind) {
  return kind == ManifestKind::kDockerManifestList || kind == ManifestKind::kOciIndex;
}

// "Application/JSON; charset=utf-8" -> "application/json" (RFC 9110 §8.3.1).
std::string normalizeContentType(std::string_view content_type) {
  return strings::toLower(strings::trim(content_type.substr(0, content_type.find(';'))));
}

struct KindChoice {
  ManifestKind kind;
  std::string media_type;
};

// Without a body mediaType: trust Content-Type when it agrees with the shape, else the shape.
Result<KindChoice> inferKind(const json& doc, std::string_view content_type) {
  bool has_manifests = doc.contains("manifests");
  bool has_image = doc.contains("config") || doc.contains("layers");
  std::optional<ManifestKind> ct_kind = kindOf(content_type);
  if (ct_kind && (isIndexKind(*ct_kind) ? !has_image : !has_manifests)) {
    return KindChoice{*ct_kind, std::string(content_type)};
  }
  if (has_manifests && !has_image) {
    return KindChoice{ManifestKind::kOciIndex, std::string(image::media_types::kOciIndex)};
  }
  if (has_image && !has_manifests) {
    return KindChoice{ManifestKind::kOciManifest, std::string(image::media_types::kOciManifest)};
  }
  return fail(invalid(
      "cannot tell the manifest kind: no mediaType, and not exactly one of \"manifests\" or "
      "\"config\"/\"layers\""));
}

Status checkSchemaVersion(const json& doc, std::string_view body_type, std::string_view ct) {
  const json* v = member(doc, "schemaVersion");
  bool v1 = v != nullptr && v->is_number_integer() && v->get<int64_t>() == 1;
  if (v1 || image::media_types::isSchema1MediaType(body_type) ||
      (body_type.empty() && image::media_types::isSchema1MediaType(ct))) {
    std::string_view what = !body_type.empty() ? body_type : (v1 ? "schemaVersion 1" : ct);
    return fail(invalid(fmt::format(
        "schema 1 manifests are not supported: {} (re-push the image with a current client to "
        "get a schema 2 or OCI manifest)",
        what)));
  }
  if (v == nullptr) {
    return fail(invalid("schemaVersion: required"));
  }
  if (!v->is_number_integer() || v->get<int64_t>() != 2) {
    return fail(invalid(fmt::format("schemaVersion: unsupported value {} (want 2)",
                                    v->dump(-1, ' ', false, json::error_handler_t::replace))));
  }
  return ok();
}

Result<json> parseJsonObject(std::string_view bytes) {
  if (bytes.size() > kMaxManifestBytes) {
    return fail(invalid(fmt::format("manifest is {} bytes, more than the {}-byte limit",
                                    bytes.size(), kMaxManifestBytes)));
  }
  json doc;
  try {
    doc = json::parse(bytes.begin(), bytes.end(), nullptr, false);
  } catch (const std::exception& e) {
    return fail(invalid(fmt::format("manifest is not valid JSON: {}", e.what())));
  }
  if (doc.is_discarded()) {
    return fail(invalid("manifest is not valid JSON"));
  }
  if (!doc.is_object()) {
    return fail(invalid("manifest is not a JSON object"));
  }
  return doc;
}

Result<ParsedManifest> parseDocument(const json& doc, std::string_view content_type) {
  std::string ct = normalizeContentType(content_type);
  ASSIGN_OR_RETURN(std::string body_type, readString(doc, "mediaType", "", false));
  RETURN_IF_ERROR(checkSchemaVersion(doc, body_type, ct));
  KindChoice choice;
  if (!body_type.empty()) {
    std::optional<ManifestKind> kind = kindOf(body_type);
    if (!kind) {
      return fail(
          invalid(fmt::format("unsupported manifest media type {}", quoteForError(body_type))));
    }
    choice = KindChoice{*kind, body_type};
  } else {
    ASSIGN_OR_RETURN(choice, inferKind(doc, ct));
  }
  ParsedManifest out;
  out.kind = choice.kind;
  out.media_type = choice.media_type;
  if (isIndexKind(choice.kind)) {
    ASSIGN_OR_RETURN(out.body, readImageIndex(doc, std::move(choice.media_type)));
  } else {
    ASSIGN_OR_RETURN(out.body, readImageManifest(doc, std::move(choice.media_type)));
  }
  return out;
}

}  // namespace

std::string_view manifestKindName(ManifestKind kind) {
  switch (kind) {
    case ManifestKind::kDockerManifest:
      return "docker-manifest";
    case ManifestKind::kDockerManifestList:
      return "docker-manifest-list";
    case ManifestKind::kOciManifest:
      return "oci-manifest";
    case ManifestKind::kOciIndex:
      return "oci-index";
  }
  return "unknown";
}

Result<ParsedManifest> parseManifest(std::string_view bytes, std::string_view content_type) {
  ASSIGN_OR_RETURN(json doc, parseJsonObject(bytes));
  return parseDocument(doc, content_type);
}

Status verifyManifestDigest(std::string_view bytes, std::string_view expected_digest) {
  ASSIGN_OR_RETURN(image::Digest expected, image::Digest::parse(expected_digest));
  Status verified = expected.verify(bytes);
  if (!verified && expected.algorithm() == image::kSha256) {
    return fail(ErrorCode::kDigestMismatch,
                fmt::format("manifest digest mismatch: expected {}, got {}", expected.str(),
                            image::Digest::ofSha256(bytes).str()));
  }
  return verified;
}

bool isAttestationManifest(const Descriptor& descriptor) {
  auto it = descriptor.annotations.find(std::string(kDockerReferenceType));
  return it != descriptor.annotations.end() && it->second == kAttestationManifest;
}

bool isRunnable(const Descriptor& descriptor) {
  std::optional<ManifestKind> kind = kindOf(descriptor.media_type);
  if (kind != ManifestKind::kDockerManifest && kind != ManifestKind::kOciManifest) {
    return false;
  }
  if (!descriptor.artifact_type.empty()) {
    return false;
  }
  if (descriptor.annotations.count(std::string(kDockerReferenceType)) != 0) {
    return false;
  }
  if (descriptor.platform) {
    const image::Platform& p = descriptor.platform->platform;
    if (p.os == "unknown" || p.architecture == "unknown") {
      return false;
    }
  }
  return true;
}

}  // namespace copycat::registry
