#include "server/background_task.h"

#include <cstdlib>
#include <exception>
#include <utility>

#include "base/log.h"

namespace copycat::server {

BackgroundTask::BackgroundTask(std::string name) : name_(std::move(name)) {}

BackgroundTask::~BackgroundTask() { stop(); }

bool BackgroundTask::tryStart(Job job) {
  std::jthread finished;
  {
    std::lock_guard lock(mu_);
    if (running_ || stopped_) {
      return false;
    }
    running_ = true;
    finished = std::move(thread_);  // the previous run has returned; joined below
    thread_ =
        std::jthread([this, job = std::move(job)](std::stop_token token) { run(token, job); });
  }
  return true;  // `finished` joins here, outside the lock
}

void BackgroundTask::run(const std::stop_token& token, const Job& job) {
  // A bug must not leave a half-dead task (thread entry points catch, log and abort).
  try {
    job(token);
  } catch (const std::exception& e) {
    LOG_ERROR("server", "background task failed", {{"task", name_}, {"error", e.what()}});
    std::abort();
  }
  std::lock_guard lock(mu_);
  running_ = false;
}

bool BackgroundTask::isRunning() const {
  std::lock_guard lock(mu_);
  return running_;
}

void BackgroundTask::stop() {
  std::jthread thread;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    thread = std::move(thread_);
  }
  if (thread.joinable()) {
    thread.request_stop();
    thread.join();
  }
}

}  // namespace copycat::server
