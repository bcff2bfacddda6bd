// FakeRegistry: an in-memory OCI distribution registry on TestHttpServer (plain HTTP,
// anonymous) for copy engine tests, modelled on ggcr's pkg/registry: manifests by tag and
// digest, blob HEAD/GET, upload sessions (monolithic PUT and PATCH chunks), cross-repository
// mounts, and the checks a real registry makes on push (blobs and children must exist,
// digests must match). Fault knobs: corrupt blobs, failing or truncated blob GETs, refusing
// monolithic uploads.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"
#include "support/test_http_server.h"

namespace copycat::registry::testing {

// Thread-safe (handlers run on server threads; the accessors lock).
class FakeRegistry {
 public:
  struct Options {
    bool refuse_monolithic = false;  // PUT with a body → 405 (forces chunked uploads)
  };

  struct StoredManifest {
    std::string bytes;
    std::string media_type;
  };

  FakeRegistry() : FakeRegistry(Options{}) {}
  explicit FakeRegistry(Options options);
  // Stops the server (joining its handler threads) before the state they use goes away.
  ~FakeRegistry();
  FakeRegistry(const FakeRegistry&) = delete;
  FakeRegistry& operator=(const FakeRegistry&) = delete;
  [[nodiscard]] Status start();

  [[nodiscard]] std::string host() const { return server_.authority(); }
  copycat::testing::TestHttpServer& server() { return server_; }

  // Content setup; returns the digest.
  std::string putBlob(const std::string& repo, const std::string& bytes);
  std::string putManifest(const std::string& repo, const std::string& reference,
                          const std::string& bytes, const std::string& media_type);

  [[nodiscard]] std::optional<StoredManifest> manifest(const std::string& repo,
                                                       const std::string& reference) const;
  [[nodiscard]] bool hasBlob(const std::string& repo, const std::string& digest) const;
  [[nodiscard]] std::optional<std::string> blob(const std::string& digest) const;

  // Faults.
  void corruptBlob(const std::string& digest);  // serve it with one byte flipped
  void failBlobGets(const std::string& digest, int count, int status);
  void truncateBlobGets(const std::string& digest, int count);  // close mid-body

  // Requests whose method is `method` ("" = any) and whose target contains `fragment`.
  [[nodiscard]] size_t count(const std::string& method, const std::string& fragment) const;
  [[nodiscard]] std::vector<copycat::testing::RecordedRequest> requests() const {
    return server_.requests();
  }
  void clearRequests() { server_.clearRequests(); }

 private:
  struct Repo {
    std::map<std::string, std::string> tags;  // tag -> digest
    std::map<std::string, StoredManifest> manifests;
    std::set<std::string> blobs;
  };
  struct Upload {
    std::string repo;
    std::string data;
  };

  void onManifestGet(const httplib::Request& req, httplib::Response& res);
  void onManifestPut(const httplib::Request& req, httplib::Response& res);
  void onBlobGet(const httplib::Request& req, httplib::Response& res);
  void onUploadStart(const httplib::Request& req, httplib::Response& res);
  void onUploadPatch(const httplib::Request& req, httplib::Response& res);
  void onUploadPut(const httplib::Request& req, httplib::Response& res);
  std::string newUploadLocked(const std::string& repo);
  std::string missingReferenceLocked(const Repo& repo, const std::string& bytes,
                                     const std::string& media_type) const;

  const Options options_;
  copycat::testing::TestHttpServer server_;
  mutable std::mutex mu_;
  std::map<std::string, Repo> repos_;                   // guarded by mu_
  std::map<std::string, std::string> blob_store_;       // guarded by mu_
  std::map<std::string, Upload> uploads_;               // guarded by mu_
  std::set<std::string> corrupt_;                       // guarded by mu_
  std::map<std::string, std::pair<int, int>> failing_;  // digest -> (count, status)
  std::map<std::string, int> truncating_;               // guarded by mu_
  int next_upload_ = 0;                                 // guarded by mu_
};

}  // namespace copycat::registry::testing
