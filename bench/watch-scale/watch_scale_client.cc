// The measured side of the watch-scale benchmark: copycat's reflectors and discovery against
// a cluster served by watch_scale_server, reporting peak RSS, time to initial sync, objects per
// second and the LIST/WATCH requests made.
//
//   watch_scale_client --server http://127.0.0.1:PORT --pods 10000 [--hold-ms 3000]
//                      [--qps 20] [--burst 30] [--nodes 1]
//
// Prints one line of key=value pairs (run.sh turns them into a table).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "base/clock.h"
#include "base/log.h"
#include "kube/api_client.h"
#include "kube/cluster_watcher.h"
#include "kube/discovery.h"
#include "policy/workload_filter.h"

namespace {

using namespace copycat;

std::string flag(int argc, char** argv, const char* name, std::string fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

// VmHWM / VmRSS in KiB from /proc/self/status.
long procStatusKib(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  }
  return -1;
}

// Counts what discovery produces; keeps nothing, like a queue that dedups by key would.
class CountingSink final : public kube::DemandSink {
 public:
  void onDemand(const kube::ImageDemand& /*demand*/) override { ++demands; }
  void onForget(const kube::WorkloadRef& /*ref*/) override { ++forgets; }
  void onSynced(workload::Kind kind) override {
    std::lock_guard<std::mutex> lock(mu);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    synced += std::string(synced.empty() ? "" : ",") + std::string(workload::kindName(kind)) + ":" +
              std::to_string(ms.count());
  }
  std::atomic<uint64_t> demands{0}, forgets{0};
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  std::mutex mu;
  std::string synced;  // "Kind:ms,..." guarded by mu
};

// One line of key=value pairs.
void printReport(long pods, double sync_s, long rss_start, long rss_synced,
                 const kube::ClusterWatcher& watcher, const kube::ApiClient& api,
                 const kube::Discovery& discovery, CountingSink& sink) {
  uint64_t listed = 0, events = 0, unchanged = 0;
  for (const auto& [kind, stats] : watcher.stats()) {
    listed += stats.objects_listed;
    events += stats.added + stats.modified + stats.deleted;
    unchanged += stats.unchanged;
  }
  const kube::ApiClientStats api_stats = api.stats();
  const kube::DiscoveryStats discovered = discovery.stats();
  std::string synced;
  {
    std::lock_guard<std::mutex> lock(sink.mu);
    synced = sink.synced;
  }
  std::printf(
      "pods=%ld objects=%llu sync_s=%.3f objects_per_s=%.0f vmhwm_kib=%ld vmrss_kib=%ld "
      "rss_start_kib=%ld rss_synced_kib=%ld lists=%llu watches=%llu throttled=%llu "
      "demands=%llu duplicates=%llu events=%llu status_only=%llu stored_pods=%zu synced_ms=%s\n",
      pods, static_cast<unsigned long long>(listed), sync_s, static_cast<double>(listed) / sync_s,
      procStatusKib("VmHWM"), procStatusKib("VmRSS"), rss_start, rss_synced,
      static_cast<unsigned long long>(api_stats.lists),
      static_cast<unsigned long long>(api_stats.watches),
      static_cast<unsigned long long>(api_stats.throttled),
      static_cast<unsigned long long>(discovered.demands),
      static_cast<unsigned long long>(discovered.duplicates),
      static_cast<unsigned long long>(events), static_cast<unsigned long long>(unchanged),
      watcher.objectCount(workload::Kind::kPod), synced.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  log::setLevel(flag(argc, argv, "--debug", "0") == "1" ? log::Level::kDebug : log::Level::kWarn);
  const std::string server = flag(argc, argv, "--server", "");
  const long pods = std::stol(flag(argc, argv, "--pods", "0"));
  const int hold_ms = std::stoi(flag(argc, argv, "--hold-ms", "3000"));
  kube::ApiClient::Options api_options;
  api_options.qps = std::stod(flag(argc, argv, "--qps", "20"));
  api_options.burst = std::stoi(flag(argc, argv, "--burst", "30"));

  const long rss_start = procStatusKib("VmRSS");
  kube::ClusterConfig config;
  config.server = server;
  auto api = kube::ApiClient::create(config, SystemClock::instance(), api_options);
  if (!api) {
    std::cerr << api.error().describe() << "\n";
    return 1;
  }
  policy::WorkloadFilter filter;  // every namespace, all six kinds
  CountingSink sink;
  kube::Discovery discovery(filter, sink);
  kube::ClusterWatcherOptions options;
  options.kinds = filter.watchedKinds();
  options.watch_nodes = flag(argc, argv, "--nodes", "1") == "1";
  kube::ClusterWatcher watcher(**api, discovery, options);

  const auto start = std::chrono::steady_clock::now();
  sink.start = start;
  if (auto started = watcher.start(); !started) {
    std::cerr << started.error().describe() << "\n";
    return 1;
  }
  if (!watcher.waitForSync(std::chrono::minutes(10))) {
    std::cerr << "initial sync did not finish\n";
    return 1;
  }
  const double sync_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const long rss_synced = procStatusKib("VmRSS");
  // Keep watching for a while (the server may churn pod status meanwhile).
  std::this_thread::sleep_for(std::chrono::milliseconds(hold_ms));

  printReport(pods, sync_s, rss_start, rss_synced, watcher, **api, discovery, sink);
  watcher.stop();
  return 0;
}
