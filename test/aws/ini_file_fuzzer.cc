// Fuzzes the shared config INI parser and profile resolution (the files are user-editable).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "aws/ini_file.h"
#include "aws/shared_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto sections = copycat::aws::parseIni(text, "fuzz");
  if (!sections) {
    return 0;
  }
  for (const auto& section : *sections) {
    if (section.name.empty()) {
      std::abort();
    }
    for (const auto& [key, value] : section.properties) {
      if (key.empty() || key.front() == '.') {
        std::abort();
      }
    }
  }
  auto config = copycat::aws::SharedConfig::parse(text, text);
  if (!config) {
    std::abort();  // the same text parsed once already
  }
  for (const auto& name : config->profileNames()) {
    auto profile = config->profile(name);
    // Every listed profile exists; it may only fail on a malformed value.
    if (!profile && profile.error().code != copycat::ErrorCode::kInvalidArgument) {
      std::abort();
    }
  }
  return 0;
}
