// BlobCopier: streams one blob from a source registry into a target registry with no temp file
// and bounded memory: a GET thread writes into a BoundedPipe, the upload reads from it through
// a VerifyingReader (sha256 + size on the fly).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "http/bounded_pipe.h"
#include "registry/call_context.h"
#include "registry/registry_client.h"
#include "registry/retry_policy.h"

namespace copycat::registry {

struct BlobRef {
  std::string digest;  // "sha256:..."
  int64_t size = 0;
  std::string media_type;
};

// Bytes done of `total` for one blob; called on transfer threads (must be thread-safe).
using BlobProgress =
    std::function<void(const std::string& digest, int64_t bytes_done, int64_t bytes_total)>;

// Thread-safe (stateless between calls). copy() blocks until the blob is at the target, the
// copy failed, or a stop token fired; it starts one helper thread per attempt.
class BlobCopier {
 public:
  struct Options {
    size_t pipe_capacity = http::BoundedPipe::kDefaultCapacityBytes;
    RetryPolicy retry{};  // whole-blob re-runs (a consumed stream is never replayed)
  };

  explicit BlobCopier(Options options) : options_(std::move(options)) {}

  // Copies `blob` from source_repo to target_repo, reusing `session` (an upload URL from a 202
  // mount answer) for the first attempt. Retries the whole copy (fresh GET and upload session)
  // on retryable failures and once after a 401. Returns the bytes copied.
  // Errors: kDigestMismatch (content or size differs from the descriptor; never retried),
  // kInvalidArgument (not a sha256 digest), registry/transport errors, kCancelled.
  [[nodiscard]] Result<int64_t> copy(RegistryClient& source, std::string_view source_repo,
                                     RegistryClient& target, std::string_view target_repo,
                                     const BlobRef& blob, const CallContext& source_ctx,
                                     const CallContext& target_ctx, std::string session = {},
                                     const BlobProgress& progress = {}) const;

 private:
  [[nodiscard]] Status copyOnce(RegistryClient& source, std::string_view source_repo,
                                RegistryClient& target, std::string_view target_repo,
                                const BlobRef& blob, const CallContext& source_ctx,
                                const CallContext& target_ctx, const std::string& session,
                                const BlobProgress& progress) const;

  const Options options_;
};

}  // namespace copycat::registry
