// How to reach the Kubernetes API server: the resolved cluster + credentials, loaded the way
// client-go/kubectl do (in-cluster service account, or kubeconfig files merged from
// --kubeconfig / KUBECONFIG / ~/.kube/config). See src/kube/README.md for the precedence rules.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace copycat::kube {

// kubeconfig users[].user.exec.interactiveMode. copycat never runs a plugin interactively.
enum class InteractiveMode { kNever, kIfAvailable, kAlways };

// An exec credential plugin (client.authentication.k8s.io v1 / v1beta1).
struct ExecConfig {
  std::string api_version;  // "client.authentication.k8s.io/v1" or ".../v1beta1"
  std::string command;      // resolved against the kubeconfig's directory when it has a '/'
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;  // added to the parent environment
  std::string install_hint;
  InteractiveMode interactive_mode = InteractiveMode::kIfAvailable;
  bool provide_cluster_info = false;
  // clusters[].cluster.extensions["client.authentication.k8s.io/exec"], passed to the plugin as
  // spec.cluster.config when provide_cluster_info is set.
  std::optional<nlohmann::json> cluster_config;
};

// Everything needed to open a connection to the API server and authenticate.
struct ClusterConfig {
  std::string server;  // "https://10.0.0.1:443", no trailing '/'
  std::string ca_pem;  // PEM bytes; empty means the system trust store
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string proxy_url;
  std::string client_cert_pem;
  std::string client_key_pem;  // secret: never log
  std::string token;           // static bearer token; secret: never log
  std::string token_file;      // re-read by FileTokenSource; wins over `token` (client-go)
  std::optional<ExecConfig> exec;
  std::string namespace_name;  // default namespace of the context / pod ("default" otherwise)
  std::string user_agent;
  // Where this came from, for logs: "in-cluster" or "kubeconfig context \"x\"".
  std::string source;
  std::string context_name;  // empty for in-cluster
};

// Which configuration wins when neither --kubeconfig nor KUBECONFIG is set.
enum class Precedence {
  // client-go clientcmd default loading rules (kubectl): ~/.kube/config first, in-cluster only
  // when no kubeconfig provides a configuration.
  kClientGo,
  // controller-runtime ctrl.GetConfig (what k8s-copycat uses): in-cluster before ~/.kube/config.
  kControllerRuntime,
};

inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

// Inputs of loadClusterConfig. Every environmental input is injectable for tests.
struct LoadOptions {
  std::string kubeconfig_path;  // --kubeconfig: the only file read; it must exist
  std::string context;          // --context: overrides current-context
  std::string namespace_override;
  std::string user_agent = "copycat";
  Precedence precedence = Precedence::kClientGo;
  std::string service_account_dir = kServiceAccountDir;
  // Environment lookup (KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT, POD_NAMESPACE);
  // defaults to ::getenv.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  std::string home_dir;  // overrides $HOME when set
};

// Resolves the configuration following `options.precedence`:
//   1. --kubeconfig path (must exist; no merging, no in-cluster fallback);
//   2. KUBECONFIG (':'-separated; missing files skipped; merged, first file to set a key wins);
//   3. kClientGo: ~/.kube/config, then in-cluster when no kubeconfig yields a context;
//      kControllerRuntime: in-cluster, then ~/.kube/config.
// Errors: kInvalidArgument for an invalid or inconsistent kubeconfig (unknown context, bad
// base64, missing server, ...), kNotFound when no configuration exists at all or a referenced
// file cannot be read.
Result<ClusterConfig> loadClusterConfig(const LoadOptions& options);

// The in-cluster configuration: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT,
// the service account token file (read later by FileTokenSource; must exist now), its ca.crt
// and namespace (POD_NAMESPACE wins, then the namespace file, then "default").
// Errors: kNotFound when not running in a cluster (variables unset or token file missing).
Result<ClusterConfig> inClusterConfig(const LoadOptions& options);

// True when the in-cluster variables are set and the token file exists (client-go Possible()).
bool inClusterPossible(const LoadOptions& options);

}  // namespace copycat::kube
