// The peer measured in the same run: what a cron-based mirror does, `skopeo copy --all` of every
// image one after another into a fresh target registry, each run under GNU time for its CPU
// time and peak RSS.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "bench_images.h"

namespace copycat::bench {

struct PeerResult {
  double wall_s = 0;  // the whole loop
  double cpu_s = 0;   // user + system, summed over the runs
  long max_rss_kib = 0;
  std::vector<double> per_image_s{};  // wall time of each run
  int failures = 0;
  std::string first_failure{};
};

// Copies `images` from `source_host` to the same repositories on `target_host`. Errors:
// kNotFound when skopeo or /usr/bin/time is missing; a failing copy is counted, not an error.
[[nodiscard]] Result<PeerResult> runSkopeoLoop(const std::vector<BenchImage>& images,
                                               const std::string& source_host,
                                               const std::string& target_host,
                                               const std::string& work_dir);

}  // namespace copycat::bench
