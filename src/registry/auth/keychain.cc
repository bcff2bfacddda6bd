#include "registry/auth/keychain.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "base/strings.h"
#include "image/reference.h"

namespace copycat::registry::auth {
namespace {

using nlohmann::json;
using Entry = StaticKeychain::Entry;

constexpr size_t kMaxDockerConfigBytes = 4 * 1024 * 1024;  // config.json is a few KiB
constexpr int kExactMatchScore = 1'000'000;                // beats any wildcard suffix length

struct HostPort {
  std::string host;
  std::string port;  // "" when absent
};

bool isDigits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// "host:5000" -> {host, 5000}; "[::1]:5000" -> {[::1], 5000}; bare IPv6 has no port.
HostPort splitHostPort(std::string_view canonical) {
  size_t colon = canonical.rfind(':');
  if (colon == std::string_view::npos || !isDigits(canonical.substr(colon + 1))) {
    return {std::string(canonical), ""};
  }
  std::string_view host = canonical.substr(0, colon);
  if (host.find(':') != std::string_view::npos && (host.front() != '[' || host.back() != ']')) {
    return {std::string(canonical), ""};
  }
  return {std::string(host), std::string(canonical.substr(colon + 1))};
}

// registryCredentials matching: 0 = no match, higher = more specific.
int flexibleScore(std::string_view pattern, const HostPort& target) {
  HostPort p = splitHostPort(pattern);
  if (!p.port.empty() && p.port != target.port) {
    return 0;
  }
  int port_bonus = p.port.empty() ? 0 : 1;
  if (p.host == target.host) {
    return kExactMatchScore + port_bonus;
  }
  if (p.host.size() > 2 && p.host.compare(0, 2, "*.") == 0) {
    std::string_view suffix = std::string_view(p.host).substr(1);  // ".example.com"
    std::string_view host = target.host;
    if (host.size() > suffix.size() && host.substr(host.size() - suffix.size()) == suffix) {
      return 2 * static_cast<int>(suffix.size()) + port_bonus;
    }
  }
  return 0;
}

const Entry* exactMatch(const std::vector<Entry>& entries, std::string_view canonical) {
  for (const Entry& e : entries) {
    if (e.pattern == canonical) {
      return &e;
    }
  }
  return nullptr;
}

const Entry* bestFlexibleMatch(const std::vector<Entry>& entries, const HostPort& target) {
  const Entry* best = nullptr;
  int best_score = 0;
  for (const Entry& e : entries) {
    int score = flexibleScore(e.pattern, target);
    if (score > 0 && score >= best_score) {  // later entries win ties
      best = &e;
      best_score = score;
    }
  }
  return best;
}

// The env variable's value when `name` is set and the variable is non-empty, else `fallback`.
std::string envOr(const EnvLookup& env, std::string_view name, std::string fallback) {
  std::string_view trimmed = strings::trim(name);
  if (trimmed.empty()) {
    return fallback;
  }
  std::optional<std::string> value = env(trimmed);
  return value && !value->empty() ? *value : fallback;
}

// k8s-copycat semantics: env overrides direct values; a token wins over username/password.
std::optional<RegistryAuth> credentialAuth(const RegistryCredential& c, const EnvLookup& env,
                                           std::string source, std::vector<std::string>& warnings) {
  RegistryAuth auth;
  auth.source = std::move(source);
  std::string token = envOr(env, c.token_env, std::string(strings::trim(c.token)));
  if (!token.empty()) {
    auth.registry_token = std::string(strings::trim(token));
    return auth;
  }
  auth.username = envOr(env, c.username_env, std::string(strings::trim(c.username)));
  auth.password = envOr(env, c.password_env, c.password);
  if (auth.username.empty() && auth.password.empty()) {
    warnings.push_back(fmt::format(
        "{} ({}): no username, password or token (directly or through *Env variables); entry "
        "ignored",
        auth.source, c.registry));
    return std::nullopt;
  }
  return auth;
}

std::string stringField(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// One `auths` entry; nullopt (with a warning when it is malformed) when it gives nothing.
std::optional<RegistryAuth> dockerEntryAuth(const std::string& key, const json& value,
                                            std::vector<std::string>& warnings) {
  if (!value.is_object()) {
    warnings.push_back(fmt::format("docker config: auths entry {} is not an object; ignored", key));
    return std::nullopt;
  }
  RegistryAuth auth;
  auth.source = "docker-config";
  std::string encoded(strings::trim(stringField(value, "auth")));
  if (!encoded.empty()) {
    auto decoded = base64Decode(encoded);
    size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) {
      warnings.push_back(fmt::format(
          "docker config: auths entry {}: \"auth\" is not base64 of user:password; ignored", key));
      return std::nullopt;
    }
    auth.username = decoded->substr(0, colon);
    auth.password = decoded->substr(colon + 1);
  } else {
    auth.username = stringField(value, "username");
    auth.password = stringField(value, "password");
  }
  auth.identity_token = stringField(value, "identitytoken");
  auth.registry_token = stringField(value, "registrytoken");
  if (auth.isAnonymous()) {
    return std::nullopt;  // e.g. placeholders written for credsStore
  }
  return auth;
}

void warnAboutHelpers(const json& doc, std::vector<std::string>& warnings) {
  std::string store = stringField(doc, "credsStore");
  if (!store.empty()) {
    warnings.push_back(fmt::format(
        "docker config: credsStore \"{}\" is not executed; its credentials are not used", store));
  }
  auto helpers = doc.find("credHelpers");
  if (helpers != doc.end() && helpers->is_object() && !helpers->empty()) {
    std::vector<std::string> hosts;
    for (const auto& item : helpers->items()) {
      hosts.push_back(item.key());
    }
    warnings.push_back(
        fmt::format("docker config: credHelpers are not executed; no credentials for {}",
                    strings::join(hosts, ", ")));
  }
}

Result<std::string> readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::kInvalidArgument, fmt::format("cannot read {}", path));
  }
  std::string text(kMaxDockerConfigBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) {
    return fail(ErrorCode::kInvalidArgument, fmt::format("cannot read {}", path));
  }
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxDockerConfigBytes) {
    return fail(ErrorCode::kInvalidArgument, fmt::format("{} is larger than 4 MiB", path));
  }
  return text;
}

