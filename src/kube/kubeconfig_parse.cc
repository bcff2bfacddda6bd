// parseKubeconfig: the yaml-cpp adapter. yaml-cpp throws; every exception stays in this file.
#include <cstdlib>
#include <set>

#include <yaml-cpp/yaml.h>

#include "base/base64.h"
#include "base/strings.h"
#include "kube/file_util.h"
#include "kube/kubeconfig.h"

namespace copycat::kube {
namespace {

constexpr std::string_view kExecV1 = "client.authentication.k8s.io/v1";
constexpr std::string_view kExecV1Beta1 = "client.authentication.k8s.io/v1beta1";
constexpr std::string_view kExecExtension = "client.authentication.k8s.io/exec";

Error invalid(const std::string& where, const std::string& what) {
  return Error{ErrorCode::kInvalidArgument, where + ": " + what};
}

// yaml-cpp throws on type queries of a missing key, so these check IsDefined() first.
bool isMap(const YAML::Node& n) { return n.IsDefined() && n.IsMap(); }
bool isSequence(const YAML::Node& n) { return n.IsDefined() && n.IsSequence(); }
bool isScalar(const YAML::Node& n) { return n.IsDefined() && n.IsScalar(); }
bool isAbsent(const YAML::Node& n) { return !n.IsDefined() || n.IsNull(); }

// A string field; absent or null gives "". Non-scalars are an error.
Result<std::string> stringField(const YAML::Node& map, const char* key, const std::string& where) {
  YAML::Node node = map[key];
  if (isAbsent(node)) {
    return std::string();
  }
  if (!isScalar(node)) {
    return fail(invalid(where, std::string(key) + " must be a string"));
  }
  return node.Scalar();
}

Result<bool> boolField(const YAML::Node& map, const char* key, const std::string& where) {
  ASSIGN_OR_RETURN(std::string text, stringField(map, key, where));
  if (text.empty()) {
    return false;
  }
  auto value = strings::parseBool(text);
  if (!value) {
    return fail(invalid(where, std::string(key) + " must be true or false, got \"" + text + "\""));
  }
  return *value;
}

// base64 *-data fields are decoded here so a bad value is reported with its location.
Result<std::string> dataField(const YAML::Node& map, const char* key, const std::string& where) {
  ASSIGN_OR_RETURN(std::string text, stringField(map, key, where));
  if (text.empty()) {
    return text;
  }
  auto decoded = base64Decode(text, Base64Options{.ignore_line_breaks = true});
  if (!decoded) {
    return fail(invalid(where, std::string(key) + ": " + decoded.error().message));
  }
  return *decoded;
}

// Converts a YAML node to JSON for the exec extension (spec.cluster.config). Plain scalars
// that look like numbers, booleans or null keep that type; quoted scalars stay strings.
nlohmann::json toJson(const YAML::Node& node) {
  if (isMap(node)) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& item : node) {
      out[item.first.Scalar()] = toJson(item.second);
    }
    return out;
  }
  if (isSequence(node)) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : node) {
      out.push_back(toJson(item));
    }
    return out;
  }
  if (!isScalar(node)) {
    return nullptr;
  }
  const std::string& s = node.Scalar();
  if (node.Tag() != "!") {
    if (s == "null" || s == "~") return nullptr;
    if (s == "true") return true;
    if (s == "false") return false;
    char* end = nullptr;
    long long i = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && end != nullptr && *end == '\0') return i;
    double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end != nullptr && *end == '\0') return d;
  }
  return s;
}

Result<KubeconfigCluster> parseCluster(const YAML::Node& node, const std::string& where,
                                       const std::string& base_dir) {
  if (!isMap(node)) {
    return fail(invalid(where, "cluster must be a map"));
  }
  KubeconfigCluster c;
  ASSIGN_OR_RETURN(c.server, stringField(node, "server", where));
  ASSIGN_OR_RETURN(std::string ca, stringField(node, "certificate-authority", where));
  c.certificate_authority = resolvePath(base_dir, ca);
  ASSIGN_OR_RETURN(c.certificate_authority_data,
                   dataField(node, "certificate-authority-data", where));
  ASSIGN_OR_RETURN(c.insecure_skip_tls_verify, boolField(node, "insecure-skip-tls-verify", where));
  ASSIGN_OR_RETURN(c.tls_server_name, stringField(node, "tls-server-name", where));
  ASSIGN_OR_RETURN(c.proxy_url, stringField(node, "proxy-url", where));
  YAML::Node extensions = node["extensions"];
  if (isSequence(extensions)) {
    for (const auto& ext : extensions) {
      if (isMap(ext) && isScalar(ext["name"]) && ext["name"].Scalar() == kExecExtension) {
        c.exec_extension = toJson(ext["extension"]);
      }
    }
  }
  return c;
}

