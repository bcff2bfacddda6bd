// Validation of the ecr and docker sections. Requirements follow k8s-copycat: an ECR target
// needs an account and a region, a docker target needs a registry.
#include <cctype>
#include <initializer_list>

#include <nlohmann/json.hpp>
#include <re2/re2.h>

#include "config/checks.h"
#include "config/fields.h"
#include "config/validation.h"

namespace copycat::config::internal {
namespace {

bool fullMatch(std::string_view text, const char* pattern) {
  RE2 re(pattern, RE2::Quiet);
  return re.ok() && RE2::FullMatch(re2::StringPiece(text.data(), text.size()), re);
}

void validatePolicy(LoadState& state, std::string_view path, const std::string& text,
                    bool lifecycle) {
  if (text.empty()) {
    return;
  }
  if (auto error = jsonError(text)) {
    state.problem(path, "invalid JSON: " + *error);
    return;
  }
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) {
    state.problem(path, "must be a JSON object");
  } else if (lifecycle &&
             !(doc.contains("rules") && doc["rules"].is_array() && !doc["rules"].empty())) {
    state.problem(path, "must be a JSON object with a non-empty \"rules\" list");
  }
}

void validateEcrIdentity(LoadState& state) {
  const EcrConfig& e = state.config.ecr;
  if (!e.account_id.empty() && !fullMatch(e.account_id, "[0-9]{12}")) {
    state.problem("ecr.accountID",
                  "invalid account ID " + quote(e.account_id) + " (want 12 digits)");
  }
  if (!e.region.empty() && !fullMatch(e.region, "[a-z]{2}(-[a-z]+)+-[0-9]+")) {
    state.problem("ecr.region",
                  "invalid region " + quote(e.region) + " (want a region such as eu-central-1)");
  }
  if (!e.assume_role_arn.empty() &&
      !fullMatch(e.assume_role_arn, "arn:aws[a-z-]*:iam::[0-9]{12}:role/.+")) {
    state.problem("ecr.assumeRoleArn", "invalid role ARN " + quote(e.assume_role_arn) +
                                           " (want arn:aws:iam::<account>:role/<name>)");
  }
  // STS AssumeRole limits: RoleSessionName [\w+=,.@-]{2,64}, ExternalId [\w+=,.@:/-]{2,1224}
  // (RE2 caps counted repetition at 1000, so the long bound is checked by length).
  if (!fullMatch(e.role_session_name, R"([\w+=,.@-]{2,64})")) {
    state.problem("ecr.roleSessionName",
                  "invalid session name " + quote(e.role_session_name) +
                      " (want 2-64 characters of letters, digits and +=,.@_-)");
  }
  if (!e.external_id.empty() && (e.external_id.size() < 2 || e.external_id.size() > 1224 ||
                                 !fullMatch(e.external_id, R"([\w+=,.@:/-]+)"))) {
    state.problem("ecr.externalId", "invalid external ID " + quote(e.external_id) +
                                        " (want 2-1224 characters of letters, digits and "
                                        "+=,.@:/_-)");
  }
  if (!e.registry_endpoint.empty()) {
    std::string_view host = e.registry_endpoint;
    for (std::string_view scheme : {"https://", "http://"}) {
      if (host.substr(0, scheme.size()) == scheme) {
        host.remove_prefix(scheme.size());
        break;
      }
    }
    if (!host.empty() && host.back() == '/') {
      host.remove_suffix(1);
    }
    if (!isHostPort(host)) {
      state.problem("ecr.registryEndpoint", "invalid endpoint " + quote(e.registry_endpoint) +
                                                " (want host[:port] or http(s)://host[:port])");
    }
  }
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// Checks a case-insensitive enumeration and stores its canonical (upper-case) spelling.
void checkEnum(LoadState& state, std::string_view path, std::string& value,
               std::initializer_list<std::string_view> allowed) {
  std::string canonical = upper(value);
  for (std::string_view option : allowed) {
    if (canonical == option) {
      value = canonical;
      return;
    }
  }
  std::string list;
  for (std::string_view option : allowed) {
    list += (list.empty() ? "" : ", ") + std::string(option);
  }
  state.problem(path, "unknown value " + quote(value) + " (allowed: " + list + ")");
}

void validateEcrSettings(LoadState& state) {
  EcrConfig& e = state.config.ecr;
  checkEnum(state, "ecr.imageTagMutability", e.image_tag_mutability, {"MUTABLE", "IMMUTABLE"});
  checkEnum(state, "ecr.encryption.type", e.encryption.type, {"AES256", "KMS"});
  if (e.encryption.type == "AES256" && !e.encryption.kms_key.empty()) {
    state.problem("ecr.encryption.kmsKey", "only allowed when ecr.encryption.type is KMS");
  }
  // ECR resource tags: key 1-128 characters, value at most 256.
  for (const auto& [key, value] : e.tags) {
    if (key.empty() || key.size() > 128 || value.size() > 256) {
      state.problem("ecr.tags", "invalid tag " + quote(key) +
                                    " (keys need 1-128 characters, values at most 256)");
    }
  }
  validatePolicy(state, "ecr.lifecyclePolicy", e.lifecycle_policy, true);
  validatePolicy(state, "ecr.repositoryPolicy", e.repository_policy, false);
}

}  // namespace

void validateEcr(LoadState& state) {
  const EcrConfig& e = state.config.ecr;
  if (state.require_target && state.config.target_kind == TargetKind::kEcr) {
    if (e.account_id.empty()) {
      state.problem("ecr.accountID",
                    "required when targetKind is ecr (set ecr.accountID or ECR_ACCOUNT_ID)");
    }
    if (e.region.empty()) {
      state.problem("ecr.region", "required when targetKind is ecr (set ecr.region or AWS_REGION)");
    }
  }
  validateEcrIdentity(state);
  validateEcrSettings(state);
}

void validateDocker(LoadState& state) {
  const DockerConfig& d = state.config.docker;
  if (d.registry.empty()) {
    if (state.require_target && state.config.target_kind == TargetKind::kDocker) {
      state.problem("docker.registry",
                    "required when targetKind is docker (set docker.registry or TARGET_REGISTRY)");
    }
    return;
  }
  if (!isHostPort(d.registry)) {
    state.problem("docker.registry", "invalid registry " + quote(d.registry) +
                                         " (want host[:port] without a scheme or path)");
  }
}

}  // namespace copycat::config::internal
