#include "controller_harness.h"

#include <stdexcept>

namespace copycat::controller::fakes {

workload::ImageUse deploymentUse(std::string image, std::string name) {
  return workload::ImageUse{.kind = workload::Kind::kDeployment,
                            .kind_name = "Deployment",
                            .namespace_name = "shop",
                            .name = std::move(name),
                            .container = "app",
                            .image = std::move(image),
                            .image_id = {}};
}

workload::ImageUse podUse(std::string image, std::string pod, std::string image_id) {
  return workload::ImageUse{.kind = workload::Kind::kPod,
                            .kind_name = "Pod",
                            .namespace_name = "shop",
                            .name = std::move(pod),
                            .container = "app",
                            .image = std::move(image),
                            .image_id = std::move(image_id)};
}

WorkloadRef deployment(std::string name) {
  return WorkloadRef{.kind = workload::Kind::kDeployment,
                     .kind_name = "Deployment",
                     .namespace_name = "shop",
                     .name = std::move(name)};
}

ObservationContext onNode(std::string arch, std::string owner) {
  return ObservationContext{
      .node_platform =
          image::Platform{.os = "linux", .architecture = std::move(arch), .variant = {}},
      .owner = deployment(std::move(owner))};
}

Harness::Harness(ControllerOptions options, planner::PlannerOptions planner_options) {
  planner_options.target_registry = "mirror.example.com";
  auto planner = planner::MirrorPlanner::create(planner_options);
  auto metrics = ControllerMetrics::create(registry);
  if (!planner || !metrics) {
    throw std::runtime_error("harness setup failed");
  }
  planner_ = std::make_unique<planner::MirrorPlanner>(std::move(*planner));
  metrics_ = std::move(*metrics);
  options.start_background_threads = false;
  options.retry_jitter = 0;
  controller_ = std::make_unique<Controller>(ControllerDeps{.planner = *planner_,
                                                            .executor = executor,
                                                            .metrics = *metrics_,
                                                            .clock = clock,
                                                            .events = &events},
                                             std::move(options));
}

Harness::~Harness() { controller_->stop(); }

bool Harness::settle() {
  return waitUntil([&] { return controller_->stats().idle; });
}

double Harness::metric(const std::string& name, const std::map<std::string, std::string>& labels) {
  return metricValue(registry, name, labels);
}

bool Harness::advance(std::chrono::nanoseconds d) {
  clock.advance(d);
  controller_->tick();
  return settle();
}

}  // namespace copycat::controller::fakes
