// Fuzzes URL parsing and Location resolution, which see untrusted redirect headers. Input:
// "<base>\n<reference>". Checks invariants, not just the absence of crashes.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/redact.h"
#include "http/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace copycat::http;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string_view base = input.substr(0, newline);
  std::string_view reference = newline == std::string_view::npos ? "" : input.substr(newline + 1);

  if (auto url = parseUrl(base)) {
    // A parsed URL prints to text that parses back to the same components.
    auto again = parseUrl(url->str());
    if (!again || again->str() != url->str() || again->host != url->host) {
      std::abort();
    }
  }
  if (auto resolved = resolveReference(base, reference)) {
    if (!parseUrl(*resolved)) {
      std::abort();  // resolution only returns valid absolute URLs
    }
  }
  if (percentDecode(percentEncode(input)) != input) {
    std::abort();
  }
  static_cast<void>(redactUrl(input));
  static_cast<void>(removeDotSegments(reference));
  static_cast<void>(splitHostPort(base));
  static_cast<void>(appendQueryParams(base, {{std::string(reference), "v"}}));
  return 0;
}