Result<InteractiveMode> parseInteractiveMode(const std::string& text, const std::string& version,
                                             const std::string& where) {
  if (text.empty()) {
    // client-go SetDefaults_ExecConfig: only v1beta1 defaults; v1 must say it explicitly.
    if (version == kExecV1Beta1) {
      return InteractiveMode::kIfAvailable;
    }
    return fail(invalid(where, "interactiveMode must be specified to use exec authentication"));
  }
  if (text == "Never") return InteractiveMode::kNever;
  if (text == "IfAvailable") return InteractiveMode::kIfAvailable;
  if (text == "Always") return InteractiveMode::kAlways;
  return fail(invalid(where, "invalid interactiveMode \"" + text + "\""));
}

Result<std::vector<std::pair<std::string, std::string>>> parseExecEnv(const YAML::Node& node,
                                                                      const std::string& where) {
  std::vector<std::pair<std::string, std::string>> env;
  if (isAbsent(node)) {
    return env;
  }
  if (!isSequence(node)) {
    return fail(invalid(where, "exec env must be a list of {name, value}"));
  }
  for (const auto& item : node) {
    if (!isMap(item)) {
      return fail(invalid(where, "exec env must be a list of {name, value}"));
    }
    ASSIGN_OR_RETURN(std::string name, stringField(item, "name", where));
    ASSIGN_OR_RETURN(std::string value, stringField(item, "value", where));
    if (name.empty()) {
      return fail(invalid(where, "exec env variable name must be specified"));
    }
    env.emplace_back(std::move(name), std::move(value));
  }
  return env;
}

Result<ExecConfig> parseExec(const YAML::Node& node, const std::string& where,
                             const std::string& base_dir) {
  if (!isMap(node)) {
    return fail(invalid(where, "exec must be a map"));
  }
  ExecConfig e;
  ASSIGN_OR_RETURN(e.api_version, stringField(node, "apiVersion", where));
  ASSIGN_OR_RETURN(e.command, stringField(node, "command", where));
  if (e.command.empty()) {
    return fail(invalid(where, "exec command must be specified"));
  }
  if (e.api_version.empty()) {
    return fail(invalid(where, "exec apiVersion must be specified"));
  }
  if (e.api_version != kExecV1 && e.api_version != kExecV1Beta1) {
    return fail(invalid(where, "exec apiVersion \"" + e.api_version + "\" is not supported (use " +
                                   std::string(kExecV1) + " or " + std::string(kExecV1Beta1) +
                                   ")"));
  }
  // client-go GetAuthInfoFileReferences: only a command with a path separator is relative to
  // the kubeconfig; a bare name is looked up in PATH.
  if (e.command.find('/') != std::string::npos) {
    e.command = resolvePath(base_dir, e.command);
  }
  YAML::Node args = node["args"];
  if (isSequence(args)) {
    for (const auto& a : args) {
      if (!isScalar(a)) {
        return fail(invalid(where, "exec args must be strings"));
      }
      e.args.push_back(a.Scalar());
    }
  } else if (!isAbsent(args)) {
    return fail(invalid(where, "exec args must be a list"));
  }
  ASSIGN_OR_RETURN(e.env, parseExecEnv(node["env"], where));
  ASSIGN_OR_RETURN(e.install_hint, stringField(node, "installHint", where));
  ASSIGN_OR_RETURN(std::string mode, stringField(node, "interactiveMode", where));
  ASSIGN_OR_RETURN(e.interactive_mode, parseInteractiveMode(mode, e.api_version, where));
  ASSIGN_OR_RETURN(e.provide_cluster_info, boolField(node, "provideClusterInfo", where));
  return e;
}

