#include "controller/event_recorder.h"

#include <gtest/gtest.h>

#include "controller_test_util.h"
#include "support/fake_clock.h"

namespace copycat::controller {
namespace {

using fakes::RecordingEvents;
using std::chrono::minutes;
using testing::FakeClock;

WorkloadRef web() {
  return WorkloadRef{.kind_name = "Deployment", .namespace_name = "shop", .name = "web"};
}

TEST(EventRecorderTest, OneEventPerWorkloadAndReasonPerWindow) {
  FakeClock clock;
  RecordingEvents sink;
  RateLimitedEventRecorder events(sink, clock, {.window = minutes(5)});
  events.record(web(), EventType::kWarning, kReasonMirrorFailed, "failed 1");
  events.record(web(), EventType::kWarning, kReasonMirrorFailed, "failed 2");
  events.record(web(), EventType::kWarning, kReasonMirrorFailed, "failed 3");
  events.record(web(), EventType::kNormal, kReasonMirrored, "mirrored");
  auto api = web();
  api.name = "api";
  events.record(api, EventType::kWarning, kReasonMirrorFailed, "api failed");
  ASSERT_EQ(sink.events().size(), 3u);
  EXPECT_EQ(events.suppressed(), 2u);
  clock.advance(minutes(5));
  events.record(web(), EventType::kWarning, kReasonMirrorFailed, "failed 4");
  auto all = sink.events();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[3].message, "failed 4 (2 similar events suppressed)");
  EXPECT_EQ(eventTypeName(all[3].type), "Warning");
}

TEST(EventRecorderTest, MemoryIsBounded) {
  FakeClock clock;
  RecordingEvents sink;
  RateLimitedEventRecorder events(sink, clock, {.window = minutes(5), .max_keys = 3});
  for (int i = 0; i < 10; ++i) {
    auto ref = web();
    ref.name = "w" + std::to_string(i);
    events.record(ref, EventType::kNormal, kReasonMirrored, "m");
  }
  EXPECT_EQ(sink.events().size(), 10u);
}

}  // namespace
}  // namespace copycat::controller
