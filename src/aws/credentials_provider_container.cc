#include "aws/credentials_provider_container.h"

#include <fstream>
#include <functional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "aws/aws_request.h"
#include "aws/credentials_document.h"
#include "base/strings.h"
#include "http/url.h"

namespace copycat::aws {
namespace {

bool isLoopbackV4(std::string_view host) {
  std::vector<std::string> octets = strings::split(host, '.');
  if (octets.size() != 4 || octets[0] != "127") {
    return false;
  }
  for (const std::string& octet : octets) {
    if (octet.empty() || octet.size() > 3 ||
        octet.find_first_not_of("0123456789") != std::string::npos || std::stoi(octet) > 255) {
      return false;
    }
  }
  return true;
}

// The first of `keys` that holds a string, or "".
std::string firstString(const nlohmann::json& doc, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    if (auto it = doc.find(key); it != doc.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  return {};
}

Result<Credentials> credentialsFrom(const http::Response& response, const std::string& url) {
  if (!response.isSuccess()) {
    std::string code;
    std::string message;
    nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
    if (doc.is_object()) {
      code = firstString(doc, {"code", "Code"});
      message = firstString(doc, {"message", "Message"});
    }
    return fail(awsCallError("container credentials " + url, code, message, response.status));
  }
  return parseCredentialsDocument(response.body, "container credentials " + url);
}

}  // namespace

bool isAllowedContainerHttpHost(std::string_view host) {
  std::string lower = strings::toLower(host);
  if (lower.size() > 2 && lower.front() == '[' && lower.back() == ']') {
    lower = lower.substr(1, lower.size() - 2);
  }
  return lower == "localhost" || lower == "::1" || lower == "169.254.170.2" ||
         lower == "169.254.170.23" || lower == "fd00:ec2::23" || isLoopbackV4(lower);
}

Result<std::string> ContainerCredentialsProvider::endpointUrl() const {
  if (auto relative = env_("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    std::string base = options_.relative_uri_base;
    while (!base.empty() && base.back() == '/') {
      base.pop_back();
    }
    return base + (relative->starts_with("/") ? "" : "/") + *relative;
  }
  std::optional<std::string> full = env_("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (!full) {
    return fail(ErrorCode::kNotFound,
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI "
                "are not set");
  }
  Result<http::Url> url = http::parseUrl(*full);
  if (!url) {
    return fail(ErrorCode::kInvalidArgument, "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a url");
  }
  bool allowed =
      url->scheme == "https" || (url->scheme == "http" && isAllowedContainerHttpHost(url->host));
  if (!allowed) {
    return fail(ErrorCode::kInvalidArgument,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI host " + url->host +
                    " is not allowed over http (loopback, 169.254.170.2, 169.254.170.23 or "
                    "fd00:ec2::23 only; any host over https)");
  }
  return *full;
}

Result<std::string> ContainerCredentialsProvider::authorizationToken() const {
  std::string token;
  if (auto file = env_("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    std::ifstream in(*file, std::ios::binary);
    if (!in) {
      return fail(ErrorCode::kInvalidArgument,
                  "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + *file);
    }
    std::ostringstream text;
    text << in.rdbuf();
    token = std::string(strings::trim(text.str()));
  } else {
    token = env_("AWS_CONTAINER_AUTHORIZATION_TOKEN").value_or("");
  }
  if (token.find_first_of("\r\n") != std::string::npos) {
    return fail(ErrorCode::kInvalidArgument, "container authorization token contains a line break");
  }
  return token;
}

Result<Credentials> ContainerCredentialsProvider::resolve() {
  ASSIGN_OR_RETURN(std::string url, endpointUrl());
  ASSIGN_OR_RETURN(std::string token, authorizationToken());
  http::Request request;
  request.url = url;
  request.headers.set("Accept", "application/json");
  if (!token.empty()) {
    request.headers.set("Authorization", token);
  }
  request.follow_redirects = false;
  request.timeout = options_.timeout;
  RetryOptions retry;
  retry.max_attempts = options_.max_attempts;
  retry.backoff =
      BackoffPolicy{std::chrono::milliseconds(100), std::chrono::milliseconds(1000), 2.0, 0.2};
  std::function<Result<Credentials>()> attempt = [&]() -> Result<Credentials> {
    Result<http::Response> response = http_.send(request);
    if (!response) {
      return fail(response.error().withContext("container credentials " + url));
    }
    return credentialsFrom(*response, url);
  };
  ASSIGN_OR_RETURN(Credentials credentials, withRetries(retry, attempt));
  credentials.source = "container " + url;
  return credentials;
}

}  // namespace copycat::aws
