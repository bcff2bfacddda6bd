#include "registry/verifying_reader.h"

#include <algorithm>

#include <fmt/format.h>

namespace copycat::registry {

VerifyingReader::VerifyingReader(http::BodySource upstream, std::string expected_digest,
                                 int64_t size, ByteProgress progress)
    : upstream_(std::move(upstream)),
      expected_(std::move(expected_digest)),
      size_(size),
      progress_(std::move(progress)) {}

http::BodySource VerifyingReader::source() {
  return [this](char* buffer, size_t max) { return read(buffer, max); };
}

Status VerifyingReader::verifyDigest() {
  std::string actual = "sha256:" + hash_.finishHex();
  if (actual != expected_) {
    failure_ = Error{ErrorCode::kDigestMismatch,
                     fmt::format("blob content does not match its digest: expected {}, got {}",
                                 expected_, actual)};
    return fail(*failure_);
  }
  verified_ = true;
  return ok();
}

Result<size_t> VerifyingReader::read(char* buffer, size_t max) {
  if (failure_) {
    return fail(*failure_);
  }
  int64_t left = size_ - bytes_;
  if (left <= 0 || max == 0) {
    return size_t{0};
  }
  auto n = upstream_(buffer, std::min<size_t>(max, static_cast<size_t>(left)));
  if (!n) {
    return n;
  }
  if (*n == 0) {
    failure_ = Error{ErrorCode::kDigestMismatch,
                     fmt::format("blob {} ended after {} of {} bytes", expected_, bytes_, size_)};
    return fail(*failure_);
  }
  hash_.update(buffer, *n);
  bytes_ += static_cast<int64_t>(*n);
  if (bytes_ == size_) {
    RETURN_IF_ERROR(verifyDigest());  // the final bytes are withheld on a mismatch
  }
  if (progress_) {
    progress_(bytes_);
  }
  return n;
}

Status VerifyingReader::finish() {
  if (failure_) {
    return fail(*failure_);
  }
  if (bytes_ != size_) {
    return fail(ErrorCode::kDigestMismatch,
                fmt::format("blob {}: {} of {} bytes streamed", expected_, bytes_, size_));
  }
  return verified_ ? ok() : verifyDigest();
}

}  // namespace copycat::registry
