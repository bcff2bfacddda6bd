#include "http/ca_bundle.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <curl/curl.h>
#include <fmt/format.h>

#include "base/log.h"
#include "http/curl_global.h"
#include "http/curl_handle.h"

namespace copycat::http {
namespace {

constexpr std::string_view kPemCertificate = "-----BEGIN CERTIFICATE-----";

bool readFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return false;
  }
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

Result<std::string> extraAnchors(const TlsOptions& tls) {
  std::string pem;
  if (!tls.ca_file.empty()) {
    if (!readFile(tls.ca_file, pem)) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("cannot read CA bundle {}", tls.ca_file));
    }
    if (pem.find(kPemCertificate) == std::string::npos) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("CA bundle {} holds no PEM certificate", tls.ca_file));
    }
  }
  if (!tls.ca_pem.empty()) {
    if (tls.ca_pem.find(kPemCertificate) == std::string::npos) {
      return fail(ErrorCode::kInvalidArgument, "inline CA bundle holds no PEM certificate");
    }
    if (!pem.empty() && pem.back() != '\n') {
      pem += '\n';
    }
    pem += tls.ca_pem;
  }
  return pem;
}

}  // namespace

std::string systemCaBundlePath() {
  if (const char* env = std::getenv("SSL_CERT_FILE"); env != nullptr && *env != '\0') {
    return env;
  }
  ensureCurlGlobalInit();
  CurlEasyPtr probe(curl_easy_init());
  char* path = nullptr;
  // CURLINFO_CAINFO (7.84+) reports the built-in default bundle.
  if (probe && curl_easy_getinfo(probe.get(), CURLINFO_CAINFO, &path) == CURLE_OK &&
      path != nullptr) {
    return path;
  }
  return {};
}

Result<TrustStore> buildTrustStore(const TlsOptions& tls) {
  ASSIGN_OR_RETURN(std::string extra, extraAnchors(tls));
  TrustStore store;
  std::string system_path = tls.use_system_cas ? systemCaBundlePath() : std::string();
  if (extra.empty()) {
    if (!tls.use_system_cas) {
      return fail(ErrorCode::kInvalidArgument,
                  "TLS needs trust anchors: enable system CAs or set ca_file/ca_pem");
    }
    store.ca_file = system_path;
    return store;
  }
  store.use_ca_path = tls.use_system_cas;
  if (!system_path.empty()) {
    if (!readFile(system_path, store.ca_blob)) {
      // A container image without ca-certificates: the extra anchors still work.
      LOG_WARN("http", "cannot read system CA bundle", {{"path", system_path}});
      store.ca_blob.clear();
    }
  }
  if (!store.ca_blob.empty() && store.ca_blob.back() != '\n') {
    store.ca_blob += '\n';
  }
  store.ca_blob += extra;
  return store;
}

}  // namespace copycat::http
