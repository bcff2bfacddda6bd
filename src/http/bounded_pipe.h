// A bounded in-memory byte pipe between two threads: the registry copy engine streams a blob
// GET (BodySink -> write) into a PUT (BodySource <- read) with at most `capacity` bytes held.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "http/http_client.h"

namespace copycat::http {

// Thread-safe for one producer thread and one consumer thread (several writers would interleave
// their chunks). Blocking: write() waits while full, read() waits while empty; abort() or the
// optional stop token wakes both sides.
class BoundedPipe {
 public:
  // 1 MiB keeps a loopback copy at the target registry's write speed (measured against a curl
  // GET | PUT pipe in bench/copy-vs-skopeo) while peak RSS stays a few MiB above idle.
  static constexpr size_t kDefaultCapacityBytes = 1024 * 1024;

  // `stop`, when given, aborts the pipe with kCancelled once stop is requested.
  explicit BoundedPipe(size_t capacity_bytes = kDefaultCapacityBytes, std::stop_token stop = {});
  BoundedPipe(const BoundedPipe&) = delete;
  BoundedPipe& operator=(const BoundedPipe&) = delete;

  // Producer: appends all of `data`, blocking while the buffer is full. Errors: the abort error
  // after abort(); kInternal when called after close().
  [[nodiscard]] Status write(std::string_view data);
  // Producer: marks the end of the stream; the consumer reads what is buffered, then 0.
  void close();

  // Consumer: copies up to `max` bytes into `buffer`, blocking until at least one byte is
  // available. Returns 0 at the end of the stream. Errors: the abort error.
  [[nodiscard]] Result<size_t> read(char* buffer, size_t max);

  // Either side: fails the stream with `error` (the first abort wins), drops buffered bytes and
  // wakes both sides. Later write()/read() calls return `error`.
  void abort(Error error);

  [[nodiscard]] std::optional<Error> abortError() const;
  [[nodiscard]] size_t bufferedBytes() const;
  [[nodiscard]] size_t capacity() const { return capacity_; }

  // Adapters for Request::body_sink / Request::body_source. The pipe must outlive them.
  [[nodiscard]] BodySink sink();
  [[nodiscard]] BodySource source();

 private:
  void onStop();

  mutable std::mutex mu_;
  std::condition_variable not_full_;
  std::condition_variable not_empty_;
  // Ring buffer: `size_` bytes starting at `head_`; invariant size_ <= capacity_. Allocated
  // without zero-filling, so pages are only touched as data flows: a small blob costs a page,
  // not the whole capacity (peak RSS with several copies in flight).
  size_t capacity_;
  std::unique_ptr<char[]> buffer_;
  size_t head_ = 0;
  size_t size_ = 0;
  bool closed_ = false;
  std::optional<Error> error_;
  // Declared last: unregistered first on destruction, before the state it touches.
  std::optional<std::stop_callback<std::function<void()>>> stop_callback_;
};

}  // namespace copycat::http
