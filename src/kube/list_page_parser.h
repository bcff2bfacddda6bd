// Incremental parser of one LIST response body,
//   {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":..,"continue":..},
//    "items":[{...},{...}]}
// fed in arbitrary chunks as they arrive. A byte scanner finds where each item starts and ends
// (strings, escapes and nesting tracked), each item is copied once into a reused buffer, read
// with simdjson On-Demand into a WorkloadSummary and dropped. A page is therefore never held
// whole: memory is one item plus the parser, whatever the page size.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "base/result.h"
#include "workload/workload.h"

namespace copycat::kube {

// The list's metadata (ListMeta).
struct ListMetadata {
  std::string resource_version;
  std::string continue_token;
  int64_t remaining_item_count = -1;  // -1 when absent
};

// Not thread-safe; one per reflector thread. Reusable: reset() between pages keeps buffers.
class ListPageParser {
 public:
  using ItemHandler = std::function<Status(workload::WorkloadSummary&& item)>;

  // `default_kind` names the items' kind ("Pod"): LIST items carry none. `max_item_bytes`
  // bounds one item (the API server's own limit on an object is 1.5 MiB in etcd).
  ListPageParser(std::string default_kind, ItemHandler handler,
                 size_t max_item_bytes = 16 * 1024 * 1024);

  // Consumes the next chunk, calling the handler for every item completed in it.
  // Errors: kProtocol for a body that is not a list object (with the offending offset), an
  // item over the size bound, an item that is not valid JSON; the handler's error.
  [[nodiscard]] Status feed(std::string_view chunk);
  // Checks that the body ended with its closing brace; returns the metadata.
  [[nodiscard]] Result<ListMetadata> finish();
  // Prepares for the next body.
  void reset();

  [[nodiscard]] uint64_t itemCount() const { return items_; }

 private:
  enum class Capture { kNone, kMetadata, kItem };

  Status scan(const char* data, size_t size);
  Status scanCaptured(const char* data, size_t size, size_t& i);
  size_t skipString(const char* data, size_t size, size_t i);
  Status openBracket(char c, size_t pos);
  Status closeBracket(char c, size_t pos);
  Status valueStart(char c, size_t pos);
  void startCapture(Capture what, size_t pos);
  Status endCapture();
  Status parseItem();
  Status parseMetadata();
  Error malformed(std::string_view what) const;

  const std::string default_kind_;
  const ItemHandler handler_;
  const size_t max_item_bytes_;
  simdjson::ondemand::parser parser_;

  // Scanner state.
  std::vector<char> stack_;  // open brackets outside captured values
  bool in_string_ = false;
  bool escape_ = false;
  bool started_ = false;
  bool done_ = false;
  bool expect_key_ = false;   // at depth 1, after '{' or ','
  bool reading_key_ = false;  // inside a depth-1 key string
  bool after_colon_ = false;  // at depth 1, the next token starts the value of `key_`
  bool in_items_ = false;     // inside the top-level "items" array
  std::string key_;           // the current depth-1 key (bounded)
  Capture capture_ = Capture::kNone;
  size_t nesting_ = 0;        // open brackets inside the captured value
  size_t segment_start_ = 0;  // within the current chunk
  std::string buffer_;        // the captured item or metadata, padded for simdjson
  uint64_t offset_ = 0;       // bytes consumed before the current chunk
  uint64_t items_ = 0;
  ListMetadata metadata_;
};

}  // namespace copycat::kube
