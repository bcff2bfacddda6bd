// Structured JSON logging: one object per line on stderr,
// {"ts":...,"level":"info","logger":"registry","msg":"blob copied","digest":...}.
// Messages are constant strings; variable data goes into fields. Never log secrets.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace copycat::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

using Fields = nlohmann::json;

// Sets the process-wide minimum level. Thread-safe.
void setLevel(Level level);
Level level();
inline bool enabled(Level l) { return static_cast<int>(l) >= static_cast<int>(level()); }

// Parses "debug", "info", "warn"/"warning", "error", "off" or a numeric verbosity (logr
// convention: 0 = info, >= 1 = debug; negative = warn).
bool parseLevel(std::string_view text, Level* out);
std::string_view levelName(Level level);

// Writes one line. `fields` may be null or an object. Thread-safe.
void write(Level level, std::string_view logger, std::string_view msg, const Fields& fields);

// Redirects output (tests); an empty function restores stderr. Returns nothing.
void setSinkForTesting(std::function<void(std::string_view line)> sink);

// Formats one line without writing it (used by write, exposed for tests).
std::string formatLine(Level level, std::string_view logger, std::string_view msg,
                       const Fields& fields);

}  // namespace copycat::log

// LOG_INFO("registry", "blob copied", {{"digest", d}, {"bytes", n}});
// The level is checked before the fields are built.
#define COPYCAT_LOG(lvl, logger, msg, ...)                                          \
  do {                                                                              \
    if (::copycat::log::enabled(lvl)) {                                             \
      ::copycat::log::write(lvl, logger, msg, ::copycat::log::Fields(__VA_ARGS__)); \
    }                                                                               \
  } while (false)
#define LOG_DEBUG(logger, msg, ...) \
  COPYCAT_LOG(::copycat::log::Level::kDebug, logger, msg, __VA_ARGS__)
#define LOG_INFO(logger, msg, ...) \
  COPYCAT_LOG(::copycat::log::Level::kInfo, logger, msg, __VA_ARGS__)
#define LOG_WARN(logger, msg, ...) \
  COPYCAT_LOG(::copycat::log::Level::kWarn, logger, msg, __VA_ARGS__)
#define LOG_ERROR(logger, msg, ...) \
  COPYCAT_LOG(::copycat::log::Level::kError, logger, msg, __VA_ARGS__)
