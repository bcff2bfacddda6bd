#include "kube/exec_credential.h"

#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "base/strings.h"

namespace copycat::kube {
namespace {

constexpr size_t kMaxStderrInError = 1024;

// Reads `n` digits at `pos`; -1 when they are not all digits.
int digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) {
    return -1;
  }
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return -1;
    }
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string capStderr(std::string_view text) {
  std::string_view t = strings::trim(text);
  if (t.size() <= kMaxStderrInError) {
    return std::string(t);
  }
  return std::string(t.substr(0, kMaxStderrInError)) + "...";
}

std::optional<std::string> stringAt(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

}  // namespace

Result<Clock::Wall::time_point> parseRfc3339(std::string_view s) {
  auto bad = [&] {
    return fail(ErrorCode::kInvalidArgument, "invalid RFC 3339 timestamp " + quote(s));
  };
  int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  int hour = digits(s, 11, 2), minute = digits(s, 14, 2), second = digits(s, 17, 2);
  if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || s[4] != '-' ||
      s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
      s[16] != ':' || hour > 23 || minute > 59 || second > 60) {
    return bad();
  }
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(unsigned(month)),
                                  std::chrono::day(unsigned(day))};
  if (!ymd.ok()) {
    return bad();
  }
  size_t pos = 19;
  std::chrono::nanoseconds fraction{0};
  if (pos < s.size() && s[pos] == '.') {
    int64_t scale = 100000000;
    size_t start = ++pos;
    for (; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos) {
      fraction += std::chrono::nanoseconds((s[pos] - '0') * scale);
      scale /= 10;
    }
    if (pos == start) {
      return bad();
    }
  }
  std::chrono::minutes offset{0};
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
    if (oh < 0 || om < 0 || s[pos + 3] != ':') {
      return bad();
    }
    offset = std::chrono::minutes(oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != s.size()) {
    return bad();
  }
  auto t = std::chrono::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
           std::chrono::seconds(second) + fraction - offset;
  return std::chrono::time_point_cast<Clock::Wall::duration>(t);
}

std::string execInfoJson(const ExecConfig& config, const ExecClusterInfo& cluster) {
  nlohmann::json spec = {{"interactive", false}};
  if (config.provide_cluster_info) {
    nlohmann::json c = {{"server", cluster.server}};
    if (!cluster.tls_server_name.empty()) c["tls-server-name"] = cluster.tls_server_name;
    if (cluster.insecure_skip_tls_verify) c["insecure-skip-tls-verify"] = true;
    if (!cluster.ca_pem.empty()) c["certificate-authority-data"] = base64Encode(cluster.ca_pem);
    if (!cluster.proxy_url.empty()) c["proxy-url"] = cluster.proxy_url;
    if (config.cluster_config) c["config"] = *config.cluster_config;
    spec["cluster"] = std::move(c);
  }
  nlohmann::json info = {
      {"kind", "ExecCredential"}, {"apiVersion", config.api_version}, {"spec", std::move(spec)}};
  return info.dump();
}

Result<ExecCredential> parseExecCredential(std::string_view json, std::string_view api_version) {
  auto protocol = [](std::string msg) { return fail(ErrorCode::kProtocol, std::move(msg)); };
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return protocol("exec plugin output is not a JSON object");
  }
  std::string version = stringAt(doc, "apiVersion").value_or("");
  if (version != api_version) {
    return protocol("exec plugin is configured to use API version " + std::string(api_version) +
                    ", plugin returned version " + quote(version));
  }
  if (stringAt(doc, "kind").value_or("ExecCredential") != "ExecCredential") {
    return protocol("exec plugin returned kind " + quote(stringAt(doc, "kind").value_or("")) +
                    ", want ExecCredential");
  }
  auto status = doc.find("status");
  if (status == doc.end() || !status->is_object()) {
    return protocol("exec plugin didn't return a status field");
  }
  ExecCredential cred;
  cred.token = stringAt(*status, "token").value_or("");
  cred.client_cert_pem = stringAt(*status, "clientCertificateData").value_or("");
  cred.client_key_pem = stringAt(*status, "clientKeyData").value_or("");
  if (cred.client_cert_pem.empty() != cred.client_key_pem.empty()) {
    return protocol("exec plugin returned only certificate or key, not both");
  }
  if (cred.token.empty() && cred.client_cert_pem.empty()) {
    return protocol("exec plugin didn't return a token or cert/key pair");
  }
  if (auto expiry = stringAt(*status, "expirationTimestamp"); expiry && !expiry->empty()) {
    auto when = parseRfc3339(*expiry);
    if (!when) {
      return protocol("exec plugin returned an invalid expirationTimestamp: " +
                      when.error().message);
    }
    cred.expiry = *when;
  }
  return cred;
}

