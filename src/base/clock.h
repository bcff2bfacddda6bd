// Time source. Production code takes a Clock& so tests can use a FakeClock.
#pragma once

#include <chrono>

namespace copycat {

// Thread-safe.
class Clock {
 public:
  using Steady = std::chrono::steady_clock;
  using Wall = std::chrono::system_clock;
  virtual ~Clock() = default;
  virtual Steady::time_point now() const = 0;
  virtual Wall::time_point wallNow() const = 0;
};

class SystemClock final : public Clock {
 public:
  Steady::time_point now() const override { return Steady::now(); }
  Wall::time_point wallNow() const override { return Wall::now(); }
  // A process-wide instance.
  static SystemClock& instance();
};

}  // namespace copycat
