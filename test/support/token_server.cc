#include "support/token_server.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/strings.h"

namespace copycat::testing {
namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

std::string base64(const std::string& raw) {
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(raw.data()),
                          static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// RFC 7515 section 2: base64url without padding.
std::string base64Url(const std::string& raw) {
  std::string s = base64(raw);
  while (!s.empty() && s.back() == '=') {
    s.pop_back();
  }
  for (char& c : s) {
    c = c == '+' ? '-' : (c == '/' ? '_' : c);
  }
  return s;
}

std::string decodeBase64(const std::string& text) {
  std::string out(text.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) {
    return {};
  }
  size_t pad = 0;
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) {
    ++pad;
  }
  out.resize(static_cast<size_t>(n) - std::min<size_t>(pad, static_cast<size_t>(n)));
  return out;
}

std::string rfc3339(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

struct Scope {
  std::string type, name;
  std::vector<std::string> actions;
};

// "repository:library/nginx:pull,push": the name may itself hold ':' (a registry port).
std::optional<Scope> parseScope(const std::string& text) {
  size_t first = text.find(':');
  size_t last = text.rfind(':');
  if (first == std::string::npos || first == last) {
    return std::nullopt;
  }
  return Scope{text.substr(0, first), text.substr(first + 1, last - first - 1),
               strings::splitList(text.substr(last + 1))};
}

}  // namespace

// The ES256 key and its self-signed certificate.
struct TokenServer::Signer {
  KeyPtr key{nullptr, EVP_PKEY_free};
  std::string cert_der;
  std::string cert_pem;

  static std::unique_ptr<Signer> create();
  std::string sign(const std::string& input) const;
};

std::unique_ptr<TokenServer::Signer> TokenServer::Signer::create() {
  auto s = std::make_unique<Signer>();
  s->key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  CertPtr cert(X509_new(), X509_free);
  if (!s->key || !cert) {
    return nullptr;
  }
  X509* c = cert.get();
  X509_set_version(c, X509_VERSION_3);
  uint32_t serial = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof(serial));
  ASN1_INTEGER_set(X509_get_serialNumber(c), static_cast<long>(serial >> 1) + 1);
  X509_gmtime_adj(X509_getm_notBefore(c), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c), 7L * 24 * 3600);
  X509_set_pubkey(c, s->key.get());
  X509_NAME* name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("copycat token signer"), -1, -1,
                             0);
  X509_set_issuer_name(c, name);
  if (X509_sign(c, s->key.get(), EVP_sha256()) == 0) {
    return nullptr;
  }
  int len = i2d_X509(c, nullptr);
  s->cert_der.resize(static_cast<size_t>(std::max(len, 0)));
  auto* p = reinterpret_cast<unsigned char*>(s->cert_der.data());
  i2d_X509(c, &p);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  PEM_write_bio_X509(bio.get(), c);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  s->cert_pem.assign(data, static_cast<size_t>(std::max(n, 0L)));
  return s;
}

// ES256 (RFC 7518 section 3.4): the signature is R || S, 32 bytes each, not DER.
std::string TokenServer::Signer::sign(const std::string& input) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  size_t der_len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &der_len,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1) {
    return {};
  }
  std::string der(der_len, '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (EVP_DigestSign(ctx.get(), out, &der_len, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1) {
    return {};
  }
  const unsigned char* in = out;
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
      d2i_ECDSA_SIG(nullptr, &in, static_cast<long>(der_len)), ECDSA_SIG_free);
  if (!sig) {
    return {};
  }
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
  return raw;
}

TokenServer::TokenServer(Options options) : options_(std::move(options)) {}

