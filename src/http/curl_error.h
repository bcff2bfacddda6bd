// Classification of libcurl failures into copycat error codes. Internal to http/.
#pragma once

#include <string_view>

#include <curl/curl.h>

#include "base/error.h"

namespace copycat::http {

// Maps a failed transfer to an Error whose message is "<what>: <reason>: <detail>", e.g.
// "GET https://r.example/v2/: couldn't connect: Failed to connect to r.example port 443".
//  - connect, DNS, reset, TLS handshake, HTTP/2 framing -> kUnavailable (retryable)
//  - timeouts incl. the low-speed abort -> kDeadlineExceeded (retryable)
//  - certificate verification / trust store problems -> kPermissionDenied (not retryable: a
//    retry cannot fix a configuration problem)
//  - malformed URL, unsupported protocol -> kInvalidArgument
//  - a server reply libcurl cannot parse -> kProtocol
// `host` names the peer in TLS messages; `detail` is the CURLOPT_ERRORBUFFER text (may be "").
[[nodiscard]] Error curlError(CURLcode code, std::string_view what, std::string_view host,
                              std::string_view detail);

}  // namespace copycat::http
