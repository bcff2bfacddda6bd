// Fuzzes ECR registry host parsing (hosts come from image references in workloads).
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "aws/endpoints.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view host(reinterpret_cast<const char*>(data), size);
  auto registry = copycat::aws::parseEcrRegistryHost(host);
  if (!registry) {
    return 0;
  }
  if (registry->account_id.size() != 12 || registry->region.empty() ||
      registry->dns_suffix.empty()) {
    std::abort();
  }
  // A parsed registry in an amazonaws.com-style partition rebuilds to the same host.
  if (registry->dns_suffix == copycat::aws::partitionOf(registry->region).dns_suffix &&
      !registry->dualstack && registry->region.find('_') == std::string::npos) {
    auto rebuilt = copycat::aws::ecrRegistryHost(registry->account_id, registry->region,
                                                 registry->fips, false);
    std::string lower(host);
    for (auto& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (!rebuilt || (*rebuilt != lower && lower.find("dkr-ecr") == std::string::npos)) {
      std::abort();
    }
  }
  return 0;
}
