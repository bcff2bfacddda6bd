// Base64 with the standard alphabet (RFC 4648 §4), for Basic credentials (RFC 7617) and the
// "auth" field of Docker's config.json. Pure and thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace copycat::registry::auth {

// Encodes with '=' padding.
std::string base64Encode(std::string_view data);

// Decodes the standard alphabet; padding may be present or omitted (Docker writes it, some
// tools strip it). nullopt for any other character, misplaced padding or an impossible length.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace copycat::registry::auth
