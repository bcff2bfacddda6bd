// FakeAws: the STS Query API (AssumeRole, AssumeRoleWithWebIdentity), answered in XML.
#include <regex>

#include "support/fake_aws_internal.h"

namespace copycat::testing {
namespace {

constexpr std::string_view kNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

void stsError(httplib::Response& res, int status, const std::string& code,
              const std::string& message) {
  res.status = status;
  std::string type = status >= 500 ? "Receiver" : "Sender";
  res.set_content("<ErrorResponse xmlns=\"" + std::string(kNamespace) +
                      "\">\n  <Error>\n    <Type>" + type + "</Type>\n    <Code>" +
                      xmlEscape(code) + "</Code>\n    <Message>" + xmlEscape(message) +
                      "</Message>\n  </Error>\n  <RequestId>fake-request</RequestId>\n"
                      "</ErrorResponse>\n",
                  "text/xml");
}

std::string roleName(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

std::string roleAccount(const std::string& arn) {
  // arn:aws:iam::ACCOUNT:role/NAME
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t colon = arn.find(':'); colon != std::string::npos; colon = arn.find(':', start)) {
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  return parts.size() >= 5 ? parts[4] : "000000000000";
}

// Model constraints: RoleSessionName [\w+=,.@-]{2,64}; DurationSeconds 900..43200.
std::string validate(const FakeStsCall& call) {
  static const std::regex kSessionName(R"([\w+=,.@-]{2,64})");
  if (call.role_arn.size() < 20) {
    return "RoleArn must be at least 20 characters";
  }
  if (!std::regex_match(call.role_session_name, kSessionName)) {
    return "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint";
  }
  if (call.duration_seconds && (*call.duration_seconds < 900 || *call.duration_seconds > 43200)) {
    return "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint";
  }
  return {};
}

FakeStsCall readCall(const std::map<std::string, std::string>& form) {
  FakeStsCall call;
  auto get = [&](const char* key) {
    auto it = form.find(key);
    return it == form.end() ? std::string() : it->second;
  };
  call.action = get("Action");
  call.role_arn = get("RoleArn");
  call.role_session_name = get("RoleSessionName");
  call.external_id = get("ExternalId");
  call.web_identity_token = get("WebIdentityToken");
  std::string duration = get("DurationSeconds");
  if (!duration.empty() && duration.size() < 7 &&
      duration.find_first_not_of("0123456789") == std::string::npos) {
    call.duration_seconds = std::stoi(duration);
  } else if (!duration.empty()) {
    call.duration_seconds = -1;
  }
  return call;
}

void answer(FakeAws::State& state, const FakeStsCall& call, httplib::Response& res) {
  std::string assumed = "arn:aws:sts::" + roleAccount(call.role_arn) + ":assumed-role/" +
                        roleName(call.role_arn) + "/" + call.role_session_name;
  std::string id;
  std::chrono::seconds lifetime = call.duration_seconds
                                      ? std::chrono::seconds(*call.duration_seconds)
                                      : state.options.session_lifetime;
  FakeKey key = state.issueSession(assumed, lifetime, &id);
  std::string result = call.action + "Result";
  res.set_content("<" + call.action + "Response xmlns=\"" + std::string(kNamespace) + "\">\n  <" +
                      result + ">\n    <AssumedRoleUser>\n      <AssumedRoleId>AROAFAKE:" +
                      xmlEscape(call.role_session_name) + "</AssumedRoleId>\n      <Arn>" +
                      xmlEscape(assumed) +
                      "</Arn>\n    </AssumedRoleUser>\n    <Credentials>\n      <AccessKeyId>" +
                      id + "</AccessKeyId>\n      <SecretAccessKey>" + xmlEscape(key.secret) +
                      "</SecretAccessKey>\n      <SessionToken>" + xmlEscape(key.session_token) +
                      "</SessionToken>\n      <Expiration>" + iso8601(*key.expires) +
                      "</Expiration>\n    </Credentials>\n  </" + result +
                      ">\n  <ResponseMetadata>\n    <RequestId>fake-request</RequestId>\n  "
                      "</ResponseMetadata>\n</" +
                      call.action + "Response>\n",
                  "text/xml");
}

}  // namespace

void handleSts(FakeAws::State& state, const httplib::Request& req, httplib::Response& res) {
  FakeStsCall call = readCall(parseForm(req.body));
  if (call.action != "AssumeRole" && call.action != "AssumeRoleWithWebIdentity") {
    stsError(res, 400, "InvalidAction", "Could not find operation " + call.action);
    return;
  }
  bool web_identity = call.action == "AssumeRoleWithWebIdentity";
  if (!web_identity) {
    AuthCheck auth = authenticate(state, req, "sts");
    if (!auth.ok) {
      stsError(res, auth.status, auth.code, auth.message);
      return;
    }
    call.caller_access_key_id = auth.access_key_id;
  }
  state.sts_calls.push_back(call);
  ++state.counts["sts:" + call.action];
  if (auto fault = state.takeFault("sts:" + call.action)) {
    stsError(res, fault->status, fault->code == "throttled" ? "Throttling" : fault->code,
             fault->code == "throttled" ? "Rate exceeded" : "injected failure");
    return;
  }
  if (std::string invalid = validate(call); !invalid.empty()) {
    stsError(res, 400, "ValidationError", invalid);
    return;
  }
  auto role = state.roles.find(call.role_arn);
  if (role == state.roles.end()) {
    stsError(res, 403, "AccessDenied", "Not authorized to perform sts:" + call.action);
    return;
  }
  if (web_identity) {
    const std::string& want = role->second.web_identity_token;
    if (call.web_identity_token.size() < 4 || (!want.empty() && call.web_identity_token != want)) {
      stsError(res, 400, "InvalidIdentityToken", "Couldn't verify the web identity token");
      return;
    }
  } else if (!role->second.external_id.empty() && role->second.external_id != call.external_id) {
    stsError(res, 403, "AccessDenied", "Not authorized to perform sts:AssumeRole");
    return;
  }
  answer(state, call, res);
}

}  // namespace copycat::testing
