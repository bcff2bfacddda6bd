// Test helper: parses the HTTP request text of the SigV4 test suite (.req / request.txt) and
// prints signed requests back in the suite's two layouts. Test-only; lenient where the suite is
// (raw spaces and UTF-8 in the request target, obs-fold continuation lines, no final newline).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "aws/sigv4_canonical.h"
#include "base/result.h"

namespace copycat::aws::suite {

struct HttpRequestText {
  std::string method;
  std::string target;     // raw request target, e.g. "/example space/?a=b"
  std::string version;    // "HTTP/1.1"
  std::string path;       // target up to the first '?'
  std::string raw_query;  // target after the first '?', as written
  sigv4::Pairs query;     // raw_query split on '&' and '=', percent-decoded
  sigv4::Pairs headers;   // (name, value) with continuation lines unfolded into one space
  std::vector<std::string> header_lines;  // the header lines exactly as written
  std::string body;
};

// Splits the request line on its first and last space, so a target may contain spaces.
Result<HttpRequestText> parseHttpRequestText(std::string_view text);

// The two ways the suite writes a signed request.
enum class SignedRequestLayout {
  kClassic,  // lines joined by "\n", "Authorization: v" (with a space), "\n\n" + body if any
  kV4,       // every line ends with "\n", "Name:v", then "\n" + body
};

// Prints `request` with `target` as its request target and `added` headers after its own.
std::string printSignedRequest(const HttpRequestText& request, std::string_view target,
                               const sigv4::Pairs& added, SignedRequestLayout layout);

}  // namespace copycat::aws::suite
