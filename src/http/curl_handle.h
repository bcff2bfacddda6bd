// RAII owners for libcurl handles. Internal to http/.
#pragma once

#include <memory>
#include <string>

#include <curl/curl.h>

namespace copycat::http {

struct CurlEasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
struct CurlSlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMultiPtr = std::unique_ptr<CURLM, CurlMultiDeleter>;
using CurlSlistPtr = std::unique_ptr<curl_slist, CurlSlistDeleter>;

// Appends `line` to `list`; returns false when libcurl is out of memory (list unchanged).
[[nodiscard]] bool slistAppend(CurlSlistPtr& list, const std::string& line);

// One easy handle paired with a private multi handle. The multi handle drives the transfer so a
// stop request can wake curl_multi_poll() at once, and its connection cache keeps the idle
// connections this handle reuses. Not thread-safe: used by one send() call at a time, possibly
// on different threads over its life (libcurl allows moving handles between threads).
class CurlSlot {
 public:
  // Returns null when libcurl cannot allocate the handles.
  static std::unique_ptr<CurlSlot> create();
  ~CurlSlot();
  CurlSlot(const CurlSlot&) = delete;
  CurlSlot& operator=(const CurlSlot&) = delete;

  [[nodiscard]] CURL* easy() const { return easy_.get(); }
  [[nodiscard]] CURLM* multi() const { return multi_.get(); }

 private:
  CurlSlot(CurlEasyPtr easy, CurlMultiPtr multi);

  CurlEasyPtr easy_;
  CurlMultiPtr multi_;
};

}  // namespace copycat::http
