#include "base/crypto.h"

#include <array>
#include <cstdlib>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/strings.h"

namespace copycat::crypto {

struct Sha256::State {
  EVP_MD_CTX* ctx = nullptr;
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  if (state_->ctx == nullptr || EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1) {
    std::abort();  // out of memory or a broken libcrypto: nothing sensible to do
  }
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::string_view data) { update(data.data(), data.size()); }

void Sha256::update(const void* data, size_t size) {
  if (size > 0) {
    EVP_DigestUpdate(state_->ctx, data, size);
  }
}

std::string Sha256::finishRaw() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(state_->ctx, out.data(), &len);
  return {reinterpret_cast<const char*>(out.data()), len};
}

std::string Sha256::finishHex() { return strings::hexEncode(finishRaw()); }

std::string sha256Raw(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.finishRaw();
}

std::string sha256Hex(std::string_view data) { return strings::hexEncode(sha256Raw(data)); }

std::string hmacSha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return {reinterpret_cast<const char*>(out.data()), len};
}

}  // namespace copycat::crypto
