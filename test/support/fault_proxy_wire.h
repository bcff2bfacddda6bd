// HTTP/1.1 wire helpers for FaultProxy: buffered sockets, message heads, body framing (RFC 9112
// sections 6-7) and a streaming body relay with fault taps. Internal to test/support.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace copycat::testing::wire {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A connected socket with a read buffer. Owns the fd. Not thread-safe, except shutdown().
class Conn {
 public:
  explicit Conn(int fd) : fd_(fd) {}
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  [[nodiscard]] int fd() const { return fd_; }
  // A CRLF- (or LF-) terminated line without its terminator; false on EOF, error or a line
  // longer than 64 KiB.
  bool readLine(std::string* line);
  // Up to `max` bytes, buffered data first: > 0 bytes, 0 on EOF, -1 on error.
  ssize_t readSome(char* out, size_t max);
  bool writeAll(std::string_view data);
  // Sends RST instead of FIN on close (SO_LINGER 0) and closes now.
  void resetAndClose();

 private:
  int fd_;
  std::string buf_;
  size_t pos_ = 0;
};

// A request or response head: the start line and the header fields in order.
struct Head {
  std::string start_line{};
  HeaderList headers{};

  [[nodiscard]] std::string get(std::string_view name) const;  // first value or ""
  [[nodiscard]] bool has(std::string_view name) const;
  void remove(std::string_view name);
  void set(const std::string& name, const std::string& value);  // replaces all
  [[nodiscard]] std::string serialize() const;
  // Request line parts; status code of a response line (0 when malformed).
  [[nodiscard]] std::string method() const;
  [[nodiscard]] std::string target() const;
  [[nodiscard]] int status() const;
};

// Reads a head (skipping leading empty lines); false on EOF or a malformed head.
bool readHead(Conn& conn, Head* head);

struct Framing {
  enum class Kind { kNone, kLength, kChunked, kUntilClose };
  Kind kind = Kind::kNone;
  uint64_t length = 0;
};
Framing requestFraming(const Head& request);
Framing responseFraming(const Head& response, std::string_view request_method);

// What to do to body payload bytes while relaying (offsets count payload, not chunk framing).
struct Tap {
  static constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();
  uint64_t stop_after = kNever;  // relay this many payload bytes, then stop (for a reset)
  uint64_t corrupt_at = kNever;  // XOR 0xFF into the payload byte at this offset
};

struct RelayResult {
  enum class Outcome { kDone, kReadFailed, kWriteFailed, kStopped };
  Outcome outcome = Outcome::kDone;
  uint64_t payload_bytes = 0;  // payload bytes written to `out`
};

// Streams a body from `in` to `out` (discarded when `out` is null) in 64 KiB pieces, keeping
// chunked framing as is.
RelayResult relayBody(Conn& in, Conn* out, const Framing& framing, const Tap& tap = {});

// A listening socket on `ip` (IPv4 literal) port 0; returns the fd and sets *port; -1 on error.
int listenOn(const std::string& ip, int* port);
// A connected socket to ip:port with a receive timeout; -1 on error.
int connectTo(const std::string& ip, int port, int timeout_seconds);

std::string reasonPhrase(int status);

}  // namespace copycat::testing::wire
