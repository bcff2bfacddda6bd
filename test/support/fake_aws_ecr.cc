// FakeAws: the ECR JSON 1.1 API (the operations copycat uses).
#include <functional>
#include <regex>

#include <nlohmann/json.hpp>

#include "support/fake_aws_internal.h"

namespace copycat::testing {
namespace {

using json = nlohmann::json;
constexpr std::string_view kTargetPrefix = "AmazonEC2ContainerRegistry_V20150921.";

struct EcrError {
  int status;
  std::string type;
  std::string message;
};

void send(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/x-amz-json-1.1");
}

void sendError(httplib::Response& res, const EcrError& error) {
  send(res, error.status, {{"__type", error.type}, {"message", error.message}});
}

std::string str(const json& input, const char* key) {
  auto it = input.find(key);
  return it != input.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Context for one operation.
struct Call {
  FakeAws::State& state;
  const json& input;
  json output = json::object();
  std::optional<EcrError> error{};

  void fail(int status, std::string type, std::string message) {
    error = EcrError{status, std::move(type), std::move(message)};
  }
  std::string registry() const { return state.options.account_id; }
  std::string arnOf(const std::string& name) const {
    return "arn:aws:ecr:" + state.options.region + ":" + registry() + ":repository/" + name;
  }
  std::string host() const {
    return registry() + ".dkr.ecr." + state.options.region + ".amazonaws.com";
  }
  // The repository named in the input, or null (and an error set).
  FakeRepository* repository() {
    std::string name = str(input, "repositoryName");
    auto it = state.repositories.find(name);
    if (it == state.repositories.end()) {
      fail(400, "RepositoryNotFoundException",
           "The repository with name '" + name + "' does not exist in the registry with id '" +
               registry() + "'");
      return nullptr;
    }
    return &it->second;
  }
  json describe(const FakeRepository& r) const {
    json encryption = {{"encryptionType", r.encryption_type}};
    if (!r.kms_key.empty()) {
      encryption["kmsKey"] = r.kms_key;
    }
    return {{"repositoryArn", arnOf(r.name)},
            {"registryId", registry()},
            {"repositoryName", r.name},
            {"repositoryUri", host() + "/" + r.name},
            {"createdAt", 1.7e9},
            {"imageTagMutability", r.image_tag_mutability},
            {"imageScanningConfiguration", {{"scanOnPush", r.scan_on_push}}},
            {"encryptionConfiguration", encryption}};
  }
};

bool validName(const std::string& name) {
  static const std::regex kName(
      R"([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*)");
  return name.size() >= 2 && name.size() <= 256 && std::regex_match(name, kName);
}

std::map<std::string, std::string> readTags(const json& input) {
  std::map<std::string, std::string> tags;
  if (auto it = input.find("tags"); it != input.end() && it->is_array()) {
    for (const json& tag : *it) {
      tags[str(tag, "Key")] = str(tag, "Value");
    }
  }
  return tags;
}

void getAuthorizationToken(Call& c) {
  std::string password =
      !c.state.options.registry_password.empty()
          ? c.state.options.registry_password
          : c.state.random(64, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
  WallTime expires = c.state.now() + c.state.options.authorization_token_lifetime;
  c.state.registry_passwords[password] = expires;
  double seconds = std::chrono::duration<double>(expires.time_since_epoch()).count();
  c.output["authorizationData"] =
      json::array({{{"authorizationToken", base64Encode("AWS:" + password)},
                    {"expiresAt", seconds},
                    {"proxyEndpoint", "https://" + c.host()}}});
}

void describeRepositories(Call& c) {
  json list = json::array();
  for (const json& name : c.input.value("repositoryNames", json::array())) {
    auto it = c.state.repositories.find(name.is_string() ? name.get<std::string>() : "");
    if (it == c.state.repositories.end()) {
      c.fail(400, "RepositoryNotFoundException",
             "The repository with name '" +
                 (name.is_string() ? name.get<std::string>() : name.dump()) +
                 "' does not exist in the registry with id '" + c.registry() + "'");
      return;
    }
    list.push_back(c.describe(it->second));
  }
  c.output["repositories"] = list;
}

void createRepository(Call& c) {
  FakeRepository r;
  r.name = str(c.input, "repositoryName");
  if (!validName(r.name)) {
    c.fail(400, "InvalidParameterException", "Invalid parameter at 'repositoryName'");
    return;
  }
  if (c.state.concurrent_creates.erase(r.name) > 0) {
    c.state.repositories[r.name] = FakeRepository{.name = r.name};
  }
  if (c.state.repositories.count(r.name) > 0) {
    c.fail(400, "RepositoryAlreadyExistsException",
           "The repository with name '" + r.name + "' already exists in the registry with id '" +
               c.registry() + "'");
    return;
  }
  r.image_tag_mutability = c.input.value("imageTagMutability", std::string("MUTABLE"));
  if (r.image_tag_mutability != "MUTABLE" && r.image_tag_mutability != "IMMUTABLE") {
    c.fail(400, "InvalidParameterException", "Invalid parameter at 'imageTagMutability'");
    return;
  }
  if (auto scan = c.input.find("imageScanningConfiguration"); scan != c.input.end()) {
    r.scan_on_push = scan->value("scanOnPush", false);
  }
  if (auto enc = c.input.find("encryptionConfiguration"); enc != c.input.end()) {
    r.encryption_type = str(*enc, "encryptionType");
    r.kms_key = str(*enc, "kmsKey");
    if (r.encryption_type != "AES256" && r.encryption_type != "KMS") {
      c.fail(400, "InvalidParameterException", "Invalid parameter at 'encryptionType'");
      return;
    }
  }
  r.tags = readTags(c.input);
  c.state.repositories[r.name] = r;
  c.output["repository"] = c.describe(r);
}

// Policy text: JSON of a bounded size (LifecyclePolicyText 100..30720, policyText <= 10240).
bool validPolicy(const std::string& text, size_t min, size_t max) {
  return text.size() >= min && text.size() <= max && json::accept(text);
}

void putLifecyclePolicy(Call& c) {
  std::string text = str(c.input, "lifecyclePolicyText");
  if (FakeRepository* r = c.repository()) {
    if (!validPolicy(text, 100, 30720)) {
      c.fail(400, "InvalidParameterException", "Invalid parameter at 'LifecyclePolicyText'");
      return;
    }
    r->lifecycle_policy = text;
    c.output = {
        {"registryId", c.registry()}, {"repositoryName", r->name}, {"lifecyclePolicyText", text}};
  }
}

void getLifecyclePolicy(Call& c) {
  if (FakeRepository* r = c.repository()) {
    if (r->lifecycle_policy.empty()) {
      c.fail(400, "LifecyclePolicyNotFoundException", "Lifecycle policy does not exist");
      return;
    }
    c.output = {{"registryId", c.registry()},
                {"repositoryName", r->name},
                {"lifecyclePolicyText", r->lifecycle_policy}};
  }
}

void setRepositoryPolicy(Call& c) {
  std::string text = str(c.input, "policyText");
  if (FakeRepository* r = c.repository()) {
    if (!validPolicy(text, 0, 10240)) {
      c.fail(400, "InvalidParameterException", "Invalid parameter at 'PolicyText'");
      return;
    }
    r->repository_policy = text;
    c.output = {{"registryId", c.registry()}, {"repositoryName", r->name}, {"policyText", text}};
  }
}

void getRepositoryPolicy(Call& c) {
  if (FakeRepository* r = c.repository()) {
    if (r->repository_policy.empty()) {
      c.fail(400, "RepositoryPolicyNotFoundException", "Repository policy does not exist");
      return;
    }
    c.output = {{"registryId", c.registry()},
                {"repositoryName", r->name},
                {"policyText", r->repository_policy}};
  }
}

void putImageTagMutability(Call& c) {
  std::string value = str(c.input, "imageTagMutability");
  if (FakeRepository* r = c.repository()) {
    if (value != "MUTABLE" && value != "IMMUTABLE") {
      c.fail(400, "InvalidParameterException", "Invalid parameter at 'imageTagMutability'");
      return;
    }
    r->image_tag_mutability = value;
    c.output = {{"repositoryName", r->name}, {"imageTagMutability", value}};
  }
}

void putImageScanningConfiguration(Call& c) {
  if (FakeRepository* r = c.repository()) {
    auto scan = c.input.find("imageScanningConfiguration");
    r->scan_on_push = scan != c.input.end() && scan->value("scanOnPush", false);
    c.output = {{"repositoryName", r->name},
                {"imageScanningConfiguration", {{"scanOnPush", r->scan_on_push}}}};
  }
}

// TagResource / ListTagsForResource address repositories by ARN.
FakeRepository* byArn(Call& c) {
  std::string arn = str(c.input, "resourceArn");
  std::string prefix = c.arnOf("");
  auto it = arn.starts_with(prefix) ? c.state.repositories.find(arn.substr(prefix.size()))
                                    : c.state.repositories.end();
  if (it == c.state.repositories.end()) {
    c.fail(400, "RepositoryNotFoundException", "The repository " + arn + " does not exist");
    return nullptr;
  }
  return &it->second;
}

void tagResource(Call& c) {
  if (FakeRepository* r = byArn(c)) {
    for (const auto& [key, value] : readTags(c.input)) {
      r->tags[key] = value;
    }
  }
}

void listTagsForResource(Call& c) {
  if (FakeRepository* r = byArn(c)) {
    json tags = json::array();
    for (const auto& [key, value] : r->tags) {
      tags.push_back({{"Key", key}, {"Value", value}});
    }
    c.output["tags"] = tags;
  }
}

const std::map<std::string, std::function<void(Call&)>, std::less<>>& operations() {
  static const auto* kOps = new std::map<std::string, std::function<void(Call&)>, std::less<>>{
      {"GetAuthorizationToken", getAuthorizationToken},
      {"DescribeRepositories", describeRepositories},
      {"CreateRepository", createRepository},
      {"PutLifecyclePolicy", putLifecyclePolicy},
      {"GetLifecyclePolicy", getLifecyclePolicy},
      {"SetRepositoryPolicy", setRepositoryPolicy},
      {"GetRepositoryPolicy", getRepositoryPolicy},
      {"PutImageTagMutability", putImageTagMutability},
      {"PutImageScanningConfiguration", putImageScanningConfiguration},
      {"TagResource", tagResource},
      {"ListTagsForResource", listTagsForResource},
  };
  return *kOps;
}

}  // namespace

void handleEcr(FakeAws::State& state, const httplib::Request& req, httplib::Response& res) {
  AuthCheck auth = authenticate(state, req, "ecr");
  if (!auth.ok) {
    sendError(res, {auth.status, "com.amazon.coral.service#" + auth.code, auth.message});
    return;
  }
  std::string target = req.get_header_value("X-Amz-Target");
  std::string op = target.starts_with(kTargetPrefix) ? target.substr(kTargetPrefix.size()) : "";
  auto handler = operations().find(op);
  if (handler == operations().end() ||
      req.get_header_value("Content-Type") != "application/x-amz-json-1.1") {
    sendError(res, {400, "UnknownOperationException", "unknown target or content type"});
    return;
  }
  state.last_ecr_principal = auth.principal_arn;
  ++state.counts["ecr:" + op];
  if (auto fault = state.takeFault("ecr:" + op)) {
    bool throttled = fault->code == "throttled";
    sendError(res, {fault->status, throttled ? "ThrottlingException" : fault->code,
                    throttled ? "Rate exceeded" : "injected failure"});
    return;
  }
  json input = json::parse(req.body, nullptr, false);
  if (input.is_discarded() || !input.is_object()) {
    sendError(res, {400, "SerializationException", "request body is not a json object"});
    return;
  }
  Call call{state, input};
  handler->second(call);
  if (call.error) {
    sendError(res, *call.error);
  } else {
    send(res, 200, call.output);
  }
}

}  // namespace copycat::testing
