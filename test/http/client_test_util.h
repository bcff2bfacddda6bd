// Helpers shared by the CurlHttpClient tests.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/curl_http_client.h"
#include "support/test_http_server.h"

namespace copycat::http {

// A client that ignores proxy variables of the machine running the tests (hermetic).
inline std::unique_ptr<CurlHttpClient> makeClient(CurlHttpClient::Options options = {}) {
  if (!options.proxy) {
    options.proxy = ProxyConfig{};
  }
  auto client = CurlHttpClient::create(std::move(options));
  EXPECT_TRUE(client) << client.error().message;
  return client ? std::move(*client) : nullptr;
}

inline Request get(std::string url) {
  Request r;
  r.url = std::move(url);
  return r;
}

// Returns a 127.0.0.1 port nothing listens on (bound, then released), or -1.
inline int unusedLocalPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return -1;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// Starts `server` or fails the test.
#define ASSERT_STARTED(server)                         \
  do {                                                 \
    auto _started = (server).start();                  \
    ASSERT_TRUE(_started) << _started.error().message; \
  } while (false)

// A latch a handler can wait on (bounded) until the test releases it, so stalled responses
// never outlive the test.
class Gate {
 public:
  void open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  // Returns true when opened, false after `limit`.
  bool waitOpen(std::chrono::milliseconds limit) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, limit, [this] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

}  // namespace copycat::http
