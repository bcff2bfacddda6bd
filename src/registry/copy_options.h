// Options and results of the copy engine (image_copier.h): per-copy CopyOptions, the
// long-lived engine's ImageCopierOptions, and CopyResult.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "http/bounded_pipe.h"
#include "http/http_client.h"
#include "image/platform.h"
#include "registry/auth/credentials.h"
#include "registry/blob_copier.h"
#include "registry/registry_client.h"
#include "registry/registry_transport.h"
#include "registry/retry_policy.h"

namespace copycat::registry {

// What one copyImage() call should do.
struct CopyOptions {
  // Copy only these platforms of an index (os/arch[/variant]) and push a new index holding
  // exactly those children. Empty = the whole index, attestations included. Ignored for a
  // single-platform manifest.
  std::vector<image::Platform> platforms{};
  // Read everything, write nothing: no POST/PUT/PATCH at the target.
  bool dry_run = false;
  // Not even a request to the source: report from the target side only (implies dry_run).
  bool dry_pull = false;
  // allowDifferentDigestRepush: replace a target tag that holds another digest. The tag
  // "latest" may always be replaced.
  bool allow_overwrite = true;
  std::stop_token stop{};
  // Bytes done/total per blob, from transfer threads (must be thread-safe). Skipped and mounted
  // blobs report done == total once.
  BlobProgress progress{};
};

// Configuration of an ImageCopier: how to reach registries. Shared by every copy it makes.
struct ImageCopierOptions {
  auth::Keychain* keychain = nullptr;  // not owned; null = anonymous everywhere
  http::HttpClient* http = nullptr;    // not owned; null = a CurlHttpClient built from below
  // Registries reached over plain HTTP or TLS without verification: "host" (any port) or
  // "host:port"; Docker Hub aliases match docker.io.
  std::vector<std::string> insecure_hosts{};
  std::string ca_file{};  // extra PEM bundle trusted for registries (with the system CAs)
  std::string user_agent = "copycat";
  int jobs = 4;  // concurrent blob copies per registry (registryConcurrency)
  RetryPolicy retry{};
  std::chrono::milliseconds request_timeout{60'000};  // every request but blob transfers
  std::chrono::milliseconds token_timeout{30'000};
  size_t pipe_capacity_bytes = http::BoundedPipe::kDefaultCapacityBytes;
  size_t chunk_bytes = RegistryClient::kDefaultChunkBytes;  // chunked-upload fallback
  RequestObserver observer{};    // every registry request (metrics); called on any thread
  const Clock* clock = nullptr;  // null = SystemClock::instance(); not owned
};

enum class CopyOutcome {
  kCopied,    // the target now has the image
  kUpToDate,  // the target already had it; nothing written
  kDryRun,    // dry_run/dry_pull: the counts say what would have been done
};
std::string_view copyOutcomeName(CopyOutcome outcome);

struct CopyResult {
  CopyOutcome outcome = CopyOutcome::kCopied;
  std::string source_digest;  // the source manifest/index ("" in a dry pull of a tag)
  std::string target_digest;  // what the target reference points to now (or would)
  std::string media_type;     // of the pushed manifest/index ("" when not fetched)
  int64_t blobs_copied = 0;   // streamed source → target
  int64_t blobs_skipped = 0;  // already at the target
  int64_t blobs_mounted = 0;  // cross-repository mounts
  int64_t bytes_copied = 0;
  int64_t manifests_pushed = 0;
  std::vector<std::string> missing_platforms;  // requested but absent from the index
  std::map<std::string, int64_t> requests;     // registry API requests per registry host
  int64_t token_requests = 0;                  // token server requests (not in `requests`)
  std::chrono::milliseconds duration{0};
};

}  // namespace copycat::registry
