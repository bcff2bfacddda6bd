#include "app/application.h"

#include <atomic>
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
#include "base/strings.h"
#include "controller/controller.h"
#include "kube/api_client.h"
#include "kube/cluster_watcher.h"
#include "kube/discovery.h"
#include "kube/event_writer.h"
#include "kube/kube_config.h"
#include "kube/leader_elector.h"
#include "kube/namespace_selection.h"
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
  std::unique_ptr<kube::ApiClient> api;
  std::unique_ptr<kube::EventWriter> event_writer;  // when `events`
  std::unique_ptr<KubeEventRecorder> events;
  std::unique_ptr<controller::Controller> controller;
  std::unique_ptr<ControllerDemandSink> sink;
  std::unique_ptr<kube::Discovery> discovery;
  std::unique_ptr<kube::ClusterWatcher> watcher;
  std::unique_ptr<MetricsSampler> sampler;     // at every scrape
  std::unique_ptr<kube::ApiClient> lease_api;  // its own client: renewals never queue behind lists
  std::unique_ptr<kube::LeaderElector> elector;  // when leaderElect
  std::unique_ptr<server::ServerSet> servers;

  // Runs the leader-gated part until `stop`: the controller's workers and the watches.
  Status mirror(std::stop_token stop);

  // A lost lease ends the process (controller-runtime's behaviour): the controller cannot
  // safely resume, and a restart campaigns afresh.
  std::atomic<bool> shutting_down{false};
  std::atomic<bool> lost_leadership{false};
  std::stop_source wake;  // stops run() on a signal or a lost lease
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
  ASSIGN_OR_RETURN(auto ignore_missing, MissingPlatformFilter::create(c.ignore_missing_platforms));
  p.executor =
      std::make_unique<RegistryExecutor>(*p.copier, std::move(ensure), std::move(ignore_missing));
  const auto& kinds = p.planner->filter().watchedKinds();
  p.controller = std::make_unique<controller::Controller>(
      controller::ControllerDeps{.planner = *p.planner,
                                 .executor = *p.executor,
                                 .metrics = *p.metrics,
                                 .clock = SystemClock::instance(),
                                 .events = p.events.get()},
      controllerOptions(c, kinds));
  return ok();
}

void buildWatcher(Application::Parts& p) {
  const auto& c = p.config;
  p.sink = std::make_unique<ControllerDemandSink>(*p.controller);
  p.discovery = std::make_unique<kube::Discovery>(p.planner->filter(), *p.sink);
  kube::ClusterWatcherOptions watch;
  watch.kinds = p.planner->filter().watchedKinds();
  watch.include_namespaces = c.include_namespaces;
  watch.skip_namespaces = c.skip_namespaces;
  watch.watch_nodes = c.check_node_platform;
  p.watcher = std::make_unique<kube::ClusterWatcher>(*p.api, *p.discovery, watch);
  // Counters the reflectors and the controller keep themselves, copied in at every scrape.
  auto* watcher = p.watcher.get();
  auto* controller = p.controller.get();
  MetricsSampler::Sources sources{.watch_stats = [watcher] { return watcher->stats(); },
                                  .namespace_stats = {},
                                  .controller_stats = [controller] { return controller->stats(); }};
  if (!kube::NamespaceSelection(c.include_namespaces, c.skip_namespaces).all()) {
    sources.namespace_stats = [watcher] { return watcher->namespaceStats(); };
  }
  if (p.event_writer) {
    auto* events = p.event_writer.get();
    sources.event_stats = [events] { return events->stats(); };
  }
  p.sampler = std::make_unique<MetricsSampler>(*p.metrics, std::move(sources));
}

// /readyz: a standby is ready (it serves probes and metrics); the leader once the controller has
// processed the initial list of every watched kind. The reason names the kinds still listing.
server::HealthChecks::Check informerSync(const Application::Parts& p) {
  const auto* controller = p.controller.get();
  const auto* watcher = p.watcher.get();
  const auto* elector = p.elector.get();
  return [controller, watcher, elector, kinds = p.planner->filter().watchedKinds()]() -> Status {
    if ((elector != nullptr && !elector->isLeader()) || controller->isReady()) {
      return ok();
    }
    std::vector<std::string> listing;
    for (auto kind : kinds) {
      if (!watcher->hasSynced(kind)) {
        listing.emplace_back(workload::kindName(kind));
      }
    }
    if (listing.empty()) {
      return fail(ErrorCode::kUnavailable, "initial list of every watched kind not processed");
    }
    return fail(ErrorCode::kUnavailable,
                "initial list not processed: " + strings::join(listing, ", "));
  };
}

