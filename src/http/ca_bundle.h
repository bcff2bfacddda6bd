// Trust anchors for CurlHttpClient: system CAs plus optional extra PEM bundles. Internal to http/.
//
// Why CURLOPT_CAINFO_BLOB with a concatenated bundle rather than CURLOPT_SSL_CTX_FUNCTION adding
// certificates to OpenSSL's store: it keeps OpenSSL headers out of http/ (architecture §2.3),
// works with any libcurl TLS backend, and needs no temporary files. The cost is that libcurl
// 7.88 parses the blob on every new TLS connection (its CA cache covers only CURLOPT_CAINFO
// paths), a few milliseconds that connection reuse amortises.
#pragma once

#include <string>

#include "base/result.h"
#include "http/tls_options.h"

namespace copycat::http {

// How to configure libcurl's trust store.
struct TrustStore {
  std::string ca_blob{};    // PEM for CURLOPT_CAINFO_BLOB; empty = not used
  std::string ca_file{};    // path for CURLOPT_CAINFO; empty = libcurl's default
  bool use_ca_path = true;  // false clears CURLOPT_CAPATH so only the given anchors count
};

// Returns SSL_CERT_FILE when set, else libcurl's compiled-in CA bundle path (may be "").
[[nodiscard]] std::string systemCaBundlePath();

// Builds the trust store for `tls`. Errors: kInvalidArgument when an extra bundle cannot be
// read or holds no PEM certificate, or when neither system CAs nor extra CAs are enabled.
[[nodiscard]] Result<TrustStore> buildTrustStore(const TlsOptions& tls);

}  // namespace copycat::http
