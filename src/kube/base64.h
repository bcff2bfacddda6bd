// Standard base64 (RFC 4648 §4) as used by kubeconfig *-data fields and ExecCredential.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace copycat::kube {

// Decodes standard base64 with optional '=' padding. Line breaks are ignored, as Go's
// encoding/base64 does. Errors: kInvalidArgument naming the offset of the first bad byte.
Result<std::string> base64Decode(std::string_view text);

// Encodes with padding.
std::string base64Encode(std::string_view bytes);

}  // namespace copycat::kube
