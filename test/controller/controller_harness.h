// A Controller wired to fakes: FakeClock, FakeMirrorExecutor, RecordingEvents and a private
// metrics registry. No background threads besides the workers: tests call tick().
#pragma once

#include <memory>
#include <string>

#include <prometheus/registry.h>

#include "controller/controller.h"
#include "controller_test_util.h"
#include "planner/mirror_planner.h"
#include "support/fake_clock.h"

namespace copycat::controller::fakes {

inline constexpr char kTarget[] = "mirror.example.com/library/nginx:1.25";
inline constexpr char kDigestA[] =
    "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
inline constexpr char kDigestB[] =
    "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

// A container of the Deployment shop/<name> (a template: no imageID, no node).
workload::ImageUse deploymentUse(std::string image, std::string name = "web");
// A container of the Pod shop/<pod>; image_id "" when not reported yet.
workload::ImageUse podUse(std::string image, std::string pod, std::string image_id = {});
ObservationContext onNode(std::string arch, std::string owner = "web");
WorkloadRef deployment(std::string name = "web");

class Harness {
 public:
  explicit Harness(ControllerOptions options = {}, planner::PlannerOptions planner_options = {});
  ~Harness();

  Controller& controller() { return *controller_; }
  // Waits (bounded) until nothing is queued or processing.
  [[nodiscard]] bool settle();
  double metric(const std::string& name, const std::map<std::string, std::string>& labels = {});
  // Advances the clock, moves due keys into the queue and waits until they are handled.
  [[nodiscard]] bool advance(std::chrono::nanoseconds d);

  copycat::testing::FakeClock clock;
  prometheus::Registry registry;
  FakeMirrorExecutor executor;
  RecordingEvents events;

 private:
  std::unique_ptr<ControllerMetrics> metrics_;
  std::unique_ptr<planner::MirrorPlanner> planner_;
  std::unique_ptr<Controller> controller_;
};

}  // namespace copycat::controller::fakes
