// The pieces of a SigV4 canonical request (AWS IAM User Guide, "Create a signed AWS API request",
// step 1), separated from the signer so each rule can be tested on its own.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace copycat::aws::sigv4 {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// UriEncode(): every byte except the unreserved A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex).
// With keep_slash, '/' is kept (paths); otherwise it is encoded too (query names and values).
std::string uriEncode(std::string_view bytes, bool keep_slash = false);

// Percent-decodes %XX triplets; anything else (including invalid triplets and '+') is kept as is.
std::string percentDecode(std::string_view text);

// Removes "." and ".." segments (RFC 3986 section 5.2.4) and collapses "//" to "/". Keeps a
// trailing slash; an empty result is "/".
std::string normalizePath(std::string_view path);

// The CanonicalURI line. `path` is the path as sent on the wire (without the query).
// double_encode (every service but S3): the path is encoded once more, so "%" becomes "%25" and
// raw bytes such as a space become "%20". Without it (S3) the path counts as already encoded:
// existing %XX escapes are kept and only bytes that are neither unreserved nor "/" are encoded.
std::string canonicalUri(std::string_view path, bool normalize, bool double_encode);

// The CanonicalQueryString line: names and values (decoded) are URI-encoded, then sorted by name
// and, for equal names, by value; "name=" for empty values.
std::string canonicalQuery(const Pairs& decoded_params);

// Trim() and sequential-whitespace folding for a header value: leading and trailing whitespace is
// removed and every run of spaces, tabs or line breaks (obs-fold) becomes one space.
std::string canonicalHeaderValue(std::string_view value);

// Canonical headers, already lower-cased, merged (repeated names joined with "," in request order)
// and sorted by name.
struct CanonicalHeaders {
  Pairs headers;               // (lower-case name, canonical value)
  std::string block;           // "name:value\n" for each header
  std::string signed_headers;  // "host;x-amz-date"
};
CanonicalHeaders canonicalHeaders(const Pairs& headers);

}  // namespace copycat::aws::sigv4
