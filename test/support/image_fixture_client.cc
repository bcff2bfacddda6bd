#include "support/image_fixture_client.h"

#include <cctype>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "support/registry_harness.h"

namespace copycat::testing {
namespace {

constexpr char kAcceptManifests[] =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

std::string percentEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// `Bearer realm="x",service="y",scope="z"` -> {"scheme": "bearer", "realm": "x", ...}.
std::map<std::string, std::string> parseChallenge(const std::string& header) {
  std::map<std::string, std::string> out;
  size_t sp = header.find(' ');
  out["scheme"] = strings::toLower(header.substr(0, sp));
  size_t i = sp == std::string::npos ? header.size() : sp + 1;
  while (i < header.size()) {
    size_t eq = header.find('=', i);
    if (eq == std::string::npos) {
      break;
    }
    std::string key = strings::toLower(std::string(strings::trim(header.substr(i, eq - i))));
    std::string value;
    size_t j = eq + 1;
    if (j < header.size() && header[j] == '"') {
      size_t close = header.find('"', j + 1);
      value = header.substr(j + 1, close - j - 1);
      j = close == std::string::npos ? header.size() : close + 1;
    } else {
      size_t comma = header.find(',', j);
      value = header.substr(j, comma - j);
      j = comma == std::string::npos ? header.size() : comma;
    }
    out[key] = value;
    i = header.find(',', j);
    i = i == std::string::npos ? header.size() : i + 1;
  }
  return out;
}

// Absolute Location -> path and query on the same server.
std::string localTarget(const std::string& location) {
  size_t scheme = location.find("://");
  if (scheme == std::string::npos) {
    return location;
  }
  size_t slash = location.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : location.substr(slash);
}

std::string scopeFor(const std::string& repository, bool push) {
  return repository.empty() ? "" : "repository:" + repository + (push ? ":pull,push" : ":pull");
}

HttpReply toReply(const httplib::Response& res) { return {res.status, res.headers, res.body}; }

}  // namespace

RegistryEndpoint RegistryEndpoint::of(const RegistryProcess& registry, std::string username,
                                      std::string password) {
  return {registry.host(), registry.tls(), registry.caCertFile(), std::move(username),
          std::move(password)};
}

std::string RegistryEndpoint::baseUrl() const { return (tls ? "https://" : "http://") + host; }

std::string HttpReply::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

RegistryHttpClient::RegistryHttpClient(RegistryEndpoint endpoint)
    : endpoint_(std::move(endpoint)),
      client_(std::make_unique<httplib::Client>(endpoint_.baseUrl())) {
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);
  client_->set_read_timeout(120, 0);
  client_->set_write_timeout(120, 0);
  if (endpoint_.tls) {
    client_->set_ca_cert_path(endpoint_.ca_file.c_str());
    client_->enable_server_certificate_verification(true);
  }
}

RegistryHttpClient::~RegistryHttpClient() = default;

void RegistryHttpClient::applyAuth(const std::string& scope, httplib::Headers* headers) const {
  auto it = bearer_tokens_.find(scope);
  if (it != bearer_tokens_.end()) {
    headers->emplace("Authorization", "Bearer " + it->second);
  } else if (!basic_.empty()) {
    headers->emplace("Authorization", basic_);
  }
}

Status RegistryHttpClient::authorize(const std::string& challenge, const std::string& scope) {
  auto params = parseChallenge(challenge);
  auto basic = httplib::make_basic_authentication_header(endpoint_.username, endpoint_.password);
  if (params["scheme"] == "basic") {
    basic_ = basic.second;
    return ok();
  }
  const std::string& realm = params["realm"];
  if (params["scheme"] != "bearer" || realm.find("://") == std::string::npos) {
    return fail(ErrorCode::kUnauthenticated, "unsupported challenge: " + challenge);
  }
  size_t slash = realm.find('/', realm.find("://") + 3);
  httplib::Client token_client(realm.substr(0, slash));
  if (realm.rfind("https://", 0) == 0 && !endpoint_.ca_file.empty()) {
    token_client.set_ca_cert_path(endpoint_.ca_file.c_str());
  }
  std::string target = (slash == std::string::npos ? "/" : realm.substr(slash)) +
                       "?service=" + percentEncode(params["service"]);
  if (!scope.empty()) {
    target += "&scope=" + percentEncode(scope);
  }
  httplib::Headers headers;
  if (!endpoint_.username.empty()) {
    headers.insert(basic);
  }
  ++token_fetches_;
  auto res = token_client.Get(target, headers);
  if (!res || res->status != 200) {
    return fail(ErrorCode::kUnauthenticated,
                "token request failed: " + (res ? std::to_string(res->status) : "no answer"));
  }
  auto body = nlohmann::json::parse(res->body, nullptr, false);
  std::string token = body.is_object() ? body.value("token", body.value("access_token", "")) : "";
  if (token.empty()) {
    return fail(ErrorCode::kUnauthenticated, "token response without a token");
  }
  bearer_tokens_[scope] = token;
  return ok();
}

