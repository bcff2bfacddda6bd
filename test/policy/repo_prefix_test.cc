#include "policy/repo_prefix.h"

#include <gtest/gtest.h>

namespace copycat::policy {
namespace {

struct ExpandCase {
  const char* name;
  const char* tmpl;
  PrefixValues values;
  const char* want;
};

TEST(RepoPrefixTest, ExpandsPlaceholdersAndDropsEmptySegments) {
  const ExpandCase cases[] = {
      // internal/mirror/pusher_test.go TestExpandRepoPrefixSkipsEmptySegments.
      {"all placeholders", "$namespace/$podname", {.namespace_name = "default"}, "default"},
      {"static path", "mirror", {.namespace_name = "irrelevant"}, "mirror"},
      {"trim spaces",
       "  $namespace / $container_name  ",
       {.namespace_name = "Team", .container_name = "App"},
       "Team/App"},
      {"arch omitted when empty", "$arch/$namespace", {.namespace_name = "default"}, "default"},
      {"arch applied",
       "$arch/$namespace",
       {.namespace_name = "default", .arch = "amd64"},
       "amd64/default"},
      // TestResolveRepoPathWithMetadata.
      {"every workload placeholder",
       "$namespace/$podname/$container_name",
       {.namespace_name = "team-a", .workload_name = "pod-1", .container_name = "app"},
       "team-a/pod-1/app"},
      {"empty template", "", {.namespace_name = "ns"}, ""},
      {"only missing values", "$arch/$podname//", {}, ""},
      {"placeholders inside a segment",
       "mirror-$namespace.$arch",
       {.namespace_name = "ns", .arch = "arm64"},
       "mirror-ns.arm64"},
      {"replaced literally like Go's strings.Replacer",
       "$namespace_x/$podnames",
       {.namespace_name = "ns", .workload_name = "web"},
       "ns_x/webs"},
      {"unknown placeholder kept", "$foo/$namespace", {.namespace_name = "ns"}, "$foo/ns"},
      {"registry",
       "$registry/$namespace",
       {.namespace_name = "ns", .registry = "ghcr.io"},
       "ghcr.io/ns"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(expandRepoPrefix(c.tmpl, c.values), c.want);
  }
}

TEST(RepoPrefixTest, RegistryPlaceholderIsNormalised) {
  struct Case {
    const char* registry;
    const char* want;
  };
  const Case cases[] = {
      {"docker.io", "docker.io"},
      {"index.docker.io", "docker.io"},
      {"registry-1.docker.io", "docker.io"},
      {"GHCR.io", "ghcr.io"},
      {"localhost:5000", "localhost-5000"},
      {"registry.example.com:443", "registry.example.com-443"},
      {"", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.registry);
    EXPECT_EQ(registryPlaceholderValue(c.registry), c.want);
    EXPECT_EQ(expandRepoPrefix("$registry", PrefixValues{.registry = c.registry}), c.want);
  }
}

TEST(RepoPrefixTest, ValidationAcceptsKnownPlaceholders) {
  for (const char* tmpl : {"", "mirror", "$namespace/$podname/$container_name", "$arch-$registry",
                           "$namespace_x", "a/b/c"}) {
    SCOPED_TRACE(tmpl);
    EXPECT_TRUE(validateRepoPrefix(tmpl).has_value());
  }
}

TEST(RepoPrefixTest, ValidationNamesUnknownPlaceholders) {
  struct Case {
    const char* tmpl;
    const char* placeholder;
  };
  const Case cases[] = {
      {"$nmespace/x", "\"$nmespace\""},
      {"mirror/$pod_name", "\"$pod_name\""},
      {"mirror$", "\"$\""},
      {"$$namespace", "\"$\""},
      {"${namespace}", "\"$\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.tmpl);
    auto status = validateRepoPrefix(c.tmpl);
    ASSERT_FALSE(status.has_value());
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(status.error().message.find(c.placeholder), std::string::npos)
        << status.error().message;
    EXPECT_NE(status.error().message.find("$container_name"), std::string::npos);
  }
}

}  // namespace
}  // namespace copycat::policy
