// A libcurl share object holding the DNS cache and TLS session cache of one client.
#pragma once

#include <array>
#include <memory>
#include <mutex>

#include <curl/curl.h>

namespace copycat::http {

// Thread-safe: libcurl calls the lock callbacks, which hold one mutex per kind of shared data
// (CURLSHOPT_LOCKFUNC(3): "use a different lock for each kind of data").
//
// The connection cache is deliberately NOT shared: libcurl 7.88 documents that sharing
// connections between concurrent threads is unsupported (CURLSHOPT_SHARE(3), known bug). Each
// pooled CurlSlot keeps its own connections instead, and the client's LIFO pool hands a thread
// the slot it just released, so sequential requests reuse their connection.
//
// Must outlive every easy handle that uses it.
class CurlShare {
 public:
  // Returns null when libcurl cannot allocate the share object.
  static std::unique_ptr<CurlShare> create();
  ~CurlShare();
  CurlShare(const CurlShare&) = delete;
  CurlShare& operator=(const CurlShare&) = delete;

  [[nodiscard]] CURLSH* get() const { return share_; }

 private:
  CurlShare() = default;
  static void lock(CURL* handle, curl_lock_data data, curl_lock_access access, void* self);
  static void unlock(CURL* handle, curl_lock_data data, void* self);
  std::mutex& mutexFor(curl_lock_data data);

  CURLSH* share_ = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> mutexes_;
};

}  // namespace copycat::http
