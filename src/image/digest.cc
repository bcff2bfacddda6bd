#include "image/digest.h"

#include <openssl/evp.h>

#include "base/crypto.h"
#include "base/strings.h"

namespace copycat::image {
namespace {

constexpr size_t kSha256HexLength = 64;
constexpr size_t kSha512HexLength = 128;

bool isLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// go-digest DigestRegexpAnchored: ^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$
bool matchesGoDigestRegexp(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) {
    return false;
  }
  std::string_view algorithm = s.substr(0, colon);
  bool need_alnum = true;
  for (char c : algorithm) {
    if (isLowerAlnum(c)) {
      need_alnum = false;
    } else if (!need_alnum && (c == '.' || c == '+' || c == '_' || c == '-')) {
      need_alnum = true;
    } else {
      return false;
    }
  }
  std::string_view encoded = s.substr(colon + 1);
  if (need_alnum || encoded.empty()) {
    return false;
  }
  for (char c : encoded) {
    bool ok = isLowerAlnum(c) || (c >= 'A' && c <= 'Z') || c == '=' || c == '_' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool isLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

tl::unexpected<Error> invalid(std::string_view message) {
  return fail(ErrorCode::kInvalidArgument, std::string(message));
}

std::string sha512Hex(std::string_view content) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(content.data(), content.size(), out, &size, EVP_sha512(), nullptr) != 1) {
    return {};
  }
  return strings::hexEncode(std::string_view(reinterpret_cast<const char*>(out), size));
}

}  // namespace

// Mirrors go-digest Digest.Validate: format first, then availability, then exact length, then
// the lower-case hex alphabet.
Result<Digest> Digest::parse(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return invalid(kErrChecksumInvalidFormat);
  }
  std::string_view algorithm = text.substr(0, colon);
  std::string_view encoded = text.substr(colon + 1);
  size_t want = 0;
  if (algorithm == kSha256) {
    want = kSha256HexLength;
  } else if (algorithm == kSha512) {
    want = kSha512HexLength;
  } else {
    return invalid(matchesGoDigestRegexp(text) ? kErrDigestUnsupported : kErrChecksumInvalidFormat);
  }
  if (encoded.size() != want) {
    return invalid(kErrChecksumInvalidLength);
  }
  if (!isLowerHex(encoded)) {
    return invalid(kErrChecksumInvalidFormat);
  }
  return Digest(std::string(text), colon);
}

Digest Digest::ofSha256(std::string_view bytes) {
  std::string value = std::string(kSha256) + ":" + crypto::sha256Hex(bytes);
  return Digest(std::move(value), kSha256.size());
}

std::string_view Digest::algorithm() const {
  return std::string_view(value_).substr(0, separator_);
}

std::string_view Digest::hex() const {
  return empty() ? std::string_view() : std::string_view(value_).substr(separator_ + 1);
}

Status Digest::verify(std::string_view content) const {
  if (empty()) {
    return fail(ErrorCode::kInvalidArgument, "no digest to verify against");
  }
  std::string actual;
  if (algorithm() == kSha256) {
    actual = crypto::sha256Hex(content);
  } else {
    actual = sha512Hex(content);
  }
  if (actual != hex()) {
    return fail(ErrorCode::kDigestMismatch, "content does not match digest " + value_);
  }
  return ok();
}

}  // namespace copycat::image
