#include "aws/sts_client.h"

#include "aws/aws_time.h"
#include "aws/shared_config.h"
#include "aws/xml_reader.h"
#include "http/url.h"

namespace copycat::aws {
namespace {

constexpr std::string_view kStsVersion = "2011-06-15";

void addParam(std::string& form, std::string_view name, std::string_view value) {
  form += '&';
  form += name;
  form += '=';
  form += http::percentEncode(value);
}

std::string formFor(std::string_view action) {
  return "Action=" + std::string(action) + "&Version=" + std::string(kStsVersion);
}

void addDuration(std::string& form, const std::optional<int>& duration_seconds) {
  if (duration_seconds) {
    addParam(form, "DurationSeconds", std::to_string(*duration_seconds));
  }
}

}  // namespace

Result<AssumedRole> parseAssumeRoleResponse(std::string_view action, std::string_view xml) {
  std::string what = "sts " + std::string(action) + " response";
  Result<XmlElement> root = parseXml(xml);
  if (!root) {
    return fail(root.error().withContext(what));
  }
  std::string response_name = std::string(action) + "Response";
  std::string result_name = std::string(action) + "Result";
  const XmlElement* result = root->name == response_name ? root->child(result_name) : nullptr;
  const XmlElement* creds = result == nullptr ? nullptr : result->child("Credentials");
  if (creds == nullptr) {
    return fail(ErrorCode::kProtocol, what + ": no " + result_name + "/Credentials element");
  }
  AssumedRole out;
  out.credentials.access_key_id = creds->textAt({"AccessKeyId"});
  out.credentials.secret_access_key = creds->textAt({"SecretAccessKey"});
  out.credentials.session_token = creds->textAt({"SessionToken"});
  std::string expiration = creds->textAt({"Expiration"});
  if (!out.credentials.hasKeys() || !out.credentials.hasSessionToken()) {
    return fail(ErrorCode::kProtocol, what + ": credentials lack a key id, secret or token");
  }
  auto expires = parseIso8601(expiration);
  if (!expires) {
    return fail(ErrorCode::kProtocol, what + ": bad Expiration '" + expiration + "'");
  }
  out.credentials.expiration = *expires;
  out.assumed_role_arn = result->textAt({"AssumedRoleUser", "Arn"});
  return out;
}

Error parseStsError(std::string_view action, int http_status, std::string_view xml) {
  std::string operation = "sts " + std::string(action);
  std::string code;
  std::string message;
  if (Result<XmlElement> root = parseXml(xml); root && root->name == "ErrorResponse") {
    code = root->textAt({"Error", "Code"});
    message = root->textAt({"Error", "Message"});
  }
  return awsCallError(operation, code, message, http_status);
}

Result<AssumedRole> StsClient::assumeRoleWithWebIdentity(
    const AssumeRoleWithWebIdentityRequest& request) const {
  std::string form = formFor("AssumeRoleWithWebIdentity");
  addParam(form, "RoleArn", request.role_arn);
  addParam(form, "RoleSessionName", request.role_session_name);
  addParam(form, "WebIdentityToken", request.web_identity_token);
  addDuration(form, request.duration_seconds);
  return call("AssumeRoleWithWebIdentity", form, nullptr);
}

Result<AssumedRole> StsClient::assumeRole(const AssumeRoleRequest& request,
                                          const Credentials& caller) const {
  std::string form = formFor("AssumeRole");
  addParam(form, "RoleArn", request.role_arn);
  addParam(form, "RoleSessionName", request.role_session_name);
  if (!request.external_id.empty()) {
    addParam(form, "ExternalId", request.external_id);
  }
  addDuration(form, request.duration_seconds);
  return call("AssumeRole", form, &caller);
}

Result<AssumedRole> StsClient::call(std::string_view action, const std::string& form,
                                    const Credentials* caller) const {
  AwsRequest request;
  request.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  request.body = form;
  std::function<Result<AssumedRole>()> attempt = [&]() -> Result<AssumedRole> {
    Result<http::Response> response =
        sendAwsRequest(*http_, endpoint_, request, caller, clock_->wallNow(), options_.timeout);
    if (!response) {
      return fail(
          response.error().withContext("sts " + std::string(action) + " at " + endpoint_.url));
    }
    if (!response->isSuccess()) {
      return fail(parseStsError(action, response->status, response->body));
    }
    return parseAssumeRoleResponse(action, response->body);
  };
  return withRetries(options_.retry, attempt);
}

Result<Endpoint> resolveStsEndpoint(const EnvLookup& env, const Profile* profile,
                                    std::string_view region) {
  ASSIGN_OR_RETURN(EndpointSettings settings, loadEndpointSettings(env, profile));
  if (!region.empty()) {
    settings.region = std::string(region);
  } else if (settings.region.empty()) {
    settings.region = "us-east-1";
  }
  return resolveEndpoint(Service::kSts, settings);
}

std::string defaultRoleSessionName(std::chrono::system_clock::time_point now) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
  return "copycat-" + std::to_string(seconds.count());
}

}  // namespace copycat::aws