Result<KubeconfigUser> parseUser(const YAML::Node& node, const std::string& where,
                                 const std::string& base_dir) {
  KubeconfigUser u;
  if (isAbsent(node)) {
    return u;
  }
  if (!isMap(node)) {
    return fail(invalid(where, "user must be a map"));
  }
  ASSIGN_OR_RETURN(std::string cert, stringField(node, "client-certificate", where));
  u.client_certificate = resolvePath(base_dir, cert);
  ASSIGN_OR_RETURN(u.client_certificate_data, dataField(node, "client-certificate-data", where));
  ASSIGN_OR_RETURN(std::string key, stringField(node, "client-key", where));
  u.client_key = resolvePath(base_dir, key);
  ASSIGN_OR_RETURN(u.client_key_data, dataField(node, "client-key-data", where));
  ASSIGN_OR_RETURN(u.token, stringField(node, "token", where));
  ASSIGN_OR_RETURN(std::string token_file, stringField(node, "tokenFile", where));
  u.token_file = resolvePath(base_dir, token_file);
  ASSIGN_OR_RETURN(std::string username, stringField(node, "username", where));
  ASSIGN_OR_RETURN(std::string password, stringField(node, "password", where));
  u.has_basic_auth = !username.empty() || !password.empty();
  YAML::Node provider = node["auth-provider"];
  if (isMap(provider)) {
    u.auth_provider = isScalar(provider["name"]) ? provider["name"].Scalar() : "unnamed";
  }
  YAML::Node exec = node["exec"];
  if (!isAbsent(exec)) {
    ASSIGN_OR_RETURN(u.exec, parseExec(exec, where, base_dir));
  }
  return u;
}

Result<KubeconfigContext> parseContext(const YAML::Node& node, const std::string& where) {
  KubeconfigContext c;
  if (!isMap(node)) {
    return fail(invalid(where, "context must be a map"));
  }
  ASSIGN_OR_RETURN(c.cluster, stringField(node, "cluster", where));
  ASSIGN_OR_RETURN(c.user, stringField(node, "user", where));
  ASSIGN_OR_RETURN(c.namespace_name, stringField(node, "namespace", where));
  return c;
}

// Walks one of the named lists ("clusters", "users", "contexts"), rejecting duplicate names as
// client-go's v1 → internal conversion does.
template <class T, class ParseFn>
Status parseNamedList(const YAML::Node& root, const char* list, const char* field,
                      const std::string& path, std::map<std::string, T>& out, ParseFn parse) {
  YAML::Node items = root[list];
  if (isAbsent(items)) {
    return ok();
  }
  const std::string list_where = "kubeconfig \"" + path + "\": " + list;
  if (!isSequence(items)) {
    return fail(invalid(list_where, "must be a list"));
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const YAML::Node& item = items[i];
    if (!isMap(item)) {
      return fail(invalid(list_where + "[" + std::to_string(i) + "]", "must be a map"));
    }
    ASSIGN_OR_RETURN(std::string name, stringField(item, "name", list_where));
    const std::string where = list_where + "[" + std::to_string(i) + "] \"" + name + "\"";
    if (name.empty()) {
      return fail(invalid(where, "name must be specified"));
    }
    if (out.count(name) != 0) {
      return fail(invalid(where, "duplicate name"));
    }
    ASSIGN_OR_RETURN(T value, parse(item[field], where));
    value.origin = path;
    out.emplace(name, std::move(value));
  }
  return ok();
}

Result<Kubeconfig> parseDocument(const YAML::Node& root, const std::string& path) {
  Kubeconfig config;
  config.files.push_back(path);
  if (isAbsent(root)) {
    return config;
  }
  if (!isMap(root)) {
    return fail(invalid("kubeconfig \"" + path + "\"", "top level must be a map"));
  }
  const std::string base_dir = absoluteDirectoryOf(path);
  RETURN_IF_ERROR(parseNamedList(
      root, "clusters", "cluster", path, config.clusters,
      [&](const YAML::Node& n, const std::string& w) { return parseCluster(n, w, base_dir); }));
  RETURN_IF_ERROR(parseNamedList(
      root, "users", "user", path, config.users,
      [&](const YAML::Node& n, const std::string& w) { return parseUser(n, w, base_dir); }));
  RETURN_IF_ERROR(parseNamedList(
      root, "contexts", "context", path, config.contexts,
      [&](const YAML::Node& n, const std::string& w) { return parseContext(n, w); }));
  ASSIGN_OR_RETURN(config.current_context,
                   stringField(root, "current-context", "kubeconfig \"" + path + "\""));
  return config;
}

}  // namespace

Result<Kubeconfig> parseKubeconfig(std::string_view text, const std::string& path) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return parseDocument(root, path);
  } catch (const YAML::Exception& e) {
    return fail(ErrorCode::kInvalidArgument,
                "kubeconfig \"" + path + "\": invalid YAML: " + std::string(e.what()));
  }
}

}  // namespace copycat::kube
