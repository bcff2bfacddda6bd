// Adapters between modules that must not know each other: the kube side's demand stream into
// the controller, and the controller's admin surface into the HTTP server.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "controller/controller.h"
#include "kube/discovery.h"
#include "kube/event_writer.h"
#include "server/admin_backend.h"

namespace copycat::app {

// kube::Discovery -> controller::Controller. Thread-safe (the controller is).
class ControllerDemandSink final : public kube::DemandSink {
 public:
  explicit ControllerDemandSink(controller::Controller& controller) : controller_(controller) {}
  void onDemand(const kube::ImageDemand& demand) override;
  void onForget(const kube::WorkloadRef& ref) override;
  void onSynced(workload::Kind kind) override;

 private:
  controller::Controller& controller_;
};

// controller::EventRecorder -> core/v1 Events through kube::EventWriter (never blocks).
class KubeEventRecorder final : public controller::EventRecorder {
 public:
  explicit KubeEventRecorder(kube::EventWriter& writer) : writer_(writer) {}
  void record(const controller::WorkloadRef& object, controller::EventType type,
              std::string_view reason, std::string_view message) override;

 private:
  kube::EventWriter& writer_;
};

// server::AdminBackend on the controller. Thread-safe.
class ControllerAdminBackend final : public server::AdminBackend {
 public:
  explicit ControllerAdminBackend(controller::Controller& controller) : controller_(controller) {}
  std::vector<server::CacheEntry> cacheEntries() override;
  std::vector<std::string> evict(const server::EvictSelector& selector) override;
  server::CooldownResetResult resetCooldown(const std::optional<std::string>& target) override;
  Result<server::ForceReconcileStart> forceReconcile() override;

 private:
  controller::Controller& controller_;
};

}  // namespace copycat::app
