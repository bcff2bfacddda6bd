#include "aws/credentials_document.h"

#include <nlohmann/json.hpp>

#include "aws/aws_time.h"

namespace copycat::aws {
namespace {

std::string stringField(const nlohmann::json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<Credentials> parseCredentialsDocument(std::string_view json, std::string_view what) {
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail(ErrorCode::kProtocol, std::string(what) + ": response is not a json object");
  }
  std::string code = stringField(doc, "Code");
  if (!code.empty() && code != "Success") {
    return fail(ErrorCode::kUnavailable,
                std::string(what) + ": credentials not ready (Code " + code + ")");
  }
  Credentials out;
  out.access_key_id = stringField(doc, "AccessKeyId");
  out.secret_access_key = stringField(doc, "SecretAccessKey");
  out.session_token = stringField(doc, "Token");
  if (!out.hasKeys()) {
    return fail(ErrorCode::kProtocol,
                std::string(what) + ": response lacks AccessKeyId or SecretAccessKey");
  }
  std::string expiration = stringField(doc, "Expiration");
  if (!expiration.empty()) {
    auto expires = parseIso8601(expiration);
    if (!expires) {
      return fail(ErrorCode::kProtocol,
                  std::string(what) + ": bad Expiration '" + expiration + "'");
    }
    out.expiration = *expires;
  }
  return out;
}

}  // namespace copycat::aws
