#include "support/fake_aws.h"

#include <nlohmann/json.hpp>

#include "support/fake_aws_internal.h"

namespace copycat::testing {
namespace {

constexpr std::string_view kImdsCredentialsPrefix = "/latest/meta-data/iam/security-credentials/";
constexpr std::string_view kKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void countRequest(FakeAws::State& state, const std::string& operation) {
  ++state.counts[operation];
}

void handleContainer(FakeAws::State& state, const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(state.mu);
  countRequest(state, "container");
  if (!state.container_token.empty() &&
      req.get_header_value("Authorization") != state.container_token) {
    res.status = 401;
    res.set_content(R"({"code":"AccessDenied","message":"invalid authorization token"})",
                    "application/json");
    return;
  }
  if (auto fault = state.takeFault("container")) {
    res.status = fault->status;
    res.set_content(nlohmann::json{{"code", fault->code}, {"message", "injected"}}.dump(),
                    "application/json");
    return;
  }
  std::string id;
  FakeKey key = state.issueSession(state.options.container_role_arn,
                                   state.options.container_credentials_lifetime, &id);
  nlohmann::json doc = {{"AccessKeyId", id},
                        {"SecretAccessKey", key.secret},
                        {"Token", key.session_token},
                        {"Expiration", iso8601(*key.expires)},
                        {"RoleArn", state.options.container_role_arn}};
  res.set_content(doc.dump(), "application/json");
}

bool imdsTokenValid(FakeAws::State& state, const httplib::Request& req) {
  auto it = state.imds_tokens.find(req.get_header_value("X-aws-ec2-metadata-token"));
  return it != state.imds_tokens.end() && state.now() < it->second;
}

void handleImdsToken(FakeAws::State& state, const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(state.mu);
  countRequest(state, "imds:token");
  if (!state.options.imds_v2) {
    res.status = 404;
    return;
  }
  std::string ttl_text = req.get_header_value("X-aws-ec2-metadata-token-ttl-seconds");
  int ttl = ttl_text.empty() || ttl_text.size() > 5 ||
                    ttl_text.find_first_not_of("0123456789") != std::string::npos
                ? 0
                : std::stoi(ttl_text);
  if (ttl < 1 || ttl > 21600) {
    res.status = 400;
    return;
  }
  std::string token = state.random(44, kKeyAlphabet);
  state.imds_tokens[token] = state.now() + std::chrono::seconds(ttl);
  res.set_content(token, "text/plain");
}

void handleImdsCredentials(FakeAws::State& state, const httplib::Request& req,
                           httplib::Response& res) {
  std::lock_guard lock(state.mu);
  std::string role = req.path.substr(kImdsCredentialsPrefix.size());
  countRequest(state, role.empty() ? "imds:role" : "imds:credentials");
  if (state.options.imds_v2 && !imdsTokenValid(state, req)) {
    res.status = 401;
    return;
  }
  if (state.options.imds_role.empty() || (!role.empty() && role != state.options.imds_role)) {
    res.status = 404;
    return;
  }
  if (role.empty()) {
    res.set_content(state.options.imds_role, "text/plain");
    return;
  }
  std::string id;
  std::string principal =
      "arn:aws:iam::" + state.options.account_id + ":role/" + state.options.imds_role;
  FakeKey key = state.issueSession(principal, state.options.imds_credentials_lifetime, &id);
  nlohmann::json doc = {{"Code", "Success"},
                        {"LastUpdated", iso8601(state.now())},
                        {"Type", "AWS-HMAC"},
                        {"AccessKeyId", id},
                        {"SecretAccessKey", key.secret},
                        {"Token", key.session_token},
                        {"Expiration", iso8601(*key.expires)}};
  res.set_content(doc.dump(), "text/plain");
}

// POST /: ECR (X-Amz-Target) or STS (form body).
void handleApi(FakeAws::State& state, const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(state.mu);
  if (req.has_header("X-Amz-Target")) {
    handleEcr(state, req, res);
  } else {
    handleSts(state, req, res);
  }
}

}  // namespace

WallTime FakeAws::State::now() const {
  return options.clock == nullptr ? SystemClock::instance().wallNow() : options.clock->wallNow();
}

std::string FakeAws::State::random(size_t n, std::string_view alphabet) {
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += alphabet[pick(rng)];
  }
  return out;
}

