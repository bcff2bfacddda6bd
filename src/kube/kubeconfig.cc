#include "kube/kubeconfig.h"

#include <set>

#include "base/strings.h"
#include "kube/file_util.h"

namespace copycat::kube {
namespace {

template <class T>
std::string availableNames(const std::map<std::string, T>& items) {
  if (items.empty()) {
    return "none";
  }
  std::vector<std::string> names;
  for (const auto& [name, value] : items) {
    names.push_back(name);
  }
  return strings::join(names, ", ");
}

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// client-go DefaultServerURL: a host without a scheme gets https:// when TLS settings exist,
// http:// otherwise.
Result<std::string> normalizeServer(std::string server, bool tls, const std::string& cluster) {
  server = std::string(strings::trim(server));
  if (server.find("://") == std::string::npos) {
    server = (tls ? "https://" : "http://") + server;
  }
  std::string scheme = strings::toLower(server.substr(0, server.find("://")));
  if (scheme != "https" && scheme != "http") {
    return fail(ErrorCode::kInvalidArgument, "cluster " + quote(cluster) + ": server " +
                                                 quote(server) + " must use http or https");
  }
  while (!server.empty() && server.back() == '/') {
    server.pop_back();
  }
  if (server.size() <= scheme.size() + 3) {
    return fail(ErrorCode::kInvalidArgument,
                "cluster " + quote(cluster) + ": server " + quote(server) + " has no host");
  }
  return server;
}

Status applyCluster(const KubeconfigCluster& c, const std::string& name, ClusterConfig& out) {
  if (c.server.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "cluster " + quote(name) + " has no server (in " + c.origin + ")");
  }
  // rest.TLSClientConfig: CAData takes precedence over CAFile.
  if (!c.certificate_authority_data.empty()) {
    out.ca_pem = c.certificate_authority_data;
  } else if (!c.certificate_authority.empty()) {
    ASSIGN_OR_RETURN(out.ca_pem, readFile(c.certificate_authority, "certificate-authority"));
  }
  // client-go transport: "specifying a root certificates file with the insecure flag is not
  // allowed".
  if (c.insecure_skip_tls_verify && !out.ca_pem.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "cluster " + quote(name) +
                    ": certificate-authority cannot be combined with insecure-skip-tls-verify");
  }
  out.insecure_skip_tls_verify = c.insecure_skip_tls_verify;
  out.tls_server_name = c.tls_server_name;
  out.proxy_url = c.proxy_url;
  return ok();
}

// The PEM for a cert or key given as a file and/or inline data. Both at once is an error in
// client-go's validation ("client-cert-data and client-cert are both specified").
Result<std::string> pemFrom(const std::string& file, const std::string& data,
                            const std::string& field, const std::string& user) {
  if (!file.empty() && !data.empty()) {
    return fail(ErrorCode::kInvalidArgument, "user " + quote(user) + ": " + field + "-data and " +
                                                 field + " are both specified");
  }
  if (!data.empty()) {
    return data;
  }
  if (file.empty()) {
    return std::string();
  }
  return readFile(file, field);
}

Status applyUser(const KubeconfigUser& u, const std::string& name, ClusterConfig& out) {
  if (u.has_basic_auth) {
    return fail(ErrorCode::kInvalidArgument,
                "user " + quote(name) +
                    ": basic authentication (username/password) is not "
                    "supported; use a token, client certificate or exec");
  }
  if (!u.auth_provider.empty()) {
    return fail(ErrorCode::kInvalidArgument, "user " + quote(name) + ": auth-provider " +
                                                 quote(u.auth_provider) +
                                                 " is not supported; use an exec plugin");
  }
  ASSIGN_OR_RETURN(out.client_cert_pem, pemFrom(u.client_certificate, u.client_certificate_data,
                                                "client-certificate", name));
  ASSIGN_OR_RETURN(out.client_key_pem,
                   pemFrom(u.client_key, u.client_key_data, "client-key", name));
  if (out.client_cert_pem.empty() != out.client_key_pem.empty()) {
    return fail(
        ErrorCode::kInvalidArgument,
        "user " + quote(name) + ": client-certificate and client-key must be specified together");
  }
  out.token = u.token;
  if (!u.token_file.empty()) {
    // Read once now so a wrong path fails at startup; FileTokenSource re-reads it later.
    RETURN_IF_ERROR(readFile(u.token_file, "tokenFile"));
    out.token_file = u.token_file;
  }
  if (u.exec) {
    if (u.exec->interactive_mode == InteractiveMode::kAlways) {
      return fail(ErrorCode::kInvalidArgument,
                  "user " + quote(name) +
                      ": exec plugin requires interactiveMode Always, but copycat never runs "
                      "credential plugins interactively");
    }
    out.exec = u.exec;
  }
  return ok();
}

}  // namespace