Result<std::vector<Entry>> parseDockerConfig(const std::string& path, std::string_view text,
                                             std::vector<std::string>& warnings) {
  json doc;
  try {
    doc = json::parse(text.begin(), text.end(), nullptr, false);
  } catch (const std::exception&) {
    doc = json::value_t::discarded;
  }
  if (!doc.is_object()) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("docker config {}: not a JSON object", path));
  }
  warnAboutHelpers(doc, warnings);
  std::vector<Entry> entries;
  auto auths = doc.find("auths");
  if (auths == doc.end() || !auths->is_object()) {
    return entries;
  }
  for (const auto& item : auths->items()) {
    std::optional<RegistryAuth> auth = dockerEntryAuth(item.key(), item.value(), warnings);
    std::string pattern = canonicalRegistryHost(item.key());
    if (!auth || pattern.empty()) {
      continue;
    }
    Entry* existing = nullptr;
    for (Entry& e : entries) {
      existing = e.pattern == pattern ? &e : existing;
    }
    if (existing == nullptr) {
      entries.push_back(Entry{pattern, std::move(*auth)});
    } else if (strings::toLower(strings::trim(item.key())) == pattern) {
      existing->auth = std::move(*auth);  // a key already in canonical form wins over a URL
    }
  }
  return entries;
}

// Where config.json is; `required` tells whether a missing file is an error.
std::optional<std::string> dockerConfigPath(const StaticKeychain::Options& options,
                                            const EnvLookup& env, bool& required) {
  required = !options.docker_config_path.empty();
  if (required) {
    return options.docker_config_path;
  }
  std::optional<std::string> dir = env("DOCKER_CONFIG");
  if (dir && !dir->empty()) {
    return (std::filesystem::path(*dir) / "config.json").string();
  }
  std::optional<std::string> home = env("HOME");
  if (home && !home->empty()) {
    return (std::filesystem::path(*home) / ".docker" / "config.json").string();
  }
  return std::nullopt;
}

}  // namespace

EnvLookup processEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

std::string canonicalRegistryHost(std::string_view registry) {
  std::string s = strings::toLower(strings::trim(registry));
  for (std::string_view scheme : {"https://", "http://"}) {
    if (s.compare(0, scheme.size(), scheme) == 0) {
      s.erase(0, scheme.size());
    }
  }
  s = s.substr(0, s.find('/'));
  if (s == image::kDockerHubLegacyDomain || s == image::kDockerHubApiHost) {
    return std::string(image::kDockerHubDomain);
  }
  return s;
}

Result<std::unique_ptr<StaticKeychain>> StaticKeychain::create(Options options) {
  std::unique_ptr<StaticKeychain> keychain(new StaticKeychain());
  EnvLookup env = options.env ? options.env : processEnv();
  for (auto& [host, auth] : options.cli_credentials) {
    std::string pattern = canonicalRegistryHost(host);
    if (pattern.empty() || auth.isAnonymous()) {
      continue;
    }
    RegistryAuth copy = auth;
    copy.source = "cli";
    keychain->cli_.push_back(Entry{std::move(pattern), std::move(copy)});
  }
  for (size_t i = 0; i < options.registry_credentials.size(); ++i) {
    const RegistryCredential& c = options.registry_credentials[i];
    std::string source = fmt::format("registryCredentials[{}]", i);
    std::optional<RegistryAuth> auth = credentialAuth(c, env, source, keychain->warnings_);
    if (!auth) {
      continue;
    }
    std::vector<std::string> patterns{c.registry};
    patterns.insert(patterns.end(), c.registry_aliases.begin(), c.registry_aliases.end());
    for (const std::string& p : patterns) {
      std::string pattern = canonicalRegistryHost(p);
      if (!pattern.empty()) {
        keychain->configured_.push_back(Entry{std::move(pattern), *auth});
      }
    }
  }
  if (!options.use_docker_config) {
    return keychain;
  }
  bool required = false;
  std::optional<std::string> path = dockerConfigPath(options, env, required);
  std::error_code ec;
  if (!path || (!required && !std::filesystem::exists(*path, ec))) {
    return keychain;
  }
  ASSIGN_OR_RETURN(std::string text, readFile(*path));
  ASSIGN_OR_RETURN(keychain->docker_, parseDockerConfig(*path, text, keychain->warnings_));
  return keychain;
}

Result<RegistryAuth> StaticKeychain::resolve(std::string_view registry_host) {
  std::string canonical = canonicalRegistryHost(registry_host);
  if (canonical.empty()) {
    return fail(ErrorCode::kInvalidArgument, "empty registry host");
  }
  if (const Entry* e = exactMatch(cli_, canonical)) {
    return e->auth;
  }
  if (const Entry* e = bestFlexibleMatch(configured_, splitHostPort(canonical))) {
    return e->auth;
  }
  if (const Entry* e = exactMatch(docker_, canonical)) {
    return e->auth;
  }
  RegistryAuth anonymous;
  anonymous.source = "anonymous";
  return anonymous;
}

}  // namespace copycat::registry::auth
