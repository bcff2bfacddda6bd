#include "registry/auth/authenticator.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "base/log.h"
#include "base/strings.h"
#include "registry/auth/token_exchange.h"

namespace copycat::registry::auth {
namespace {

constexpr std::string_view kBearerPrefix = "Bearer ";

std::string bearer(std::string_view token) {
  return std::string(kBearerPrefix) + std::string(token);
}

// The Basic credentials for `creds`, or "" when there are none usable with Basic.
std::string basicFor(const RegistryAuth& creds) {
  if (!creds.registry_token.empty()) {
    std::string_view user =
        creds.username.empty() ? kTokenUsername : std::string_view(creds.username);
    return basicAuthorization(user, creds.registry_token);
  }
  if (!creds.username.empty() || !creds.password.empty()) {
    return basicAuthorization(creds.username, creds.password);
  }
  return {};
}

// True when `have` grants everything `want` asks: same "type:name" and a superset of its
// comma-separated actions (token spec "Token Scope Documentation": type:name:actions).
bool coversScope(std::string_view have, std::string_view want) {
  size_t have_colon = have.rfind(':');
  size_t want_colon = want.rfind(':');
  if (have_colon == std::string_view::npos || want_colon == std::string_view::npos ||
      have.substr(0, have_colon) != want.substr(0, want_colon)) {
    return have == want;
  }
  std::vector<std::string> granted = strings::split(have.substr(have_colon + 1), ',');
  for (const auto& action : strings::split(want.substr(want_colon + 1), ',')) {
    if (std::find(granted.begin(), granted.end(), action) == granted.end()) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> mergeScopes(std::vector<std::string> scopes,
                                     const std::vector<std::string>& more) {
  for (const auto& scope : more) {
    bool covered = std::any_of(scopes.begin(), scopes.end(),
                               [&](const std::string& have) { return coversScope(have, scope); });
    if (!covered) {
      scopes.push_back(scope);
    }
  }
  return scopes;
}

}  // namespace

std::string pullScope(std::string_view repository) {
  return fmt::format("repository:{}:pull", repository);
}

std::string pushScope(std::string_view repository) {
  return fmt::format("repository:{}:pull,push", repository);
}

Authenticator::Authenticator(http::HttpClient& http, Options options)
    : http_(http),
      options_(std::move(options)),
      clock_(options_.clock ? *options_.clock : SystemClock::instance()),
      cache_(clock_, options_.expiry_margin) {}

Result<RegistryAuth> Authenticator::credentials(const std::string& host) {
  if (!options_.keychain) {
    return RegistryAuth{};
  }
  auto creds = options_.keychain->resolve(host);
  if (!creds) {
    return fail(creds.error().withContext(fmt::format("looking up credentials for {}", host)));
  }
  return creds;
}

Authenticator::HostState Authenticator::hostState(const std::string& host) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = hosts_.find(host);
  return it == hosts_.end() ? HostState{} : it->second;
}

std::shared_ptr<std::mutex> Authenticator::fetchLock(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = fetch_locks_[key];
  if (!slot) {
    slot = std::make_shared<std::mutex>();
  }
  return slot;
}

Result<std::string> Authenticator::authorization(const AuthTarget& target,
                                                 const std::vector<std::string>& scopes,
                                                 const CallContext& ctx) {
  HostState state = hostState(target.host);
  if (state.scheme == Scheme::kBearer) {
    if (auto cached = cache_.get(TokenCache::key(target.host, scopes))) {
      return bearer(*cached);
    }
  }
  ASSIGN_OR_RETURN(RegistryAuth creds, credentials(target.host));
  bool direct = !creds.registry_token.empty() && !state.direct_token_rejected;
  switch (state.scheme) {
    case Scheme::kUnknown:
      return direct ? bearer(creds.registry_token) : std::string();
    case Scheme::kBasic:
      return basicFor(creds);
    case Scheme::kBearer:
      if (direct) {
        return bearer(creds.registry_token);
      }
      return bearerToken(target, state, scopes, scopes, creds, "", ctx);
  }
  return std::string();
}

Result<std::string> Authenticator::reauthorize(const AuthTarget& target,
                                               const std::vector<std::string>& scopes,
                                               const std::vector<std::string>& challenges,
                                               std::string_view rejected, const CallContext& ctx) {
  ChallengeParse parsed = parseChallenges(challenges);
  const Challenge* preferred = preferredChallenge(parsed.challenges);
  if (!preferred) {
    return fail(
        ErrorCode::kUnauthenticated,
        fmt::format("{} answered 401 without a supported WWW-Authenticate challenge", target.host));
  }
  ASSIGN_OR_RETURN(RegistryAuth creds, credentials(target.host));
  if (preferred->scheme == "bearer") {
    return answerBearer(target, parsed.challenges, scopes, rejected, creds, ctx);
  }
  return answerBasic(target, rejected, creds);
}

Result<std::string> Authenticator::answerBearer(const AuthTarget& target,
                                                const std::vector<Challenge>& challenges,
                                                const std::vector<std::string>& scopes,
                                                std::string_view rejected,
                                                const RegistryAuth& creds, const CallContext& ctx) {
  std::optional<BearerChallenge> challenge = bearerChallenge(challenges);
  if (!challenge) {
    return fail(ErrorCode::kUnauthenticated,
                fmt::format("{} sent a Bearer challenge without a realm", target.host));
  }
  bool rejected_direct = !creds.registry_token.empty() && rejected == bearer(creds.registry_token);
  HostState state;
  {
    std::lock_guard<std::mutex> lock(mu_);
    HostState& stored = hosts_[target.host];
    stored.scheme = Scheme::kBearer;
    stored.bearer = *challenge;
    stored.direct_token_rejected = stored.direct_token_rejected || rejected_direct;
    state = stored;
  }
  if (!creds.registry_token.empty() && !state.direct_token_rejected) {
    return bearer(creds.registry_token);  // not tried yet: the registry may accept it as is
  }
  std::string_view rejected_token;
  if (!rejected_direct && rejected.starts_with(kBearerPrefix)) {
    rejected_token = rejected.substr(kBearerPrefix.size());
    cache_.invalidate(TokenCache::key(target.host, scopes), rejected_token);
  }
  // The challenge's own scope is what this request needs (e.g. insufficient_scope).
  std::vector<std::string> wanted = mergeScopes(scopes, challenge->scopes);
  return bearerToken(target, state, wanted, scopes, creds, rejected_token, ctx);
}

Result<std::string> Authenticator::answerBasic(const AuthTarget& target, std::string_view rejected,
                                               const RegistryAuth& creds) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    hosts_[target.host].scheme = Scheme::kBasic;
  }
  std::string header = basicFor(creds);
  if (header.empty()) {
    return fail(ErrorCode::kUnauthenticated,
                fmt::format("{} requires Basic authentication and no username/password is "
                            "configured for it",
                            target.host));
  }
  if (header == rejected) {
    return fail(ErrorCode::kUnauthenticated,
                fmt::format("{} rejected the configured credentials ({})", target.host,
                            creds.source.empty() ? "unknown source" : creds.source));
  }
  return header;
}