void mergeKubeconfig(Kubeconfig& into, const Kubeconfig& from) {
  into.clusters.insert(from.clusters.begin(), from.clusters.end());  // keeps existing keys
  into.users.insert(from.users.begin(), from.users.end());
  into.contexts.insert(from.contexts.begin(), from.contexts.end());
  if (into.current_context.empty()) {
    into.current_context = from.current_context;
  }
  into.files.insert(into.files.end(), from.files.begin(), from.files.end());
}

Result<Kubeconfig> loadKubeconfigFiles(const std::vector<std::string>& paths, bool must_exist) {
  Kubeconfig merged;
  std::set<std::string> seen;
  for (const auto& path : paths) {
    if (path.empty() || !seen.insert(path).second) {
      continue;  // client-go deduplicates the precedence list and skips empty entries
    }
    auto text = readFile(path, "kubeconfig");
    if (!text) {
      if (text.error().code == ErrorCode::kNotFound && !must_exist) {
        continue;
      }
      return fail(text.error());
    }
    ASSIGN_OR_RETURN(Kubeconfig one, parseKubeconfig(*text, path));
    mergeKubeconfig(merged, one);
  }
  return merged;
}

Result<ClusterConfig> resolveContext(const Kubeconfig& config, std::string_view context) {
  std::string name(context.empty() ? std::string_view(config.current_context) : context);
  if (name.empty()) {
    return fail(ErrorCode::kInvalidArgument,
                "kubeconfig has no current-context; choose one with --context (available: " +
                    availableNames(config.contexts) + ")");
  }
  auto ctx = config.contexts.find(name);
  if (ctx == config.contexts.end()) {
    return fail(ErrorCode::kInvalidArgument, "context " + quote(name) +
                                                 " not found in kubeconfig (available: " +
                                                 availableNames(config.contexts) + ")");
  }
  const KubeconfigContext& c = ctx->second;
  auto cluster = config.clusters.find(c.cluster);
  if (cluster == config.clusters.end()) {
    return fail(ErrorCode::kInvalidArgument,
                "cluster " + quote(c.cluster) + " of context " + quote(name) +
                    " not found in kubeconfig (available: " + availableNames(config.clusters) +
                    ")");
  }
  ClusterConfig out;
  RETURN_IF_ERROR(applyCluster(cluster->second, c.cluster, out));
  if (!c.user.empty()) {
    auto user = config.users.find(c.user);
    if (user == config.users.end()) {
      return fail(ErrorCode::kInvalidArgument,
                  "user " + quote(c.user) + " of context " + quote(name) +
                      " not found in kubeconfig (available: " + availableNames(config.users) + ")");
    }
    RETURN_IF_ERROR(applyUser(user->second, c.user, out));
  }
  if (out.exec) {
    out.exec->cluster_config = cluster->second.exec_extension;
  }
  bool tls = !out.ca_pem.empty() || !out.client_cert_pem.empty() || out.insecure_skip_tls_verify;
  ASSIGN_OR_RETURN(out.server, normalizeServer(cluster->second.server, tls, c.cluster));
  out.namespace_name = c.namespace_name.empty() ? "default" : c.namespace_name;
  out.context_name = name;
  out.source = "kubeconfig context " + quote(name);
  return out;
}

}  // namespace copycat::kube
