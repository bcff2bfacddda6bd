// Parser for the INI dialect of the AWS shared config and credentials files (AWS SDKs and Tools
// Reference Guide, "Location of the shared config and credentials files" / "format").
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace copycat::aws {

// One "[name]" section. Repeated sections are returned separately, in file order.
struct IniSection {
  std::string name;  // the text between the brackets, trimmed ("profile dev", "default")
  int line = 0;      // 1-based line of the header
  // Keys are lower-cased. A property with an empty value followed by indented "key = value"
  // lines (a sub-section, as in "s3 =\n  max_concurrent_requests = 10") yields "s3" = "" and
  // "s3.max_concurrent_requests" = "10".
  std::map<std::string, std::string, std::less<>> properties;
};

// Parses `text`. Accepted: "#" and ";" comment lines; inline comments that start with whitespace
// followed by "#" or ";"; blank lines; spaces around "=" and inside brackets; CRLF line ends;
// indented lines that continue the previous value ("\n"-joined) or form a sub-section. Fails with
// kInvalidArgument "<source>:<line>: ..." for a property outside a section, a line without "=",
// an empty key or an unterminated section header.
[[nodiscard]] Result<std::vector<IniSection>> parseIni(std::string_view text,
                                                       std::string_view source);

}  // namespace copycat::aws
