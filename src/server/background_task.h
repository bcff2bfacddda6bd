// BackgroundTask: runs one job at a time on its own thread, for admin actions that answer 202 at
// once and keep working (force reconcile): tryStart() says whether the job started or one is
// already running. The adapter behind AdminBackend::forceReconcile() can be this plus a lambda.
//
// Thread-safe. The destructor requests stop through the job's stop_token and joins.
#pragma once

#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

namespace copycat::server {

class BackgroundTask {
 public:
  using Job = std::function<void(std::stop_token)>;

  explicit BackgroundTask(std::string name);
  ~BackgroundTask();
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;

  // Starts `job` unless one is running; false means "already running". Refused after stop().
  [[nodiscard]] bool tryStart(Job job);
  [[nodiscard]] bool isRunning() const;
  // Requests stop, waits for the running job, and refuses later starts. Idempotent.
  void stop();

 private:
  void run(const std::stop_token& token, const Job& job);

  std::string name_;
  mutable std::mutex mu_;
  bool running_ = false;  // guarded by mu_
  bool stopped_ = false;  // guarded by mu_
  std::jthread thread_;   // guarded by mu_ (joined outside it)
};

}  // namespace copycat::server
