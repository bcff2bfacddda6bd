// The controller benchmark's report: copycat's figures next to the skopeo loop's measured in
// the same run, with ratios, the latency percentiles, and the correctness checks.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "bench_cluster.h"
#include "bench_images.h"
#include "copycat_log.h"
#include "phases.h"
#include "skopeo_peer.h"

namespace copycat::bench {

struct BenchResults {
  // Set-up.
  std::string copycat_binary{};
  int workers = 0;  // maxConcurrentReconciles; 0 = copycat's default
  ImageSetSpec image_spec{};
  ClusterCensus cluster{};
  int namespaces = 0;
  BlobCensus census{};  // the initial images
  std::string load_start{};
  std::string load_end{};
  long idle_rss_kib = -1;  // `copycat --help`
  // copycat.
  SyncResult sync{};
  LatencyResult latency{};
  CopycatLogScan log{};
  int exit_code = -1;
  std::vector<std::string> mismatches{};           // target digests, initial and new images
  std::map<std::string, uint64_t> api_requests{};  // "list pods" → n, "create events" → n
  std::string metrics{};  // copycat's /metrics text just before it was stopped
  // The peer.
  std::optional<PeerResult> peer{};
  RequestStats peer_source{};
  RequestStats peer_target{};
  std::vector<std::string> peer_mismatches{};
};

void printReport(std::ostream& out, const BenchResults& r);
// One line per new Deployment: repository, then ms from the event to copy start, reconcile
// start (copycat's log) and mirrored ("-" when unknown).
void writeLatencyTsv(std::ostream& out, const LatencyResult& latency);

// The samples of metric `name` in Prometheus text, as " {labels} value" each; "" when absent.
[[nodiscard]] std::string metricSamples(const std::string& text, const std::string& name);

// Nearest-rank percentile of `values` (0 < p <= 100); -1 when empty.
[[nodiscard]] double percentile(std::vector<double> values, double p);

}  // namespace copycat::bench
