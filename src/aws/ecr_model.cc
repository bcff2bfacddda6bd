// ECR shapes (ecr 2015-09-21 service-2.json): name validation, answer and error decoding.
#include <cctype>

#include "aws/aws_time.h"
#include "aws/ecr_client.h"
#include "base/base64.h"

namespace copycat::aws {
namespace {

constexpr size_t kMinRepositoryName = 2;
constexpr size_t kMaxRepositoryName = 256;

std::string str(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) {
    return {};
  }
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool validComponent(std::string_view part) {
  size_t i = 0;
  while (true) {
    size_t start = i;
    while (i < part.size() && isLowerAlnum(part[i])) {
      ++i;
    }
    if (i == start) {
      return false;
    }
    if (i == part.size()) {
      return true;
    }
    size_t sep = i;
    if (part[i] == '.') {
      ++i;
    } else if (part[i] == '_') {
      i += part.substr(i, 2) == "__" ? 2 : 1;
    } else if (part[i] == '-') {
      while (i < part.size() && part[i] == '-') {
        ++i;
      }
    }
    if (i == sep) {
      return false;
    }
  }
}

}  // namespace

Status validateEcrRepositoryName(std::string_view name) {
  std::string quoted = "ecr repository name '" + std::string(name) + "'";
  if (name.size() < kMinRepositoryName || name.size() > kMaxRepositoryName) {
    return fail(ErrorCode::kInvalidArgument, quoted + " must be 2 to 256 characters long");
  }
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    std::string_view part =
        name.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (!validComponent(part)) {
      return fail(ErrorCode::kInvalidArgument,
                  quoted +
                      " is invalid: components are lower-case letters and digits separated "
                      "by '.', '_', '__' or dashes, joined by single '/'");
    }
    if (slash == std::string_view::npos) {
      return ok();
    }
    start = slash + 1;
  }
}

Result<EcrAuthorization> parseAuthorizationData(const nlohmann::json& output) {
  auto data = output.is_object() ? output.find("authorizationData") : output.end();
  if (data == output.end() || !data->is_array() || data->empty()) {
    return fail(ErrorCode::kProtocol, "ecr GetAuthorizationToken: no authorizationData");
  }
  const nlohmann::json& first = data->front();
  auto decoded = base64Decode(str(first, "authorizationToken"));
  size_t colon = decoded ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos || colon == 0) {
    return fail(ErrorCode::kProtocol,
                "ecr GetAuthorizationToken: authorizationToken is not base64 user:password");
  }
  EcrAuthorization out;
  out.username = decoded->substr(0, colon);
  out.password = decoded->substr(colon + 1);
  auto expires = first.is_object() ? first.find("expiresAt") : first.end();
  std::optional<std::chrono::system_clock::time_point> at;
  if (expires != first.end() && expires->is_number()) {
    at = fromEpochSeconds(expires->get<double>());
  }
  if (!at) {
    return fail(ErrorCode::kProtocol, "ecr GetAuthorizationToken: missing or bad expiresAt");
  }
  out.expires_at = *at;
  out.proxy_endpoint = str(first, "proxyEndpoint");
  return out;
}

Result<EcrRepository> parseRepository(const nlohmann::json& repository) {
  EcrRepository out;
  out.name = str(repository, "repositoryName");
  if (out.name.empty()) {
    return fail(ErrorCode::kProtocol, "ecr repository object without repositoryName");
  }
  out.arn = str(repository, "repositoryArn");
  out.registry_id = str(repository, "registryId");
  out.uri = str(repository, "repositoryUri");
  out.image_tag_mutability = str(repository, "imageTagMutability");
  if (auto scan = repository.find("imageScanningConfiguration");
      scan != repository.end() && scan->is_object()) {
    auto flag = scan->find("scanOnPush");
    out.scan_on_push = flag != scan->end() && flag->is_boolean() && flag->get<bool>();
  }
  if (auto enc = repository.find("encryptionConfiguration");
      enc != repository.end() && enc->is_object()) {
    out.encryption.type = str(*enc, "encryptionType");
    out.encryption.kms_key = str(*enc, "kmsKey");
  }
  return out;
}

Error parseEcrError(std::string_view operation, const http::Response& response) {
  std::string type;
  std::string message;
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object()) {
    type = str(body, "__type");
    if (type.empty()) {
      type = str(body, "code");
    }
    message = str(body, "message");
    if (message.empty()) {
      message = str(body, "Message");
    }
  }
  if (type.empty()) {
    // "RepositoryNotFoundException:http://internal.amazon.com/coral/..."
    std::string header = response.headers.get("x-amzn-ErrorType").value_or("");
    type = header.substr(0, header.find(':'));
  }
  // "com.amazonaws.ecr#RepositoryNotFoundException" -> "RepositoryNotFoundException"
  if (size_t hash = type.rfind('#'); hash != std::string::npos) {
    type = type.substr(hash + 1);
  }
  return awsCallError(operation, type, message, response.status);
}

}  // namespace copycat::aws
