#include "http/curl_easy_options.h"

namespace copycat::http {

// The parenthesised (curl_easy_setopt) calls the function directly instead of the
// typecheck-gcc.h macro: these wrappers are the type check, and the macro's compile-time
// warnings misfire once the option becomes a constant after inlining.

void EasyOptions::record(CURLcode code) {
  if (first_error_ == CURLE_OK) {
    first_error_ = code;
  }
}

void EasyOptions::setLong(CURLoption option, long value) {
  record((curl_easy_setopt)(easy_, option, value));
}

void EasyOptions::setOffset(CURLoption option, curl_off_t value) {
  record((curl_easy_setopt)(easy_, option, value));
}

void EasyOptions::setString(CURLoption option, const char* value) {
  record((curl_easy_setopt)(easy_, option, value));
}

void EasyOptions::setList(CURLoption option, curl_slist* list) {
  record((curl_easy_setopt)(easy_, option, list));
}

void EasyOptions::setBlob(CURLoption option, const std::string& pem) {
  // CURL_BLOB_NOCOPY: libcurl keeps the pointer; the client owns the bytes for its lifetime.
  curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_NOCOPY};
  record((curl_easy_setopt)(easy_, option, &blob));
}

void EasyOptions::setShare(CURLSH* share) {
  record((curl_easy_setopt)(easy_, CURLOPT_SHARE, share));
}

}  // namespace copycat::http
