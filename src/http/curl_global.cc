#include "http/curl_global.h"

#include <cstdlib>
#include <mutex>

#include <curl/curl.h>

#include "base/log.h"

namespace copycat::http {

void ensureCurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] {
    CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
      LOG_ERROR("http", "curl_global_init failed", {{"error", curl_easy_strerror(rc)}});
      std::abort();
    }
  });
}

}  // namespace copycat::http