Status buildServers(Application::Parts& p) {
  const auto& c = p.config;
  p.servers = std::make_unique<server::ServerSet>(server::ServerSetOptions{
      .metrics_addr = c.metrics_addr, .health_addr = c.health_addr, .admin_token = c.admin_token});
  p.servers->metrics().add(std::make_shared<SampledCollectable>(
      p.registry, [sampler = p.sampler.get()] { sampler->sample(); }));
  p.servers->admin().setBackend(std::make_shared<ControllerAdminBackend>(*p.controller));
  RETURN_IF_ERROR(p.servers->health().addReadinessCheck("informer-sync", informerSync(p)));
  if (p.elector != nullptr) {
    RETURN_IF_ERROR(p.servers->health().addLivenessCheck("leader-election",
                                                         kube::leaderHealthCheck(*p.elector)));
  }
  return ok();
}

Status buildLeaderElection(Application::Parts& p, const RunFlags& flags) {
  ASSIGN_OR_RETURN(p.lease_api, apiClient(flags));
  ASSIGN_OR_RETURN(
      auto ns, kube::leaderElectionNamespace(p.config.leader_election_namespace, kube::processEnv));
  ASSIGN_OR_RETURN(auto identity, kube::leaderElectionIdentity(kube::processEnv));
  kube::LeaderElectionOptions options{
      .namespace_name = ns, .lease_name = p.config.lease_name, .identity = identity};
  auto* parts = &p;
  kube::LeaderCallbacks callbacks;
  callbacks.on_started_leading = [parts](std::stop_token stop) {
    LOG_INFO("app", "leader lease acquired", {});
    parts->metrics->setLeader(true);
    if (auto status = parts->mirror(stop); !status) {
      LOG_ERROR("app", "mirroring stopped", {{"error", status.error().message}});
    }
  };
  callbacks.on_stopped_leading = [parts] {
    parts->metrics->setLeader(false);
    if (parts->shutting_down) {
      LOG_INFO("app", "leader lease released", {});
      return;
    }
    LOG_ERROR("app", "leader lease lost", {});
    parts->lost_leadership = true;
    parts->wake.request_stop();
  };
  ASSIGN_OR_RETURN(p.elector, kube::LeaderElector::create(*p.lease_api, SystemClock::instance(),
                                                          options, std::move(callbacks)));
  return ok();
}

}  // namespace

Application::Application(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Application::~Application() = default;

Result<std::unique_ptr<Application>> Application::create(const config::Config& config,
                                                         const RunFlags& flags) {
  auto parts = std::make_unique<Parts>();
  parts->config = config;
  ASSIGN_OR_RETURN(parts->api, apiClient(flags));
  if (config.events && !config.dry_run && !config.dry_pull) {
    parts->event_writer = std::make_unique<kube::EventWriter>(*parts->api, SystemClock::instance(),
                                                              kube::EventWriter::Options{});
    parts->events = std::make_unique<KubeEventRecorder>(*parts->event_writer);
  }
  RETURN_IF_ERROR(buildMirroring(*parts));
  if (config.leader_elect) {
    RETURN_IF_ERROR(buildLeaderElection(*parts, flags));
  }
  buildWatcher(*parts);
  RETURN_IF_ERROR(buildServers(*parts));
  return std::unique_ptr<Application>(new Application(std::move(parts)));
}

Status Application::Parts::mirror(std::stop_token stop) {
  controller->start();
  Status result = watcher->start(stop);
  if (result) {
    LOG_INFO("app", "watching cluster", {{"server", api->server()}});
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait(lock, stop, [] { return false; });
  }
  watcher->stop();
  controller->stop();
  return result;
}

Status Application::run(std::stop_token stop) {
  auto& p = *parts_;
  RETURN_IF_ERROR(p.servers->start());
  LOG_INFO("app", "serving",
           {{"metrics_port", p.servers->metricsPort()}, {"health_port", p.servers->healthPort()}});
  Status result = ok();
  if (p.elector == nullptr) {
    p.metrics->setLeader(true);
    result = p.mirror(stop);
  } else {
    std::stop_callback forward(stop, [&p] { p.wake.request_stop(); });
    p.elector->start();
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait(lock, p.wake.get_token(), [] { return false; });
    p.shutting_down = true;
    p.elector->stop();  // ends mirroring, then releases the lease so a standby takes over
    if (p.lost_leadership) {
      result = fail(ErrorCode::kUnavailable, "leader lease lost");
    }
  }
  LOG_INFO("app", "shutting down", {});
  if (p.event_writer) {
    p.event_writer->stop();
  }
  p.servers->stop();
  return result;
}

}  // namespace copycat::app
