#include "http/curl_handle.h"

#include "http/curl_global.h"

namespace copycat::http {
namespace {

// Idle connections one slot keeps (libcurl's default is 4 per added easy handle); registry
// traffic touches the registry, its token server and a storage backend.
constexpr long kMaxIdleConnectionsPerSlot = 8;

}  // namespace

bool slistAppend(CurlSlistPtr& list, const std::string& line) {
  curl_slist* appended = curl_slist_append(list.get(), line.c_str());
  if (appended == nullptr) {
    return false;
  }
  static_cast<void>(list.release());
  list.reset(appended);
  return true;
}

std::unique_ptr<CurlSlot> CurlSlot::create() {
  ensureCurlGlobalInit();
  CurlEasyPtr easy(curl_easy_init());
  CurlMultiPtr multi(curl_multi_init());
  if (!easy || !multi) {
    return nullptr;
  }
  curl_multi_setopt(multi.get(), CURLMOPT_MAXCONNECTS, kMaxIdleConnectionsPerSlot);
  return std::unique_ptr<CurlSlot>(new CurlSlot(std::move(easy), std::move(multi)));
}

CurlSlot::CurlSlot(CurlEasyPtr easy, CurlMultiPtr multi)
    : easy_(std::move(easy)), multi_(std::move(multi)) {}

CurlSlot::~CurlSlot() {
  // libcurl-multi(3): remove easy handles, clean them up, then clean up the multi handle. The
  // easy handle is never left attached after a transfer, so only the order matters here.
  easy_.reset();
  multi_.reset();
}

}  // namespace copycat::http