TokenServer::~TokenServer() {
  if (server_) {
    server_->stop();
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

Result<std::unique_ptr<TokenServer>> TokenServer::start(Options options) {
  std::unique_ptr<TokenServer> ts(new TokenServer(std::move(options)));
  ts->signer_ = Signer::create();
  if (!ts->signer_) {
    return fail(ErrorCode::kInternal, "token signing key generation failed");
  }
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/copycat-token-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    return fail(ErrorCode::kInternal, "mkdtemp failed");
  }
  ts->dir_ = templ;
  std::ofstream(ts->certFile(), std::ios::binary) << ts->signer_->cert_pem;
  ts->server_ = std::make_unique<TestHttpServer>();
  TokenServer* self = ts.get();
  ts->server_->get("/token", [self](const httplib::Request& req, httplib::Response& res) {
    self->handle("GET", req.params, req.get_header_value("Authorization"), res);
  });
  ts->server_->post("/token", [self](const httplib::Request& req, httplib::Response& res) {
    self->handle("POST", req.params, "", res);
  });
  RETURN_IF_ERROR(ts->server_->start());
  return ts;
}

TokenAuthConfig TokenServer::authConfig() const {
  std::lock_guard lock(mu_);
  return {realm(), options_.service, options_.issuer, certFile()};
}

std::string TokenServer::realm() const { return server_->url("/token"); }

std::string TokenServer::signJwt(const std::string& claims_json) const {
  nlohmann::json header = {{"typ", "JWT"}, {"alg", "ES256"}};
  header["x5c"] = nlohmann::json::array({base64(signer_->cert_der)});
  std::string input = base64Url(header.dump()) + "." + base64Url(claims_json);
  return input + "." + base64Url(signer_->sign(input));
}

// Reads a token request: GET with Basic credentials and repeated `scope` parameters (token
// spec), or the OAuth2 password grant POST form with space-separated scopes.
TokenServer::Parsed TokenServer::parse(const std::string& method, const httplib::Params& params,
                                       const std::string& authorization) {
  Parsed p;
  p.record.method = method;
  bool post = method == "POST";
  for (const auto& [k, v] : params) {
    if (k == "service") {
      p.record.service = v;
    } else if (k == "scope") {
      for (auto& s : strings::split(v, ' ')) {
        if (!s.empty()) {
          p.record.scopes.push_back(s);
        }
      }
    } else if (k == "username" && post) {
      p.record.user = v;
      p.has_credentials = true;
    } else if (k == "password" && post) {
      p.password = v;
    } else if (k == "grant_type" && post) {
      p.grant_ok = v == "password";
    }
  }
  p.grant_ok = p.grant_ok || !post;
  if (!post && strings::toLower(authorization.substr(0, 6)) == "basic ") {
    std::string decoded = decodeBase64(std::string(strings::trim(authorization.substr(6))));
    size_t colon = decoded.find(':');
    p.record.user = decoded.substr(0, colon);
    p.password = colon == std::string::npos ? "" : decoded.substr(colon + 1);
    p.has_credentials = true;
  }
  return p;
}

// The requested repository actions that `user` (null: anonymous) may have. Needs mu_.
nlohmann::json TokenServer::grant(const std::vector<std::string>& scopes, const User* user) const {
  nlohmann::json access = nlohmann::json::array();
  const auto& allowed = user != nullptr ? user->actions : options_.anonymous_actions;
  for (const auto& text : scopes) {
    auto scope = parseScope(text);
    if (!scope || scope->type != "repository" ||
        (user != nullptr && !strings::globMatch(user->repository_glob, scope->name))) {
      continue;
    }
    nlohmann::json actions = nlohmann::json::array();
    for (const auto& a : scope->actions) {
      if (allowed.count(a) != 0 || allowed.count("*") != 0) {
        actions.push_back(a);
      }
    }
    if (!actions.empty()) {
      access.push_back({{"type", "repository"}, {"name", scope->name}, {"actions", actions}});
    }
  }
  return access;
}

// The response body for a granted request. Needs mu_.
std::string TokenServer::issue(const TokenRequestRecord& rec, const nlohmann::json& access) {
  std::time_t now = std::time(nullptr);
  int lifetime = options_.claim_lifetime_seconds.value_or(options_.expires_in_seconds);
  nlohmann::json claims = {{"iss", options_.issuer},
                           {"sub", rec.user},
                           {"aud", rec.service.empty() ? options_.service : rec.service},
                           {"exp", static_cast<int64_t>(now) + lifetime},
                           {"nbf", static_cast<int64_t>(now) - 1},
                           {"iat", static_cast<int64_t>(now)},
                           {"jti", "copycat-" + std::to_string(++jti_counter_)},
                           {"access", access}};
  std::string jwt = signJwt(claims.dump());
  nlohmann::json body = nlohmann::json::object();
  bool post = rec.method == "POST";  // OAuth2 answers carry access_token only
  if (options_.field != TokenField::kAccessTokenOnly && !post) {
    body["token"] = jwt;
  }
  if (options_.field != TokenField::kTokenOnly || post) {
    body["access_token"] = jwt;
  }
  if (options_.include_expires_in) {
    body["expires_in"] = options_.expires_in_seconds;
  }
  if (options_.include_issued_at) {
    body["issued_at"] = rfc3339(now);
  }
  return body.dump();
}

void TokenServer::handle(const std::string& method, const httplib::Params& params,
                         const std::string& authorization, httplib::Response& res) {
  Parsed p = parse(method, params, authorization);
  std::lock_guard lock(mu_);
  const User* user = nullptr;
  if (p.has_credentials) {
    auto it = options_.users.find(p.record.user);
    user = it != options_.users.end() && it->second.password == p.password ? &it->second : nullptr;
  }
  if (!p.grant_ok || (p.has_credentials && user == nullptr)) {
    p.record.status = p.grant_ok ? 401 : 400;
    res.status = p.record.status;
    res.set_content(p.grant_ok ? R"({"details":"incorrect username or password"})"
                               : R"({"error":"unsupported_grant_type"})",
                    "application/json");
    records_.push_back(std::move(p.record));
    return;
  }
  nlohmann::json access = grant(p.record.scopes, user);
  res.set_content(issue(p.record, access), "application/json");
  p.record.status = 200;
  p.record.granted = access.dump();
  records_.push_back(std::move(p.record));
}

size_t TokenServer::requestCount() const {
  std::lock_guard lock(mu_);
  return records_.size();
}

std::vector<TokenRequestRecord> TokenServer::requests() const {
  std::lock_guard lock(mu_);
  return records_;
}

void TokenServer::clearRequests() {
  std::lock_guard lock(mu_);
  records_.clear();
}

void TokenServer::setExpiresIn(int seconds, std::optional<int> claim_lifetime_seconds) {
  std::lock_guard lock(mu_);
  options_.expires_in_seconds = seconds;
  options_.claim_lifetime_seconds = claim_lifetime_seconds;
}

void TokenServer::setTokenField(TokenField field) {
  std::lock_guard lock(mu_);
  options_.field = field;
}

void TokenServer::setUser(const std::string& name, User user) {
  std::lock_guard lock(mu_);
  options_.users[name] = std::move(user);
}

}  // namespace copycat::testing
