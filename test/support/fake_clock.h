// A Clock for tests: time moves only when the test says so.
#pragma once

#include <chrono>
#include <mutex>

#include "base/clock.h"

namespace copycat::testing {

// Thread-safe. Starts at a fixed, arbitrary instant (2023-11-14T22:13:20Z wall time) so tests
// never depend on the real date; advance() moves the steady and the wall clock together.
class FakeClock final : public Clock {
 public:
  FakeClock() = default;
  explicit FakeClock(Wall::time_point wall_start) : wall_(wall_start) {}

  Steady::time_point now() const override {
    std::lock_guard lock(mu_);
    return steady_;
  }
  Wall::time_point wallNow() const override {
    std::lock_guard lock(mu_);
    return wall_;
  }

  void advance(std::chrono::nanoseconds delta) {
    std::lock_guard lock(mu_);
    steady_ += std::chrono::duration_cast<Steady::duration>(delta);
    wall_ += std::chrono::duration_cast<Wall::duration>(delta);
  }
  // Sets the wall clock only (a clock step); the steady clock is unaffected.
  void setWallNow(Wall::time_point wall) {
    std::lock_guard lock(mu_);
    wall_ = wall;
  }

 private:
  mutable std::mutex mu_;
  Steady::time_point steady_{std::chrono::hours(1)};
  Wall::time_point wall_{std::chrono::seconds(1'700'000'000)};
};

}  // namespace copycat::testing
