#include "copycat_log.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace copycat::bench {

CopycatLogScan scanCopycatLog(const std::string& path) {
  CopycatLogScan scan;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    ++scan.lines;
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) {
      ++scan.unparsed;
      continue;
    }
    const std::string level = j.value("level", "");
    const std::string msg = j.value("msg", "");
    if (level == "warn" || level == "error") {
      ++scan.problems[level + ": " + msg];
    }
    if (msg != "image mirrored") {
      continue;
    }
    const std::string target = j.value("target", "");
    ++scan.mirrored[target];
    ++scan.results[j.value("result", "")];
    auto ts = parseRfc3339(j.value("ts", ""));
    if (ts && j["duration_ms"].is_number() && !scan.reconcile_started.contains(target)) {
      scan.reconcile_started[target] =
          *ts - std::chrono::milliseconds(j["duration_ms"].get<int64_t>());
    }
  }
  return scan;
}

}  // namespace copycat::bench
