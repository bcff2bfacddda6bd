#include "registry/auth/realm_guard.h"

#include <array>
#include <cstdint>
#include <string>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include "http/redact.h"

namespace copycat::registry::auth {
namespace {

bool isLinkLocalV4(uint32_t host_order) { return (host_order >> 16) == 0xA9FE; }  // 169.254/16

bool isBlockedV6(const std::array<uint8_t, 16>& a) {
  // fe80::/10 link-local.
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) {
    return true;
  }
  // fd00:ec2::254, the AWS IMDS IPv6 endpoint.
  static constexpr std::array<uint8_t, 16> kAwsImds = {0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0,    0,
                                                       0,    0,    0,    0,    0, 0, 0x02, 0x54};
  if (a == kAwsImds) {
    return true;
  }
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible) reach the IPv4 address.
  bool mapped = true;
  for (int i = 0; i < 10; ++i) {
    mapped = mapped && a[static_cast<size_t>(i)] == 0;
  }
  bool prefix_ok = (a[10] == 0xff && a[11] == 0xff) || (a[10] == 0 && a[11] == 0);
  if (mapped && prefix_ok) {
    uint32_t v4 = (uint32_t{a[12]} << 24) | (uint32_t{a[13]} << 16) | (uint32_t{a[14]} << 8) |
                  uint32_t{a[15]};
    return isLinkLocalV4(v4);
  }
  return false;
}

std::string hostOnly(std::string_view authority) { return http::splitHostPort(authority).first; }

}  // namespace

bool isMetadataOrLinkLocalHost(std::string_view host) {
  std::string name(host);
  while (!name.empty() && name.back() == '.') {
    name.pop_back();  // "metadata.google.internal." is the same name
  }
  if (name == "metadata.google.internal" || name == "metadata") {
    return true;
  }
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
    std::string literal = name.substr(1, name.size() - 2);
    size_t zone = literal.find('%');
    if (zone != std::string::npos) {
      literal.resize(zone);
    }
    std::array<uint8_t, 16> bytes{};
    if (inet_pton(AF_INET6, literal.c_str(), bytes.data()) == 1) {
      return isBlockedV6(bytes);
    }
    return false;
  }
  // inet_aton accepts what resolvers accept too: "169.254.169.254", "0xa9fea9fe", "2852039166".
  in_addr v4{};
  if (inet_aton(name.c_str(), &v4) != 0) {
    return isLinkLocalV4(ntohl(v4.s_addr));
  }
  return false;
}

Status checkRealm(const http::Url& realm, std::string_view registry_host, bool registry_insecure,
                  bool with_credentials) {
  std::string shown = http::redactUrl(realm.str());
  if (realm.scheme != "https" && realm.scheme != "http") {
    return fail(ErrorCode::kPermissionDenied,
                fmt::format("token realm {} does not use http or https", shown));
  }
  if (isMetadataOrLinkLocalHost(realm.host)) {
    return fail(ErrorCode::kPermissionDenied,
                fmt::format("refusing token realm {}: {} is a link-local or cloud metadata address",
                            shown, realm.host));
  }
  if (!with_credentials || realm.scheme == "https") {
    return ok();
  }
  if (registry_insecure && realm.host == hostOnly(registry_host)) {
    return ok();
  }
  return fail(ErrorCode::kPermissionDenied,
              fmt::format("refusing to send credentials to token realm {}: credentials go only to "
                          "https realms, or to the host of a registry configured insecure",
                          shown));
}

}  // namespace copycat::registry::auth
