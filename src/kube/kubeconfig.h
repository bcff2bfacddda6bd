// The kubeconfig file model (clientcmd v1 "Config"), its parser, the KUBECONFIG merge, and the
// resolution of one context into a ClusterConfig.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "kube/kube_config.h"

namespace copycat::kube {

// clusters[].cluster. Paths are already absolute (resolved against the file's directory);
// *_data fields are already base64-decoded.
struct KubeconfigCluster {
  std::string server;
  std::string certificate_authority;
  std::string certificate_authority_data;
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string proxy_url;
  std::optional<nlohmann::json> exec_extension;  // extensions["client.authentication.k8s.io/exec"]
  std::string origin;                            // the file it came from
};

// users[].user.
struct KubeconfigUser {
  std::string client_certificate;
  std::string client_certificate_data;
  std::string client_key;
  std::string client_key_data;
  std::string token;
  std::string token_file;
  std::optional<ExecConfig> exec;
  bool has_basic_auth = false;  // username/password: not supported by copycat
  std::string auth_provider;    // legacy auth-provider name: not supported by copycat
  std::string origin;
};

// contexts[].context.
struct KubeconfigContext {
  std::string cluster;
  std::string user;
  std::string namespace_name;
  std::string origin;
};

struct Kubeconfig {
  std::map<std::string, KubeconfigCluster> clusters;
  std::map<std::string, KubeconfigUser> users;
  std::map<std::string, KubeconfigContext> contexts;
  std::string current_context;
  std::vector<std::string> files;  // files that were read, in precedence order

  bool empty() const { return clusters.empty() && users.empty() && contexts.empty(); }
};

// Parses one kubeconfig document (YAML or JSON). `path` is used to resolve relative file
// references and in error messages. An empty document is an empty config.
// Errors: kInvalidArgument (syntax, duplicate names, bad base64, bad exec settings).
Result<Kubeconfig> parseKubeconfig(std::string_view text, const std::string& path);

// Merges `from` into `into` as client-go does for KUBECONFIG lists: a map entry (cluster, user,
// context by name) is taken whole from the first file that defines it; current-context from
// the first file that sets it.
void mergeKubeconfig(Kubeconfig& into, const Kubeconfig& from);

// Reads and merges `paths` in order. Missing files are skipped unless `must_exist` (the
// --kubeconfig case); an unreadable or invalid file is an error.
Result<Kubeconfig> loadKubeconfigFiles(const std::vector<std::string>& paths, bool must_exist);

// Resolves `context` (or current-context when empty) into a ClusterConfig: reads referenced
// files, validates the combination (client-go validation rules) and fills namespace/source.
// Errors: kInvalidArgument for unknown context/cluster/user, missing server, conflicting
// settings; kNotFound / kPermissionDenied for unreadable referenced files.
Result<ClusterConfig> resolveContext(const Kubeconfig& config, std::string_view context);

}  // namespace copycat::kube
