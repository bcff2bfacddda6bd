#include "registry/blob_copier.h"

#include <array>
#include <cstdlib>
#include <exception>
#include <stop_token>
#include <thread>

#include <fmt/format.h>

#include "base/log.h"
#include "registry/verifying_reader.h"

namespace copycat::registry {
namespace {

// Aborts the pipe when the upload side ends first, so the GET thread stops writing.
constexpr std::string_view kUploadEnded = "blob upload ended";

bool isUploadEnded(const Error& error) {
  return error.code == ErrorCode::kCancelled && error.message == kUploadEnded;
}

// After a verified upload: reads what the GET still delivers until it ends. Bytes beyond the
// declared size are reported (the uploaded blob is complete and verified either way).
void drainTail(http::BoundedPipe& pipe, const BlobRef& blob, std::string_view registry) {
  std::array<char, 4096> scratch{};
  auto n = pipe.read(scratch.data(), scratch.size());
  if (n && *n > 0) {
    LOG_WARN("registry", "source sent more bytes than the blob descriptor declares",
             {{"registry", registry}, {"digest", blob.digest}, {"size", blob.size}});
  }
  pipe.abort(Error{ErrorCode::kCancelled, std::string(kUploadEnded)});
}

}  // namespace

Status BlobCopier::copyOnce(RegistryClient& source, std::string_view source_repo,
                            RegistryClient& target, std::string_view target_repo,
                            const BlobRef& blob, const CallContext& source_ctx,
                            const CallContext& target_ctx, const std::string& session,
                            const BlobProgress& progress) const {
  http::BoundedPipe pipe(options_.pipe_capacity, target_ctx.stop);
  ByteProgress bytes_progress;
  if (progress) {
    bytes_progress = [&](int64_t done) { progress(blob.digest, done, blob.size); };
  }
  VerifyingReader reader(pipe.source(), blob.digest, blob.size, bytes_progress);
  // Ends the GET promptly when the upload fails first (or the copy is cancelled).
  std::stop_source get_stop;
  std::stop_callback forward_stop(source_ctx.stop, [&get_stop] { get_stop.request_stop(); });
  CallContext get_ctx = source_ctx;
  get_ctx.stop = get_stop.get_token();
  Status fetched = ok();
  Status uploaded = ok();
  {
    std::jthread getter([&] {
      try {
        fetched = source.blobGet(source_repo, blob.digest, pipe.sink(), get_ctx);
      } catch (const std::exception& e) {
        LOG_ERROR("registry", "blob download thread crashed", {{"error", e.what()}});
        std::abort();
      }
      if (fetched) {
        pipe.close();
      } else {
        pipe.abort(fetched.error());
      }
    });
    uploaded = target.blobUpload(target_repo, blob.digest, blob.size, reader.source(), target_ctx,
                                 session);
    if (uploaded) {
      uploaded = reader.finish();
    }
    if (uploaded) {
      drainTail(pipe, blob, source.host());
    } else {
      pipe.abort(Error{ErrorCode::kCancelled, std::string(kUploadEnded)});
      get_stop.request_stop();
    }
  }  // joins the GET thread
  if (uploaded) {
    return ok();
  }
  if (reader.failure()) {
    return fail(*reader.failure());  // the root cause, whatever the upload reported
  }
  bool get_was_stopped = get_stop.stop_requested() && !source_ctx.stop.stop_requested();
  if (!fetched && !isUploadEnded(fetched.error()) && !get_was_stopped) {
    return fetched;
  }
  return uploaded;
}

Result<int64_t> BlobCopier::copy(RegistryClient& source, std::string_view source_repo,
                                 RegistryClient& target, std::string_view target_repo,
                                 const BlobRef& blob, const CallContext& source_ctx,
                                 const CallContext& target_ctx, std::string session,
                                 const BlobProgress& progress) const {
  if (!blob.digest.starts_with("sha256:") || blob.size < 0) {
    return fail(
        ErrorCode::kInvalidArgument,
        fmt::format("blob {}: only sha256 blobs of known size can be streamed", blob.digest));
  }
  int attempts = std::max(1, options_.retry.attempts);
  bool reauthenticated = false;
  bool switched_to_chunked = false;
  for (int attempt = 0;; ++attempt) {
    bool was_chunked = target.usesChunkedUploads();
    Status status = copyOnce(source, source_repo, target, target_repo, blob, source_ctx, target_ctx,
                             session, progress);
    session.clear();  // an upload session is used once
    if (status) {
      return blob.size;
    }
    const Error& error = status.error();
    if (!was_chunked && target.usesChunkedUploads() && !switched_to_chunked) {
      switched_to_chunked = true;  // the registry refused a monolithic PUT: not an attempt
      --attempt;
      continue;
    }
    bool retry_auth = error.code == ErrorCode::kUnauthenticated && !reauthenticated;
    reauthenticated = reauthenticated || retry_auth;
    bool last = attempt + 1 >= attempts || target_ctx.stop.stop_requested();
    if (last || !(isRetryableError(error) || retry_auth)) {
      return fail(error);
    }
    auto delay = retryDelay(options_.retry, attempt, error.retry_after_seconds);
    LOG_WARN("registry", "retrying blob copy",
             {{"digest", blob.digest},
              {"target", target.host()},
              {"attempt", attempt + 1},
              {"delay_ms", delay.count()},
              {"error", error.message}});
    if (!sleepFor(options_.retry, delay, target_ctx.stop)) {
      return fail(ErrorCode::kCancelled, fmt::format("copying blob {}: cancelled", blob.digest));
    }
  }
}

}  // namespace copycat::registry