Result<HttpReply> RegistryHttpClient::send(const std::string& method, const std::string& target,
                                           const std::string& repository, bool push,
                                           const httplib::Headers& headers, const std::string& body,
                                           const std::string& content_type) {
  std::string scope = scopeFor(repository, push);
  for (int attempt = 0; attempt < 2; ++attempt) {
    httplib::Request req;
    req.method = method;
    req.path = target;
    req.headers = headers;
    req.body = body;
    if (!content_type.empty()) {
      req.headers.emplace("Content-Type", content_type);
    }
    applyAuth(scope, &req.headers);
    auto res = client_->send(req);
    if (!res) {
      return fail(ErrorCode::kUnavailable,
                  method + " " + target + ": " + httplib::to_string(res.error()));
    }
    std::string challenge = res->get_header_value("WWW-Authenticate");
    if (res->status != 401 || challenge.empty() || attempt == 1) {
      return toReply(*res);
    }
    RETURN_IF_ERROR(authorize(challenge, scope));
  }
  return fail(ErrorCode::kInternal, "unreachable");
}

Result<FetchedManifest> RegistryHttpClient::getManifest(const std::string& repository,
                                                        const std::string& reference, bool head) {
  ASSIGN_OR_RETURN(HttpReply r,
                   send(head ? "HEAD" : "GET", "/v2/" + repository + "/manifests/" + reference,
                        repository, false, {{"Accept", kAcceptManifests}}));
  return FetchedManifest{r.status, r.header("Content-Type"), r.header("Docker-Content-Digest"),
                         r.body};
}

Result<bool> RegistryHttpClient::blobExists(const std::string& repository,
                                            const std::string& digest) {
  ASSIGN_OR_RETURN(HttpReply r, send("HEAD", "/v2/" + repository + "/blobs/" + digest, repository));
  if (r.status != 200 && r.status != 404) {
    return fail(ErrorCode::kProtocol, "blob HEAD answered " + std::to_string(r.status));
  }
  return r.status == 200;
}

Result<std::string> RegistryHttpClient::getBlob(const std::string& repository,
                                                const std::string& digest) {
  ASSIGN_OR_RETURN(HttpReply r, send("GET", "/v2/" + repository + "/blobs/" + digest, repository));
  if (r.status != 200) {
    return fail(ErrorCode::kNotFound, "blob GET answered " + std::to_string(r.status));
  }
  return r.body;
}

Status RegistryHttpClient::uploadBlob(const std::string& repository, const FixtureBlob& blob) {
  ASSIGN_OR_RETURN(HttpReply start,
                   send("POST", "/v2/" + repository + "/blobs/uploads/", repository, true));
  if (start.status != 202 || start.header("Location").empty()) {
    return fail(ErrorCode::kProtocol, "upload POST answered " + std::to_string(start.status));
  }
  std::string target = localTarget(start.header("Location"));
  target +=
      (target.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") + blob.digest;
  std::ifstream in(blob.path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::kNotFound, "cannot read blob file " + blob.path);
  }
  std::string buf(1 << 16, '\0');
  auto provider = [&](size_t offset, size_t length, httplib::DataSink& sink) {
    in.seekg(static_cast<std::streamoff>(offset));
    size_t n = std::min(length, buf.size());
    in.read(buf.data(), static_cast<std::streamsize>(n));
    return in.gcount() > 0 && sink.write(buf.data(), static_cast<size_t>(in.gcount()));
  };
  httplib::Headers headers;
  applyAuth(scopeFor(repository, true), &headers);
  auto res = client_->Put(target, headers, blob.size, provider, "application/octet-stream");
  if (!res || res->status != 201) {
    return fail(ErrorCode::kProtocol,
                "upload PUT of " + blob.digest + " answered " +
                    (res ? std::to_string(res->status) + " " + res->body : "nothing"));
  }
  return ok();
}

Status RegistryHttpClient::putManifest(const std::string& repository, const std::string& reference,
                                       const std::string& media_type, const std::string& bytes) {
  ASSIGN_OR_RETURN(HttpReply r, send("PUT", "/v2/" + repository + "/manifests/" + reference,
                                     repository, true, {}, bytes, media_type));
  if (r.status != 201) {
    return fail(ErrorCode::kProtocol, "manifest PUT " + reference + " answered " +
                                          std::to_string(r.status) + ": " + r.body);
  }
  return ok();
}

Status RegistryHttpClient::deleteManifest(const std::string& repository,
                                          const std::string& digest) {
  ASSIGN_OR_RETURN(HttpReply r,
                   send("DELETE", "/v2/" + repository + "/manifests/" + digest, repository, true));
  if (r.status != 202) {
    return fail(ErrorCode::kProtocol, "manifest DELETE answered " + std::to_string(r.status));
  }
  return ok();
}

Status RegistryHttpClient::push(const FixtureImage& image, const std::string& repository,
                                const std::string& tag) {
  for (const auto& blob : image.blobs) {
    ASSIGN_OR_RETURN(bool present, blobExists(repository, blob.digest));
    if (!present) {
      RETURN_IF_ERROR(uploadBlob(repository, blob));
    }
  }
  for (const auto& child : image.children) {
    RETURN_IF_ERROR(putManifest(repository, child.digest, child.media_type, child.bytes));
  }
  return putManifest(repository, tag, image.root.media_type, image.root.bytes);
}

}  // namespace copycat::testing
