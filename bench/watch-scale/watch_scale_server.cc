// The API server side of the watch-scale benchmark: FakeApiServer loaded with a cluster of
// realistic objects, in its own process so the client's RSS is measured alone.
//
//   watch_scale_server --pods 10000 [--pods-per-deployment 5] [--namespaces 20] [--nodes 40]
//                      [--churn 200]
//
// Prints "READY <url> <bytes-of-pod-json>" on stdout once loaded, then serves until stdin
// closes. --churn N makes N status-only pod updates per second (restart counts), as kubelets
// do, so the client's watches carry traffic.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "bench_objects.h"
#include "support/fake_api_server.h"
#include "support/listen_backlog.h"

namespace {

using copycat::bench::ClusterShape;

int intFlag(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::stoi(argv[i + 1]);
  }
  return fallback;
}

bool load(copycat::testing::FakeApiServer& api, const ClusterShape& shape, size_t* pod_bytes) {
  namespace b = copycat::bench;
  const int deployments = (shape.pods + shape.pods_per_deployment - 1) / shape.pods_per_deployment;
  bool good = true;
  for (int n = 0; n < shape.namespaces; ++n) {
    good &=
        static_cast<bool>(api.upsert("namespaces", b::namespaceJson("ns-" + std::to_string(n))));
  }
  for (int n = 0; n < shape.nodes; ++n)
    good &= static_cast<bool>(api.upsert("nodes", b::nodeJson(n)));
  for (int d = 0; d < deployments; ++d) {
    good &= static_cast<bool>(api.upsert("deployments", b::deploymentJson(shape, d)));
    good &= static_cast<bool>(api.upsert("replicasets", b::replicaSetJson(shape, d)));
  }
  for (int p = 0; p < shape.pods; ++p) {
    std::string pod = b::podJson(shape, p, 0);
    *pod_bytes += pod.size();
    good &= static_cast<bool>(api.upsert("pods", pod));
  }
  return good;
}

}  // namespace

int main(int argc, char** argv) {
  ClusterShape shape;
  shape.pods = intFlag(argc, argv, "--pods", shape.pods);
  shape.pods_per_deployment =
      intFlag(argc, argv, "--pods-per-deployment", shape.pods_per_deployment);
  shape.namespaces = intFlag(argc, argv, "--namespaces", shape.namespaces);
  shape.nodes = intFlag(argc, argv, "--nodes", shape.nodes);
  const int churn = intFlag(argc, argv, "--churn", 0);

  copycat::testing::FakeApiServer::Options options;
  options.history_limit = 100000;
  options.threads = 64;  // every open watch and kept-alive connection holds one
  copycat::testing::FakeApiServer api(options);
  if (!api.start()) {
    std::cerr << "cannot start the fake API server\n";
    return 1;
  }
  copycat::testing::deepenListenBacklog(api.port());
  size_t pod_bytes = 0;
  if (!load(api, shape, &pod_bytes)) {
    std::cerr << "loading objects failed\n";
    return 1;
  }
  std::cout << "READY " << api.url() << " " << pod_bytes << std::endl;

  std::atomic<bool> done{false};
  std::thread churner([&] {
    int revision = 1;
    while (churn > 0 && !done) {
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < churn / 10 && !done; ++i) {
        const int pod = (revision * 7919 + i) % shape.pods;
        (void)api.upsert("pods", copycat::bench::podJson(shape, pod, revision));
      }
      ++revision;
      std::this_thread::sleep_until(start + std::chrono::milliseconds(100));  // pace, not sync
    }
  });
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  done = true;
  churner.join();
  api.stop();
  return 0;
}
