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

void KubeEventRecorder::record(const controller::WorkloadRef& object, controller::EventType type,
                               std::string_view reason, std::string_view message) {
  auto severity = type == controller::EventType::kWarning ? kube::EventSeverity::kWarning
                                                          : kube::EventSeverity::kNormal;
  writer_.write(kube::objectReference(object.kind, object.namespace_name, object.name, object.uid),
                severity, reason, message);
}

std::vector<server::CacheEntry> ControllerAdminBackend::cacheEntries() {
  std::vector<server::CacheEntry> out;
  for (const auto& e : controller_.cacheEntries()) {
    std::optional<std::chrono::system_clock::time_point> last;
    if (e.last_push != Clock::Wall::time_point{}) {
      last = e.last_push;
    }
    out.push_back(
        {.target = e.target, .digest = e.digest, .last_push = last, .inflight = e.inflight});
  }
  return out;
}

std::vector<std::string> ControllerAdminBackend::evict(const server::EvictSelector& selector) {
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
  return controller_.evict(s).removed;
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

}  // namespace copycat::app
