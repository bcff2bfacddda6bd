// Where a registry may send us for tokens. A Bearer challenge names any URL as its realm, so a
// hostile or compromised registry could point the token request, with our credentials, at an
// internal service (SSRF) or an eavesdropper. Pure and thread-safe.
#pragma once

#include <string_view>

#include "base/result.h"
#include "http/url.h"

namespace copycat::registry::auth {

// True for link-local and cloud metadata hosts: 169.254.0.0/16 (including 169.254.169.254 in
// any numeric spelling inet_aton accepts), fe80::/10, fd00:ec2::254, IPv4-mapped forms of
// those, and metadata.google.internal. `host` is lower case, IPv6 literals in brackets.
[[nodiscard]] bool isMetadataOrLinkLocalHost(std::string_view host);

// Checks that a token request may go to `realm`:
//  - the scheme is http or https, and the host is not link-local or a metadata service
//    (always, credentials or not);
//  - with credentials, the realm uses https, or it is plain http on the same host (port may
//    differ) as a registry configured insecure.
// Errors: kPermissionDenied with a message naming the realm (never a secret).
[[nodiscard]] Status checkRealm(const http::Url& realm, std::string_view registry_host,
                                bool registry_insecure, bool with_credentials);

}  // namespace copycat::registry::auth
