// Client-side helpers for the FakeApiServer tests: JSON GETs and a streaming watch reader.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace copycat::testing {

struct JsonResponse {
  int status = 0;
  nlohmann::json body;
  httplib::Headers headers;
};

inline JsonResponse getJson(int port, const std::string& path,
                            const httplib::Headers& headers = {}) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(30, 0);
  auto res = client.Get(path.c_str(), headers);
  JsonResponse out;
  if (!res) return out;
  out.status = res->status;
  out.headers = res->headers;
  out.body = nlohmann::json::parse(res->body, nullptr, false);
  return out;
}

inline JsonResponse sendJson(int port, const std::string& method, const std::string& path,
                             const std::string& body, const httplib::Headers& headers = {}) {
  httplib::Client client("127.0.0.1", port);
  httplib::Result res =
      method == "POST"  ? client.Post(path.c_str(), headers, body, "application/json")
      : method == "PUT" ? client.Put(path.c_str(), headers, body, "application/json")
                        : client.Delete(path.c_str(), headers);
  JsonResponse out;
  if (!res) return out;
  out.status = res->status;
  out.headers = res->headers;
  out.body = nlohmann::json::parse(res->body, nullptr, false);
  return out;
}

// Reads a watch stream on a background thread, one JSON event per line.
class WatchReader {
 public:
  WatchReader(int port, std::string path, httplib::Headers headers = {})
      : client_("127.0.0.1", port), path_(std::move(path)), headers_(std::move(headers)) {
    client_.set_read_timeout(60, 0);
    thread_ = std::thread([this] { run(); });
  }
  ~WatchReader() {
    client_.stop();
    thread_.join();
  }
  WatchReader(const WatchReader&) = delete;
  WatchReader& operator=(const WatchReader&) = delete;

  // The next event, or nullopt when none arrives in time or the stream ended.
  std::optional<nlohmann::json> next(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return !lines_.empty() || done_; });
    if (lines_.empty()) return std::nullopt;
    auto line = std::move(lines_.front());
    lines_.pop_front();
    return nlohmann::json::parse(line, nullptr, false);
  }
  // Waits for the stream to end; true when it did.
  bool waitDone(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return done_; });
  }
  int status() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }
  // The stream ended with its terminating chunk (not a dropped connection).
  bool endedCleanly() {
    std::lock_guard<std::mutex> lock(mu_);
    return clean_;
  }
  std::string rawBody() {
    std::lock_guard<std::mutex> lock(mu_);
    return raw_;
  }

 private:
  void run() {
    auto res = client_.Get(
        path_.c_str(), headers_,
        [this](const httplib::Response& r) {
          std::lock_guard<std::mutex> lock(mu_);
          status_ = r.status;
          return true;
        },
        [this](const char* data, size_t n) {
          std::lock_guard<std::mutex> lock(mu_);
          raw_.append(data, n);
          partial_.append(data, n);
          size_t nl;
          while ((nl = partial_.find('\n')) != std::string::npos) {
            lines_.push_back(partial_.substr(0, nl));
            partial_.erase(0, nl + 1);
          }
          cv_.notify_all();
          return true;
        });
    std::lock_guard<std::mutex> lock(mu_);
    clean_ = static_cast<bool>(res);
    if (res && status_ == 0) status_ = res->status;
    done_ = true;
    cv_.notify_all();
  }

  httplib::Client client_;
  std::string path_;
  httplib::Headers headers_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> lines_;
  std::string partial_;
  std::string raw_;
  int status_ = 0;
  bool clean_ = false;
  bool done_ = false;
};

}  // namespace copycat::testing
