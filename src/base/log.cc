#include "base/log.h"

#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <mutex>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "base/strings.h"

namespace copycat::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

struct SinkState {
  std::mutex mu;
  std::function<void(std::string_view)> test_sink;
};

SinkState& sinkState() {
  static SinkState state;
  return state;
}

// spdlog carries the already formatted JSON line; its pattern prints the payload only.
spdlog::logger& stderrLogger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_logger_mt("copycat");
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  std::array<char, 32> buf{};
  std::strftime(buf.data(), buf.size(), "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf.data(), static_cast<int>(ms % 1000));
}

}  // namespace

void setLevel(Level l) { g_level.store(static_cast<int>(l)); }
Level level() { return static_cast<Level>(g_level.load()); }

std::string_view levelName(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      return "off";
  }
  return "info";
}

bool parseLevel(std::string_view text, Level* out) {
  std::string t = strings::toLower(strings::trim(text));
  if (t == "debug" || t == "trace") {
    *out = Level::kDebug;
  } else if (t == "info" || t.empty()) {
    *out = Level::kInfo;
  } else if (t == "warn" || t == "warning") {
    *out = Level::kWarn;
  } else if (t == "error") {
    *out = Level::kError;
  } else if (t == "off" || t == "none") {
    *out = Level::kOff;
  } else {
    int v = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || ptr != t.data() + t.size()) {
      return false;
    }
    *out = v >= 1 ? Level::kDebug : (v == 0 ? Level::kInfo : Level::kWarn);
  }
  return true;
}

std::string formatLine(Level l, std::string_view logger, std::string_view msg,
                       const Fields& fields) {
  std::string line = fmt::format(R"({{"ts":"{}","level":"{}","logger":{},"msg":{})", timestamp(),
                                 levelName(l), nlohmann::json(std::string(logger)).dump(),
                                 nlohmann::json(std::string(msg)).dump());
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) {
      if (key == "ts" || key == "level" || key == "logger" || key == "msg") {
        continue;
      }
      line += ',';
      line += nlohmann::json(key).dump();
      line += ':';
      line += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  line += '}';
  return line;
}

void write(Level l, std::string_view logger, std::string_view msg, const Fields& fields) {
  std::string line = formatLine(l, logger, msg, fields);
  auto& state = sinkState();
  {
    std::lock_guard lock(state.mu);
    if (state.test_sink) {
      state.test_sink(line);
      return;
    }
  }
  stderrLogger().info(line);
}

void setSinkForTesting(std::function<void(std::string_view line)> sink) {
  auto& state = sinkState();
  std::lock_guard lock(state.mu);
  state.test_sink = std::move(sink);
}

}  // namespace copycat::log
