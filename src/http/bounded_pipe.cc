#include "http/bounded_pipe.h"

#include <algorithm>
#include <cstring>

namespace copycat::http {

BoundedPipe::BoundedPipe(size_t capacity_bytes, std::stop_token stop)
    : capacity_(std::max<size_t>(capacity_bytes, 1)),
      buffer_(new char[capacity_]) {  // default-initialised: not zero-filled
  if (stop.stop_possible()) {
    stop_callback_.emplace(std::move(stop), [this] { onStop(); });
  }
}

void BoundedPipe::onStop() { abort(Error{ErrorCode::kCancelled, "stream cancelled"}); }

Status BoundedPipe::write(std::string_view data) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!data.empty()) {
    not_full_.wait(lock, [this] { return error_ || closed_ || size_ < capacity_; });
    if (error_) {
      return fail(*error_);
    }
    if (closed_) {
      return fail(ErrorCode::kInternal, "write to a closed pipe");
    }
    size_t tail = (head_ + size_) % capacity_;
    size_t contiguous = std::min(capacity_ - size_, capacity_ - tail);
    size_t n = std::min(contiguous, data.size());
    std::memcpy(buffer_.get() + tail, data.data(), n);
    size_ += n;
    data.remove_prefix(n);
    not_empty_.notify_one();
  }
  if (error_) {
    return fail(*error_);
  }
  return closed_ ? fail(ErrorCode::kInternal, "write to a closed pipe") : ok();
}

void BoundedPipe::close() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  not_empty_.notify_all();
}

Result<size_t> BoundedPipe::read(char* buffer, size_t max) {
  std::unique_lock<std::mutex> lock(mu_);
  if (max == 0) {
    return error_ ? Result<size_t>(fail(*error_)) : Result<size_t>(0);
  }
  not_empty_.wait(lock, [this] { return error_ || size_ > 0 || closed_; });
  if (error_) {
    return fail(*error_);
  }
  size_t n = 0;
  while (n < max && size_ > 0) {
    size_t contiguous = std::min(size_, capacity_ - head_);
    size_t take = std::min(contiguous, max - n);
    std::memcpy(buffer + n, buffer_.get() + head_, take);
    head_ = (head_ + take) % capacity_;
    size_ -= take;
    n += take;
  }
  not_full_.notify_one();
  return n;  // 0 only when closed and drained
}

void BoundedPipe::abort(Error error) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!error_) {
    error_ = std::move(error);
  }
  size_ = 0;
  not_full_.notify_all();
  not_empty_.notify_all();
}

std::optional<Error> BoundedPipe::abortError() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

size_t BoundedPipe::bufferedBytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return size_;
}

BodySink BoundedPipe::sink() {
  return [this](std::string_view chunk) { return write(chunk); };
}

BodySource BoundedPipe::source() {
  return [this](char* buffer, size_t max) { return read(buffer, max); };
}

}  // namespace copycat::http
