// Fuzz target for the header parsers of registry/: WWW-Authenticate (one line, and the input
// split on '\n' as several lines) and Retry-After. Properties: no crash; valid <=> no problem;
// names are lower case; a valid parse re-serialised canonically parses back to the same
// challenges; a Retry-After delay is never negative.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "base/strings.h"
#include "registry/auth/challenge.h"
#include "registry/registry_error.h"

namespace {

using copycat::registry::auth::Challenge;
using copycat::registry::auth::ChallengeParse;

void check(bool ok, const char* property, std::string_view input) {
  if (!ok) {
    std::fprintf(stderr, "challenge_fuzzer: %s violated for input \"%.*s\"\n", property,
                 static_cast<int>(input.size()), input.data());
    std::abort();
  }
}

std::string quote(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// One header line in canonical form: `scheme token68` or `scheme k="v", k2="v2"`.
std::string serialize(const std::vector<Challenge>& challenges) {
  std::vector<std::string> parts;
  for (const Challenge& c : challenges) {
    std::string text = c.scheme;
    if (!c.token68.empty()) text += " " + c.token68;
    std::vector<std::string> params;
    for (const auto& [name, value] : c.params) params.push_back(name + "=" + quote(value));
    if (!params.empty()) text += " " + copycat::strings::join(params, ", ");
    parts.push_back(text);
  }
  return copycat::strings::join(parts, ", ");
}

void checkParse(const ChallengeParse& parsed, std::string_view input) {
  check(parsed.valid == parsed.problem.empty(), "valid iff no problem", input);
  for (const Challenge& c : parsed.challenges) {
    check(!c.scheme.empty() && c.scheme == copycat::strings::toLower(c.scheme), "lower-case scheme",
          input);
    for (const auto& [name, value] : c.params) {
      check(name == copycat::strings::toLower(name), "lower-case parameter names", input);
    }
    (void)c.param("realm");
  }
  (void)copycat::registry::auth::bearerChallenge(parsed.challenges);
  (void)copycat::registry::auth::preferredChallenge(parsed.challenges);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  namespace auth = copycat::registry::auth;

  ChallengeParse one = auth::parseChallenges(input);
  checkParse(one, input);
  if (one.valid) {
    ChallengeParse again = auth::parseChallenges(serialize(one.challenges));
    check(again.valid && again.challenges == one.challenges, "canonical round trip", input);
  }
  checkParse(auth::parseChallenges(copycat::strings::split(input, '\n')), input);

  auto now = std::chrono::system_clock::from_time_t(784111777);
  std::optional<double> delay = copycat::registry::parseRetryAfter(input, now);
  check(!delay || *delay >= 0, "non-negative Retry-After", input);
  return 0;
}
