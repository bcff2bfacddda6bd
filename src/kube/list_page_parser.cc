#include "kube/list_page_parser.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#include "workload/summary_extractor.h"

namespace copycat::kube {
namespace {

constexpr size_t kMaxDepth = 512;    // nesting bound for the scanner (simdjson's default is 1024)
constexpr size_t kMaxKeyBytes = 16;  // longer top-level keys are never "items" or "metadata"
constexpr size_t kKeepBufferBytes = 256 * 1024;

}  // namespace

ListPageParser::ListPageParser(std::string default_kind, ItemHandler handler, size_t max_item_bytes)
    : default_kind_(std::move(default_kind)),
      handler_(std::move(handler)),
      max_item_bytes_(max_item_bytes) {}

void ListPageParser::reset() {
  stack_.clear();
  in_string_ = escape_ = started_ = done_ = false;
  expect_key_ = reading_key_ = after_colon_ = in_items_ = false;
  key_.clear();
  capture_ = Capture::kNone;
  nesting_ = 0;
  buffer_.clear();
  offset_ = 0;
  items_ = 0;
  metadata_ = ListMetadata{};
}

Error ListPageParser::malformed(std::string_view what) const {
  return Error(ErrorCode::kProtocol, "malformed list body: " + std::string(what));
}

Status ListPageParser::feed(std::string_view chunk) {
  segment_start_ = 0;
  RETURN_IF_ERROR(scan(chunk.data(), chunk.size()));
  if (capture_ != Capture::kNone) {
    const size_t n = chunk.size() - segment_start_;
    if (buffer_.size() + n > max_item_bytes_) {
      return fail(malformed("an item exceeds " + std::to_string(max_item_bytes_) + " bytes"));
    }
    buffer_.append(chunk.data() + segment_start_, n);
  }
  offset_ += chunk.size();
  return ok();
}

Result<ListMetadata> ListPageParser::finish() {
  if (!done_ || in_string_) {
    return fail(malformed("truncated after " + std::to_string(offset_) + " bytes"));
  }
  return metadata_;
}

namespace {

// Byte classes inside a captured value, outside strings.
enum : uint8_t { kPlain = 0, kQuote = 1, kOpen = 2, kClose = 3 };
constexpr std::array<uint8_t, 256> kCaptureClass = [] {
  std::array<uint8_t, 256> table{};
  table['"'] = kQuote;
  table['{'] = table['['] = kOpen;
  table['}'] = table[']'] = kClose;
  return table;
}();

// Bytes that end a run of string content: the closing quote or an escape.
constexpr std::array<bool, 256> kStringStops = [] {
  std::array<bool, 256> table{};
  table['"'] = table['\\'] = true;
  return table;
}();

// The first index >= i holding '"' or '\\', else `size`.
size_t findStringEnd(const char* data, size_t i, size_t size) {
  while (i < size && !kStringStops[static_cast<unsigned char>(data[i])]) {
    ++i;
  }
  return i;
}

}  // namespace

// The hot loop. Inside a captured item only strings and bracket nesting are tracked (simdjson
// validates the item afterwards); the list's own structure outside items is checked per byte.
// Offsets in errors are absolute within the body.
Status ListPageParser::scan(const char* data, size_t size) {
  size_t i = 0;
  while (i < size) {
    if (capture_ != Capture::kNone) {
      RETURN_IF_ERROR(scanCaptured(data, size, i));
      continue;
    }
    if (in_string_) {
      i = skipString(data, size, i);
      continue;
    }
    const char c = data[i];
    switch (c) {
      case ' ':
      case '\t':
      case '\n':
      case '\r':
        break;
      case '{':
      case '[':
        RETURN_IF_ERROR(openBracket(c, i));
        break;
      case '}':
      case ']':
        RETURN_IF_ERROR(closeBracket(c, i));
        break;
      case ':':
        after_colon_ = stack_.size() == 1;
        break;
      case ',':
        expect_key_ = stack_.size() == 1;
        break;
      default:
        RETURN_IF_ERROR(valueStart(c, i));
        break;
    }
    ++i;
  }
  return ok();
}

// Advances `i` through a captured value until it closes or the chunk ends: one fused loop with
// the string/escape state in locals, since values are mostly short strings between
// structural bytes.
Status ListPageParser::scanCaptured(const char* data, size_t size, size_t& i) {
  bool in_string = in_string_;
  bool escape = escape_;
  size_t nesting = nesting_;
  while (i < size) {
    if (in_string) {
      if (escape) {
        escape = false;
        ++i;
      }
      while (i < size && !kStringStops[static_cast<unsigned char>(data[i])]) {
        ++i;
      }
      if (i == size) {
        break;
      }
      if (data[i++] == '\\') {
        escape = true;
      } else {
        in_string = false;
      }
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(data[i++]);
    switch (kCaptureClass[c]) {
      case kPlain:
        break;
      case kQuote:
        in_string = true;
        break;
      case kOpen:
        if (++nesting > kMaxDepth) {
          return fail(malformed("nesting deeper than " + std::to_string(kMaxDepth)));
        }
        break;
      default:  // kClose
        if (--nesting == 0) {
          in_string_ = false;
          escape_ = false;
          nesting_ = 0;
          const size_t n = i - segment_start_;
          if (buffer_.size() + n > max_item_bytes_) {
            return fail(malformed("an item exceeds " + std::to_string(max_item_bytes_) + " bytes"));
          }
          buffer_.append(data + segment_start_, n);
          segment_start_ = i;
          return endCapture();
        }
        break;
    }
  }
  in_string_ = in_string;
  escape_ = escape;
  nesting_ = nesting;
  return ok();
}

// Returns the index after the closing quote (or `size`).
size_t ListPageParser::skipString(const char* data, size_t size, size_t i) {
  while (i < size) {
    if (escape_) {
      escape_ = false;
      if (reading_key_ && key_.size() <= kMaxKeyBytes) {
        key_ += data[i];
      }
      ++i;
      continue;
    }
    const size_t stop = findStringEnd(data, i, size);
    if (reading_key_ && key_.size() <= kMaxKeyBytes) {
      key_.append(data + i, std::min(stop - i, kMaxKeyBytes + 1 - key_.size()));
    }
    if (stop == size) {
      return size;
    }
    if (data[stop] == '\\') {
      escape_ = true;
      if (reading_key_ && key_.size() <= kMaxKeyBytes) {
        key_ += '\\';
      }
      i = stop + 1;
      continue;
    }
    in_string_ = false;
    reading_key_ = false;
    return stop + 1;
  }
  return i;
}

// A string or scalar token outside any captured value.
Status ListPageParser::valueStart(char c, size_t pos) {
  if (!started_ || done_) {
    return fail(malformed("unexpected '" + std::string(1, c) + "' at offset " +
                          std::to_string(offset_ + pos)));
  }
  if (stack_.size() == 1) {
    if (c == '"' && expect_key_) {
      expect_key_ = false;
      reading_key_ = true;
      key_.clear();
    } else if (after_colon_) {
      after_colon_ = false;  // a scalar value ("kind", "items": null, ...)
    } else if (c == '"') {
      return fail(malformed("unexpected string at offset " + std::to_string(offset_ + pos)));
    }
  } else if (in_items_ && stack_.size() == 2 && capture_ == Capture::kNone) {
    return fail(malformed("items[" + std::to_string(items_) + "] is not an object"));
  }
  if (c == '"') {
    in_string_ = true;
  }
  return ok();
}

Status ListPageParser::openBracket(char c, size_t pos) {
  if (done_) {
    return fail(malformed("data after the list object at offset " + std::to_string(offset_ + pos)));
  }
  if (!started_) {
    if (c != '{') {
      return fail(malformed("not a JSON object"));
    }
    started_ = true;
    expect_key_ = true;
    stack_.push_back(c);
    return ok();
  }
  if (stack_.size() == 1) {
    if (!after_colon_) {
      return fail(malformed("unexpected '" + std::string(1, c) + "' at offset " +
                            std::to_string(offset_ + pos)));
    }
    after_colon_ = false;
    if (key_ == "metadata" && c == '{') {
      startCapture(Capture::kMetadata, pos);
      return ok();
    }
    in_items_ = key_ == "items" && c == '[';
  } else if (in_items_ && stack_.size() == 2) {
    if (c != '{') {
      return fail(malformed("items[" + std::to_string(items_) + "] is not an object"));
    }
    startCapture(Capture::kItem, pos);
    return ok();
  }
  if (stack_.size() >= kMaxDepth) {
    return fail(malformed("nesting deeper than " + std::to_string(kMaxDepth)));
  }
  stack_.push_back(c);
  return ok();
}

Status ListPageParser::closeBracket(char c, size_t pos) {
  if (stack_.empty() || done_) {
    return fail(malformed("unexpected '" + std::string(1, c) + "' at offset " +
                          std::to_string(offset_ + pos)));
  }
  const char open = stack_.back();
  if ((open == '{') != (c == '}')) {
    return fail(malformed("mismatched '" + std::string(1, c) + "' at offset " +
                          std::to_string(offset_ + pos)));
  }
  stack_.pop_back();
  if (in_items_ && stack_.size() == 1) {
    in_items_ = false;
  }
  if (stack_.empty()) {
    done_ = true;
  }
  return ok();
}

void ListPageParser::startCapture(Capture what, size_t pos) {
  capture_ = what;
  nesting_ = 1;
  segment_start_ = pos;
  buffer_.clear();
}

Status ListPageParser::endCapture() {
  const Capture what = capture_;
  capture_ = Capture::kNone;
  Status status = what == Capture::kItem ? parseItem() : parseMetadata();
  buffer_.clear();
  if (buffer_.capacity() > kKeepBufferBytes) {
    buffer_.shrink_to_fit();  // one huge item must not pin its buffer
  }
  return status;
}

Status ListPageParser::parseItem() {
  buffer_.reserve(buffer_.size() + simdjson::SIMDJSON_PADDING);
  simdjson::padded_string_view view(buffer_.data(), buffer_.size(), buffer_.capacity());
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (auto error = parser_.iterate(view).get(doc); error != simdjson::SUCCESS) {
    return fail(
        malformed("items[" + std::to_string(items_) + "]: " + simdjson::error_message(error)));
  }
  if (auto error = doc.get_object().get(object); error != simdjson::SUCCESS) {
    return fail(
        malformed("items[" + std::to_string(items_) + "]: " + simdjson::error_message(error)));
  }
  auto summary = workload::extractSummary(object, default_kind_);
  if (!summary) {
    return fail(summary.error().withContext("list items[" + std::to_string(items_) + "]"));
  }
  ++items_;
  return handler_(std::move(*summary));
}

Status ListPageParser::parseMetadata() {
  buffer_.reserve(buffer_.size() + simdjson::SIMDJSON_PADDING);
  simdjson::padded_string_view view(buffer_.data(), buffer_.size(), buffer_.capacity());
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (parser_.iterate(view).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(object) != simdjson::SUCCESS) {
    return fail(malformed("metadata is not an object"));
  }
  for (auto field : object) {
    std::string_view key;
    simdjson::ondemand::value value;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS ||
        field.value().get(value) != simdjson::SUCCESS) {
      return fail(malformed("metadata"));
    }
    std::string_view text;
    if (key == "resourceVersion" && value.get_string().get(text) == simdjson::SUCCESS) {
      metadata_.resource_version = text;
    } else if (key == "continue" && value.get_string().get(text) == simdjson::SUCCESS) {
      metadata_.continue_token = text;
    } else if (key == "remainingItemCount") {
      int64_t remaining = -1;
      if (value.get_int64().get(remaining) == simdjson::SUCCESS) {
        metadata_.remaining_item_count = remaining;
      }
    }
  }
  return ok();
}

}  // namespace copycat::kube
