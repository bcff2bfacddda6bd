// The effective configuration of copycat: plain structs whose default member initialisers are
// the documented defaults (docs/configuration.md). Key names follow k8s-copycat's config.yaml;
// config_loader.h fills these from YAML, the environment and flags, and validates them.
// Plain values: copy freely; no synchronisation of their own.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/log.h"

namespace copycat::config {

inline constexpr std::string_view kDefaultConfigPath = "/config/config.yaml";

enum class TargetKind { kEcr, kDocker };

// "ecr" or "docker".
std::string_view targetKindName(TargetKind kind);

// The resource kinds copycat can watch (plural, lower case, as in WATCH_RESOURCES).
inline constexpr std::string_view kWatchableResources[] = {
    "deployments", "statefulsets", "daemonsets", "jobs", "cronjobs", "pods"};

struct EcrEncryption {
  std::string type = "AES256";  // AES256 | KMS
  std::string kms_key;          // KMS key ARN or id; only with type KMS
};

struct EcrConfig {
  std::string account_id;  // 12 digits; required when the target is ECR
  std::string region;      // e.g. eu-central-1; required when the target is ECR
  std::string repo_prefix;
  bool create_repo = true;
  std::string assume_role_arn;  // optional extra role assumed with the base credentials
  std::string external_id;      // sts:ExternalId for assume_role_arn
  std::string role_session_name = "k8s-copycat";
  int assume_role_duration_seconds = 3600;
  // Overrides the registry host "<account>.dkr.ecr.<region>.amazonaws.com" (host[:port] or an
  // http(s):// URL), e.g. for VPC endpoints or a local test registry.
  std::string registry_endpoint;
  std::string lifecycle_policy;   // JSON text, applied when a repository is created
  std::string repository_policy;  // JSON text, applied when a repository is created
  // When true, existing repositories are brought in line with the settings below as well.
  bool reconcile_settings = false;
  std::string image_tag_mutability = "MUTABLE";  // MUTABLE | IMMUTABLE
  bool scan_on_push = false;
  EcrEncryption encryption;
  std::map<std::string, std::string> tags;  // resource tags for created repositories
};

struct DockerConfig {
  std::string registry;  // host[:port], no scheme; required when the target is docker
  std::string repo_prefix;
  bool insecure = false;  // plain HTTP / unverified TLS towards the target
  std::string username;   // normally from TARGET_USERNAME
  std::string password;   // normally from TARGET_PASSWORD; secret
};

// Workload names to ignore per kind: "name", "namespace/name" or "*".
struct SkipNames {
  std::vector<std::string> deployments;
  std::vector<std::string> stateful_sets;
  std::vector<std::string> daemon_sets;
  std::vector<std::string> jobs;
  std::vector<std::string> cron_jobs;
  std::vector<std::string> pods;
};

// Credentials for pulling from a source registry. After loading, username/password/token
// hold the effective values: a non-empty variable named by *_env overrides the inline value.
struct RegistryCredential {
  std::string registry;                       // lower-cased host[:port]
  std::vector<std::string> registry_aliases;  // more hosts; "*.example.com" globs allowed
  std::string username;
  std::string password;  // secret
  std::string token;     // secret; a registry bearer token, preferred over basic auth
  std::string username_env;
  std::string password_env;
  std::string token_env;
};

// Rewrites a source repository path: prefix substitution, or a regular expression (RE2) when
// `regex` is true. The first matching rule wins.
struct PathMapRule {
  std::string from;
  std::string to;
  bool regex = false;
};

struct Config {
  TargetKind target_kind = TargetKind::kEcr;
  EcrConfig ecr;
  DockerConfig docker;

  // Workload selection.
  std::vector<std::string> include_namespaces = {"*"};  // "*", names or globs
  std::vector<std::string> skip_namespaces;
  SkipNames skip_names;
  std::vector<std::string> watch_resources = {std::begin(kWatchableResources),
                                              std::end(kWatchableResources)};

  // Mirroring behaviour.
  std::vector<std::string> exclude_registries;
  std::chrono::nanoseconds push_interval{0};  // minimum gap between pushes; 0 = no throttle
  bool dry_run = false;
  bool dry_pull = false;
  bool digest_pull = false;
  std::vector<std::string> digest_pull_ignored_tags = {"latest"};
  bool check_node_platform = false;
  std::vector<std::string> mirror_platforms;          // normalised "os/arch[/variant]"
  std::vector<std::string> ignore_missing_platforms;  // RE2 patterns on "<source>|<platform>"
  bool allow_different_digest_repush = true;
  std::vector<PathMapRule> path_map;
  std::vector<RegistryCredential> registry_credentials;
  std::vector<std::string> insecure_registries;  // source hosts reached over HTTP / no TLS check
  std::string ca_file;                           // extra PEM bundle trusted for registries

  // Retries, timeouts and concurrency.
  int request_timeout_seconds = 300;  // 0 disables the per-operation deadline
  int registry_retry_attempts = 3;
  int registry_retry_backoff_seconds = 10;
  int failure_cooldown_minutes = 60;  // 0 disables the cooldown
  int force_reconcile_minutes = 0;    // 0 disables the periodic full resync
  int max_concurrent_reconciles = 2;
  int registry_concurrency = 4;  // parallel blob transfers per registry
  int shutdown_timeout_seconds = 25;

  // Process.
  log::Level log_level = log::Level::kInfo;
  bool debug = false;  // shorthand for log_level = debug
  std::string metrics_addr = ":8080";
  std::string health_addr = ":8081";
  std::string admin_token;  // secret; when set, admin endpoints require it as a bearer token
  bool leader_elect = true;
  std::string leader_election_namespace;  // empty: the pod's own namespace
  std::string lease_name = "k8s-copycat";
  bool events = true;  // emit Kubernetes Events for mirror outcomes
};

// Where an effective value came from.
enum class Source { kDefault, kFile, kEnv, kFlag };

std::string_view sourceName(Source source);  // "default", "file", "env", "flag"

struct Origin {
  Source source = Source::kDefault;
  std::string env_var;  // the variable that supplied the value (kEnv only)
  int line = 0;         // 1-based line in the file (kFile only; 0 when unknown)
};

}  // namespace copycat::config
