#include "kube/kube_config.h"

#include <cstdlib>

#include "base/log.h"
#include "base/strings.h"
#include "kube/file_util.h"
#include "kube/kubeconfig.h"

namespace copycat::kube {
namespace {

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;

GetEnv envLookup(const LoadOptions& options) {
  if (options.getenv) {
    return options.getenv;
  }
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

std::string envOr(const GetEnv& env, const std::string& name) { return env(name).value_or(""); }

ClusterConfig finish(ClusterConfig config, const LoadOptions& options) {
  if (!options.namespace_override.empty()) {
    config.namespace_name = options.namespace_override;
  }
  config.user_agent = options.user_agent;
  return config;
}

Result<ClusterConfig> fromKubeconfig(const Kubeconfig& merged, const LoadOptions& options) {
  ASSIGN_OR_RETURN(ClusterConfig config, resolveContext(merged, options.context));
  return finish(std::move(config), options);
}

// client-go DeferredLoadingClientConfig: a kubeconfig that names no context is "empty", and
// then the in-cluster configuration is used when possible.
bool namesNoContext(const Kubeconfig& merged, const LoadOptions& options) {
  return options.context.empty() && merged.current_context.empty();
}

std::string homeDirectory(const LoadOptions& options, const GetEnv& env) {
  if (!options.home_dir.empty()) {
    return options.home_dir;
  }
  return envOr(env, "HOME");
}

Result<ClusterConfig> fromEnvList(const std::string& list, const LoadOptions& options) {
  ASSIGN_OR_RETURN(Kubeconfig merged, loadKubeconfigFiles(strings::split(list, ':'), false));
  if (namesNoContext(merged, options) && inClusterPossible(options)) {
    return inClusterConfig(options);
  }
  if (merged.files.empty()) {
    return fail(ErrorCode::kNotFound,
                "no kubeconfig found: none of the KUBECONFIG files exist (" + list + ")");
  }
  return fromKubeconfig(merged, options);
}

Result<ClusterConfig> fromHome(const LoadOptions& options, const GetEnv& env) {
  const std::string home = homeDirectory(options, env);
  const std::string path = home.empty() ? std::string() : home + "/.kube/config";
  if (options.precedence == Precedence::kControllerRuntime && inClusterPossible(options)) {
    return inClusterConfig(options);
  }
  Kubeconfig merged;
  if (!path.empty()) {
    ASSIGN_OR_RETURN(merged, loadKubeconfigFiles({path}, false));
  }
  if (namesNoContext(merged, options) && inClusterPossible(options)) {
    return inClusterConfig(options);
  }
  if (merged.files.empty()) {
    return fail(ErrorCode::kNotFound,
                "no Kubernetes configuration found: no --kubeconfig, KUBECONFIG unset, \"" +
                    (path.empty() ? std::string("~/.kube/config") : path) +
                    "\" does not exist, and not running in a cluster "
                    "(KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT unset)");
  }
  return fromKubeconfig(merged, options);
}

}  // namespace

bool inClusterPossible(const LoadOptions& options) {
  GetEnv env = envLookup(options);
  return !envOr(env, "KUBERNETES_SERVICE_HOST").empty() &&
         !envOr(env, "KUBERNETES_SERVICE_PORT").empty() &&
         fileExists(options.service_account_dir + "/token");
}

Result<ClusterConfig> inClusterConfig(const LoadOptions& options) {
  GetEnv env = envLookup(options);
  std::string host = envOr(env, "KUBERNETES_SERVICE_HOST");
  std::string port = envOr(env, "KUBERNETES_SERVICE_PORT");
  if (host.empty() || port.empty()) {
    return fail(ErrorCode::kNotFound,
                "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
                "must be set");
  }
  if (host.find(':') != std::string::npos && host.front() != '[') {
    host = "[" + host + "]";  // net.JoinHostPort brackets IPv6 literals
  }
  const std::string dir = options.service_account_dir;
  ClusterConfig config;
  config.server = "https://" + host + ":" + port;
  config.token_file = dir + "/token";
  RETURN_IF_ERROR(readFile(config.token_file, "service account token"));
  auto ca = readFile(dir + "/ca.crt", "service account ca.crt");
  if (ca) {
    config.ca_pem = std::move(*ca);
  } else {
    // client-go InClusterConfig logs and continues with the system roots.
    LOG_WARN("kube", "in-cluster CA not loaded, using system trust store",
             {{"error", ca.error().message}});
  }
  std::string ns = envOr(env, "POD_NAMESPACE");
  if (ns.empty()) {
    auto file = readFile(dir + "/namespace", "service account namespace");
    ns = file ? std::string(strings::trim(*file)) : std::string();
  }
  config.namespace_name = ns.empty() ? "default" : ns;
  config.source = "in-cluster";
  return finish(std::move(config), options);
}

Result<ClusterConfig> loadClusterConfig(const LoadOptions& options) {
  GetEnv env = envLookup(options);
  if (!options.kubeconfig_path.empty()) {
    ASSIGN_OR_RETURN(Kubeconfig merged, loadKubeconfigFiles({options.kubeconfig_path}, true));
    return fromKubeconfig(merged, options);
  }
  std::string list = envOr(env, "KUBECONFIG");
  if (!list.empty()) {
    return fromEnvList(list, options);
  }
  return fromHome(options, env);
}

}  // namespace copycat::kube
