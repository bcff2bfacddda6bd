// Environment-variable lookup, injectable so tests never touch the process environment.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace copycat::aws {

// Returns the value of an environment variable, or nullopt when it is unset or empty (the AWS
// SDKs treat an empty variable as unset). Implementations must be thread-safe.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the process environment (getenv).
EnvLookup processEnvironment();

// Reads a fixed map (tests, or a snapshot taken at startup). Empty values count as unset.
EnvLookup mapEnvironment(std::map<std::string, std::string, std::less<>> values);

// Returns the first of `names` that is set, or nullopt.
std::optional<std::string> firstSet(const EnvLookup& env,
                                    std::initializer_list<std::string_view> names);

}  // namespace copycat::aws
