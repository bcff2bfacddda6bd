// A throwaway PKI for TLS tests: one CA, a server certificate and a client certificate, created
// with OpenSSL at test time and written as PEM files into a temporary directory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"

namespace copycat::testing {

// Not thread-safe to create concurrently with itself; the accessors are const and safe. Removes
// its directory in the destructor.
class TestCertificates {
 public:
  // Creates the CA and certificates. `server_names` become the server certificate's
  // subjectAltNames: entries that parse as IPv4/IPv6 addresses are IP SANs, the rest DNS SANs.
  // Errors: kInternal when OpenSSL or the file system fails.
  [[nodiscard]] static Result<std::unique_ptr<TestCertificates>> create(
      const std::vector<std::string>& server_names = {"localhost", "127.0.0.1"});
  ~TestCertificates();
  TestCertificates(const TestCertificates&) = delete;
  TestCertificates& operator=(const TestCertificates&) = delete;

  [[nodiscard]] const std::string& dir() const { return dir_; }
  [[nodiscard]] std::string caCertFile() const { return dir_ + "/ca.pem"; }
  [[nodiscard]] std::string serverCertFile() const { return dir_ + "/server.pem"; }
  [[nodiscard]] std::string serverKeyFile() const { return dir_ + "/server-key.pem"; }
  [[nodiscard]] std::string clientCertFile() const { return dir_ + "/client.pem"; }
  [[nodiscard]] std::string clientKeyFile() const { return dir_ + "/client-key.pem"; }

  [[nodiscard]] const std::string& caCertPem() const { return ca_cert_pem_; }
  [[nodiscard]] const std::string& clientCertPem() const { return client_cert_pem_; }
  [[nodiscard]] const std::string& clientKeyPem() const { return client_key_pem_; }

 private:
  TestCertificates() = default;

  std::string dir_;
  std::string ca_cert_pem_;
  std::string client_cert_pem_;
  std::string client_key_pem_;
};

}  // namespace copycat::testing
