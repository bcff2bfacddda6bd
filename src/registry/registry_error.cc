#include "registry/registry_error.h"

#include <array>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/strings.h"

namespace copycat::registry {
namespace {

using nlohmann::json;

constexpr size_t kMaxErrorBodyBytes = 64 * 1024;  // bound parsing of untrusted error bodies
constexpr size_t kMaxQuotedChars = 300;           // bound what one message repeats
constexpr size_t kMaxListedErrors = 3;            // entries named in one message

// Registry text may carry anything: replace control characters and bound the length.
std::string sanitize(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxQuotedChars)) {
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  if (text.size() > kMaxQuotedChars) {
    out += "...";
  }
  return std::string(strings::trim(out));
}

std::string entryText(const RemoteError& e) {
  std::string text = sanitize(!e.message.empty() ? e.message : e.detail);
  if (e.code.empty()) {
    return text;
  }
  if (text.empty()) {
    return e.code;
  }
  return fmt::format("{} ({})", text, e.code);
}

std::string describeBody(std::string_view body, const std::vector<RemoteError>& errors) {
  if (!errors.empty()) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < errors.size() && i < kMaxListedErrors; ++i) {
      parts.push_back(entryText(errors[i]));
    }
    std::string out = strings::join(parts, "; ");
    if (errors.size() > kMaxListedErrors) {
      out += fmt::format(" (and {} more)", errors.size() - kMaxListedErrors);
    }
    return out;
  }
  std::string_view trimmed = strings::trim(body);
  if (trimmed.empty()) {
    return {};
  }
  if (trimmed.front() == '<') {
    return "non-JSON (HTML) body";
  }
  return sanitize(trimmed);
}

