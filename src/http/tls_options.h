// TLS settings of a CurlHttpClient: trust anchors, client certificate, server name override.
#pragma once

#include <string>

namespace copycat::http {

// A value type. File and in-memory variants may be combined; in-memory PEM wins for the client
// certificate and key.
struct TlsOptions {
  // Trust the system CA bundle (SSL_CERT_FILE when set, else libcurl's default bundle).
  bool use_system_cas = true;
  // Extra trust anchors, trusted in addition to the system CAs (or alone when
  // use_system_cas is false): a PEM bundle file and/or PEM text.
  std::string ca_file{};
  std::string ca_pem{};
  // Client certificate and key for mutual TLS (Kubernetes client-certificate auth).
  std::string client_cert_file{};
  std::string client_key_file{};
  std::string client_cert_pem{};
  std::string client_key_pem{};
  // Name to expect in the server certificate and to send as SNI instead of the URL host
  // (kubeconfig tls-server-name); the TCP connection still goes to the URL host.
  std::string server_name{};
};

}  // namespace copycat::http
