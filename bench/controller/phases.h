// The measured phases of the controller benchmark: the initial sync of a running `copycat run`
// (start → every image mirrored) and the event → copy latency of new Deployments created one
// at a time afterwards; plus the check that the target serves every image byte-identically.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "bench_images.h"
#include "copycat_process.h"
#include "registry_timeline.h"
#include "request_stats.h"
#include "support/fake_api_server.h"
#include "support/registry_harness.h"

namespace copycat::bench {

// The source and target registries, with the log offsets where the current phase began.
struct RegistryPair {
  testing::RegistryProcess* source = nullptr;
  testing::RegistryProcess* target = nullptr;
  uint64_t source_offset = 0;
  uint64_t target_offset = 0;

  // Starts a phase: new access-log windows and timeline offsets.
  void mark();
  [[nodiscard]] std::vector<TimedRequest> timeline() const;  // both registries, since mark()
};

struct SyncResult {
  int mirrored = 0;             // of the images, at the end
  double ready_s = -1;          // process start → first /readyz 200 (polled every 50 ms)
  double first_request_s = -1;  // → the first request at either registry (registry clock)
  double last_put_s = -1;       // → the last manifest PUT answered by the target
  double all_mirrored_s = -1;   // → the latest lastPush of the images (copycat's clock)
  ProcSample proc{};            // when all were seen mirrored
  RequestStats source{};
  RequestStats target{};
};

// Polls copycat until every image is mirrored (or `timeout`). Call `registries.mark()` before
// starting copycat. Errors: kDeadlineExceeded, kUnavailable (copycat exited; its log is at
// CopycatProcess::stderrFile()).
[[nodiscard]] Result<SyncResult> waitForInitialSync(CopycatProcess& copycat,
                                                    RegistryPair& registries,
                                                    const std::vector<BenchImage>& images,
                                                    std::chrono::seconds timeout);

struct LatencySample {
  std::string repository{};
  WallTime event{};                             // just before the Deployment was stored
  std::optional<WallTime> first_request{};      // first request at either registry after it
  std::optional<WallTime> reconcile_started{};  // copycat's log (filled in by the caller)
  std::optional<WallTime> mirrored{};           // copycat's lastPush
};

struct LatencyResult {
  std::vector<LatencySample> samples{};
  ProcSample proc_before{};
  ProcSample proc_after{};
  RequestStats source{};
  RequestStats target{};
  int timeouts = 0;
};

// Creates one Deployment per image of `images` (namespaces cycle), each after the previous
// image was mirrored, and times it. Marks `registries` itself.
[[nodiscard]] Result<LatencyResult> measureLatency(
    CopycatProcess& copycat, testing::FakeApiServer& api, RegistryPair& registries,
    const std::vector<BenchImage>& images, int namespaces, std::chrono::seconds timeout_each);

// Images whose tag at `target` does not serve the source's manifest digest ("repo: got X").
[[nodiscard]] std::vector<std::string> verifyTarget(testing::RegistryProcess& target,
                                                    const std::vector<BenchImage>& images);

[[nodiscard]] double secondsBetween(WallTime from, WallTime to);

}  // namespace copycat::bench
