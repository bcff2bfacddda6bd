#include "http/curl_transfer.h"

#include <algorithm>
#include <cstring>
#include <stop_token>

#include <fmt/format.h>

#include "base/strings.h"
#include "http/curl_error.h"
#include "http/redirect.h"

namespace copycat::http {
namespace {

// Upper bound for one curl_multi_poll() wait; libcurl wakes earlier for its own timers and
// curl_multi_wakeup() ends it at once on cancellation.
constexpr int kPollIntervalMs = 1000;

HttpVersion toHttpVersion(long version) {
  switch (version) {
    case CURL_HTTP_VERSION_1_0:
      return HttpVersion::kHttp10;
    case CURL_HTTP_VERSION_1_1:
      return HttpVersion::kHttp11;
    case CURL_HTTP_VERSION_2_0:
      return HttpVersion::kHttp2;
    case CURL_HTTP_VERSION_3:
      return HttpVersion::kHttp3;
    default:
      return HttpVersion::kUnknown;
  }
}

}  // namespace

CurlTransfer::CurlTransfer(const CurlSlot& slot, const Request& request, bool send_body)
    : slot_(slot), request_(request), send_body_(send_body) {}

bool CurlTransfer::installCallbacks() {
  CURL* easy = slot_.easy();
  bool ok = curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer_.data()) == CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &CurlTransfer::onHeader) == CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_HEADERDATA, this) == CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &CurlTransfer::onWrite) == CURLE_OK &&
            curl_easy_setopt(easy, CURLOPT_WRITEDATA, this) == CURLE_OK;
  if (ok && send_body_) {
    ok = curl_easy_setopt(easy, CURLOPT_READFUNCTION, &CurlTransfer::onRead) == CURLE_OK &&
         curl_easy_setopt(easy, CURLOPT_READDATA, this) == CURLE_OK &&
         curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, &CurlTransfer::onSeek) == CURLE_OK &&
         curl_easy_setopt(easy, CURLOPT_SEEKDATA, this) == CURLE_OK;
  }
  return ok;
}

size_t CurlTransfer::onHeader(char* data, size_t size, size_t count, void* self) {
  static_cast<CurlTransfer*>(self)->handleHeaderLine(std::string_view(data, size * count));
  return size * count;
}

void CurlTransfer::handleHeaderLine(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  if (line.starts_with("HTTP/")) {
    // A new status line: interim 1xx responses and proxy CONNECT replies come first.
    result_.headers.clear();
    return;
  }
  if (line.empty()) {
    return;
  }
  if (line.front() == ' ' || line.front() == '\t') {
    result_.headers.appendToLast(line);
    return;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return;
  }
  result_.headers.add(std::string(strings::trim(line.substr(0, colon))),
                      std::string(strings::trim(line.substr(colon + 1))));
}

size_t CurlTransfer::onWrite(char* data, size_t size, size_t count, void* self) {
  return static_cast<CurlTransfer*>(self)->handleWrite(std::string_view(data, size * count));
}

CurlTransfer::BodyMode CurlTransfer::decideBodyMode() const {
  long status = 0;
  curl_easy_getinfo(slot_.easy(), CURLINFO_RESPONSE_CODE, &status);
  int code = static_cast<int>(status);
  if (request_.follow_redirects && isRedirectStatus(code) && result_.headers.has("Location")) {
    return BodyMode::kDiscard;  // the client follows it; the body is only a courtesy note
  }
  if (request_.body_sink && code >= 200 && code < 300) {
    return BodyMode::kSink;
  }
  return BodyMode::kBuffer;
}

size_t CurlTransfer::handleWrite(std::string_view chunk) {
  if (mode_ == BodyMode::kUndecided) {
    mode_ = decideBodyMode();
  }
  switch (mode_) {
    case BodyMode::kDiscard:
      return chunk.size();
    case BodyMode::kSink: {
      Status status = request_.body_sink(chunk);
      if (!status) {
        abort_error_ = std::move(status).error();
        return 0;  // != chunk.size(): CURLE_WRITE_ERROR
      }
      return chunk.size();
    }
    default:
      if (result_.body.size() + chunk.size() > request_.max_body_bytes) {
        abort_error_ =
            Error{ErrorCode::kProtocol,
                  fmt::format("response body too large (limit {} bytes)", request_.max_body_bytes)};
        return 0;
      }
      result_.body.append(chunk);
      return chunk.size();
  }
}

size_t CurlTransfer::onRead(char* buffer, size_t size, size_t count, void* self) {
  return static_cast<CurlTransfer*>(self)->handleRead(buffer, size * count);
}

