// A one-line progress display for `copycat copy` on a terminal: bytes done of the blobs seen
// so far, redrawn at most every 200 ms. Thread-safe (blob transfers report concurrently).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace copycat::app {

class CopyProgress {
 public:
  void update(const std::string& digest, int64_t done, int64_t total);
  // Clears the line.
  void finish();

 private:
  std::mutex mu_;
  std::map<std::string, std::pair<int64_t, int64_t>> blobs_;  // digest -> (done, total)
  std::chrono::steady_clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace copycat::app
