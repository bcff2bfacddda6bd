#include "app/copy_progress.h"

#include <cstdio>

#include <fmt/format.h>

namespace copycat::app {

void CopyProgress::update(const std::string& digest, int64_t done, int64_t total) {
  std::lock_guard lock(mu_);
  blobs_[digest] = {done, total};
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(200)) {
    return;
  }
  int64_t all_done = 0;
  int64_t all_total = 0;
  int finished = 0;
  for (const auto& [d, p] : blobs_) {
    all_done += p.first;
    all_total += p.second;
    finished += p.first >= p.second ? 1 : 0;
  }
  constexpr double kMiB = 1024.0 * 1024.0;
  std::fputs(
      fmt::format("\r\033[Kblobs {}/{}  {:.1f}/{:.1f} MiB", finished, blobs_.size(),
                  static_cast<double>(all_done) / kMiB, static_cast<double>(all_total) / kMiB)
          .c_str(),
      stderr);
  last_draw_ = now;
  drawn_ = true;
}

void CopyProgress::finish() {
  std::lock_guard lock(mu_);
  if (drawn_) {
    std::fputs("\r\033[K", stderr);
  }
}

}  // namespace copycat::app