size_t CurlTransfer::handleRead(char* buffer, size_t max) {
  if (!request_.body_source) {
    size_t n = std::min(max, request_.body.size() - body_offset_);
    std::memcpy(buffer, request_.body.data() + body_offset_, n);
    body_offset_ += n;
    return n;
  }
  Result<size_t> produced = request_.body_source(buffer, max);
  if (!produced) {
    abort_error_ = std::move(produced).error();
    return CURL_READFUNC_ABORT;
  }
  if (*produced > max) {
    abort_error_ = Error{ErrorCode::kInternal, "request body source overran its buffer"};
    return CURL_READFUNC_ABORT;
  }
  source_bytes_ += *produced;
  // With a declared length libcurl sent Content-Length; a source that disagrees would leave
  // the peer waiting for bytes that never come, or smuggle extra ones.
  auto declared = request_.content_length;
  if (declared >= 0 && (source_bytes_ > static_cast<uint64_t>(declared) ||
                        (*produced == 0 && source_bytes_ < static_cast<uint64_t>(declared)))) {
    abort_error_ = Error{
        ErrorCode::kInternal,
        fmt::format("request body source produced {} bytes, {} declared", source_bytes_, declared)};
    return CURL_READFUNC_ABORT;
  }
  return *produced;
}

int CurlTransfer::onSeek(void* self, curl_off_t offset, int origin) {
  // libcurl rewinds when it resends a request on a fresh connection (a reused connection was
  // closed by the peer). A string body can always rewind; a stream only before it started.
  auto* transfer = static_cast<CurlTransfer*>(self);
  if (origin != SEEK_SET || offset != 0) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  if (transfer->request_.body_source) {
    return transfer->source_bytes_ == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_CANTSEEK;
  }
  transfer->body_offset_ = 0;
  return CURL_SEEKFUNC_OK;
}

CURLcode CurlTransfer::runMultiLoop(bool& cancelled) {
  CURLM* multi = slot_.multi();
  while (true) {
    int running = 0;
    CURLMcode mc = curl_multi_perform(multi, &running);
    if (mc == CURLM_OK && running != 0 && !request_.stop.stop_requested()) {
      mc = curl_multi_poll(multi, nullptr, 0, kPollIntervalMs, nullptr);
    }
    if (mc != CURLM_OK) {
      abort_error_ = Error{ErrorCode::kInternal, curl_multi_strerror(mc)};
      return CURLE_ABORTED_BY_CALLBACK;
    }
    if (running == 0) {
      break;
    }
    if (request_.stop.stop_requested()) {
      cancelled = true;
      return CURLE_ABORTED_BY_CALLBACK;
    }
  }
  CURLcode result = CURLE_OK;
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
    if (msg->msg == CURLMSG_DONE) {
      result = msg->data.result;
    }
  }
  return result;
}

void CurlTransfer::collectInfo() {
  CURL* easy = slot_.easy();
  long status = 0;
  long version = 0;
  long connects = 0;
  curl_off_t total_us = 0;
  curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME_T, &total_us);
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo(easy, CURLINFO_HTTP_VERSION, &version);
  curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects);
  result_.status = static_cast<int>(status);
  result_.http_version = toHttpVersion(version);
  result_.new_connections = connects;
  result_.duration_us = total_us;
}

Result<HopResult> CurlTransfer::perform(std::string_view what, std::string_view host) {
  if (request_.stop.stop_requested()) {
    return fail(ErrorCode::kCancelled, fmt::format("{}: cancelled", what));
  }
  CURLM* multi = slot_.multi();
  if (curl_multi_add_handle(multi, slot_.easy()) != CURLM_OK) {
    return fail(ErrorCode::kInternal, fmt::format("{}: cannot start transfer", what));
  }
  bool cancelled = false;
  CURLcode code = CURLE_OK;
  {
    // Wakes curl_multi_poll() from the thread that requests the stop (documented thread-safe).
    std::stop_callback wake(request_.stop, [multi] { curl_multi_wakeup(multi); });
    code = runMultiLoop(cancelled);
  }
  curl_multi_remove_handle(multi, slot_.easy());
  if (cancelled) {
    return fail(ErrorCode::kCancelled, fmt::format("{}: cancelled", what));
  }
  if (abort_error_) {
    return fail(abort_error_->withContext(what));
  }
  if (code != CURLE_OK) {
    return fail(curlError(code, what, host, error_buffer_.data()));
  }
  collectInfo();
  return std::move(result_);
}

}  // namespace copycat::http
