// YAML manifests to JSON text, so files and the API server go through the same simdjson
// extractor. Used by manifest_reader; yaml-cpp stays behind this header. Pure functions,
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace copycat::workload {

// One document of a YAML stream: a view into the stream and the 1-based line it starts on.
struct YamlDocument {
  std::string_view text;
  size_t first_line = 1;
};

// Splits a YAML stream into documents at the markers "---" and "..." in column 0 (YAML 1.2
// §9.1.2: a marker at the start of a line can never be content, so no parsing is needed). A
// "---" always opens a document, even an empty one; text before the first marker, or after a
// "...", is a document only if it holds more than comments and directives. Splitting first lets
// a broken document be reported while the others are still read.
std::vector<YamlDocument> splitYamlDocuments(std::string_view stream);

// Converts one YAML document to compact JSON. An empty document gives "null".
// Scalars follow the YAML 1.2 core schema, with one difference that keeps text intact:
//  - quoted and block scalars, and !!str, are strings;
//  - plain null forms (~, null, Null, NULL, empty) are null; true/false/True/... are booleans
//    (not YAML 1.1 yes/no/on/off, which would turn a name "on" into true);
//  - a plain scalar that is a valid JSON number is emitted exactly as written, so an image tag
//    or version like 1.10 stays "1.10" and is never reprinted as 1.1;
//  - every other plain scalar (0x1F, .inf, 1_000, 007, +1, redis:6) is a string.
// Merge keys ("<<: *base") are applied; aliases are expanded. `first_line` shifts the line
// numbers in error messages to the document's place in its file.
// Errors (kInvalidArgument): YAML syntax ("line 7, column 3: illegal map value"), a mapping
// key that is not a scalar, nesting deeper than 256 levels, or aliases expanding the document
// to more than 4 nodes per input byte or 8 JSON bytes per input byte (alias bombs).
Result<std::string> yamlToJson(std::string_view document, size_t first_line = 1);

}  // namespace copycat::workload
