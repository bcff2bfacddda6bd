// Base64 with the standard alphabet (RFC 4648 §4): Basic credentials (RFC 7617), Docker's
// config.json "auth", kubeconfig *-data fields, ECR authorization tokens. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace copycat {

// Encodes with '=' padding.
std::string base64Encode(std::string_view bytes);

struct Base64Options {
  // Skip '\r' and '\n' anywhere, as Go's encoding/base64 does (kubeconfig data is often
  // wrapped); otherwise they are illegal like any other character outside the alphabet.
  bool ignore_line_breaks = false;
};

// Decodes; '=' padding may be present (whole quads) or omitted (Docker writes it, some tools
// strip it). Non-zero leftover bits are tolerated, as Go's StdEncoding does. Errors:
// kInvalidArgument naming the offset of the first bad byte, or a bad length / padding.
Result<std::string> base64Decode(std::string_view text, Base64Options options = {});

}  // namespace copycat
