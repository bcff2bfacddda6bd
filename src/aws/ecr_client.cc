#include "aws/ecr_client.h"

#include <functional>

#include "aws/cached_credentials_provider.h"

namespace copycat::aws {
namespace {

nlohmann::json tagList(const std::map<std::string, std::string>& tags) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [key, value] : tags) {
    out.push_back({{"Key", key}, {"Value", value}});
  }
  return out;
}

Result<std::string> textField(const Result<nlohmann::json>& output, const char* key) {
  if (!output) {
    return fail(output.error());
  }
  auto it = output->find(key);
  if (it == output->end() || !it->is_string()) {
    return std::string();
  }
  return it->get<std::string>();
}

Status discard(const Result<nlohmann::json>& output) {
  if (!output) {
    return fail(output.error());
  }
  return ok();
}

}  // namespace

Result<Endpoint> resolveEcrEndpoint(const EnvLookup& env, const Profile* profile,
                                    std::string_view region) {
  ASSIGN_OR_RETURN(EndpointSettings settings, loadEndpointSettings(env, profile));
  if (!region.empty()) {
    settings.region = std::string(region);
  }
  return resolveEndpoint(Service::kEcr, settings);
}

Result<nlohmann::json> EcrClient::attempt(std::string_view operation,
                                          const AwsRequest& request) const {
  std::string what = "ecr " + std::string(operation);
  Result<Credentials> credentials = credentials_.resolve();
  if (!credentials) {
    return fail(credentials.error().withContext(what + ": resolving aws credentials"));
  }
  Result<http::Response> response = sendAwsRequest(http_, options_.endpoint, request, &*credentials,
                                                   clock_.wallNow(), options_.call.timeout);
  if (!response) {
    return fail(response.error().withContext(what + " at " + options_.endpoint.url));
  }
  if (!response->isSuccess()) {
    return fail(parseEcrError(what, *response));
  }
  if (response->body.empty()) {
    return nlohmann::json::object();
  }
  nlohmann::json output = nlohmann::json::parse(response->body, nullptr, false);
  if (output.is_discarded() || !output.is_object()) {
    return fail(ErrorCode::kProtocol, what + ": response is not a json object");
  }
  return output;
}

Result<nlohmann::json> EcrClient::call(std::string_view operation,
                                       const nlohmann::json& input) const {
  AwsRequest request;
  request.headers.set("Content-Type", std::string(kEcrContentType));
  request.headers.set("X-Amz-Target", std::string(kEcrTargetPrefix) + "." + std::string(operation));
  request.body = input.dump();
  std::function<Result<nlohmann::json>()> once = [&] { return attempt(operation, request); };
  Result<nlohmann::json> output = withRetries(options_.call.retry, once);
  if (!output && output.error().remote_code == "ExpiredTokenException") {
    // Session credentials died before their stated expiry (revoked, clock skew): fetch new ones.
    if (auto* cache = dynamic_cast<CachedCredentialsProvider*>(&credentials_)) {
      cache->invalidate();
      output = withRetries(options_.call.retry, once);
    }
  }
  return output;
}

nlohmann::json EcrClient::repositoryInput(std::string_view name) const {
  nlohmann::json input = {{"repositoryName", std::string(name)}};
  if (!options_.registry_id.empty()) {
    input["registryId"] = options_.registry_id;
  }
  return input;
}

Result<EcrAuthorization> EcrClient::getAuthorizationToken() const {
  nlohmann::json input = nlohmann::json::object();
  if (!options_.registry_id.empty()) {
    input["registryIds"] = nlohmann::json::array({options_.registry_id});
  }
  ASSIGN_OR_RETURN(nlohmann::json output, call("GetAuthorizationToken", input));
  return parseAuthorizationData(output);
}

