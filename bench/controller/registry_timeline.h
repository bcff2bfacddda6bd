// Request times from distribution's own log (RegistryProcess writes `log.formatter: json`, level
// info, to registry.log): every request the registry routed gets a "response completed" line
// with `time` (RFC 3339, nanoseconds, when the response finished) and `http.response.duration`,
// so its arrival is time - duration, on the same wall clock as this process. The access log has
// 1 s resolution and is used for counting only.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace copycat::bench {

using WallTime = std::chrono::system_clock::time_point;

struct TimedRequest {
  std::string method{};
  std::string uri{};  // path and query as requested
  int status = 0;
  WallTime start{};  // arrival: time - duration
  WallTime end{};    // response completed
};

// Requests logged in `log_file` after byte `offset`; lines that are not request completions
// (start-up, upload purging) are skipped.
[[nodiscard]] std::vector<TimedRequest> readRequestTimeline(const std::string& log_file,
                                                            uint64_t offset);
// Follows a growing log: each poll() returns the requests of the lines completed since the
// last one (a line still being written is left for the next poll). Not thread-safe.
class TimelineTail {
 public:
  TimelineTail(std::string log_file, uint64_t offset)
      : log_file_(std::move(log_file)), offset_(offset) {}
  [[nodiscard]] std::vector<TimedRequest> poll();

 private:
  std::string log_file_;
  uint64_t offset_;
};

// The current size of a file (0 when missing): a timeline offset.
[[nodiscard]] uint64_t fileSize(const std::string& path);

// "2026-11-30T17:14:54.554782647Z" (any fraction length, 'Z' only, as distribution writes it);
// nullopt for years before 1970 (Go's zero time "0001-01-01T00:00:00Z").
[[nodiscard]] std::optional<WallTime> parseRfc3339(std::string_view text);
// Go's time.Duration.String(): "613.824µs", "2.679001ms", "1.5s", "1m2.5s", "0s".
[[nodiscard]] std::optional<std::chrono::nanoseconds> parseGoDuration(std::string_view text);

// The repository of a /v2/<name>/(manifests|blobs|tags)/... path; "" for others.
[[nodiscard]] std::string repositoryOfPath(std::string_view path);

}  // namespace copycat::bench
