#include "base/base64.h"

#include <array>
#include <cstdint>

#include <fmt/format.h>

namespace copycat {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> makeTable() {
  std::array<int8_t, 256> table{};
  for (auto& v : table) {
    v = -1;
  }
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}

constexpr std::array<int8_t, 256> kTable = makeTable();

}  // namespace

std::string base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16) |
                 (static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8) |
                 static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i])) << 16;
    if (rest == 2) {
      n |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1])) << 8;
    }
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<std::string> base64Decode(std::string_view text, Base64Options options) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t padding = 0;
  size_t symbols = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (options.ignore_line_breaks && (c == '\r' || c == '\n')) {
      continue;
    }
    if (c == '=') {
      ++padding;
      ++symbols;
      continue;
    }
    int8_t v = kTable[static_cast<unsigned char>(c)];
    if (v < 0 || padding > 0) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("illegal base64 data at input byte {}", i));
    }
    ++symbols;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Padding may only complete the last quantum; a lone trailing symbol is never valid.
  if (padding > 2 || (padding > 0 && symbols % 4 != 0) || (padding == 0 && symbols % 4 == 1)) {
    return fail(ErrorCode::kInvalidArgument, "illegal base64 data: bad length or padding");
  }
  return out;
}

}  // namespace copycat
