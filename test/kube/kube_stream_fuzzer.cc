// Fuzzes the two parsers fed by API server bytes: the streaming LIST body parser and the WATCH
// event decoder, with the input split into chunks at a size taken from its first byte (events
// and items must survive any split).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kube/list_page_parser.h"
#include "kube/watch_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const size_t piece = 1 + data[0] % 64;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  copycat::kube::ListPageParser list(
      "Pod", [](copycat::workload::WorkloadSummary&&) { return copycat::ok(); });
  bool good = true;
  for (size_t at = 0; good && at < input.size(); at += piece) {
    good = static_cast<bool>(list.feed(input.substr(at, piece)));
  }
  if (good) {
    (void)list.finish();
  }

  copycat::kube::WatchStreamDecoder watch("Pod",
                                          [](copycat::kube::WatchEvent&) { return copycat::ok(); });
  good = true;
  for (size_t at = 0; good && at < input.size(); at += piece) {
    good = static_cast<bool>(watch.feed(input.substr(at, piece)));
  }
  if (good) {
    (void)watch.finish();
  }
  return 0;
}
