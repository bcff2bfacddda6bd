// ApiClient::create: the libcurl transport a ClusterConfig asks for.
#include <utility>

#include "http/curl_http_client.h"
#include "http/url.h"
#include "kube/api_client.h"
#include "kube/exec_credential.h"

namespace copycat::kube {
namespace {

// The client certificate: the kubeconfig's, else one an exec plugin hands out (EKS-style
// plugins return tokens; some OIDC/mTLS plugins return certificates). The plugin runs now;
// a certificate it rotates later needs a new client.
Status clientCertificate(const ClusterConfig& config, const std::shared_ptr<TokenSource>& tokens,
                         http::TlsOptions& tls) {
  tls.client_cert_pem = config.client_cert_pem;
  tls.client_key_pem = config.client_key_pem;
  auto exec = std::dynamic_pointer_cast<ExecCredentialProvider>(tokens);
  if (!exec || !tls.client_cert_pem.empty()) {
    return ok();
  }
  ASSIGN_OR_RETURN(ExecCredential credential, exec->credential());
  tls.client_cert_pem = std::move(credential.client_cert_pem);
  tls.client_key_pem = std::move(credential.client_key_pem);
  return ok();
}

}  // namespace

Result<std::unique_ptr<ApiClient>> ApiClient::create(const ClusterConfig& config, Clock& clock,
                                                     Options options) {
  std::string server = config.server;
  while (!server.empty() && server.back() == '/') {
    server.pop_back();
  }
  auto url = http::parseUrl(server);
  if (!url || (url->scheme != "https" && url->scheme != "http")) {
    return fail(ErrorCode::kInvalidArgument, "invalid API server URL \"" + server + "\"");
  }
  ASSIGN_OR_RETURN(std::shared_ptr<TokenSource> tokens, makeTokenSource(config, clock));

  http::CurlHttpClient::Options http_options;
  http_options.user_agent = options.user_agent;
  // Watches are idle for minutes between events: no low-speed abort; every request carries
  // its own deadline instead (ApiClient::Options::request_timeout, watch timeoutSeconds).
  http_options.low_speed_limit_bytes_per_second = 0;
  // A kubeconfig CA replaces the system trust store, as in client-go.
  http_options.tls.use_system_cas = config.ca_pem.empty();
  http_options.tls.ca_pem = config.ca_pem;
  http_options.tls.server_name = config.tls_server_name;
  RETURN_IF_ERROR(clientCertificate(config, tokens, http_options.tls));
  if (config.insecure_skip_tls_verify) {
    http_options.insecure_hosts.push_back(url->authority());
  }
  if (!config.proxy_url.empty()) {
    http::ProxyConfig proxy;
    proxy.http_proxy = config.proxy_url;
    proxy.https_proxy = config.proxy_url;
    http_options.proxy = proxy;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<http::CurlHttpClient> http,
                   http::CurlHttpClient::create(std::move(http_options)));
  return std::make_unique<ApiClient>(std::shared_ptr<http::HttpClient>(std::move(http)),
                                     std::move(server), std::move(tokens), clock,
                                     std::move(options));
}

}  // namespace copycat::kube
