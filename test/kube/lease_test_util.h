// Helpers for the leader-election and Event tests: an ApiClient for a test server and a bounded
// polling wait.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "kube/api_client.h"

namespace copycat::kube::testing {

// A client without the client-side rate limit and with short retry backoffs.
inline std::unique_ptr<ApiClient> testClient(const std::string& server) {
  ClusterConfig config;
  config.server = server;
  ApiClient::Options options;
  options.qps = 0;
  options.backoff =
      BackoffPolicy{std::chrono::milliseconds(10), std::chrono::milliseconds(50), 2.0, 0.2};
  auto client = ApiClient::create(config, SystemClock::instance(), std::move(options));
  EXPECT_TRUE(client) << client.error().message;
  return client ? std::move(*client) : nullptr;
}

// Polls `condition` every 5 ms until it holds or `timeout` passes; returns its last value.
inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return condition();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace copycat::kube::testing
