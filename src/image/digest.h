// Content digests "algorithm:hex" validated like github.com/opencontainers/go-digest v1.0.0
// (Digest.Validate) with sha256 and sha512 available: the OCI image-spec registered algorithms
// (descriptor.md, "Registered algorithms"). Other algorithms are "unsupported digest algorithm".
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace copycat::image {

inline constexpr std::string_view kSha256 = "sha256";
inline constexpr std::string_view kSha512 = "sha512";

// go-digest's error texts.
inline constexpr std::string_view kErrChecksumInvalidFormat = "invalid checksum digest format";
inline constexpr std::string_view kErrChecksumInvalidLength = "invalid checksum digest length";
inline constexpr std::string_view kErrDigestUnsupported = "unsupported digest algorithm";

// A validated digest value. Immutable, so safe to share between threads.
class Digest {
 public:
  // Validates as go-digest's Parse: "sha256:" + exactly 64 lower-case hex characters, or
  // "sha512:" + 128. Errors are kInvalidArgument with one of the
  // kErrChecksum*/kErrDigestUnsupported texts.
  static Result<Digest> parse(std::string_view text);
  // The sha256 digest of `bytes`.
  static Digest ofSha256(std::string_view bytes);

  // An empty digest (str() == ""), for members filled in later; parse() never returns one.
  Digest() = default;

  [[nodiscard]] bool empty() const { return value_.empty(); }

  [[nodiscard]] const std::string& str() const { return value_; }
  [[nodiscard]] std::string_view algorithm() const;
  [[nodiscard]] std::string_view hex() const;
  // ok() when `content` hashes to this digest; kDigestMismatch otherwise.
  [[nodiscard]] Status verify(std::string_view content) const;

  friend bool operator==(const Digest&, const Digest&) = default;

 private:
  Digest(std::string value, size_t separator) : value_(std::move(value)), separator_(separator) {}

  std::string value_;
  size_t separator_ = 0;  // index of ':'
};

}  // namespace copycat::image
