#include "support/fault_proxy_wire.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/strings.h"

namespace copycat::testing::wire {
namespace {

constexpr size_t kMaxLine = 64 * 1024;
constexpr size_t kMaxHeaders = 200;
constexpr size_t kPiece = 64 * 1024;

RelayResult::Outcome relayPayload(Conn& in, Conn* out, uint64_t n, bool until_close, const Tap& tap,
                                  RelayResult* r) {
  char buf[kPiece];
  uint64_t remaining = n;
  while (remaining > 0) {
    size_t piece = static_cast<size_t>(std::min<uint64_t>(remaining, kPiece));
    if (tap.stop_after != Tap::kNever) {
      uint64_t allowed = tap.stop_after - std::min(tap.stop_after, r->payload_bytes);
      if (allowed == 0) {
        return RelayResult::Outcome::kStopped;
      }
      piece = static_cast<size_t>(std::min<uint64_t>(piece, allowed));
    }
    ssize_t got = in.readSome(buf, piece);
    if (got <= 0) {
      return got == 0 && until_close ? RelayResult::Outcome::kDone
                                     : RelayResult::Outcome::kReadFailed;
    }
    auto size = static_cast<uint64_t>(got);
    if (tap.corrupt_at >= r->payload_bytes && tap.corrupt_at < r->payload_bytes + size) {
      buf[tap.corrupt_at - r->payload_bytes] ^= static_cast<char>(0xFF);
    }
    if (out != nullptr && !out->writeAll(std::string_view(buf, static_cast<size_t>(got)))) {
      return RelayResult::Outcome::kWriteFailed;
    }
    r->payload_bytes += size;
    remaining -= size;
  }
  return RelayResult::Outcome::kDone;
}

RelayResult::Outcome relayChunked(Conn& in, Conn* out, const Tap& tap, RelayResult* r) {
  auto write = [&](const std::string& s) { return out == nullptr || out->writeAll(s); };
  std::string line;
  while (true) {
    if (!in.readLine(&line)) {
      return RelayResult::Outcome::kReadFailed;
    }
    if (!write(line + "\r\n")) {
      return RelayResult::Outcome::kWriteFailed;
    }
    uint64_t size = std::strtoull(line.c_str(), nullptr, 16);  // stops at ';' extensions
    if (size == 0) {
      break;
    }
    auto outcome = relayPayload(in, out, size, false, tap, r);
    if (outcome != RelayResult::Outcome::kDone) {
      return outcome;
    }
    if (!in.readLine(&line) || !line.empty()) {
      return RelayResult::Outcome::kReadFailed;
    }
    if (!write("\r\n")) {
      return RelayResult::Outcome::kWriteFailed;
    }
  }
  do {  // trailer section, ended by an empty line
    if (!in.readLine(&line)) {
      return RelayResult::Outcome::kReadFailed;
    }
    if (!write(line + "\r\n")) {
      return RelayResult::Outcome::kWriteFailed;
    }
  } while (!line.empty());
  return RelayResult::Outcome::kDone;
}

}  // namespace

Conn::~Conn() {
  if (fd_ >= 0) {
    close(fd_);
  }
}

bool Conn::readLine(std::string* line) {
  while (true) {
    size_t nl = buf_.find('\n', pos_);
    if (nl != std::string::npos) {
      size_t end = nl > pos_ && buf_[nl - 1] == '\r' ? nl - 1 : nl;
      line->assign(buf_, pos_, end - pos_);
      pos_ = nl + 1;
      return true;
    }
    if (buf_.size() - pos_ > kMaxLine) {
      return false;
    }
    buf_.erase(0, pos_);
    pos_ = 0;
    char tmp[8192];
    ssize_t got = recv(fd_, tmp, sizeof(tmp), 0);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      return false;
    }
    buf_.append(tmp, static_cast<size_t>(got));
  }
}

