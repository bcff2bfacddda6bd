#include "config/duration.h"

#include <cstdint>
#include <limits>
#include <optional>

namespace copycat::config {
namespace {

constexpr uint64_t kMaxMagnitude = uint64_t{1} << 63;  // |math.MinInt64|

// Go's time package quote(): printable ASCII verbatim (with " and \ escaped), every other
// byte as \xHH.
std::string goQuote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c >= 0x80 || c < 0x20) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
      continue;
    }
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += static_cast<char>(c);
  }
  return out + "\"";
}

tl::unexpected<Error> invalid(std::string_view orig) {
  return fail(ErrorCode::kInvalidArgument, "time: invalid duration " + goQuote(orig));
}

std::optional<uint64_t> unitNanos(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xc2\xb5s" || unit == "\xce\xbcs") return 1000;
  if (unit == "ms") return 1000 * 1000;
  if (unit == "s") return 1000 * 1000 * 1000;
  if (unit == "m") return uint64_t{60} * 1000 * 1000 * 1000;
  if (unit == "h") return uint64_t{3600} * 1000 * 1000 * 1000;
  return std::nullopt;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Consumes [0-9]*; false on overflow past 1<<63.
bool leadingInt(std::string_view& s, uint64_t& value) {
  value = 0;
  size_t i = 0;
  for (; i < s.size() && isDigit(s[i]); ++i) {
    if (value > kMaxMagnitude / 10) {
      return false;
    }
    value = value * 10 + static_cast<uint64_t>(s[i] - '0');
    if (value > kMaxMagnitude) {
      return false;
    }
  }
  s.remove_prefix(i);
  return true;
}

// Consumes [0-9]* after a '.'; digits past what fits are ignored (they cannot change the
// nanosecond result).
void leadingFraction(std::string_view& s, uint64_t& value, double& scale) {
  value = 0;
  scale = 1;
  bool overflow = false;
  size_t i = 0;
  for (; i < s.size() && isDigit(s[i]); ++i) {
    if (overflow) {
      continue;
    }
    if (value > (kMaxMagnitude - 1) / 10) {
      overflow = true;
      continue;
    }
    uint64_t next = value * 10 + static_cast<uint64_t>(s[i] - '0');
    if (next > kMaxMagnitude) {
      overflow = true;
      continue;
    }
    value = next;
    scale *= 10;
  }
  s.remove_prefix(i);
}

// Parses one "<number><unit>" element into nanoseconds added to `total`.
Status parseElement(std::string_view& s, std::string_view orig, uint64_t& total) {
  if (!(s[0] == '.' || isDigit(s[0]))) {
    return invalid(orig);
  }
  size_t before = s.size();
  uint64_t whole = 0;
  if (!leadingInt(s, whole)) {
    return invalid(orig);
  }
  bool pre = before != s.size();
  uint64_t frac = 0;
  double scale = 1;
  bool post = false;
  if (!s.empty() && s[0] == '.') {
    s.remove_prefix(1);
    size_t at = s.size();
    leadingFraction(s, frac, scale);
    post = at != s.size();
  }
  if (!pre && !post) {
    return invalid(orig);
  }
  size_t i = 0;
  while (i < s.size() && s[i] != '.' && !isDigit(s[i])) {
    ++i;
  }
  if (i == 0) {
    return fail(ErrorCode::kInvalidArgument, "time: missing unit in duration " + goQuote(orig));
  }
  std::string_view unit_text = s.substr(0, i);
  s.remove_prefix(i);
  auto unit = unitNanos(unit_text);
  if (!unit) {
    return fail(ErrorCode::kInvalidArgument,
                "time: unknown unit " + goQuote(unit_text) + " in duration " + goQuote(orig));
  }
  if (whole > kMaxMagnitude / *unit) {
    return invalid(orig);
  }
  whole *= *unit;
  if (frac > 0) {
    // Double precision is enough: the largest fraction is below one hour of nanoseconds.
    whole +=
        static_cast<uint64_t>(static_cast<double>(frac) * (static_cast<double>(*unit) / scale));
    if (whole > kMaxMagnitude) {
      return invalid(orig);
    }
  }
  total += whole;
  if (total > kMaxMagnitude) {
    return invalid(orig);
  }
  return ok();
}

// Appends the digits of v / 10^prec's fractional part without trailing zeros ("." omitted
// when it is zero) and returns v / 10^prec.
uint64_t appendFraction(std::string& out, uint64_t v, int prec) {
  std::string digits;
  bool printed = false;
  for (int i = 0; i < prec; ++i) {
    auto digit = static_cast<char>('0' + v % 10);
    printed = printed || digit != '0';
    if (printed) {
      digits.insert(digits.begin(), digit);
    }
    v /= 10;
  }
  if (printed) {
    out += '.';
    out += digits;
  }
  return v;
}

}  // namespace

Result<std::chrono::nanoseconds> parseGoDuration(std::string_view text) {
  std::string_view orig = text;
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") {
    return std::chrono::nanoseconds{0};
  }
  if (s.empty()) {
    return invalid(orig);
  }
  uint64_t total = 0;
  while (!s.empty()) {
    RETURN_IF_ERROR(parseElement(s, orig, total));
  }
  if (negative) {
    // total <= 1<<63, so the negation fits (exactly math.MinInt64 at the limit).
    return std::chrono::nanoseconds{static_cast<int64_t>(0 - total)};
  }
  if (total > kMaxMagnitude - 1) {
    return invalid(orig);
  }
  return std::chrono::nanoseconds{static_cast<int64_t>(total)};
}

std::string formatGoDuration(std::chrono::nanoseconds duration) {
  int64_t d = duration.count();
  uint64_t u = static_cast<uint64_t>(d);
  bool negative = d < 0;
  if (negative) {
    u = 0 - u;
  }
  std::string out;
  if (u == 0) {
    return "0s";
  }
  if (u < 1000 * 1000 * 1000) {
    // Below one second Go switches to the largest unit that keeps an integer part.
    int prec = u < 1000 ? 0 : (u < 1000 * 1000 ? 3 : 6);
    std::string_view unit = u < 1000 ? "ns" : (u < 1000 * 1000 ? "\xc2\xb5s" : "ms");
    std::string frac;
    uint64_t whole = appendFraction(frac, u, prec);
    out = std::to_string(whole) + frac + std::string(unit);
  } else {
    std::string frac;
    uint64_t seconds = appendFraction(frac, u, 9);
    out = std::to_string(seconds % 60) + frac + "s";
    uint64_t minutes = seconds / 60;
    if (minutes > 0) {
      out = std::to_string(minutes % 60) + "m" + out;
      uint64_t hours = minutes / 60;
      if (hours > 0) {
        out = std::to_string(hours) + "h" + out;
      }
    }
  }
  return negative ? "-" + out : out;
}

}  // namespace copycat::config
