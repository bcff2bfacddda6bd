// Test double: a CredentialsProvider that returns scripted results and can hold a call open.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>

#include "aws/credentials.h"

namespace copycat::aws::test {

// Thread-safe. Returns the queued results in order (the last one repeats). With hold(), calls
// block inside resolve() until release(); entered() counts calls that reached resolve().
class FakeCredentialsProvider final : public CredentialsProvider {
 public:
  explicit FakeCredentialsProvider(std::string name = "fake") : name_(std::move(name)) {}

  void push(Result<Credentials> result) {
    std::lock_guard lock(mu_);
    results_.push_back(std::move(result));
  }
  void hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void release() {
    std::lock_guard lock(mu_);
    held_ = false;
    cv_.notify_all();
  }
  // Blocks until `n` calls have entered resolve().
  void waitForCalls(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return calls_ >= n; });
  }
  int calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }

  Result<Credentials> resolve() override {
    std::unique_lock lock(mu_);
    ++calls_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !held_; });
    if (results_.empty()) {
      return fail(ErrorCode::kNotFound, "nothing scripted");
    }
    Result<Credentials> out = results_.front();
    if (results_.size() > 1) {
      results_.pop_front();
    }
    return out;
  }
  std::string name() const override { return name_; }

 private:
  const std::string name_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Result<Credentials>> results_;
  bool held_ = false;
  int calls_ = 0;
};

inline Credentials makeCredentials(
    std::string id, std::optional<std::chrono::system_clock::time_point> expiry = {}) {
  return Credentials{std::move(id), "secret", "", expiry, "fake"};
}

}  // namespace copycat::aws::test