ssize_t Conn::readSome(char* out, size_t max) {
  if (pos_ < buf_.size()) {
    size_t n = std::min(max, buf_.size() - pos_);
    std::copy_n(buf_.data() + pos_, n, out);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  while (true) {
    ssize_t got = recv(fd_, out, max, 0);
    if (got >= 0 || errno != EINTR) {
      return got;
    }
  }
}

bool Conn::writeAll(std::string_view data) {
  while (!data.empty()) {
    ssize_t sent = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) {
      continue;
    }
    if (sent <= 0) {
      return false;
    }
    data.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

void Conn::resetAndClose() {
  if (fd_ < 0) {
    return;
  }
  linger lg{1, 0};
  setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
  close(fd_);
  fd_ = -1;
}

std::string Head::get(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (strings::equalsIgnoreCase(k, name)) {
      return v;
    }
  }
  return {};
}

bool Head::has(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const auto& h) { return strings::equalsIgnoreCase(h.first, name); });
}

void Head::remove(std::string_view name) {
  std::erase_if(headers, [&](const auto& h) { return strings::equalsIgnoreCase(h.first, name); });
}

void Head::set(const std::string& name, const std::string& value) {
  remove(name);
  headers.emplace_back(name, value);
}

std::string Head::serialize() const {
  std::string out = start_line + "\r\n";
  for (const auto& [k, v] : headers) {
    out += k + ": " + v + "\r\n";
  }
  return out + "\r\n";
}

std::string Head::method() const { return start_line.substr(0, start_line.find(' ')); }

std::string Head::target() const {
  size_t a = start_line.find(' ');
  size_t b = a == std::string::npos ? a : start_line.find(' ', a + 1);
  return a == std::string::npos ? "" : start_line.substr(a + 1, b - a - 1);
}

int Head::status() const {
  size_t a = start_line.find(' ');
  return a == std::string::npos ? 0 : std::atoi(start_line.c_str() + a + 1);
}

bool readHead(Conn& conn, Head* head) {
  std::string line;
  do {
    if (!conn.readLine(&line)) {
      return false;
    }
  } while (line.empty());
  head->start_line = line;
  head->headers.clear();
  while (conn.readLine(&line)) {
    if (line.empty()) {
      return true;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos || head->headers.size() >= kMaxHeaders) {
      return false;
    }
    head->headers.emplace_back(line.substr(0, colon),
                               std::string(strings::trim(line.substr(colon + 1))));
  }
  return false;
}

Framing requestFraming(const Head& request) {
  if (strings::toLower(request.get("Transfer-Encoding")).find("chunked") != std::string::npos) {
    return {Framing::Kind::kChunked, 0};
  }
  if (request.has("Content-Length")) {
    return {Framing::Kind::kLength,
            std::strtoull(request.get("Content-Length").c_str(), nullptr, 10)};
  }
  return {};
}

// RFC 9112 section 6.3: HEAD responses and 1xx/204/304 have no body.
Framing responseFraming(const Head& response, std::string_view request_method) {
  int status = response.status();
  if (request_method == "HEAD" || status < 200 || status == 204 || status == 304) {
    return {};
  }
  Framing f = requestFraming(response);
  if (f.kind == Framing::Kind::kNone) {
    f.kind = Framing::Kind::kUntilClose;
  }
  return f;
}

RelayResult relayBody(Conn& in, Conn* out, const Framing& framing, const Tap& tap) {
  RelayResult r;
  switch (framing.kind) {
    case Framing::Kind::kNone:
      break;
    case Framing::Kind::kLength:
      r.outcome = relayPayload(in, out, framing.length, false, tap, &r);
      break;
    case Framing::Kind::kUntilClose:
      r.outcome = relayPayload(in, out, Tap::kNever, true, tap, &r);
      break;
    case Framing::Kind::kChunked:
      r.outcome = relayChunked(in, out, tap, &r);
      break;
  }
  return r;
}

int listenOn(const std::string& ip, int* port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  socklen_t len = sizeof(addr);
  if (inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1 ||
      bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 128) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

int connectTo(const std::string& ip, int port, int timeout_seconds) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  timeval tv{timeout_seconds, 0};
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (inet_pton(AF_INET, ip.c_str(), &addr.sin_addr) != 1 ||
      connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

std::string reasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 307:
      return "Temporary Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

}  // namespace copycat::testing::wire
