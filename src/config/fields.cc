#include "config/fields.h"

#include <charconv>
#include <limits>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "config/duration.h"

namespace copycat::config::internal {
namespace {

constexpr int64_t kIntMax = std::numeric_limits<int>::max();

constexpr FieldSpec row(std::string_view path, FieldType type, FieldRef (*ref)(Config&),
                        std::string_view env = "", std::string_view legacy_env = "",
                        std::string_view alias = "") {
  FieldSpec spec;
  spec.path = path;
  spec.type = type;
  spec.ref = ref;
  spec.env = env;
  spec.legacy_env = legacy_env;
  spec.alias = alias;
  return spec;
}

constexpr FieldSpec withMin(FieldSpec spec, int64_t min_value, int64_t max_value = kIntMax) {
  spec.min_value = min_value;
  spec.max_value = max_value;
  return spec;
}

constexpr FieldSpec asSecret(FieldSpec spec) {
  spec.secret = true;
  return spec;
}

constexpr FieldSpec keepCommas(FieldSpec spec) {
  spec.split_commas = false;
  return spec;
}

// Rows are grouped by section; the printer emits them in this order.
const FieldSpec kFields[] = {
    row(
        "targetKind", FieldType::kTargetKind, [](Config& c) -> FieldRef { return &c.target_kind; },
        "TARGET_KIND"),
    row(
        "ecr.accountID", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.ecr.account_id; }, "ECR_ACCOUNT_ID"),
    row(
        "ecr.region", FieldType::kString, [](Config& c) -> FieldRef { return &c.ecr.region; },
        "AWS_REGION"),
    row(
        "ecr.repoPrefix", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.ecr.repo_prefix; }, "ECR_REPO_PREFIX"),
    row(
        "ecr.createRepo", FieldType::kBool,
        [](Config& c) -> FieldRef { return &c.ecr.create_repo; }, "ECR_CREATE_REPO"),
    row(
        "ecr.assumeRoleArn", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.ecr.assume_role_arn; }, "ECR_ASSUME_ROLE_ARN"),
    row("ecr.externalId", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.ecr.external_id; }),
    row("ecr.roleSessionName", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.ecr.role_session_name; }),
    // STS AssumeRole DurationSeconds range.
    withMin(row("ecr.assumeRoleDurationSeconds", FieldType::kInt,
                [](Config& c) -> FieldRef { return &c.ecr.assume_role_duration_seconds; }),
            900, 43200),
    row("ecr.registryEndpoint", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.ecr.registry_endpoint; }),
    row("ecr.lifecyclePolicy", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.ecr.lifecycle_policy; }),
    row("ecr.repositoryPolicy", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.ecr.repository_policy; }),
    row("ecr.reconcileSettings", FieldType::kBool,
        [](Config& c) -> FieldRef { return &c.ecr.reconcile_settings; }),
    row("ecr.imageTagMutability", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.ecr.image_tag_mutability; }),
    row("ecr.scanOnPush", FieldType::kBool,
        [](Config& c) -> FieldRef { return &c.ecr.scan_on_push; }),
    row("ecr.encryption.type", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.ecr.encryption.type; }),
    row("ecr.encryption.kmsKey", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.ecr.encryption.kms_key; }),
    row("ecr.tags", FieldType::kMap, [](Config& c) -> FieldRef { return &c.ecr.tags; }),
    row(
        "docker.registry", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.docker.registry; }, "TARGET_REGISTRY"),
    row(
        "docker.repoPrefix", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.docker.repo_prefix; }, "TARGET_REPO_PREFIX"),
    row(
        "docker.insecure", FieldType::kBool,
        [](Config& c) -> FieldRef { return &c.docker.insecure; }, "TARGET_INSECURE"),
    row(
        "docker.username", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.docker.username; }, "TARGET_USERNAME"),
    asSecret(row(
        "docker.password", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.docker.password; }, "TARGET_PASSWORD")),
    row(
        "includeNamespaces", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.include_namespaces; }, "INCLUDE_NAMESPACES"),
    row(
        "skipNamespaces", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.skip_namespaces; }, "SKIP_NAMESPACES"),
    row(
        "skipNames.deployments", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.skip_names.deployments; }, "SKIP_DEPLOYMENTS"),
    row(
        "skipNames.statefulSets", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.skip_names.stateful_sets; }, "SKIP_STATEFULSETS"),
    row(
        "skipNames.daemonSets", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.skip_names.daemon_sets; }, "SKIP_DAEMONSETS"),
    row(
        "skipNames.jobs", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.skip_names.jobs; }, "SKIP_JOBS"),
    row(
        "skipNames.cronJobs", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.skip_names.cron_jobs; }, "SKIP_CRONJOBS"),
    row(
        "skipNames.pods", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.skip_names.pods; }, "SKIP_PODS"),
    row(
        "watchResources", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.watch_resources; }, "WATCH_RESOURCES"),
    row(
        "excludeRegistries", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.exclude_registries; }, "EXCLUDE_REGISTRIES"),
    row(
        "pushInterval", FieldType::kDuration,
        [](Config& c) -> FieldRef { return &c.push_interval; }, "PUSH_INTERVAL", "PUSH_INTERVALL"),
    row(
        "dryRun", FieldType::kBool, [](Config& c) -> FieldRef { return &c.dry_run; }, "DRY_RUN"),
    row(
        "dryPull", FieldType::kBool, [](Config& c) -> FieldRef { return &c.dry_pull; }, "DRY_PULL"),
    row(
        "digestPull", FieldType::kBool, [](Config& c) -> FieldRef { return &c.digest_pull; },
        "DIGEST_PULL"),
    row(
        "digestPullIgnoredTags", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.digest_pull_ignored_tags; },
        "DIGEST_PULL_IGNORED_TAGS"),
    row(
        "checkNodePlatform", FieldType::kBool,
        [](Config& c) -> FieldRef { return &c.check_node_platform; }, "CHECK_NODE_PLATFORM"),
    row(
        "mirrorPlatforms", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.mirror_platforms; }, "MIRROR_PLATFORMS"),
    // Regexes may contain commas ("{1,3}").
    keepCommas(row(
        "ignoreMissingPlatforms", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.ignore_missing_platforms; },
        "IGNORE_MISSING_PLATFORMS")),
    row(
        "allowDifferentDigestRepush", FieldType::kBool,
        [](Config& c) -> FieldRef { return &c.allow_different_digest_repush; },
        "ALLOW_DIFFERENT_DIGEST_REPUSH"),
    row(
        "insecureRegistries", FieldType::kList,
        [](Config& c) -> FieldRef { return &c.insecure_registries; }, "INSECURE_REGISTRIES"),
    row(
        "caFile", FieldType::kString, [](Config& c) -> FieldRef { return &c.ca_file; }, "CA_FILE"),
    row(
        "requestTimeout", FieldType::kInt,
        [](Config& c) -> FieldRef { return &c.request_timeout_seconds; },
        "REGISTRY_REQUEST_TIMEOUT", "", "requestTimeoutSeconds"),
    withMin(row(
                "registryRetryAttempts", FieldType::kInt,
                [](Config& c) -> FieldRef { return &c.registry_retry_attempts; },
                "REGISTRY_RETRY_ATTEMPTS"),
            1),
    row(
        "registryRetryBackoff", FieldType::kInt,
        [](Config& c) -> FieldRef { return &c.registry_retry_backoff_seconds; },
        "REGISTRY_RETRY_BACKOFF", "", "registryRetryBackoffSeconds"),
    row(
        "failureCooldownMinutes", FieldType::kInt,
        [](Config& c) -> FieldRef { return &c.failure_cooldown_minutes; },
        "FAILURE_COOLDOWN_MINUTES"),
    row(
        "forceReconcileMinutes", FieldType::kInt,
        [](Config& c) -> FieldRef { return &c.force_reconcile_minutes; },
        "FORCE_RECONCILE_MINUTES"),
    withMin(row(
                "maxConcurrentReconciles", FieldType::kInt,
                [](Config& c) -> FieldRef { return &c.max_concurrent_reconciles; },
                "MAX_CONCURRENT_RECONCILES"),
            1),
    withMin(row("registryConcurrency", FieldType::kInt,
                [](Config& c) -> FieldRef { return &c.registry_concurrency; }),
            1),
    row("shutdownTimeoutSeconds", FieldType::kInt,
        [](Config& c) -> FieldRef { return &c.shutdown_timeout_seconds; }),
    row(
        "logLevel", FieldType::kLogLevel, [](Config& c) -> FieldRef { return &c.log_level; },
        "LOG_LEVEL"),
    row(
        "debug", FieldType::kBool, [](Config& c) -> FieldRef { return &c.debug; }, "DEBUG"),
    row(
        "metricsAddr", FieldType::kString, [](Config& c) -> FieldRef { return &c.metrics_addr; },
        "METRICS_ADDR"),
    row(
        "healthAddr", FieldType::kString, [](Config& c) -> FieldRef { return &c.health_addr; },
        "HEALTH_ADDR"),
    asSecret(row(
        "adminToken", FieldType::kString, [](Config& c) -> FieldRef { return &c.admin_token; },
        "ADMIN_TOKEN")),
    row(
        "leaderElect", FieldType::kBool, [](Config& c) -> FieldRef { return &c.leader_elect; },
        "LEADER_ELECT"),
    row(
        "leaderElectionNamespace", FieldType::kString,
        [](Config& c) -> FieldRef { return &c.leader_election_namespace; }, "POD_NAMESPACE"),
    row("leaseName", FieldType::kString, [](Config& c) -> FieldRef { return &c.lease_name; }),
    row("events", FieldType::kBool, [](Config& c) -> FieldRef { return &c.events; }),
};

