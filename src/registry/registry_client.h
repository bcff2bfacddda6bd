// RegistryClient: the OCI distribution API of one registry with resource-first verbs
// (regclient style): manifestHead/Get/Put, blobHead/Get/Mount/Upload (distribution-spec
// "Pulling manifests", "Pushing blobs", "Mounting a blob from another repository").
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "http/http_client.h"
#include "registry/auth/authenticator.h"
#include "registry/call_context.h"
#include "registry/manifest.h"
#include "registry/registry_transport.h"
#include "registry/retry_policy.h"

namespace copycat::registry {

// What a manifest HEAD tells.
struct ManifestDescriptor {
  std::string digest;      // Docker-Content-Digest ("" when the registry sent none for a tag)
  std::string media_type;  // Content-Type without parameters
  int64_t size = -1;       // Content-Length; -1 when absent
};

// A fetched manifest: the exact bytes, verified against their digest.
struct ManifestContent {
  std::string bytes;
  std::string media_type;  // what to send as Content-Type when pushing these bytes
  std::string digest;      // "sha256:..." of bytes
  ParsedManifest parsed;
};

struct MountResult {
  bool mounted = false;         // 201: the blob is now in the repository
  std::string upload_location;  // 202: an upload session to use instead (absolute URL)
};

// Thread-safe: any number of threads may call the verbs at once. Does not own the HttpClient
// or the Authenticator; both must outlive it. Every verb blocks until done or ctx.stop.
class RegistryClient {
 public:
  // Blob upload chunk size when the registry refuses monolithic uploads.
  static constexpr size_t kDefaultChunkBytes = 16 * 1024 * 1024;

  struct Options {
    std::string host;       // authority: "ghcr.io", "registry-1.docker.io", "127.0.0.1:5000"
    bool insecure = false;  // plain HTTP / unverified TLS (see RegistryTransport::Options)
    RetryPolicy retry{};
    std::chrono::milliseconds request_timeout{60'000};  // every request but blob transfers
    std::string user_agent{};
    RequestObserver observer{};
    size_t chunk_bytes = kDefaultChunkBytes;
    bool force_chunked = false;  // never try a monolithic PUT
  };

  RegistryClient(http::HttpClient& http, auth::Authenticator& auth, Options options);

  // HEAD /v2/<repo>/manifests/<reference> (reference: tag or digest). Errors: kNotFound,
  // kInvalidArgument for schema 1, transport/registry errors.
  [[nodiscard]] Result<ManifestDescriptor> manifestHead(std::string_view repo,
                                                        std::string_view reference,
                                                        const CallContext& ctx);

  // GET the manifest with Accept limited to OCI index/manifest and Docker list/schema 2, at
  // most kMaxManifestBytes. The bytes must hash to `reference` when it is a digest, else to
  // Docker-Content-Digest when sent. Errors: kNotFound, kDigestMismatch, kInvalidArgument
  // (schema 1, unparsable), kProtocol (too large), transport/registry errors.
  [[nodiscard]] Result<ManifestContent> manifestGet(std::string_view repo,
                                                    std::string_view reference,
                                                    const CallContext& ctx);

  // PUT exactly `bytes` as `media_type` under `reference`; returns the manifest's digest.
  // Errors: registry errors (MANIFEST_BLOB_UNKNOWN → kNotFound, ...), kDigestMismatch when
  // the registry reports another digest.
  [[nodiscard]] Result<std::string> manifestPut(std::string_view repo, std::string_view reference,
                                                std::string_view bytes, std::string_view media_type,
                                                const CallContext& ctx);

  // HEAD the blob: its size when present (-1 when the registry sent no Content-Length),
  // nullopt when absent.
  [[nodiscard]] Result<std::optional<int64_t>> blobHead(std::string_view repo,
                                                        std::string_view digest,
                                                        const CallContext& ctx);

  // Streams the blob into `sink`, following redirects to object storage (Authorization is
  // never sent to another origin). Retried only before the first byte reached the sink.
  [[nodiscard]] Status blobGet(std::string_view repo, std::string_view digest, http::BodySink sink,
                               const CallContext& ctx);

  // POST ?mount=<digest>&from=<from_repo> with a token for both repositories.
  [[nodiscard]] Result<MountResult> blobMount(std::string_view repo, std::string_view digest,
                                              std::string_view from_repo, const CallContext& ctx);

  // Finds the blob in `repo` or opens an upload session for it, in one request where the
  // registry allows: a mount from `repo` itself answers 201 when the blob is there and 202 with
  // a session otherwise, so an uploaded blob costs POST + PUT and a present one a single POST.
  // A registry that refuses such a mount (a 4xx) is remembered and asked HEAD, then POST.
  // Returns mounted = true when the blob is present, else the session.
  [[nodiscard]] Result<MountResult> blobFindOrStartUpload(std::string_view repo,
                                                          std::string_view digest,
                                                          const CallContext& ctx);

  // POST /v2/<repo>/blobs/uploads/: returns the upload session URL (absolute).
  [[nodiscard]] Result<std::string> blobUploadStart(std::string_view repo, const CallContext& ctx);

  // Uploads `size` bytes from `source` as `digest`: one streamed PUT <session>?digest= with
  // Content-Length (POST first unless `session` is given). A registry that refuses the
  // monolithic PUT (405, 416, 501, or 400 UNSUPPORTED) is remembered: this call fails with
  // kUnavailable (the stream is consumed; re-run the copy) and later uploads use PATCH chunks
  // plus a final PUT. The source is read at most once and never replayed.
  [[nodiscard]] Status blobUpload(std::string_view repo, std::string_view digest, int64_t size,
                                  const http::BodySource& source, const CallContext& ctx,
                                  std::string session = {});

  // True once the registry refused a monolithic upload (or force_chunked).
  [[nodiscard]] bool usesChunkedUploads() const { return chunked_.load(); }
  [[nodiscard]] const std::string& host() const { return transport_.host(); }
  [[nodiscard]] RegistryTransport& transport() { return transport_; }

 private:
  [[nodiscard]] Result<std::string> uploadLocation(const http::Response& response,
                                                   std::string_view what) const;
  [[nodiscard]] Status uploadMonolithic(std::string_view repo, std::string_view digest,
                                        int64_t size, const http::BodySource& source,
                                        const std::string& session, const CallContext& ctx);
  [[nodiscard]] Status uploadChunked(std::string_view repo, std::string_view digest, int64_t size,
                                     const http::BodySource& source, std::string session,
                                     const CallContext& ctx);
  [[nodiscard]] Status finishUpload(std::string_view repo, std::string_view digest,
                                    const std::string& session, const CallContext& ctx);

  const Options options_;
  RegistryTransport transport_;
  std::atomic<bool> chunked_;
  std::atomic<bool> self_mount_refused_{false};
};

}  // namespace copycat::registry