Result<EcrRepository> EcrClient::describeRepository(std::string_view name) const {
  nlohmann::json input = {{"repositoryNames", nlohmann::json::array({std::string(name)})}};
  if (!options_.registry_id.empty()) {
    input["registryId"] = options_.registry_id;
  }
  ASSIGN_OR_RETURN(nlohmann::json output, call("DescribeRepositories", input));
  auto list = output.find("repositories");
  if (list == output.end() || !list->is_array() || list->empty()) {
    return fail(ErrorCode::kNotFound,
                "ecr DescribeRepositories: repository " + std::string(name) + " not found");
  }
  return parseRepository(list->front());
}

Result<EcrRepository> EcrClient::createRepository(const CreateRepositoryInput& in) const {
  nlohmann::json input = repositoryInput(in.name);
  if (!in.image_tag_mutability.empty()) {
    input["imageTagMutability"] = in.image_tag_mutability;
  }
  if (in.scan_on_push) {
    input["imageScanningConfiguration"] = {{"scanOnPush", *in.scan_on_push}};
  }
  if (in.encryption) {
    nlohmann::json encryption = {{"encryptionType", in.encryption->type}};
    if (!in.encryption->kms_key.empty()) {
      encryption["kmsKey"] = in.encryption->kms_key;
    }
    input["encryptionConfiguration"] = encryption;
  }
  if (!in.tags.empty()) {
    input["tags"] = tagList(in.tags);
  }
  ASSIGN_OR_RETURN(nlohmann::json output, call("CreateRepository", input));
  auto repository = output.find("repository");
  if (repository == output.end()) {
    return fail(ErrorCode::kProtocol, "ecr CreateRepository: no repository in the response");
  }
  return parseRepository(*repository);
}

Status EcrClient::putLifecyclePolicy(std::string_view name, std::string_view text) const {
  nlohmann::json input = repositoryInput(name);
  input["lifecyclePolicyText"] = std::string(text);
  return discard(call("PutLifecyclePolicy", input));
}

Result<std::string> EcrClient::getLifecyclePolicy(std::string_view name) const {
  return textField(call("GetLifecyclePolicy", repositoryInput(name)), "lifecyclePolicyText");
}

Status EcrClient::setRepositoryPolicy(std::string_view name, std::string_view text) const {
  nlohmann::json input = repositoryInput(name);
  input["policyText"] = std::string(text);
  return discard(call("SetRepositoryPolicy", input));
}

Result<std::string> EcrClient::getRepositoryPolicy(std::string_view name) const {
  return textField(call("GetRepositoryPolicy", repositoryInput(name)), "policyText");
}

Status EcrClient::putImageTagMutability(std::string_view name, std::string_view mutability) const {
  nlohmann::json input = repositoryInput(name);
  input["imageTagMutability"] = std::string(mutability);
  return discard(call("PutImageTagMutability", input));
}

Status EcrClient::putImageScanningConfiguration(std::string_view name, bool scan_on_push) const {
  nlohmann::json input = repositoryInput(name);
  input["imageScanningConfiguration"] = {{"scanOnPush", scan_on_push}};
  return discard(call("PutImageScanningConfiguration", input));
}

Status EcrClient::tagResource(std::string_view arn,
                              const std::map<std::string, std::string>& tags) const {
  nlohmann::json input = {{"resourceArn", std::string(arn)}, {"tags", tagList(tags)}};
  return discard(call("TagResource", input));
}

Result<std::map<std::string, std::string>> EcrClient::listTagsForResource(
    std::string_view arn) const {
  ASSIGN_OR_RETURN(nlohmann::json output,
                   call("ListTagsForResource", {{"resourceArn", std::string(arn)}}));
  std::map<std::string, std::string> tags;
  auto list = output.find("tags");
  if (list != output.end() && list->is_array()) {
    for (const nlohmann::json& tag : *list) {
      if (tag.is_object() && tag.contains("Key") && tag["Key"].is_string() &&
          tag.contains("Value") && tag["Value"].is_string()) {
        tags[tag["Key"].get<std::string>()] = tag["Value"].get<std::string>();
      }
    }
  }
  return tags;
}

}  // namespace copycat::aws