std::string describeInt(const FieldSpec& spec) {
  if (spec.max_value >= kIntMax) {
    return "must be >= " + std::to_string(spec.min_value);
  }
  return "must be between " + std::to_string(spec.min_value) + " and " +
         std::to_string(spec.max_value);
}

std::optional<std::string> assignInt(const FieldSpec& spec, int* out, std::string_view text) {
  std::string_view t = strings::trim(text);
  if (!t.empty() && t.front() == '+') {
    t.remove_prefix(1);
  }
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ptr != t.data() + t.size() ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    return "invalid integer " + quote(text);
  }
  if (ec == std::errc::result_out_of_range || value < spec.min_value || value > spec.max_value) {
    return describeInt(spec) + ", got " + std::string(t);
  }
  *out = static_cast<int>(value);
  return std::nullopt;
}

std::optional<std::string> assignDuration(std::chrono::nanoseconds* out, std::string_view text) {
  auto parsed = parseGoDuration(strings::trim(text));
  if (!parsed) {
    return "invalid duration " + quote(text) + ": " + parsed.error().message +
           " (use Go syntax such as 300ms, 30s, 1m, 1h30m)";
  }
  if (parsed->count() < 0) {
    return "must not be negative, got " + quote(text);
  }
  *out = *parsed;
  return std::nullopt;
}

