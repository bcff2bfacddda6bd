// Reference patterns the policy tests check generated names against, copied verbatim from
// their sources so the checks do not share code with the implementation.
#pragma once

#include <string_view>

namespace copycat::policy {

// AWS ECR API model (botocore data/ecr/2015-09-21/service-2.json, shape "RepositoryName",
// Apache-2.0): "pattern", with "min": 2 and "max": 256.
inline constexpr std::string_view kEcrRepositoryNamePattern =
    R"([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*)";
inline constexpr size_t kEcrRepositoryNameMin = 2;
inline constexpr size_t kEcrRepositoryNameMax = 256;

// CNCF distribution reference/regexp.go: pathComponent ('/' pathComponent)*, where
// pathComponent = alphanumeric (separator alphanumeric)*, separator = [_.]|__|[-]+.
inline constexpr std::string_view kDistributionPathPattern =
    R"([a-z0-9]+(?:(?:[_.]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[_.]|__|[-]+)[a-z0-9]+)*)*)";

}  // namespace copycat::policy
