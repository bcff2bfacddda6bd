#include "app/application.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include <prometheus/registry.h>

#include "app/adapters.h"
#include "app/ecr_target.h"
#include "app/options_mapping.h"
#include "app/registry_executor.h"
#include "app/registry_options.h"
#include "app/version.h"
#include "base/clock.h"
#include "base/log.h"
#include "controller/controller.h"
#include "kube/api_client.h"
#include "kube/cluster_watcher.h"
#include "kube/discovery.h"
#include "kube/kube_config.h"
#include "planner/mirror_planner.h"
#include "registry/image_copier.h"
#include "server/server_set.h"

namespace copycat::app {

// Everything `run` owns, declared in construction order (destroyed in reverse).
struct Application::Parts {
  config::Config config;
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<controller::ControllerMetrics> metrics;
  std::unique_ptr<planner::MirrorPlanner> planner;
  std::unique_ptr<registry::auth::StaticKeychain> keychain;
  std::unique_ptr<EcrTarget> ecr;                          // ECR targets only
  std::unique_ptr<registry::auth::Keychain> ecr_keychain;  // ECR logins + keychain
  std::unique_ptr<registry::ImageCopier> copier;
  std::unique_ptr<RegistryExecutor> executor;
  std::unique_ptr<controller::Controller> controller;
  std::unique_ptr<ControllerDemandSink> sink;
  std::unique_ptr<kube::Discovery> discovery;
  std::unique_ptr<kube::ApiClient> api;
  std::unique_ptr<kube::ClusterWatcher> watcher;
  std::unique_ptr<server::ServerSet> servers;
};

namespace {

controller::ControllerOptions controllerOptions(const config::Config& c,
                                                const std::vector<workload::Kind>& kinds) {
  controller::ControllerOptions o;
  o.reconcile.platforms.check_node_platform = c.check_node_platform;
  for (const auto& text : c.mirror_platforms) {
    if (auto p = image::parsePlatform(text)) {
      o.reconcile.platforms.mirror_platforms.push_back(*p);
    }
  }
  o.reconcile.allow_different_digest_repush = c.allow_different_digest_repush;
  o.reconcile.dry_run = c.dry_run;
  o.reconcile.dry_pull = c.dry_pull;
  o.reconcile.push_interval = c.push_interval;
  o.reconcile.registry_retry_attempts = std::max(1, c.registry_retry_attempts);
  o.max_concurrent_reconciles = c.max_concurrent_reconciles;
  o.shutdown_timeout = std::chrono::seconds(c.shutdown_timeout_seconds);
  o.failure_cooldown = std::chrono::minutes(c.failure_cooldown_minutes);
  o.force_reconcile_interval = std::chrono::minutes(c.force_reconcile_minutes);
  o.retry_backoff = std::chrono::seconds(c.registry_retry_backoff_seconds);
  o.sync_kinds = kinds;
  return o;
}

Result<std::unique_ptr<kube::ApiClient>> apiClient(const RunFlags& flags) {
  kube::LoadOptions load;
  load.kubeconfig_path = flags.kubeconfig;
  load.context = flags.context;
  load.user_agent = "copycat/" + std::string(version());
  ASSIGN_OR_RETURN(auto cluster, kube::loadClusterConfig(load));
  return kube::ApiClient::create(cluster, SystemClock::instance());
}

Status buildMirroring(Application::Parts& p) {
  const auto& c = p.config;
  ASSIGN_OR_RETURN(p.metrics, controller::ControllerMetrics::create(*p.registry));
  ASSIGN_OR_RETURN(auto planner_options, plannerOptions(c));
  ASSIGN_OR_RETURN(auto planner, planner::MirrorPlanner::create(planner_options));
  p.planner = std::make_unique<planner::MirrorPlanner>(std::move(planner));
  ASSIGN_OR_RETURN(p.keychain, buildKeychain(c));
  auto copier_options = copierOptions(c);
  copier_options.keychain = p.keychain.get();
  EnsureRepository ensure;
  if (c.target_kind == config::TargetKind::kEcr) {
    ASSIGN_OR_RETURN(auto target, policy::parseTargetRegistry(planner_options.target_registry));
    ASSIGN_OR_RETURN(p.ecr, EcrTarget::create(c.ecr, target.host, c.dry_run || c.dry_pull));
    p.ecr_keychain = p.ecr->keychain(*p.keychain);
    copier_options.keychain = p.ecr_keychain.get();
    if (c.ecr.registry_endpoint.rfind("http://", 0) == 0) {
      copier_options.insecure_hosts.push_back(target.host);
    }
    ensure = p.ecr->ensureRepository();
  }
  ASSIGN_OR_RETURN(p.copier, registry::ImageCopier::create(std::move(copier_options)));
  p.executor = std::make_unique<RegistryExecutor>(*p.copier, std::move(ensure));
  const auto& kinds = p.planner->filter().watchedKinds();
  p.controller = std::make_unique<controller::Controller>(
      controller::ControllerDeps{.planner = *p.planner,
                                 .executor = *p.executor,
                                 .metrics = *p.metrics,
                                 .clock = SystemClock::instance(),
                                 .events = nullptr},
      controllerOptions(c, kinds));
  return ok();
}

Status buildServers(Application::Parts& p) {
  const auto& c = p.config;
  p.servers = std::make_unique<server::ServerSet>(server::ServerSetOptions{
      .metrics_addr = c.metrics_addr, .health_addr = c.health_addr, .admin_token = c.admin_token});
  p.servers->metrics().add(p.registry);
  p.servers->admin().setBackend(std::make_shared<ControllerAdminBackend>(*p.controller));
  auto* controller = p.controller.get();
  RETURN_IF_ERROR(p.servers->health().addReadinessCheck("informer-sync", [controller]() -> Status {
    if (controller->isReady()) {
      return ok();
    }
    return fail(ErrorCode::kUnavailable, "initial list of every watched kind not processed yet");
  }));
  return ok();
}

}  // namespace

Application::Application(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Application::~Application() = default;

Result<std::unique_ptr<Application>> Application::create(const config::Config& config,
                                                         const RunFlags& flags) {
  auto parts = std::make_unique<Parts>();
  parts->config = config;
  RETURN_IF_ERROR(buildMirroring(*parts));
  RETURN_IF_ERROR(buildServers(*parts));
  ASSIGN_OR_RETURN(parts->api, apiClient(flags));
  parts->sink = std::make_unique<ControllerDemandSink>(*parts->controller);
  parts->discovery = std::make_unique<kube::Discovery>(parts->planner->filter(), *parts->sink);
  kube::ClusterWatcherOptions watch;
  watch.kinds = parts->planner->filter().watchedKinds();
  watch.include_namespaces = config.include_namespaces;
  watch.skip_namespaces = config.skip_namespaces;
  watch.watch_nodes = config.check_node_platform;
  parts->watcher = std::make_unique<kube::ClusterWatcher>(*parts->api, *parts->discovery, watch);
  return std::unique_ptr<Application>(new Application(std::move(parts)));
}

Status Application::run(std::stop_token stop) {
  auto& p = *parts_;
  RETURN_IF_ERROR(p.servers->start());
  LOG_INFO("app", "serving",
           {{"metrics_port", p.servers->metricsPort()}, {"health_port", p.servers->healthPort()}});
  p.controller->start();
  Status result = p.watcher->start(stop);
  if (result) {
    LOG_INFO("app", "watching cluster", {{"server", p.api->server()}});
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait(lock, stop, [] { return false; });
  }
  LOG_INFO("app", "shutting down", {});
  p.watcher->stop();
  p.controller->stop();
  p.servers->stop();
  return result;
}

}  // namespace copycat::app
