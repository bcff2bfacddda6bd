// What copycat's own JSON log (stderr) says about a run: warnings and errors by message, and
// one "image mirrored" line per successful reconcile (src/controller/mirror_reconciler.cc) with
// `ts` (ms) and `duration_ms` since the reconcile started.
#pragma once

#include <map>
#include <string>

#include "registry_timeline.h"

namespace copycat::bench {

struct CopycatLogScan {
  int lines = 0;
  int unparsed = 0;                                     // lines that are not JSON objects
  std::map<std::string, int> problems{};                // "warn: <msg>" / "error: <msg>" → count
  std::map<std::string, int> mirrored{};                // "image mirrored" lines per target
  std::map<std::string, int> results{};                 // their `result`: copied, up_to_date
  std::map<std::string, WallTime> reconcile_started{};  // per target: ts - duration_ms, first
};

[[nodiscard]] CopycatLogScan scanCopycatLog(const std::string& path);

}  // namespace copycat::bench
