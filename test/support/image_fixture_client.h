// RegistryHttpClient: a minimal distribution API client on cpp-httplib, independent of copycat's
// registry code, for pushing ImageFixture images byte for byte (any media type) and fetching
// manifests and blobs in assertions. OCI distribution-spec: "Pushing blobs" (POST then a
// monolithic PUT), "Pushing Manifests", "Pulling manifests"; token auth per distribution's
// docs/spec/auth/token.md.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <httplib.h>

#include "base/result.h"
#include "support/image_fixture.h"

namespace copycat::testing {

class RegistryProcess;

struct RegistryEndpoint {
  std::string host{};  // "127.0.0.1:<port>" (a registry or a FaultProxy)
  bool tls = false;
  std::string ca_file{};   // trust for TLS
  std::string username{};  // Basic credentials, sent to the registry or to the token realm
  std::string password{};

  // The registry's address, TLS and CA; credentials as given.
  static RegistryEndpoint of(const RegistryProcess& registry, std::string username = "",
                             std::string password = "");
  [[nodiscard]] std::string baseUrl() const;
};

struct HttpReply {
  int status = 0;
  httplib::Headers headers{};
  std::string body{};
  [[nodiscard]] std::string header(const std::string& name) const;  // first value or ""
};

struct FetchedManifest {
  int status = 0;
  std::string content_type{};
  std::string digest_header{};  // Docker-Content-Digest
  std::string bytes{};
};

// Answers 401 challenges: Basic with the endpoint's credentials, or Bearer with a token fetched
// from the challenge's realm for the repository scope (cached per scope). Not thread-safe.
class RegistryHttpClient {
 public:
  explicit RegistryHttpClient(RegistryEndpoint endpoint);
  ~RegistryHttpClient();
  RegistryHttpClient(const RegistryHttpClient&) = delete;
  RegistryHttpClient& operator=(const RegistryHttpClient&) = delete;

  // One request to `target` (path plus query). `repository` selects the token scope ("" for
  // none); `push` asks for pull,push instead of pull. Errors: kUnavailable when the server
  // cannot be reached, kUnauthenticated when a token request fails. HTTP errors are replies.
  [[nodiscard]] Result<HttpReply> send(const std::string& method, const std::string& target,
                                       const std::string& repository, bool push = false,
                                       const httplib::Headers& headers = {},
                                       const std::string& body = "",
                                       const std::string& content_type = "");

  // GET (or HEAD) /v2/<repo>/manifests/<reference>, accepting every manifest media type.
  [[nodiscard]] Result<FetchedManifest> getManifest(const std::string& repository,
                                                    const std::string& reference,
                                                    bool head = false);
  [[nodiscard]] Result<bool> blobExists(const std::string& repository, const std::string& digest);
  // The whole blob in memory: for small blobs in assertions.
  [[nodiscard]] Result<std::string> getBlob(const std::string& repository,
                                            const std::string& digest);
  // POST an upload, then PUT the file's bytes with ?digest= (streamed, never fully in memory).
  [[nodiscard]] Status uploadBlob(const std::string& repository, const FixtureBlob& blob);
  [[nodiscard]] Status putManifest(const std::string& repository, const std::string& reference,
                                   const std::string& media_type, const std::string& bytes);
  [[nodiscard]] Status deleteManifest(const std::string& repository, const std::string& digest);
  // Pushes every blob not already present, the index's children by digest, then the root
  // under `tag`.
  [[nodiscard]] Status push(const FixtureImage& image, const std::string& repository,
                            const std::string& tag);

  [[nodiscard]] size_t tokenFetches() const { return token_fetches_; }

 private:
  Status authorize(const std::string& challenge, const std::string& scope);
  void applyAuth(const std::string& scope, httplib::Headers* headers) const;

  RegistryEndpoint endpoint_;
  std::unique_ptr<httplib::Client> client_;
  std::string basic_;                                 // "Basic ..." once challenged
  std::map<std::string, std::string> bearer_tokens_;  // scope -> token
  size_t token_fetches_ = 0;
};

}  // namespace copycat::testing