ExecCredentialProvider::ExecCredentialProvider(ExecConfig config, ExecClusterInfo cluster,
                                               Clock& clock, Options options)
    : config_(std::move(config)),
      cluster_(std::move(cluster)),
      clock_(clock),
      options_(std::move(options)) {}

Result<ExecCredential> ExecCredentialProvider::credential() {
  std::lock_guard<std::mutex> lock(mu_);
  if (cached_ && (!cached_->expiry || clock_.wallNow() < *cached_->expiry)) {
    return *cached_;
  }
  cached_.reset();
  ASSIGN_OR_RETURN(ExecCredential fresh, run());
  cached_ = fresh;
  return fresh;
}

Result<std::string> ExecCredentialProvider::token() {
  ASSIGN_OR_RETURN(ExecCredential cred, credential());
  return cred.token;
}

void ExecCredentialProvider::invalidate(std::string_view rejected) {
  std::lock_guard<std::mutex> lock(mu_);
  if (cached_ && !rejected.empty() && rejected != cached_->token) {
    return;  // another caller already refreshed
  }
  cached_.reset();
}

int ExecCredentialProvider::runCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return runs_;
}

Error ExecCredentialProvider::failure(const ProcessResult& result) const {
  std::string msg = "exec plugin " + quote(config_.command);
  ErrorCode code = ErrorCode::kUnauthenticated;
  if (result.timed_out) {
    code = ErrorCode::kDeadlineExceeded;
    msg += " timed out after " + std::to_string(options_.timeout.count()) + "ms";
  } else if (result.term_signal != 0) {
    msg += " was killed by signal " + std::to_string(result.term_signal);
  } else {
    msg += " failed with exit code " + std::to_string(result.exit_code);
  }
  if (std::string err = capStderr(result.stderr_data); !err.empty()) {
    msg += ": " + err;
  }
  if (!config_.install_hint.empty()) {
    msg += " (install hint: " + std::string(strings::trim(config_.install_hint)) + ")";
  }
  return Error{code, msg};
}

Result<ExecCredential> ExecCredentialProvider::run() {
  if (config_.interactive_mode == InteractiveMode::kAlways) {
    return fail(ErrorCode::kInvalidArgument,
                "exec plugin " + quote(config_.command) +
                    " requires interactiveMode Always, but copycat never runs credential "
                    "plugins interactively");
  }
  ProcessSpec spec;
  spec.command = config_.command;
  spec.args = config_.args;
  spec.env = config_.env;
  spec.env.emplace_back("KUBERNETES_EXEC_INFO", execInfoJson(config_, cluster_));
  spec.timeout = options_.timeout;
  ++runs_;
  auto result = options_.runner ? options_.runner(spec) : runProcess(spec);
  if (!result) {
    std::string msg = "exec plugin " + quote(config_.command) + ": " + result.error().message;
    if (!config_.install_hint.empty()) {
      msg += " (install hint: " + std::string(strings::trim(config_.install_hint)) + ")";
    }
    ErrorCode code = result.error().code == ErrorCode::kNotFound ? ErrorCode::kInvalidArgument
                                                                 : result.error().code;
    return fail(code, msg);
  }
  if (result->timed_out || result->exit_code != 0) {
    return fail(failure(*result));
  }
  if (result->stdout_truncated) {
    return fail(ErrorCode::kProtocol,
                "exec plugin " + quote(config_.command) + " wrote more output than allowed");
  }
  auto cred = parseExecCredential(result->stdout_data, config_.api_version);
  if (!cred) {
    return fail(cred.error().withContext("exec plugin " + quote(config_.command)));
  }
  return cred;
}

}  // namespace copycat::kube