bool isDigits(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

// A cursor over an HTTP-date (RFC 9110 §5.6.7). Not thread-safe; one per parse.
class DateCursor {
 public:
  explicit DateCursor(std::string_view s) : s_(s) {}

  bool literal(std::string_view lit) {
    if (s_.substr(p_, lit.size()) != lit) {
      return false;
    }
    p_ += lit.size();
    return true;
  }
  std::string word() {
    size_t start = p_;
    while (p_ < s_.size() &&
           ((s_[p_] >= 'a' && s_[p_] <= 'z') || (s_[p_] >= 'A' && s_[p_] <= 'Z'))) {
      ++p_;
    }
    return strings::toLower(s_.substr(start, p_ - start));
  }
  // Exactly `digits` decimal digits.
  std::optional<int> number(size_t digits) {
    if (p_ + digits > s_.size()) {
      return std::nullopt;
    }
    int value = 0;
    for (size_t i = 0; i < digits; ++i) {
      char c = s_[p_ + i];
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      value = value * 10 + (c - '0');
    }
    p_ += digits;
    return value;
  }
  bool done() const { return p_ == s_.size(); }

 private:
  std::string_view s_;
  size_t p_ = 0;
};

struct DateParts {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

int monthNumber(const std::string& name) {
  static constexpr std::array<std::string_view, 12> kMonths{
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == name) {
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

bool isDayName(const std::string& name, bool long_form) {
  static constexpr std::array<std::string_view, 7> kDays{
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  for (std::string_view day : kDays) {
    if (long_form ? name == day : name == day.substr(0, 3)) {
      return true;
    }
  }
  return false;
}

// time-of-day = hour ":" minute ":" second
bool readTime(DateCursor& c, DateParts& d) {
  auto h = c.number(2);
  if (!h || !c.literal(":")) {
    return false;
  }
  auto m = c.number(2);
  if (!m || !c.literal(":")) {
    return false;
  }
  auto s = c.number(2);
  if (!s) {
    return false;
  }
  d.hour = *h, d.minute = *m, d.second = *s;
  return true;
}

// IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" and rfc850 "Sunday, 06-Nov-94 08:49:37 GMT".
// Sets two_digit_year for the rfc850 form.
bool parseCommaForms(std::string_view text, DateParts& d, bool& two_digit_year) {
  DateCursor c(text);
  std::string day_name = c.word();
  bool long_form = day_name.size() > 3;
  if (!isDayName(day_name, long_form) || !c.literal(", ")) {
    return false;
  }
  auto day = c.number(2);
  char sep = long_form ? '-' : ' ';
  if (!day || !c.literal(std::string_view(&sep, 1))) {
    return false;
  }
  d.month = monthNumber(c.word());
  if (d.month == 0 || !c.literal(std::string_view(&sep, 1))) {
    return false;
  }
  auto year = c.number(long_form ? 2 : 4);
  if (!year || !c.literal(" ") || !readTime(c, d) || !c.literal(" GMT") || !c.done()) {
    return false;
  }
  d.day = *day, d.year = *year;
  two_digit_year = long_form;
  return true;
}

// asctime-date "Sun Nov  6 08:49:37 1994".
bool parseAsctime(std::string_view text, DateParts& d) {
  DateCursor c(text);
  if (!isDayName(c.word(), false) || !c.literal(" ")) {
    return false;
  }
  d.month = monthNumber(c.word());
  if (d.month == 0 || !c.literal(" ")) {
    return false;
  }
  std::optional<int> day = c.literal(" ") ? c.number(1) : c.number(2);
  if (!day || !c.literal(" ") || !readTime(c, d) || !c.literal(" ")) {
    return false;
  }
  auto year = c.number(4);
  if (!year || !c.done()) {
    return false;
  }
  d.day = *day, d.year = *year;
  return true;
}

std::optional<double> parseHttpDateDelay(std::string_view text,
                                         std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  DateParts d;
  bool two_digit_year = false;
  if (!parseCommaForms(text, d, two_digit_year) && !parseAsctime(text, d)) {
    return std::nullopt;
  }
  if (two_digit_year) {
    // RFC 9110 §5.6.7: a two-digit year more than 50 years ahead belongs to the last century.
    int now_year = static_cast<int>(year_month_day(floor<days>(now)).year());
    d.year += now_year - now_year % 100;
    if (d.year > now_year + 50) {
      d.year -= 100;
    }
  }
  year_month_day date{year(d.year), month(static_cast<unsigned>(d.month)),
                      day(static_cast<unsigned>(d.day))};
  if (!date.ok() || d.hour > 23 || d.minute > 59 || d.second > 60) {
    return std::nullopt;
  }
  // Seconds, not the clock's nanoseconds: years far from 1970 would overflow those.
  sys_seconds when = sys_days(date) + hours(d.hour) + minutes(d.minute) + seconds(d.second);
  double delay = static_cast<double>(when.time_since_epoch().count()) -
                 duration<double>(now.time_since_epoch()).count();
  return delay > 0 ? delay : 0.0;
}

}  // namespace

std::vector<RemoteError> parseErrorBody(std::string_view body) {
  std::vector<RemoteError> out;
  if (body.size() > kMaxErrorBodyBytes) {
    return out;
  }
  json doc;
  try {
    doc = json::parse(body.begin(), body.end(), nullptr, false);
  } catch (const std::exception&) {
    return out;
  }
  if (!doc.is_object()) {
    return out;
  }
  auto errors = doc.find("errors");
  if (errors == doc.end() || !errors->is_array()) {
    return out;
  }
  for (const json& entry : *errors) {
    if (!entry.is_object()) {
      continue;
    }
    RemoteError e;
    if (auto it = entry.find("code"); it != entry.end() && it->is_string()) {
      e.code = it->get<std::string>();
    }
    if (auto it = entry.find("message"); it != entry.end() && it->is_string()) {
      e.message = it->get<std::string>();
    }
    if (auto it = entry.find("detail"); it != entry.end() && !it->is_null()) {
      e.detail = it->dump(-1, ' ', false, json::error_handler_t::replace);
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::optional<ErrorCode> errorCodeForRemote(std::string_view remote_code) {
  struct Entry {
    std::string_view code;
    ErrorCode mapped;
  };
  // distribution-spec "Error Codes" (code-1 .. code-14) plus distribution's own extras.
  static constexpr std::array<Entry, 19> kTable{{
      {"BLOB_UNKNOWN", ErrorCode::kNotFound},
      {"BLOB_UPLOAD_INVALID", ErrorCode::kInvalidArgument},
      {"BLOB_UPLOAD_UNKNOWN", ErrorCode::kNotFound},
      {"DIGEST_INVALID", ErrorCode::kDigestMismatch},
      {"MANIFEST_BLOB_UNKNOWN", ErrorCode::kNotFound},
      {"MANIFEST_INVALID", ErrorCode::kInvalidArgument},
      {"MANIFEST_UNKNOWN", ErrorCode::kNotFound},
      {"MANIFEST_UNVERIFIED", ErrorCode::kInvalidArgument},
      {"NAME_INVALID", ErrorCode::kInvalidArgument},
      {"NAME_UNKNOWN", ErrorCode::kNotFound},
      {"SIZE_INVALID", ErrorCode::kInvalidArgument},
      {"TAG_INVALID", ErrorCode::kInvalidArgument},
      {"UNAUTHORIZED", ErrorCode::kUnauthenticated},
      {"DENIED", ErrorCode::kPermissionDenied},
      {"UNSUPPORTED", ErrorCode::kInvalidArgument},
      {"TOOMANYREQUESTS", ErrorCode::kRateLimited},
      {"UNAVAILABLE", ErrorCode::kUnavailable},
      {"RANGE_INVALID", ErrorCode::kInvalidArgument},
      {"PAGINATION_NUMBER_INVALID", ErrorCode::kInvalidArgument},
  }};
  for (const Entry& e : kTable) {
    if (e.code == remote_code) {
      return e.mapped;
    }
  }
  return std::nullopt;
}

ErrorCode errorCodeForStatus(int http_status) {
  switch (http_status) {
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
      return ErrorCode::kNotFound;
    case 408:
      return ErrorCode::kDeadlineExceeded;
    case 409:
      return ErrorCode::kAlreadyExists;
    case 429:
      return ErrorCode::kRateLimited;
    default:
      break;
  }
  if (http_status >= 500 && http_status <= 599) {
    return ErrorCode::kUnavailable;
  }
  if (http_status >= 400 && http_status <= 499) {
    return ErrorCode::kInvalidArgument;
  }
  return ErrorCode::kProtocol;
}

Error registryError(const ErrorResponse& response, std::chrono::system_clock::time_point now) {
  std::vector<RemoteError> errors = parseErrorBody(response.body);
  int status = response.http_status;
  ErrorCode code = errorCodeForStatus(status);
  std::string remote = errors.empty() ? std::string() : errors.front().code;
  bool status_decides = status == 401 || status == 403 || status == 404 || status == 408 ||
                        status == 429 || (status >= 500 && status <= 599);
  bool too_many = false;
  for (const RemoteError& e : errors) {
    too_many = too_many || e.code == "TOOMANYREQUESTS";
  }
  if (too_many) {
    code = ErrorCode::kRateLimited;
  } else if (!status_decides) {
    for (const RemoteError& e : errors) {
      if (std::optional<ErrorCode> mapped = errorCodeForRemote(e.code)) {
        code = *mapped;
        break;
      }
    }
  }
  std::string text = describeBody(response.body, errors);
  Error error{code, text.empty() ? fmt::format("http {}", status)
                                 : fmt::format("http {}: {}", status, text)};
  error.http_status = status;
  error.remote_code = std::move(remote);
  if (!response.retry_after.empty()) {
    if (std::optional<double> seconds = parseRetryAfter(response.retry_after, now)) {
      error.retry_after_seconds = *seconds;
    }
  }
  return error;
}

std::optional<double> parseRetryAfter(std::string_view header,
                                      std::chrono::system_clock::time_point now) {
  std::string_view value = strings::trim(header);
  if (isDigits(value)) {
    constexpr double kMaxSeconds = 1e9;  // saturate absurd values instead of overflowing
    double seconds = 0;
    for (char c : value) {
      seconds = std::min(kMaxSeconds, seconds * 10 + (c - '0'));
    }
    return seconds;
  }
  return parseHttpDateDelay(value, now);
}

}  // namespace copycat::registry
