// One HTTP exchange (one redirect hop) on a CurlSlot: response header/body collection, request
// body production, cancellation. Internal to http/.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <curl/curl.h>

#include "base/result.h"
#include "http/curl_handle.h"
#include "http/headers.h"
#include "http/http_client.h"

namespace copycat::http {

struct HopResult {
  int status = 0;
  Headers headers{};
  std::string body{};
  HttpVersion http_version = HttpVersion::kUnknown;
  int64_t new_connections = 0;
  int64_t duration_us = 0;
};

// Not thread-safe; lives for one hop on the calling thread. Does not own `slot` or `request`,
// which must outlive it.
class CurlTransfer {
 public:
  CurlTransfer(const CurlSlot& slot, const Request& request, bool send_body);
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  // Points the header, write, read and seek callbacks and the error buffer at this object.
  // Call after every other option of the hop is set. Returns false if libcurl refused.
  [[nodiscard]] bool installCallbacks();

  // Blocks until the exchange completes, fails, or request.stop fires (then kCancelled within
  // one poll wake-up; a BodySource/BodySink blocked in its own wait is not interrupted).
  // `what` ("GET <redacted url>") and `host` prefix error messages.
  [[nodiscard]] Result<HopResult> perform(std::string_view what, std::string_view host);

 private:
  enum class BodyMode { kUndecided, kDiscard, kSink, kBuffer };

  static size_t onHeader(char* data, size_t size, size_t count, void* self);
  static size_t onWrite(char* data, size_t size, size_t count, void* self);
  static size_t onRead(char* buffer, size_t size, size_t count, void* self);
  static int onSeek(void* self, curl_off_t offset, int origin);

  void handleHeaderLine(std::string_view line);
  size_t handleWrite(std::string_view chunk);
  size_t handleRead(char* buffer, size_t max);
  BodyMode decideBodyMode() const;
  CURLcode runMultiLoop(bool& cancelled);
  void collectInfo();

  const CurlSlot& slot_;
  const Request& request_;
  bool send_body_;
  BodyMode mode_ = BodyMode::kUndecided;
  size_t body_offset_ = 0;     // next byte of request_.body to send
  uint64_t source_bytes_ = 0;  // bytes produced so far by request_.body_source
  HopResult result_;
  std::optional<Error> abort_error_;  // why a callback aborted the transfer
  std::array<char, CURL_ERROR_SIZE> error_buffer_{};
};

}  // namespace copycat::http
