#include "server/eviction_request.h"

#include <string>

#include <nlohmann/json.hpp>

#include "base/strings.h"

namespace copycat::server {
namespace {

struct EvictionFields {
  std::string target;
  std::string prefix;
  bool all = false;
};

Error decodeError(std::string_view detail) {
  return Error(ErrorCode::kInvalidArgument, "decode request body: " + std::string(detail));
}

// Go's name for a JSON value's kind, as its "cannot unmarshal X" errors use it.
std::string kindName(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return "string";
    case nlohmann::json::value_t::boolean:
      return "bool";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float:
      return "number";
    case nlohmann::json::value_t::array:
      return "array";
    case nlohmann::json::value_t::object:
      return "object";
    default:
      return "value";
  }
}

Error typeError(const nlohmann::json& value, std::string_view field, std::string_view type) {
  return decodeError("json: cannot unmarshal " + kindName(value) + " into field \"" +
                     std::string(field) + "\" of type " + std::string(type));
}

// Go's encoding/json matches keys case-insensitively; null leaves a field unchanged.
Status decodeField(const std::string& key, const nlohmann::json& value, EvictionFields* out) {
  std::string name = strings::toLower(key);
  if (name != "target" && name != "prefix" && name != "all") {
    return tl::unexpected(decodeError("json: unknown field \"" + key + "\""));
  }
  if (value.is_null()) {
    return ok();
  }
  if (name == "all") {
    if (!value.is_boolean()) {
      return tl::unexpected(typeError(value, key, "bool"));
    }
    out->all = value.get<bool>();
    return ok();
  }
  if (!value.is_string()) {
    return tl::unexpected(typeError(value, key, "string"));
  }
  (name == "target" ? out->target : out->prefix) = value.get<std::string>();
  return ok();
}

Status decodeBody(std::string_view body, EvictionFields* out) {
  if (strings::trim(body).empty()) {
    return ok();  // Go: an empty body decodes to io.EOF, which upstream ignores
  }
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return tl::unexpected(decodeError("invalid JSON"));
  }
  if (json.is_null()) {
    return ok();
  }
  if (!json.is_object()) {
    return tl::unexpected(
        decodeError("json: cannot unmarshal " + kindName(json) + " into an eviction request"));
  }
  for (const auto& [key, value] : json.items()) {
    RETURN_IF_ERROR(decodeField(key, value, out));
  }
  return ok();
}

void applyQuery(const HttpRequest& request, EvictionFields* out) {
  auto nonEmpty = [&](std::string_view key) -> std::string {
    auto value = request.queryValue(key);
    return value ? std::string(strings::trim(*value)) : std::string();
  };
  if (auto target = nonEmpty("target"); !target.empty()) {
    out->target = target;
  }
  if (auto prefix = nonEmpty("prefix"); !prefix.empty()) {
    out->prefix = prefix;
  }
  if (auto all = nonEmpty("all"); !all.empty()) {
    out->all = parseQueryBool(all);
  }
}

}  // namespace

bool parseQueryBool(std::string_view value) {
  std::string lower = strings::toLower(strings::trim(value));
  return lower == "1" || lower == "true" || lower == "yes" || lower == "y" || lower == "on";
}

Result<EvictSelector> parseEvictionRequest(const HttpRequest& request) {
  EvictionFields fields;
  RETURN_IF_ERROR(decodeBody(request.body, &fields));
  applyQuery(request, &fields);
  fields.target = std::string(strings::trim(fields.target));
  fields.prefix = std::string(strings::trim(fields.prefix));
  if (!fields.target.empty() && !fields.prefix.empty()) {
    return fail(ErrorCode::kInvalidArgument, "specify either target or prefix, not both");
  }
  // Upstream checks target, then prefix, then all; no selector at all evicts everything.
  if (!fields.target.empty()) {
    return EvictSelector{EvictSelector::Kind::kTarget, fields.target};
  }
  if (!fields.prefix.empty()) {
    return EvictSelector{EvictSelector::Kind::kPrefix, fields.prefix};
  }
  return EvictSelector{EvictSelector::Kind::kAll, ""};
}

}  // namespace copycat::server
