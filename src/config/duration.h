// Go duration strings ("300ms", "1h30m", "1.5h"), parsed and printed exactly as Go's
// time.ParseDuration and time.Duration.String do, so pushInterval values and their error
// messages read the same as in k8s-copycat.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/result.h"

namespace copycat::config {

// Parses [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+ with units ns, us (µs, μs), ms, s, m, h; "0" alone
// needs no unit. Fractions are exact to the nanosecond. Errors (kInvalidArgument) carry Go's
// messages: `time: invalid duration "x"`, `time: missing unit in duration "1"`,
// `time: unknown unit "d" in duration "1d"`.
Result<std::chrono::nanoseconds> parseGoDuration(std::string_view text);

// Formats like Go's Duration.String: "1h30m0s", "1.5s", "300ms", "0s".
std::string formatGoDuration(std::chrono::nanoseconds duration);

}  // namespace copycat::config
