// Layer generation for ImageFixture: a tar with one file of seeded random bytes, wrapped in gzip
// (RFC 1952) whose deflate stream (RFC 1951) uses only stored blocks. Streamed to disk while
// hashing both the compressed blob (its digest) and the tar (its diff_id).
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "base/crypto.h"
#include "support/image_fixture.h"

namespace copycat::testing {
namespace {

constexpr size_t kStoredBlockMax = 65535;
constexpr size_t kTarBlock = 512;

uint64_t splitmix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

const std::array<uint32_t, 256>& crcTable() {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) {
        c = (c & 1) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
      }
      t[i] = c;
    }
    return t;
  }();
  return table;
}

void putLe(std::string* out, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) {
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
}

// Streams tar bytes into a gzip file made of stored deflate blocks.
class StoredGzipWriter {
 public:
  explicit StoredGzipWriter(std::ofstream* out) : out_(out) {
    static const char kHeader[10] = {'\x1f', '\x8b', 8, 0, 0, 0, 0, 0, 0, '\xff'};
    emit(std::string_view(kHeader, sizeof(kHeader)));
  }

  void write(std::string_view data) {
    tar_hash_.update(data);
    const auto& table = crcTable();
    for (unsigned char c : data) {
      crc_ = table[(crc_ ^ c) & 0xFF] ^ (crc_ >> 8);
    }
    isize_ += data.size();
    while (!data.empty()) {
      size_t take = std::min(data.size(), kStoredBlockMax - pending_.size());
      pending_.append(data.substr(0, take));
      data.remove_prefix(take);
      if (pending_.size() == kStoredBlockMax) {
        block(false);
      }
    }
  }

  // Returns {compressed digest hex, tar digest hex}.
  std::pair<std::string, std::string> finish() {
    block(true);
    std::string trailer;
    putLe(&trailer, crc_ ^ 0xFFFFFFFFU, 4);
    putLe(&trailer, static_cast<uint32_t>(isize_ & 0xFFFFFFFFU), 4);
    emit(trailer);
    return {blob_hash_.finishHex(), tar_hash_.finishHex()};
  }

  [[nodiscard]] uint64_t size() const { return size_; }

 private:
  void block(bool final_block) {
    std::string head(1, static_cast<char>(final_block ? 1 : 0));  // BFINAL, BTYPE=00
    auto len = static_cast<uint32_t>(pending_.size());
    putLe(&head, len, 2);
    putLe(&head, ~len & 0xFFFFU, 2);
    emit(head);
    emit(pending_);
    pending_.clear();
  }
  void emit(std::string_view bytes) {
    out_->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    blob_hash_.update(bytes);
    size_ += bytes.size();
  }

  std::ofstream* out_;
  crypto::Sha256 blob_hash_;
  crypto::Sha256 tar_hash_;
  uint32_t crc_ = 0xFFFFFFFFU;
  uint64_t isize_ = 0;
  uint64_t size_ = 0;
  std::string pending_;
};

// POSIX ustar header for a regular file.
std::string tarHeader(const std::string& name, uint64_t size) {
  std::string h(kTarBlock, '\0');
  auto field = [&h](size_t offset, const std::string& value) {
    std::memcpy(h.data() + offset, value.data(), value.size());
  };
  char octal[16];
  field(0, name.substr(0, 99));
  field(100, "0000644");
  field(108, "0000000");
  field(116, "0000000");
  std::snprintf(octal, sizeof(octal), "%011llo", static_cast<unsigned long long>(size));
  field(124, octal);
  field(136, "00000000000");
  field(148, "        ");  // checksum is computed with spaces here
  h[156] = '0';
  field(257, std::string("ustar\0", 6) + "00");
  unsigned sum = 0;
  for (unsigned char c : h) {
    sum += c;
  }
  std::snprintf(octal, sizeof(octal), "%06o", sum);
  field(148, std::string(octal, 6) + std::string("\0 ", 2));
  return h;
}

}  // namespace

std::string bytesDigest(const std::string& bytes) { return "sha256:" + crypto::sha256Hex(bytes); }

Result<std::string> fileDigest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return fail(ErrorCode::kNotFound, "cannot read " + path);
  }
  crypto::Sha256 hash;
  std::string buf(1 << 16, '\0');
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
    hash.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  return "sha256:" + hash.finishHex();
}

Result<FixtureBlob> ImageFixture::writeLayer(const LayerSpec& spec, ImageFormat format) {
  uint64_t seed = spec.seed != 0 ? spec.seed : nextSeed();
  std::string tmp = dir_ + "/blobs/tmp-layer";
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  StoredGzipWriter gz(&out);
  char name[64];
  std::snprintf(name, sizeof(name), "data/%016llx.bin", static_cast<unsigned long long>(seed));
  gz.write(tarHeader(name, spec.size));
  uint64_t state = seed;
  std::string buf(1 << 16, '\0');
  for (uint64_t left = spec.size; left > 0;) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(left, buf.size()));
    for (size_t i = 0; i < n; i += 8) {
      uint64_t r = splitmix64(&state);
      std::memcpy(buf.data() + i, &r, std::min<size_t>(8, n - i));
    }
    gz.write(std::string_view(buf.data(), n));
    left -= n;
  }
  size_t pad = (kTarBlock - spec.size % kTarBlock) % kTarBlock;
  gz.write(std::string(pad + 2 * kTarBlock, '\0'));  // padding, then the end-of-archive blocks
  auto [blob_hex, tar_hex] = gz.finish();
  out.close();
  if (!out) {
    return fail(ErrorCode::kInternal, "cannot write layer " + tmp);
  }
  FixtureBlob blob;
  blob.digest = "sha256:" + blob_hex;
  blob.diff_id = "sha256:" + tar_hex;
  blob.size = gz.size();
  blob.media_type =
      format == ImageFormat::kDocker ? fixture_media::kDockerLayer : fixture_media::kOciLayer;
  blob.path = dir_ + "/blobs/sha256/" + blob_hex;
  std::error_code ec;
  std::filesystem::rename(tmp, blob.path, ec);
  if (ec) {
    return fail(ErrorCode::kInternal, "cannot store layer " + blob.path);
  }
  return blob;
}

}  // namespace copycat::testing
