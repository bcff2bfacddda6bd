// Typed, error-collecting wrapper over curl_easy_setopt. Internal to http/.
#pragma once

#include <string>

#include <curl/curl.h>

namespace copycat::http {

// Records the first failing option so a hop's setup reads as a list of settings with one
// check at the end. Not thread-safe; used by the thread that owns the handle.
class EasyOptions {
 public:
  explicit EasyOptions(CURL* easy) : easy_(easy) {}

  void setLong(CURLoption option, long value);
  void setOffset(CURLoption option, curl_off_t value);
  // libcurl copies strings (CURLOPT_* char* options, since 7.17); null resets to the default.
  void setString(CURLoption option, const char* value);
  void setString(CURLoption option, const std::string& value) { setString(option, value.c_str()); }
  // `list` must stay alive until the transfer ends.
  void setList(CURLoption option, curl_slist* list);
  // Points libcurl at `pem` without copying it; `pem` must outlive the transfer.
  void setBlob(CURLoption option, const std::string& pem);
  void setShare(CURLSH* share);

  [[nodiscard]] bool ok() const { return first_error_ == CURLE_OK; }
  [[nodiscard]] CURLcode error() const { return first_error_; }

 private:
  void record(CURLcode code);

  CURL* easy_;
  CURLcode first_error_ = CURLE_OK;
};

}  // namespace copycat::http
