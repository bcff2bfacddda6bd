// Fuzzes the whole load path with arbitrary YAML text: it must return a config or problems,
// never crash, hang or trip a sanitizer. Every config that loads must also survive a round
// trip: its rendering loads again and renders to the same values.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "config/config_loader.h"
#include "config/config_printer.h"

namespace {

// The rendering without its "# ..." comments (the source annotations legitimately change).
std::string values(const std::string& rendered) {
  std::string out;
  size_t start = 0;
  while (start < rendered.size()) {
    size_t end = rendered.find('\n', start);
    std::string line = rendered.substr(start, end - start);
    start = end == std::string::npos ? rendered.size() : end + 1;
    if (line.rfind("#", 0) == 0) {
      continue;
    }
    out += line.substr(0, line.rfind("  # ")) + "\n";
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using copycat::config::LoadOptions;
  std::string text(reinterpret_cast<const char*>(data), size);
  LoadOptions options;
  options.path = "fuzz.yaml";
  // A fixed environment so results depend only on the input; the file may reference these.
  options.env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "AWS_REGION") {
      return "eu-central-1";
    }
    if (name == "ECR_ACCOUNT_ID") {
      return "123456789012";
    }
    if (name == "FUZZ_SECRET") {
      return "secret";
    }
    return std::nullopt;
  };
  auto loaded = copycat::config::loadConfigFromString(text, options);
  if (!loaded) {
    (void)copycat::config::configProblems(loaded.error());
    return 0;
  }
  std::string rendered = copycat::config::renderEffectiveConfig(*loaded);
  auto reloaded = copycat::config::loadConfigFromString(rendered, options);
  if (!reloaded) {
    std::fprintf(stderr, "rendered config does not load:\n%s\n%s\n", rendered.c_str(),
                 reloaded.error().message.c_str());
    std::abort();
  }
  std::string again = copycat::config::renderEffectiveConfig(*reloaded);
  if (values(again) != values(rendered)) {
    std::fprintf(stderr, "round trip changed values:\n%s\n---\n%s\n", rendered.c_str(),
                 again.c_str());
    std::abort();
  }
  return 0;
}
