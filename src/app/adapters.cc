#include "app/adapters.h"

namespace copycat::app {

void ControllerDemandSink::onDemand(const kube::ImageDemand& demand) {
  controller::ObservationContext context;
  if (demand.platform) {
    context.node_platform = *demand.platform;
  }
  auto owner = demand.owner();
  context.owner = controller::WorkloadRef{.kind = owner.kind,
                                          .kind_name = std::string(workload::kindName(owner.kind)),
                                          .namespace_name = owner.namespace_name,
                                          .name = owner.name,
                                          .uid = {}};
  controller_.observe(demand.use, context);
}

void ControllerDemandSink::onForget(const kube::WorkloadRef& ref) {
  controller_.forget(controller::WorkloadRef{.kind = ref.kind,
                                             .kind_name = std::string(workload::kindName(ref.kind)),
                                             .namespace_name = ref.namespace_name,
                                             .name = ref.name,
                                             .uid = {}});
}

void ControllerDemandSink::onSynced(workload::Kind kind) { controller_.markSynced(kind); }

void ControllerDemandSink::onSkipped(std::string_view reason, size_t image_uses) {
  controller_.countFiltered(reason, image_uses);
}

void KubeEventRecorder::record(const controller::WorkloadRef& object, controller::EventType type,
                               std::string_view reason, std::string_view message) {
  auto severity = type == controller::EventType::kWarning ? kube::EventSeverity::kWarning
                                                          : kube::EventSeverity::kNormal;
  writer_.write(kube::objectReference(object.kind, object.namespace_name, object.name, object.uid),
                severity, reason, message);
}

namespace {

std::vector<server::CacheEntry> toServer(const std::vector<controller::CacheEntry>& entries) {
  std::vector<server::CacheEntry> out;
  out.reserve(entries.size());
  for (const auto& e : entries) {
    std::optional<std::chrono::system_clock::time_point> last;
    if (e.last_push != Clock::Wall::time_point{}) {
      last = e.last_push;
    }
    out.push_back(
        {.target = e.target, .digest = e.digest, .last_push = last, .inflight = e.inflight});
  }
  return out;
}

}  // namespace

std::vector<server::CacheEntry> ControllerAdminBackend::cacheEntries() {
  return toServer(controller_.cacheEntries());
}

server::EvictResult ControllerAdminBackend::evict(const server::EvictSelector& selector) {
  controller::EvictSelector s;
  switch (selector.kind) {
    case server::EvictSelector::Kind::kAll:
      s.scope = controller::EvictScope::kAll;
      break;
    case server::EvictSelector::Kind::kTarget:
      s.scope = controller::EvictScope::kTarget;
      break;
    case server::EvictSelector::Kind::kPrefix:
      s.scope = controller::EvictScope::kPrefix;
      break;
  }
  s.value = selector.value;
  // The entries left are the controller's snapshot taken with the removal, before the evicted
  // targets were requeued.
  auto result = controller_.evict(s);
  return {.removed = std::move(result.removed), .entries = toServer(result.entries)};
}

server::CooldownResetResult ControllerAdminBackend::resetCooldown(
    const std::optional<std::string>& target) {
  auto r = controller_.resetCooldown(target);
  return {.cleared = r.cleared_targets, .cooldown_enabled = r.enabled};
}

Result<server::ForceReconcileStart> ControllerAdminBackend::forceReconcile() {
  return controller_.forceReconcile() ? server::ForceReconcileStart::kStarted
                                      : server::ForceReconcileStart::kAlreadyRunning;
}

void MetricsSampler::sample() {
  std::lock_guard lock(mu_);
  if (sources_.watch_stats) {
    for (const auto& [kind, stats] : sources_.watch_stats()) {
      metrics_.observeWatchTotals(workload::kindName(kind), stats.watch_restarts, stats.relists);
    }
  }
  if (sources_.namespace_stats) {
    auto stats = sources_.namespace_stats();
    metrics_.observeWatchTotals("Namespace", stats.watch_restarts, stats.relists);
  }
  if (sources_.controller_stats) {
    auto stats = sources_.controller_stats();
    metrics_.setImagesKnown(stats.known_images);
    metrics_.setCooldownEntries(stats.cooldown_entries);
    metrics_.setPushCacheEntries(stats.cache_entries);
  }
  if (sources_.event_stats) {
    auto stats = sources_.event_stats();
    metrics_.observeEventTotals(stats.created + stats.patched, stats.dropped, stats.failed);
  }
}

std::vector<prometheus::MetricFamily> SampledCollectable::Collect() const {
  if (before_) {
    before_();
  }
  return inner_->Collect();
}

}  // namespace copycat::app
