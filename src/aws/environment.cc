#include "aws/environment.h"

#include <cstdlib>

namespace copycat::aws {

EnvLookup processEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') {
      return std::nullopt;
    }
    return std::string(value);
  };
}

EnvLookup mapEnvironment(std::map<std::string, std::string, std::less<>> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end() || it->second.empty()) {
      return std::nullopt;
    }
    return it->second;
  };
}

std::optional<std::string> firstSet(const EnvLookup& env,
                                    std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (auto value = env(name)) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace copycat::aws
