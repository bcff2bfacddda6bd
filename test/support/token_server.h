// TokenServer: a Docker registry token service (distribution's token auth spec) on cpp-httplib,
// for RegistryProcess in RegistryAuth::kToken mode. It signs ES256 JWTs with a self-signed
// certificate that the registry trusts through `auth.token.rootcertbundle`; the JWT header
// carries that certificate in `x5c` (distribution 2.8 registry/auth/token/token.go,
// VerifySigningKey: x5c is verified against the root bundle).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "support/registry_harness.h"
#include "support/test_http_server.h"

namespace copycat::testing {

// One token request as the server handled it. Never holds a password.
struct TokenRequestRecord {
  std::string method{};  // GET (token spec) or POST (OAuth2 password grant)
  std::string service{};
  std::vector<std::string> scopes{};  // as requested, e.g. "repository:a/b:pull,push"
  std::string user{};                 // "" for anonymous
  int status = 0;                     // 200, 401 (bad credentials) or 400
  std::string granted{};              // the access claim issued, as JSON text
};

// Thread-safe: requests are served on cpp-httplib threads; the setters may be called between
// requests from the test thread.
class TokenServer {
 public:
  enum class TokenField { kBoth, kTokenOnly, kAccessTokenOnly };

  struct User {
    std::string password{};
    std::set<std::string> actions{"pull", "push"};  // granted on every repository
    std::string repository_glob = "*";              // strings::globMatch on the repository name
  };

  struct Options {
    std::string service = "copycat-registry";
    std::string issuer = "copycat-token-issuer";
    std::map<std::string, User> users{};
    std::set<std::string> anonymous_actions{};  // granted without credentials (e.g. {"pull"})
    int expires_in_seconds = 300;               // reported `expires_in`
    // The JWT `exp` is issued_at + this; defaults to expires_in_seconds. distribution accepts a
    // token up to 60 s past `exp` (leeway), so a value <= -61 makes the registry reject the
    // token at once: a way to test the client's refresh on 401.
    std::optional<int> claim_lifetime_seconds{};
    TokenField field = TokenField::kBoth;
    bool include_issued_at = true;
    bool include_expires_in = true;
  };

  // Generates the signing key and certificate, starts the server on 127.0.0.1.
  // Errors: kInternal when key generation or the server fails.
  [[nodiscard]] static Result<std::unique_ptr<TokenServer>> start(Options options);
  ~TokenServer();
  TokenServer(const TokenServer&) = delete;
  TokenServer& operator=(const TokenServer&) = delete;

  // What RegistryProcess::token() needs: realm = url("/token"), service, issuer, and the
  // signing certificate file.
  [[nodiscard]] TokenAuthConfig authConfig() const;
  [[nodiscard]] std::string realm() const;
  [[nodiscard]] std::string certFile() const { return dir_ + "/token-signer.pem"; }

  [[nodiscard]] size_t requestCount() const;
  [[nodiscard]] std::vector<TokenRequestRecord> requests() const;
  void clearRequests();

  void setExpiresIn(int seconds, std::optional<int> claim_lifetime_seconds = std::nullopt);
  void setTokenField(TokenField field);
  void setUser(const std::string& name, User user);

  // Signs an arbitrary claim set (tests of the verifier side). `claims_json` is the JWT payload.
  [[nodiscard]] std::string signJwt(const std::string& claims_json) const;

 private:
  struct Signer;
  struct Parsed {
    TokenRequestRecord record{};
    std::string password{};
    bool has_credentials = false;
    bool grant_ok = false;
  };
  explicit TokenServer(Options options);
  static Parsed parse(const std::string& method, const httplib::Params& params,
                      const std::string& authorization);
  nlohmann::json grant(const std::vector<std::string>& scopes, const User* user) const;
  std::string issue(const TokenRequestRecord& record, const nlohmann::json& access);
  void handle(const std::string& method, const httplib::Params& params,
              const std::string& authorization, httplib::Response& res);

  mutable std::mutex mu_;
  Options options_;                          // guarded by mu_
  std::vector<TokenRequestRecord> records_;  // guarded by mu_
  uint64_t jti_counter_ = 0;                 // guarded by mu_
  std::string dir_;
  std::unique_ptr<Signer> signer_;
  std::unique_ptr<TestHttpServer> server_;
};

}  // namespace copycat::testing
