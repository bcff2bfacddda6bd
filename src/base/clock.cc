#include "base/clock.h"

namespace copycat {

SystemClock& SystemClock::instance() {
  static SystemClock clock;
  return clock;
}

}  // namespace copycat
