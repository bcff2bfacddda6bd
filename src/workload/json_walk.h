// Internal helpers for walking simdjson On-Demand values without allocating: a stack-built field
// path (formatted only when an error is reported), field/element iteration with error checks, and
// scalar reads. Not part of the module's public API.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <simdjson.h>

#include "base/result.h"

namespace copycat::workload::detail {

using Value = simdjson::ondemand::value;
using Object = simdjson::ondemand::object;
using Array = simdjson::ondemand::array;

// One segment of the path to the value being read, linked to its parent on the caller's stack.
// `key` is a field name; an empty key with `is_index` names an array element.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;
  size_t index = 0;
  bool is_index = false;

  // "spec.containers[1].image"; "" for the root.
  [[nodiscard]] std::string str() const;
};

// kInvalidArgument "path: reason" (just "reason" at the root).
Error fieldError(const Path& path, std::string_view reason);
// kInvalidArgument for a simdjson error at `path`: "path: invalid json (TAPE_ERROR: ...)".
Error jsonError(const Path& path, simdjson::error_code code);
// kInvalidArgument "path: expected <want>, got <actual type>".
Error typeError(const Path& path, std::string_view want, simdjson::ondemand::json_type got);

// Reads a scalar as text. Strings are unescaped (the view lives in the parser's string buffer
// until the next document is parsed); numbers and booleans keep their JSON spelling, because a
// YAML manifest may write `image: 3`; null yields "". Objects and arrays are errors.
Status readText(Value& value, const Path& path, std::string_view& out);
Status assignText(Value& value, const Path& path, std::string& out);
// Reads an integer; null yields 0.
Status readInt(Value& value, const Path& path, int64_t& out);
// Reads a boolean; null yields false.
Status readBool(Value& value, const Path& path, bool& out);

// Calls fn(key, value, child_path) for every field of `object`, in document order. Fields fn
// does not read are skipped by simdjson without copying. Stops at the first error.
template <class Fn>
Status forEachField(Object& object, const Path& path, Fn&& fn) {
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    if (auto err = std::move(field_result).get(field)) {
      return fail(jsonError(path, err));
    }
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) {
      return fail(jsonError(path, err));
    }
    Path child{&path, key};
    RETURN_IF_ERROR(fn(key, field.value(), child));
  }
  return ok();
}

// Gets `value` as an object; any other type, null included, is an error.
Status asObject(Value& value, const Path& path, Object& out);

// Calls fn(object, path) when `value` is an object; null is treated as absent; any other type
// is an error.
template <class Fn>
Status withObject(Value& value, const Path& path, Fn&& fn) {
  simdjson::ondemand::json_type type;
  if (auto err = value.type().get(type)) {
    return fail(jsonError(path, err));
  }
  if (type == simdjson::ondemand::json_type::null) {
    return ok();
  }
  if (type != simdjson::ondemand::json_type::object) {
    return fail(typeError(path, "an object", type));
  }
  Object object;
  if (auto err = value.get_object().get(object)) {
    return fail(jsonError(path, err));
  }
  return fn(object, path);
}

// Calls fn(object, element_path) for every object element of the array `value`. A null array or
// null element is treated as absent; other types are errors.
template <class Fn>
Status forEachObjectElement(Value& value, const Path& path, Fn&& fn) {
  simdjson::ondemand::json_type type;
  if (auto err = value.type().get(type)) {
    return fail(jsonError(path, err));
  }
  if (type == simdjson::ondemand::json_type::null) {
    return ok();
  }
  if (type != simdjson::ondemand::json_type::array) {
    return fail(typeError(path, "an array", type));
  }
  Array array;
  if (auto err = value.get_array().get(array)) {
    return fail(jsonError(path, err));
  }
  size_t index = 0;
  for (auto element_result : array) {
    Value element;
    Path element_path{&path, {}, index++, true};
    if (auto err = std::move(element_result).get(element)) {
      return fail(jsonError(element_path, err));
    }
    RETURN_IF_ERROR(withObject(element, element_path, fn));
  }
  return ok();
}

}  // namespace copycat::workload::detail
