// The controller benchmark's cluster in FakeApiServer: workloads of the six watched kinds across
// namespaces, each referencing one of the benchmark images (and every fifth an init container
// with another one), like an ordinary cluster where many workloads run on few images.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/result.h"
#include "bench_images.h"
#include "support/fake_api_server.h"

namespace copycat::bench {

struct ClusterSpec {
  int workloads = 2000;
  int namespaces = 20;
};

// What loadCluster stored: objects per resource ("deployments" → 800) and image uses.
struct ClusterCensus {
  std::map<std::string, int> objects{};
  int image_uses = 0;  // containers and init containers
};

// Stores the namespaces and `spec.workloads` workloads. Workload i runs images[i % n]; its kind
// depends on i / n, so every image is used by workloads of several kinds in several
// namespaces. Errors: kInvalidArgument when the server refuses an object.
[[nodiscard]] Result<ClusterCensus> loadCluster(testing::FakeApiServer& api,
                                                const ClusterSpec& spec,
                                                const std::vector<BenchImage>& images);

// A Deployment running `image` (the latency phase creates these one at a time).
[[nodiscard]] std::string deploymentJson(const std::string& ns, const std::string& name,
                                         const std::string& image);
[[nodiscard]] std::string namespaceName(int index);

}  // namespace copycat::bench
