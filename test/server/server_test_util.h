// Helpers shared by the server tests: clients for 127.0.0.1 listeners and bounded polling.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <httplib.h>

#include "base/clock.h"
#include "support/wait_until.h"

namespace copycat::server::testing {

using copycat::testing::waitUntil;

inline std::unique_ptr<httplib::Client> clientFor(int port) {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port);
  client->set_connection_timeout(std::chrono::seconds(5));
  client->set_read_timeout(std::chrono::seconds(10));
  return client;
}

// Sends a request with an arbitrary method (TRACE, ...) and optional headers and body.
inline httplib::Result sendRaw(httplib::Client& client, const std::string& method,
                               const std::string& path, const httplib::Headers& headers = {},
                               const std::string& body = "") {
  httplib::Request req;
  req.method = method;
  req.path = path;
  req.headers = headers;
  req.body = body;
  return client.send(req);
}

}  // namespace copycat::server::testing