std::optional<std::string> assignMap(std::map<std::string, std::string>* out,
                                     std::string_view text) {
  std::map<std::string, std::string> parsed;
  for (const auto& item : strings::splitList(text)) {
    auto eq = item.find('=');
    std::string key(strings::trim(std::string_view(item).substr(0, eq)));
    if (eq == std::string::npos || key.empty()) {
      return "invalid map entry " + quote(item) + " (want key=value[,key=value...])";
    }
    parsed[key] = std::string(strings::trim(std::string_view(item).substr(eq + 1)));
  }
  *out = std::move(parsed);
  return std::nullopt;
}

struct TextAssigner {
  const FieldSpec& spec;
  std::string_view text;

  std::optional<std::string> operator()(std::string* out) const {
    *out = spec.secret ? std::string(text) : std::string(strings::trim(text));
    return std::nullopt;
  }
  std::optional<std::string> operator()(bool* out) const {
    auto value = strings::parseBool(text);
    if (!value) {
      return "invalid boolean " + quote(text) + " (allowed: true/false, yes/no, on/off, 1/0)";
    }
    *out = *value;
    return std::nullopt;
  }
  std::optional<std::string> operator()(int* out) const { return assignInt(spec, out, text); }
  std::optional<std::string> operator()(std::vector<std::string>* out) const {
    *out = strings::splitList(text);
    return std::nullopt;
  }
  std::optional<std::string> operator()(std::chrono::nanoseconds* out) const {
    return assignDuration(out, text);
  }
  std::optional<std::string> operator()(log::Level* out) const {
    if (strings::trim(text).empty() || !log::parseLevel(text, out)) {
      return "invalid log level " + quote(text) +
             " (allowed: debug, info, warn, error, or a numeric verbosity)";
    }
    return std::nullopt;
  }
  std::optional<std::string> operator()(TargetKind* out) const {
    std::string kind = strings::toLower(strings::trim(text));
    if (kind == "ecr") {
      *out = TargetKind::kEcr;
    } else if (kind == "docker") {
      *out = TargetKind::kDocker;
    } else {
      return "unknown target kind " + quote(text) + " (allowed: ecr, docker)";
    }
    return std::nullopt;
  }
  std::optional<std::string> operator()(std::map<std::string, std::string>* out) const {
    return assignMap(out, text);
  }
};

}  // namespace

std::span<const FieldSpec> fieldSpecs() { return kFields; }

const FieldSpec* findField(std::string_view path) {
  for (const auto& spec : kFields) {
    if (spec.path == path || (!spec.alias.empty() && spec.alias == path)) {
      return &spec;
    }
  }
  return nullptr;
}

std::optional<std::string> assignText(const FieldSpec& spec, Config& config,
                                      std::string_view text) {
  return std::visit(TextAssigner{spec, text}, spec.ref(config));
}

void assignList(const FieldSpec& spec, Config& config, const std::vector<std::string>& items) {
  auto* out = std::get<std::vector<std::string>*>(spec.ref(config));
  out->clear();
  for (const auto& item : items) {
    if (spec.split_commas) {
      for (auto& piece : strings::splitList(item)) {
        out->push_back(std::move(piece));
      }
      continue;
    }
    auto trimmed = strings::trim(item);
    if (!trimmed.empty()) {
      out->emplace_back(trimmed);
    }
  }
}

std::string quote(std::string_view value) {
  return nlohmann::json(std::string(value))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace copycat::config::internal
