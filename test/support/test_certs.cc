#include "support/test_certs.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <utility>

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace copycat::testing {
namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;

constexpr long kValiditySeconds = 7L * 24 * 3600;
constexpr long kBackdateSeconds = 3600;  // tolerate small clock differences

KeyPtr newKey() {
  return KeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
}

bool addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) {
    return false;
  }
  bool added = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return added;
}

struct CertSpec {
  std::string common_name;
  std::vector<std::pair<int, std::string>> extensions;  // (NID, config value)
};

// Issues a certificate for `key`; self-signed when `issuer` is null.
CertPtr issue(EVP_PKEY* key, const CertSpec& spec, X509* issuer, EVP_PKEY* issuer_key) {
  CertPtr cert(X509_new(), X509_free);
  uint64_t serial = 0;
  if (!cert || RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof(serial)) != 1) {
    return CertPtr(nullptr, X509_free);
  }
  X509* c = cert.get();
  X509_set_version(c, X509_VERSION_3);
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(c), serial >> 1);
  X509_gmtime_adj(X509_getm_notBefore(c), -kBackdateSeconds);
  X509_gmtime_adj(X509_getm_notAfter(c), kValiditySeconds);
  X509_set_pubkey(c, key);
  X509_NAME* name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  X509* signer = issuer != nullptr ? issuer : c;
  X509_set_issuer_name(c, X509_get_subject_name(signer));
  for (const auto& [nid, value] : spec.extensions) {
    if (!addExtension(c, signer, nid, value)) {
      return CertPtr(nullptr, X509_free);
    }
  }
  if (X509_sign(c, issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
    return CertPtr(nullptr, X509_free);
  }
  return cert;
}

std::string bioText(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

std::string certPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  return bio && PEM_write_bio_X509(bio.get(), cert) == 1 ? bioText(bio.get()) : std::string();
}

std::string keyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  bool ok =
      bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  return ok ? bioText(bio.get()) : std::string();
}

bool writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

std::string subjectAltNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    unsigned char addr[16];
    bool is_ip =
        inet_pton(AF_INET, name.c_str(), addr) == 1 || inet_pton(AF_INET6, name.c_str(), addr) == 1;
    out += (out.empty() ? "" : ",") + std::string(is_ip ? "IP:" : "DNS:") + name;
  }
  return out;
}

Result<std::string> makeTempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/copycat-certs-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    return fail(ErrorCode::kInternal, "mkdtemp failed");
  }
  return templ;
}

}  // namespace

Result<std::unique_ptr<TestCertificates>> TestCertificates::create(
    const std::vector<std::string>& server_names) {
  KeyPtr ca_key = newKey();
  KeyPtr server_key = newKey();
  KeyPtr client_key = newKey();
  if (!ca_key || !server_key || !client_key) {
    return fail(ErrorCode::kInternal, "EC key generation failed");
  }
  CertSpec ca_spec{"copycat test CA",
                   {{NID_basic_constraints, "critical,CA:TRUE"},
                    {NID_key_usage, "critical,keyCertSign,cRLSign"},
                    {NID_subject_key_identifier, "hash"}}};
  CertPtr ca = issue(ca_key.get(), ca_spec, nullptr, nullptr);
  if (!ca) {
    return fail(ErrorCode::kInternal, "CA certificate creation failed");
  }
  auto leaf = [&](const std::string& cn, const std::string& usage, const std::string& san) {
    CertSpec spec{cn,
                  {{NID_basic_constraints, "critical,CA:FALSE"},
                   {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                   {NID_ext_key_usage, usage},
                   {NID_subject_key_identifier, "hash"},
                   {NID_authority_key_identifier, "keyid:always"}}};
    if (!san.empty()) {
      spec.extensions.emplace_back(NID_subject_alt_name, san);
    }
    return spec;
  };
  CertPtr server = issue(server_key.get(),
                         leaf("copycat test server", "serverAuth", subjectAltNames(server_names)),
                         ca.get(), ca_key.get());
  CertPtr client = issue(client_key.get(), leaf("copycat-test-client", "clientAuth", ""), ca.get(),
                         ca_key.get());
  if (!server || !client) {
    return fail(ErrorCode::kInternal, "leaf certificate creation failed");
  }
  ASSIGN_OR_RETURN(std::string dir, makeTempDir());
  std::unique_ptr<TestCertificates> certs(new TestCertificates());
  certs->dir_ = dir;
  certs->ca_cert_pem_ = certPem(ca.get());
  certs->client_cert_pem_ = certPem(client.get());
  certs->client_key_pem_ = keyPem(client_key.get());
  bool written = writeFile(certs->caCertFile(), certs->ca_cert_pem_) &&
                 writeFile(certs->serverCertFile(), certPem(server.get())) &&
                 writeFile(certs->serverKeyFile(), keyPem(server_key.get())) &&
                 writeFile(certs->clientCertFile(), certs->client_cert_pem_) &&
                 writeFile(certs->clientKeyFile(), certs->client_key_pem_);
  if (!written || certs->ca_cert_pem_.empty() || certs->client_key_pem_.empty()) {
    return fail(ErrorCode::kInternal, "writing PEM files failed");
  }
  return certs;
}

TestCertificates::~TestCertificates() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace copycat::testing
