// Timestamps as AWS services send them: ISO 8601 / RFC 3339 strings (STS, IMDS and container
// credentials "Expiration") and epoch seconds with a fraction (ECR JSON "expiresAt").
// Pure functions: thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace copycat::aws {

// Parses "2019-11-09T13:34:41Z", "2019-11-09T13:34:41.123Z" and "2019-11-09T13:34:41+02:00"
// (the 'T' may be a space or lower case, 'Z' may be lower case). nullopt for anything else or an
// impossible date.
std::optional<std::chrono::system_clock::time_point> parseIso8601(std::string_view text);

// Converts epoch seconds (may carry a fraction: 1.700043200123E9) to a time point; nullopt for
// NaN, infinities and values outside years 1970..9999.
std::optional<std::chrono::system_clock::time_point> fromEpochSeconds(double seconds);

}  // namespace copycat::aws
