// Building blocks of FakeApiServer: the resource table, objects stored as serialized JSON with
// their metadata spliced in (never re-parsed when served), Status bodies and continue tokens.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

namespace copycat::testing::fakeapi {

// One served resource ("pods", "deployments", ...).
struct ResourceInfo {
  std::string_view name;     // plural lower case
  std::string_view group;    // "" for the core group
  std::string_view version;  // "v1"
  std::string_view kind;     // "Pod"
  bool namespaced = true;

  std::string apiVersion() const;  // "v1" or "apps/v1"
  std::string qualified() const;   // "pods" or "deployments.apps" (as in Status messages)
  std::string listKind() const { return std::string(kind) + "List"; }
};

// Returns nullptr for an unknown resource.
const ResourceInfo* findResource(std::string_view name);
const std::vector<ResourceInfo>& allResources();

// An API error as the API server reports it (a Status object).
struct ApiError {
  int code = 500;
  std::string reason;  // "NotFound", "Conflict", ...
  std::string message;
  nlohmann::json details;  // null when absent
  int retry_after_seconds = -1;
};

template <class T>
using ApiResult = tl::expected<T, ApiError>;

inline tl::unexpected<ApiError> apiError(int code, std::string reason, std::string message,
                                         nlohmann::json details = nullptr) {
  return tl::unexpected<ApiError>(
      ApiError{code, std::move(reason), std::move(message), std::move(details), -1});
}

// {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",...}, field order as the
// API server writes it.
std::string statusJson(const ApiError& error);

// An object as stored: its JSON text with metadata.resourceVersion (and uid, namespace,
// creationTimestamp when missing) spliced in at write time.
struct StoredObject {
  std::string ns;  // "" for cluster-scoped resources
  std::string name;
  std::string uid;
  std::string creation_timestamp;
  uint64_t rv = 0;
  std::string json;
  size_t rv_pos = 0;  // the resourceVersion digits are json.substr(rv_pos, rv_len)
  size_t rv_len = 0;
  bool has_kind = false;  // the text has a top-level "kind" (LIST items usually do not)
};
using ObjectPtr = std::shared_ptr<const StoredObject>;

// The metadata FakeApiStore needs from a request body, found without building a DOM.
struct ParsedObject {
  std::string text;
  std::string ns;
  std::string name;
  std::string generate_name;
  std::optional<std::string> resource_version;  // as sent by the client
  bool has_kind = false;
  bool has_uid = false;
  bool has_namespace = false;
  bool has_creation_timestamp = false;
  size_t meta_open = 0;  // offset of metadata's '{'
  size_t rv_begin = 0;   // span of the existing resourceVersion value token, when present
  size_t rv_end = 0;
};

// Validates `json` and locates its metadata. Errors: 400 BadRequest for invalid JSON or a body
// without a metadata object.
ApiResult<ParsedObject> parseObject(std::string_view json);

// The stored form of `parsed` with the given identity and resourceVersion. `name` and `ns`
// are written only when the body lacks them.
StoredObject makeStored(const ParsedObject& parsed, const std::string& ns, const std::string& name,
                        const std::string& uid, const std::string& creation_timestamp, uint64_t rv);

// A copy of `object` carrying another resourceVersion (a DELETED event's object).
ObjectPtr withResourceVersion(const StoredObject& object, uint64_t rv);

// The object as GET and watch events serve it: with kind/apiVersion when the text lacks them.
std::string wireJson(const StoredObject& object, const ResourceInfo& resource);

// Continue tokens, as the API server's: base64url(JSON {"v","rv","start"}) plus position and
// an epoch so tests can expire them. rv == -1 means "continue at the latest version".
struct ContinueToken {
  int64_t rv = 0;
  std::string start;  // first key to return
  uint64_t emitted = 0;
  uint64_t epoch = 0;
};
std::string encodeContinue(const ContinueToken& token);
std::optional<ContinueToken> decodeContinue(std::string_view text);

// "2024-05-01T10:00:00Z" for the current wall time.
std::string nowTimestamp();

}  // namespace copycat::testing::fakeapi