FakeKey FakeAws::State::issueSession(const std::string& principal, std::chrono::seconds lifetime,
                                     std::string* access_key_id) {
  FakeKey key;
  key.secret = random(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
  // Session tokens hold '+', '/' and '=' like real ones, to exercise header handling.
  key.session_token =
      "FQoGZXIvYXdz" + random(120, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/") + "==";
  // Whole seconds: the wire formats carry no fraction.
  key.expires = std::chrono::time_point_cast<std::chrono::seconds>(now() + lifetime);
  key.principal_arn = principal;
  *access_key_id = "ASIA" + random(16, kKeyAlphabet);
  keys[*access_key_id] = key;
  return key;
}

std::optional<FakeFault> FakeAws::State::takeFault(const std::string& operation) {
  for (const std::string& key : {operation, std::string("*")}) {
    if (auto it = throttles.find(key); it != throttles.end() && it->second > 0) {
      --it->second;
      return FakeFault{1, 400, "throttled"};
    }
    if (auto it = failures.find(key); it != failures.end() && it->second.times > 0) {
      --it->second.times;
      return it->second;
    }
  }
  return std::nullopt;
}

FakeAws::FakeAws(FakeAwsOptions options) : state_(std::make_unique<State>(std::move(options))) {
  State* s = state_.get();
  // Headers and body leave in two writes: without TCP_NODELAY each answer waits ~40 ms for the
  // client's delayed ACK.
  s->server.raw().set_tcp_nodelay(true);
  s->server.post(
      "/", [s](const httplib::Request& req, httplib::Response& res) { handleApi(*s, req, res); });
  for (const std::string& path : s->options.container_paths) {
    s->server.get(path, [s](const httplib::Request& req, httplib::Response& res) {
      handleContainer(*s, req, res);
    });
  }
  s->server.put("/latest/api/token", [s](const httplib::Request& req, httplib::Response& res) {
    handleImdsToken(*s, req, res);
  });
  s->server.get(std::string(kImdsCredentialsPrefix) + "[^/]*",
                [s](const httplib::Request& req, httplib::Response& res) {
                  handleImdsCredentials(*s, req, res);
                });
}

FakeAws::~FakeAws() { stop(); }

Status FakeAws::start() { return state_->server.start(); }
void FakeAws::stop() { state_->server.stop(); }
std::string FakeAws::baseUrl() const { return state_->server.baseUrl(); }

void FakeAws::addAccessKey(const std::string& id, const std::string& secret,
                           const std::string& principal_arn) {
  std::lock_guard lock(state_->mu);
  std::string principal = principal_arn.empty()
                              ? "arn:aws:iam::" + state_->options.account_id + ":user/copycat"
                              : principal_arn;
  state_->keys[id] = FakeKey{secret, "", std::nullopt, principal};
}

void FakeAws::addRole(const FakeRole& role) {
  std::lock_guard lock(state_->mu);
  state_->roles[role.arn] = role;
}

void FakeAws::setContainerToken(const std::string& token) {
  std::lock_guard lock(state_->mu);
  state_->container_token = token;
}

void FakeAws::putRepository(const FakeRepository& repository) {
  std::lock_guard lock(state_->mu);
  state_->repositories[repository.name] = repository;
}

std::optional<FakeRepository> FakeAws::repository(const std::string& name) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->repositories.find(name);
  return it == state_->repositories.end() ? std::nullopt : std::optional(it->second);
}

size_t FakeAws::repositoryCount() const {
  std::lock_guard lock(state_->mu);
  return state_->repositories.size();
}

void FakeAws::simulateConcurrentCreate(const std::string& name) {
  std::lock_guard lock(state_->mu);
  state_->concurrent_creates.insert(name);
}

void FakeAws::throttleNext(const std::string& operation, int times) {
  std::lock_guard lock(state_->mu);
  state_->throttles[operation] += times;
}

void FakeAws::failNext(const std::string& operation, int times, int status,
                       const std::string& code) {
  std::lock_guard lock(state_->mu);
  state_->failures[operation] = FakeFault{times, status, code};
}

int FakeAws::count(const std::string& operation) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->counts.find(operation);
  return it == state_->counts.end() ? 0 : it->second;
}

int FakeAws::rejectedCount() const {
  std::lock_guard lock(state_->mu);
  return state_->rejected;
}

std::string FakeAws::lastRejection() const {
  std::lock_guard lock(state_->mu);
  return state_->last_rejection;
}

std::vector<FakeStsCall> FakeAws::stsCalls() const {
  std::lock_guard lock(state_->mu);
  return state_->sts_calls;
}

std::string FakeAws::lastEcrPrincipal() const {
  std::lock_guard lock(state_->mu);
  return state_->last_ecr_principal;
}

bool FakeAws::isValidRegistryPassword(const std::string& password) const {
  std::lock_guard lock(state_->mu);
  auto it = state_->registry_passwords.find(password);
  return it != state_->registry_passwords.end() && state_->now() < it->second;
}

}  // namespace copycat::testing
