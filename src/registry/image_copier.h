// ImageCopier: the copy engine. Copies an image (manifest or index with every child, or a
// platform-filtered index) from one registry to another byte for byte, blobs first, then
// child manifests by digest, then the top manifest by tag or digest; skips blobs the target
// has, mounts blobs known in another repository of the target registry, and streams the rest
// with bounded memory. A warm copy costs at most two registry requests (one for a
// digest-pinned source).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/result.h"
#include "http/http_client.h"
#include "image/reference.h"
#include "registry/auth/authenticator.h"
#include "registry/blob_copier.h"
#include "registry/blob_locations.h"
#include "registry/copy_job.h"
#include "registry/copy_options.h"
#include "registry/parallel.h"
#include "registry/registry_client.h"

namespace copycat::registry {

// Thread-safe: copyImage() may run on several threads at once; tokens, challenges, registry
// clients, known blob locations and per-registry transfer limits are shared by all copies.
// Keep one instance for the process. Does not own the keychain, clock or injected HttpClient.
// copyImage() blocks until the copy ends or options.stop fires.
class ImageCopier {
 public:
  // Errors: kInvalidArgument when the HTTP client cannot be built (unreadable ca_file).
  [[nodiscard]] static Result<std::unique_ptr<ImageCopier>> create(ImageCopierOptions options);
  ~ImageCopier();
  ImageCopier(const ImageCopier&) = delete;
  ImageCopier& operator=(const ImageCopier&) = delete;

  // Copies `src` to `dst` (dst's tag, else its digest, names the pushed manifest). Errors carry
  // "copying <src> to <dst>: ..." and one of: kNotFound (source missing), kAlreadyExists (the
  // target tag holds another digest and overwriting is off), kDigestMismatch (corrupt
  // content), kInvalidArgument (schema 1, unusable references, no platform matched),
  // kUnauthenticated/kPermissionDenied, retryable transport/registry errors, kCancelled.
  [[nodiscard]] Result<CopyResult> copyImage(const image::Reference& src,
                                             const image::Reference& dst,
                                             const CopyOptions& options);

  // The shared client of a registry host ("ghcr.io", "127.0.0.1:5000"), created on first use.
  [[nodiscard]] RegistryClient& client(const std::string& host);
  [[nodiscard]] auth::Authenticator& authenticator() { return *auth_; }
  [[nodiscard]] BlobLocations& blobLocations() { return locations_; }

 private:
  ImageCopier(ImageCopierOptions options, std::unique_ptr<http::HttpClient> owned_http);

  [[nodiscard]] Result<CopyResult> runCopy(CopyJob& job);
  [[nodiscard]] Status startJob(CopyJob& job);
  [[nodiscard]] Status resolveSource(CopyJob& job);
  [[nodiscard]] Status checkTarget(CopyJob& job);
  [[nodiscard]] Status fetchRoot(CopyJob& job);
  [[nodiscard]] Status selectPlatforms(CopyJob& job);
  [[nodiscard]] Status checkOverwrite(CopyJob& job) const;
  [[nodiscard]] Status fetchChildren(CopyJob& job);
  [[nodiscard]] Status copyBlobs(CopyJob& job);
  [[nodiscard]] Status copyBlob(CopyJob& job, const BlobRef& blob, std::stop_token stop);
  [[nodiscard]] Result<bool> findAtTarget(CopyJob& job, const BlobRef& blob,
                                          const CallContext& target_ctx, std::string& session);
  [[nodiscard]] Status streamBlob(CopyJob& job, const BlobRef& blob, const CallContext& target_ctx,
                                  std::string session);
  [[nodiscard]] Status putManifests(CopyJob& job);
  [[nodiscard]] bool isUpToDate(const CopyJob& job) const;
  [[nodiscard]] CopyResult finish(CopyJob& job, CopyOutcome outcome) const;
  [[nodiscard]] bool isInsecure(const std::string& host) const;
  [[nodiscard]] Semaphore& limiter(const std::string& host);
  void rememberSourceBlobs(const CopyJob& job, const ParsedManifest& manifest);

  const ImageCopierOptions options_;
  std::unique_ptr<http::HttpClient> owned_http_;
  http::HttpClient& http_;
  const Clock& clock_;
  std::unique_ptr<auth::Authenticator> auth_;
  BlobCopier blob_copier_;
  BlobLocations locations_;
  InFlightKeys in_flight_;

  std::mutex mu_;
  std::map<std::string, std::unique_ptr<RegistryClient>> clients_;  // guarded by mu_
  std::map<std::string, std::unique_ptr<Semaphore>> limiters_;      // guarded by mu_
};

// One copy with a fresh engine (for the CLI): nothing is cached beyond this call.
[[nodiscard]] Result<CopyResult> copyImage(const image::Reference& src, const image::Reference& dst,
                                           const CopyOptions& options,
                                           ImageCopierOptions copier_options = {});

}  // namespace copycat::registry
