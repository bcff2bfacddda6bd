#include "http/curl_share.h"

#include "http/curl_global.h"

namespace copycat::http {

std::unique_ptr<CurlShare> CurlShare::create() {
  ensureCurlGlobalInit();
  std::unique_ptr<CurlShare> share(new CurlShare());
  share->share_ = curl_share_init();
  if (share->share_ == nullptr) {
    return nullptr;
  }
  CURLSH* sh = share->share_;
  bool ok = curl_share_setopt(sh, CURLSHOPT_LOCKFUNC, &CurlShare::lock) == CURLSHE_OK &&
            curl_share_setopt(sh, CURLSHOPT_UNLOCKFUNC, &CurlShare::unlock) == CURLSHE_OK &&
            curl_share_setopt(sh, CURLSHOPT_USERDATA, share.get()) == CURLSHE_OK &&
            curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) == CURLSHE_OK &&
            curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) == CURLSHE_OK;
  return ok ? std::move(share) : nullptr;
}

CurlShare::~CurlShare() {
  if (share_ != nullptr) {
    curl_share_cleanup(share_);
  }
}

std::mutex& CurlShare::mutexFor(curl_lock_data data) {
  auto index = static_cast<size_t>(data);
  return mutexes_[index < mutexes_.size() ? index : 0];
}

void CurlShare::lock(CURL* /*handle*/, curl_lock_data data, curl_lock_access /*access*/,
                     void* self) {
  static_cast<CurlShare*>(self)->mutexFor(data).lock();
}

void CurlShare::unlock(CURL* /*handle*/, curl_lock_data data, void* self) {
  static_cast<CurlShare*>(self)->mutexFor(data).unlock();
}

}  // namespace copycat::http
