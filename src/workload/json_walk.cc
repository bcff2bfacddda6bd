#include "workload/json_walk.h"

#include <vector>

namespace copycat::workload::detail {
namespace {

using simdjson::ondemand::json_type;

std::string_view typeName(json_type type) {
  switch (type) {
    case json_type::array:
      return "array";
    case json_type::object:
      return "object";
    case json_type::number:
      return "number";
    case json_type::string:
      return "string";
    case json_type::boolean:
      return "boolean";
    case json_type::null:
      return "null";
  }
  return "unknown";
}

// A raw number/boolean token runs to the next structural character, so it may carry the
// whitespace that followed it in the document.
std::string_view trimTrailingSpace(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                            token.back() == '\r')) {
    token.remove_suffix(1);
  }
  return token;
}

Status peekType(Value& value, const Path& path, json_type& type) {
  if (auto err = value.type().get(type)) {
    return fail(jsonError(path, err));
  }
  return ok();
}

}  // namespace

std::string Path::str() const {
  std::vector<const Path*> chain;
  for (const Path* p = this; p != nullptr; p = p->parent) {
    if (p->is_index || !p->key.empty()) {
      chain.push_back(p);
    }
  }
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const Path* p = *it;
    if (p->is_index) {
      out += "[" + std::to_string(p->index) + "]";
      continue;
    }
    if (!out.empty()) {
      out += '.';
    }
    out += p->key;
  }
  return out;
}

Error fieldError(const Path& path, std::string_view reason) {
  std::string where = path.str();
  if (where.empty()) {
    return Error(ErrorCode::kInvalidArgument, std::string(reason));
  }
  return Error(ErrorCode::kInvalidArgument, where + ": " + std::string(reason));
}

Error jsonError(const Path& path, simdjson::error_code code) {
  return fieldError(path, std::string("invalid json (") + simdjson::error_message(code) + ")");
}

Error typeError(const Path& path, std::string_view want, json_type got) {
  return fieldError(path, "expected " + std::string(want) + ", got " + std::string(typeName(got)));
}

Status readText(Value& value, const Path& path, std::string_view& out) {
  json_type type;
  RETURN_IF_ERROR(peekType(value, path, type));
  switch (type) {
    case json_type::string:
      if (auto err = value.get_string().get(out)) {
        return fail(jsonError(path, err));
      }
      return ok();
    case json_type::number:
    case json_type::boolean:
      out = trimTrailingSpace(value.raw_json_token());
      return ok();
    case json_type::null:
      out = {};
      return ok();
    case json_type::object:
    case json_type::array:
      break;
  }
  return fail(typeError(path, "a string", type));
}

Status assignText(Value& value, const Path& path, std::string& out) {
  std::string_view text;
  RETURN_IF_ERROR(readText(value, path, text));
  out.assign(text);
  return ok();
}

Status asObject(Value& value, const Path& path, Object& out) {
  json_type type;
  RETURN_IF_ERROR(peekType(value, path, type));
  if (type != json_type::object) {
    return fail(typeError(path, "an object", type));
  }
  if (auto err = value.get_object().get(out)) {
    return fail(jsonError(path, err));
  }
  return ok();
}

Status readInt(Value& value, const Path& path, int64_t& out) {
  json_type type;
  RETURN_IF_ERROR(peekType(value, path, type));
  if (type == json_type::null) {
    out = 0;
    return ok();
  }
  if (type != json_type::number) {
    return fail(typeError(path, "an integer", type));
  }
  if (auto err = value.get_int64().get(out)) {
    return fail(fieldError(
        path, std::string("expected an integer (") + simdjson::error_message(err) + ")"));
  }
  return ok();
}

Status readBool(Value& value, const Path& path, bool& out) {
  json_type type;
  RETURN_IF_ERROR(peekType(value, path, type));
  if (type == json_type::null) {
    out = false;
    return ok();
  }
  if (type != json_type::boolean) {
    return fail(typeError(path, "a boolean", type));
  }
  if (auto err = value.get_bool().get(out)) {
    return fail(jsonError(path, err));
  }
  return ok();
}

}  // namespace copycat::workload::detail
