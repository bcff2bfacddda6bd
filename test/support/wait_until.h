// Polling with a deadline: tests wait for state this way, never with a bare sleep.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace copycat::testing {

// Polls `condition` every `poll` until it holds or `timeout` passes, then checks it once more.
// Pick a longer `poll` when the check is expensive (a skopeo process, an HTTP scrape).
inline bool waitUntil(const std::function<bool()>& condition,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10),
                      std::chrono::milliseconds poll = std::chrono::milliseconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(poll);
  }
  return condition();
}

}  // namespace copycat::testing
