#include "config/validation.h"

#include <algorithm>
#include <fstream>
#include <set>

#include "base/strings.h"
#include "config/checks.h"
#include "config/fields.h"
#include "config/object_lists.h"

namespace copycat::config::internal {
namespace {

std::string at(std::string_view list, size_t index) {
  return std::string(list) + "[" + std::to_string(index) + "]";
}

bool isNamespacePattern(std::string_view s) {
  if (s == "*") {
    return true;
  }
  // A glob over namespace names: the name alphabet plus '*' and '?'.
  std::string probe(s);
  std::replace_if(
      probe.begin(), probe.end(), [](char c) { return c == '*' || c == '?'; }, 'a');
  return isDnsLabel(probe);
}

bool isSkipName(std::string_view s) {
  if (s == "*") {
    return true;
  }
  auto parts = strings::split(s, '/');
  if (parts.size() > 2) {
    return false;
  }
  for (const auto& part : parts) {
    if (part.empty() || part.find_first_of(" \t") != std::string::npos) {
      return false;
    }
  }
  return true;
}

bool isTag(std::string_view s) {
  // distribution/reference: [\w][\w.-]{0,127}
  auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  if (s.empty() || s.size() > 128 || !word(s.front())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [&](char c) { return word(c) || c == '.' || c == '-'; });
}

void validateSelection(LoadState& state) {
  const Config& c = state.config;
  for (size_t i = 0; i < c.include_namespaces.size(); ++i) {
    if (!isNamespacePattern(c.include_namespaces[i])) {
      state.problem(at("includeNamespaces", i),
                    "invalid namespace pattern " + quote(c.include_namespaces[i]) +
                        " (want \"*\", a namespace name or a glob such as \"team-*\")");
    }
  }
  for (size_t i = 0; i < c.skip_namespaces.size(); ++i) {
    if (!isDnsLabel(c.skip_namespaces[i])) {
      state.problem(at("skipNamespaces", i), "invalid namespace " + quote(c.skip_namespaces[i]) +
                                                 " (want a namespace name)");
    }
  }
  const std::pair<std::string_view, const std::vector<std::string>*> skips[] = {
      {"skipNames.deployments", &c.skip_names.deployments},
      {"skipNames.statefulSets", &c.skip_names.stateful_sets},
      {"skipNames.daemonSets", &c.skip_names.daemon_sets},
      {"skipNames.jobs", &c.skip_names.jobs},
      {"skipNames.cronJobs", &c.skip_names.cron_jobs},
      {"skipNames.pods", &c.skip_names.pods}};
  for (const auto& [path, names] : skips) {
    for (size_t i = 0; i < names->size(); ++i) {
      if (!isSkipName((*names)[i])) {
        state.problem(at(path, i), "invalid name " + quote((*names)[i]) +
                                       " (want \"name\", \"namespace/name\" or \"*\")");
      }
    }
  }
  for (size_t i = 0; i < c.watch_resources.size(); ++i) {
    const auto& kinds = kWatchableResources;
    if (std::find(std::begin(kinds), std::end(kinds), c.watch_resources[i]) == std::end(kinds)) {
      state.problem(at("watchResources", i),
                    "unknown watch resource " + quote(c.watch_resources[i]) +
                        " (allowed: deployments, statefulsets, daemonsets, jobs, cronjobs, pods)");
    }
  }
}

void validateMirroring(LoadState& state) {
  Config& c = state.config;
  for (size_t i = 0; i < c.digest_pull_ignored_tags.size(); ++i) {
    if (!isTag(c.digest_pull_ignored_tags[i])) {
      state.problem(at("digestPullIgnoredTags", i),
                    "invalid tag " + quote(c.digest_pull_ignored_tags[i]) +
                        " (want [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})");
    }
  }
  for (size_t i = 0; i < c.mirror_platforms.size(); ++i) {
    auto check = checkPlatform(c.mirror_platforms[i]);
    if (check.error) {
      state.problem(at("mirrorPlatforms", i),
                    *check.error + " (want os/arch[/variant], e.g. linux/arm64)");
      continue;
    }
    c.mirror_platforms[i] = check.normalized;
  }
  for (size_t i = 0; i < c.ignore_missing_platforms.size(); ++i) {
    if (auto error = regexError(c.ignore_missing_platforms[i])) {
      state.problem(
          at("ignoreMissingPlatforms", i),
          "invalid regular expression " + quote(c.ignore_missing_platforms[i]) + ": " + *error);
    }
  }
  for (size_t i = 0; i < c.path_map.size(); ++i) {
    const PathMapRule& rule = c.path_map[i];
    if (state.broken_items.count(at("pathMap", i)) > 0) {
      continue;
    }
    if (rule.from.empty()) {
      state.problem(itemPath("pathMap", i, "from"), "must not be empty");
    } else if (auto error = rule.regex ? regexError(rule.from) : std::nullopt) {
      state.problem(itemPath("pathMap", i, "from"),
                    "invalid regular expression " + quote(rule.from) + ": " + *error);
    }
  }
}

void validateHosts(LoadState& state) {
  const Config& c = state.config;
  for (size_t i = 0; i < c.insecure_registries.size(); ++i) {
    if (!isHostPort(c.insecure_registries[i])) {
      state.problem(at("insecureRegistries", i),
                    "invalid registry host " + quote(c.insecure_registries[i]) +
                        " (want host[:port] without a scheme or path)");
    }
  }
  for (size_t i = 0; i < c.registry_credentials.size(); ++i) {
    const RegistryCredential& cred = c.registry_credentials[i];
    if (state.broken_items.count(at("registryCredentials", i)) > 0) {
      continue;
    }
    if (cred.registry.empty()) {
      state.problem(itemPath("registryCredentials", i, "registry"), "must not be empty");
    } else if (!isHostPort(cred.registry)) {
      state.problem(itemPath("registryCredentials", i, "registry"),
                    "invalid registry host " + quote(cred.registry) +
                        " (want host[:port] without a scheme or path)");
    }
    for (size_t a = 0; a < cred.registry_aliases.size(); ++a) {
      std::string alias = cred.registry_aliases[a];
      std::string probe = alias.rfind("*.", 0) == 0 ? alias.substr(2) : alias;
      if (!isHostPort(probe)) {
        state.problem(at(itemPath("registryCredentials", i, "registryAliases"), a),
                      "invalid registry alias " + quote(alias) +
                          " (want host[:port] or a wildcard such as *.example.com)");
      }
    }
    const std::pair<std::string_view, const std::string*> envs[] = {
        {"usernameEnv", &cred.username_env},
        {"passwordEnv", &cred.password_env},
        {"tokenEnv", &cred.token_env}};
    for (const auto& [field, name] : envs) {
      if (!name->empty() && !isEnvName(*name)) {
        state.problem(itemPath("registryCredentials", i, field),
                      "invalid environment variable name " + quote(*name));
      }
    }
  }
}

void validateProcess(LoadState& state) {
  const Config& c = state.config;
  for (auto [path, value] :
       {std::pair{"metricsAddr", &c.metrics_addr}, std::pair{"healthAddr", &c.health_addr}}) {
    if (!isListenAddress(*value)) {
      state.problem(path, "invalid listen address " + quote(*value) +
                              " (want [host]:port such as :8080, or 0 to disable)");
    }
  }
  if (c.metrics_addr == c.health_addr && c.metrics_addr != "0" &&
      c.metrics_addr.substr(c.metrics_addr.rfind(':') + 1) != "0") {
    state.problem("healthAddr", "must differ from metricsAddr " + quote(c.metrics_addr));
  }
  if (!c.lease_name.empty() && !isDnsSubdomain(c.lease_name)) {
    state.problem("leaseName", "invalid name " + quote(c.lease_name) +
                                   " (want a DNS-1123 subdomain: lower-case letters, digits, "
                                   "'-' and '.')");
  } else if (c.lease_name.empty()) {
    state.problem("leaseName", "must not be empty");
  }
  if (!c.leader_election_namespace.empty() && !isDnsLabel(c.leader_election_namespace)) {
    state.problem(
        "leaderElectionNamespace",
        "invalid namespace " + quote(c.leader_election_namespace) + " (want a namespace name)");
  }
  if (!c.ca_file.empty() && !std::ifstream(c.ca_file).good()) {
    state.problem("caFile", "cannot read " + quote(c.ca_file));
  }
}

void lowerAll(std::vector<std::string>& items) {
  for (auto& item : items) {
    item = strings::toLower(strings::trim(item));
  }
}

}  // namespace

void normalize(LoadState& state) {
  Config& c = state.config;
  if (c.include_namespaces.empty()) {
    c.include_namespaces = {"*"};
  }
  lowerAll(c.watch_resources);
  std::vector<std::string> unique;
  for (const auto& kind : c.watch_resources) {
    if (std::find(unique.begin(), unique.end(), kind) == unique.end()) {
      unique.push_back(kind);
    }
  }
  c.watch_resources = unique.empty() ? Config{}.watch_resources : unique;
  if (c.digest_pull_ignored_tags.empty()) {
    c.digest_pull_ignored_tags = {"latest"};
  }
  if (c.debug && c.log_level != log::Level::kDebug) {
    c.log_level = log::Level::kDebug;
    state.setOrigin("logLevel", state.provenance["debug"]);  // the printer shows why
  }
  for (auto& cred : c.registry_credentials) {
    cred.registry = strings::toLower(strings::trim(cred.registry));
    lowerAll(cred.registry_aliases);
  }
  lowerAll(c.insecure_registries);
}

void validate(LoadState& state) {
  validateDocker(state);
  validateEcr(state);
  validateSelection(state);
  validateMirroring(state);
  validateHosts(state);
  validateProcess(state);
}

}  // namespace copycat::config::internal
