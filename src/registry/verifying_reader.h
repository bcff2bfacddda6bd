// Verifies a blob while it streams through: sha256 and size against its descriptor, so a
// corrupted or truncated blob is refused before the upload's last byte leaves (the registry
// never commits it).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/crypto.h"
#include "base/result.h"
#include "http/http_client.h"

namespace copycat::registry {

// Reports bytes streamed so far for one blob (called on the upload thread).
using ByteProgress = std::function<void(int64_t bytes_done)>;

// Not thread-safe: read() runs on the upload thread only. Does not own `upstream`.
class VerifyingReader {
 public:
  // `expected_digest` must be "sha256:<hex>" (checked by the caller).
  VerifyingReader(http::BodySource upstream, std::string expected_digest, int64_t size,
                  ByteProgress progress = {});

  // Reads at most up to the declared size. When the last declared byte arrives, the digest is
  // checked and a mismatch fails this read (kDigestMismatch) instead of handing out the final
  // bytes. The end of the stream before `size` bytes fails too.
  [[nodiscard]] Result<size_t> read(char* buffer, size_t max);
  // An adapter for Request::body_source; this reader must outlive it.
  [[nodiscard]] http::BodySource source();

  // After the upload: ok when exactly `size` bytes hashing to the digest went through (also
  // for an empty blob, which is never read).
  [[nodiscard]] Status finish();

  [[nodiscard]] int64_t bytesRead() const { return bytes_; }
  // The verification failure, if one happened.
  [[nodiscard]] const std::optional<Error>& failure() const { return failure_; }

 private:
  Status verifyDigest();

  http::BodySource upstream_;
  std::string expected_;
  int64_t size_;
  ByteProgress progress_;
  crypto::Sha256 hash_;
  int64_t bytes_ = 0;
  bool verified_ = false;
  std::optional<Error> failure_;
};

}  // namespace copycat::registry
