// SHA-256 and HMAC-SHA256 on OpenSSL, shared by digests (image/), streaming verification
// (registry/) and request signing (aws/).
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace copycat::crypto {

// Incremental SHA-256. Not thread-safe; one per stream.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  void update(const void* data, size_t size);
  // Returns the 32-byte raw digest; the hasher must not be updated afterwards.
  std::string finishRaw();
  // Returns the digest as 64 lower-case hex characters.
  std::string finishHex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string sha256Hex(std::string_view data);
std::string sha256Raw(std::string_view data);
// Raw 32-byte HMAC-SHA256(key, data).
std::string hmacSha256(std::string_view key, std::string_view data);

}  // namespace copycat::crypto
