// Helpers for the config tests: a fake environment and one-call loading from YAML text.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "config/config_loader.h"

namespace copycat::config::testing {

using Env = std::map<std::string, std::string>;
using Flags = std::vector<std::pair<std::string, std::string>>;

// The minimum a valid ECR configuration needs.
inline constexpr char kMinimalEcr[] =
    "ecr:\n  accountID: \"123456789012\"\n  region: eu-central-1\n";

inline LoadOptions options(Env env = {}, Flags flags = {}) {
  LoadOptions opts;
  opts.path = "/test/config.yaml";
  opts.env = [env = std::move(env)](std::string_view name) -> std::optional<std::string> {
    auto it = env.find(std::string(name));
    if (it == env.end()) {
      return std::nullopt;
    }
    return it->second;
  };
  opts.flags = std::move(flags);
  return opts;
}

inline Result<LoadedConfig> load(const std::string& yaml, Env env = {}, Flags flags = {}) {
  return loadConfigFromString(yaml, options(std::move(env), std::move(flags)));
}

// Loads and expects success; fails the test with the problems otherwise.
inline LoadedConfig loadOk(const std::string& yaml, Env env = {}, Flags flags = {}) {
  auto result = load(yaml, std::move(env), std::move(flags));
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
  return result ? *result : LoadedConfig{};
}

// Loads and expects failure; returns the problems.
inline std::vector<std::string> loadProblems(const std::string& yaml, Env env = {},
                                             Flags flags = {}) {
  auto result = load(yaml, std::move(env), std::move(flags));
  EXPECT_FALSE(result.has_value()) << "expected the load to fail";
  return result ? std::vector<std::string>{} : configProblems(result.error());
}

}  // namespace copycat::config::testing
