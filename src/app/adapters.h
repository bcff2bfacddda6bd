// Adapters between modules that must not know each other: the kube side's demand stream into
// the controller, the controller's admin surface into the HTTP server, and counts kept by other
// modules into the controller's metrics at scrape time.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include "controller/controller.h"
#include "controller/controller_metrics.h"
#include "kube/discovery.h"
#include "kube/event_writer.h"
#include "kube/reflector.h"
#include "server/admin_backend.h"

namespace copycat::app {

// kube::Discovery -> controller::Controller. Thread-safe (the controller is).
class ControllerDemandSink final : public kube::DemandSink {
 public:
  explicit ControllerDemandSink(controller::Controller& controller) : controller_(controller) {}
  void onDemand(const kube::ImageDemand& demand) override;
  void onForget(const kube::WorkloadRef& ref) override;
  void onSynced(workload::Kind kind) override;
  void onSkipped(std::string_view reason, size_t image_uses) override;

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
  server::EvictResult evict(const server::EvictSelector& selector) override;
  server::CooldownResetResult resetCooldown(const std::optional<std::string>& target) override;
  Result<server::ForceReconcileStart> forceReconcile() override;

 private:
  controller::Controller& controller_;
};

// Brings the metrics that other modules keep as plain numbers up to date, when /metrics is
// scraped: the reflectors' cumulative watch restarts and relists per kind (the namespace
// reflector as kind "Namespace") become increments of k8s_copycat_watch_restarts_total and
// k8s_copycat_relists_total, and the gauges that change without an event (cooldown entries
// expire) are set from the controller. Thread-safe: sample() holds a lock from reading the
// totals to reporting them, so concurrent scrapes report each kind's totals in order.
class MetricsSampler {
 public:
  struct Sources {
    std::function<std::map<workload::Kind, kube::ReflectorStats>()> watch_stats{};  // per kind
    std::function<kube::ReflectorStats()> namespace_stats{};
    std::function<controller::ControllerStats()> controller_stats{};
    std::function<kube::EventWriterStats()> event_stats{};
  };
  // Empty sources are skipped. Does not own `metrics`.
  MetricsSampler(controller::ControllerMetrics& metrics, Sources sources)
      : metrics_(metrics), sources_(std::move(sources)) {}

  void sample();

 private:
  controller::ControllerMetrics& metrics_;
  const Sources sources_;
  std::mutex mu_;
};

// A collectable that runs `before` and then collects `inner`, so what `before` samples is in the
// same scrape. Thread-safe when `before` and `inner` are.
class SampledCollectable final : public prometheus::Collectable {
 public:
  SampledCollectable(std::shared_ptr<prometheus::Collectable> inner, std::function<void()> before)
      : inner_(std::move(inner)), before_(std::move(before)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::shared_ptr<prometheus::Collectable> inner_;
  std::function<void()> before_;
};

}  // namespace copycat::app