Result<std::string> Authenticator::bearerToken(const AuthTarget& target, const HostState& state,
                                               const std::vector<std::string>& scopes,
                                               const std::vector<std::string>& request_scopes,
                                               const RegistryAuth& creds,
                                               std::string_view rejected_token,
                                               const CallContext& ctx) {
  std::string key = TokenCache::key(target.host, request_scopes);
  std::shared_ptr<std::mutex> flight = fetchLock(key);
  std::lock_guard<std::mutex> fetching(*flight);
  // Another thread may have fetched it while this one waited.
  if (auto cached = cache_.get(key); cached && *cached != rejected_token) {
    return bearer(*cached);
  }
  TokenRequest request{.realm = state.bearer.realm,
                       .service = state.bearer.service,
                       .scopes = scopes,
                       .registry_host = target.host,
                       .registry_insecure = target.insecure,
                       .client_id = options_.client_id,
                       .timeout = options_.token_timeout,
                       .stop = ctx.stop};
  token_requests_.fetch_add(1);
  if (ctx.stats) {
    ctx.stats->addTokenRequest();
  }
  auto token = fetchToken(http_, request, creds);
  if (!token) {
    return fail(token.error().withContext(fmt::format("authenticating to {}", target.host)));
  }
  LOG_DEBUG("registry", "token fetched",
            {{"registry", target.host},
             {"scopes", strings::join(scopes, " ")},
             {"expires_in", token->expires_in.count()},
             {"credentials", creds.isAnonymous() ? std::string("anonymous") : creds.source}});
  cache_.put(key, token->token, token->expires_in);
  return bearer(token->token);
}

}  // namespace copycat::registry::auth
