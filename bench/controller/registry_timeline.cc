#include "registry_timeline.h"

#include <charconv>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

namespace copycat::bench {
namespace {

bool readInt(std::string_view text, size_t pos, size_t len, int* out) {
  if (pos + len > text.size()) {
    return false;
  }
  auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + pos + len, *out);
  return ec == std::errc() && ptr == text.data() + pos + len;
}

std::optional<TimedRequest> parseLine(const std::string& line) {
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("http.response.duration") || !j.contains("time")) {
    return std::nullopt;
  }
  auto end = parseRfc3339(j.value("time", ""));
  auto duration = parseGoDuration(j.value("http.response.duration", ""));
  if (!end || !duration) {
    return std::nullopt;
  }
  TimedRequest r;
  r.method = j.value("http.request.method", "");
  r.uri = j.value("http.request.uri", "");
  r.status = j.value("http.response.status", 0);
  r.end = *end;
  r.start = *end - std::chrono::duration_cast<WallTime::duration>(*duration);
  return r;
}

}  // namespace

std::vector<TimedRequest> readRequestTimeline(const std::string& log_file, uint64_t offset) {
  std::ifstream in(log_file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::vector<TimedRequest> out;
  std::string line;
  while (std::getline(in, line)) {
    if (auto r = parseLine(line)) {
      out.push_back(std::move(*r));
    }
  }
  return out;
}

std::vector<TimedRequest> TimelineTail::poll() {
  std::ifstream in(log_file_, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string chunk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t complete = chunk.rfind('\n');
  std::vector<TimedRequest> out;
  if (complete == std::string::npos) {
    return out;
  }
  offset_ += complete + 1;
  size_t begin = 0;
  while (begin <= complete) {
    const size_t end = chunk.find('\n', begin);
    if (auto r = parseLine(chunk.substr(begin, end - begin))) {
      out.push_back(std::move(*r));
    }
    begin = end + 1;
  }
  return out;
}

uint64_t fileSize(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

std::optional<WallTime> parseRfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction]Z
  std::tm tm{};
  if (text.size() < 20 || text[4] != '-' || text[10] != 'T' || text.back() != 'Z' ||
      !readInt(text, 0, 4, &tm.tm_year) || !readInt(text, 5, 2, &tm.tm_mon) ||
      !readInt(text, 8, 2, &tm.tm_mday) || !readInt(text, 11, 2, &tm.tm_hour) ||
      !readInt(text, 14, 2, &tm.tm_min) || !readInt(text, 17, 2, &tm.tm_sec)) {
    return std::nullopt;
  }
  if (tm.tm_year < 1970) {
    return std::nullopt;  // Go's zero time (0001-01-01) means "never"; out of range here
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  int64_t nanos = 0;
  if (text[19] == '.') {
    int64_t scale = 100'000'000;
    for (size_t i = 20; i + 1 < text.size() && scale > 0; ++i, scale /= 10) {
      if (text[i] < '0' || text[i] > '9') {
        return std::nullopt;
      }
      nanos += (text[i] - '0') * scale;
    }
  }
  const std::time_t secs = timegm(&tm);
  return WallTime(std::chrono::duration_cast<WallTime::duration>(std::chrono::seconds(secs) +
                                                                 std::chrono::nanoseconds(nanos)));
}

std::optional<std::chrono::nanoseconds> parseGoDuration(std::string_view text) {
  struct Unit {
    std::string_view name;
    double nanos;
  };
  // Longest names first, so "ms" is not read as "m".
  static const Unit kUnits[] = {{"ns", 1},     {"µs", 1e3}, {"us", 1e3}, {"ms", 1e6},
                                {"h", 3600e9}, {"m", 60e9}, {"s", 1e9}};
  double total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = pos;
    while (end < text.size() && ((text[end] >= '0' && text[end] <= '9') || text[end] == '.')) {
      ++end;
    }
    double value = 0;
    auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + end, value);
    if (end == pos || ec != std::errc() || ptr != text.data() + end) {
      return std::nullopt;
    }
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (text.substr(end, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) {
      return text == "0" ? std::optional(std::chrono::nanoseconds(0)) : std::nullopt;
    }
    total += value * unit->nanos;
    pos = end + unit->name.size();
  }
  return std::chrono::nanoseconds(static_cast<int64_t>(total));
}

std::string repositoryOfPath(std::string_view path) {
  path = path.substr(0, path.find('?'));
  if (path.rfind("/v2/", 0) != 0) {
    return "";
  }
  for (std::string_view marker : {"/manifests/", "/blobs/", "/tags/"}) {
    const size_t at = path.find(marker, 4);
    if (at != std::string_view::npos) {
      return std::string(path.substr(4, at - 4));
    }
  }
  return "";
}

}  // namespace copycat::bench
