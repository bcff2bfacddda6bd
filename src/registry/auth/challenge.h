// WWW-Authenticate parsing (RFC 9110 §11.6.1, §11.3 and RFC 7235 §2.1/§4.1).
//
//   WWW-Authenticate = #challenge
//   challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//   auth-param       = token BWS "=" BWS ( token / quoted-string )
//
// One response may carry several header lines and one line several challenges. The parser
// reports a strict verdict (`valid`, `problem`) and, separately, every challenge it could
// salvage, because real registries are sloppy and a client still has to log in. Recovery per
// problem family (the conformance cases in test/data/conformance/www_authenticate.json):
//   - unterminated quoted-string, empty param value, missing ',' between params, quoted or
//     otherwise invalid scheme: the line stops there; challenges and params complete before
//     the problem are kept (the distribution/containerd behaviour),
//   - unquoted value with characters outside `tchar` (realm=/ or an unquoted URL): the value
//     is kept up to the next ',' or blank (the regclient behaviour),
//   - duplicate parameter in one challenge (RFC 9110 §11.2 forbids it): the first one wins.
// Problems in one header line never affect the others.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace copycat::registry::auth {

// One parsed challenge. Scheme and parameter names are lower-cased (they are
// case-insensitive); values keep their case with quoted-pair escapes removed.
struct Challenge {
  std::string scheme;
  std::map<std::string, std::string> params;
  std::string token68;  // verbatim, "" when the challenge carries params instead

  // The value of a parameter, or nullptr. `name` must be lower case.
  [[nodiscard]] const std::string* param(std::string_view name) const;

  friend bool operator==(const Challenge&, const Challenge&) = default;
};

struct ChallengeParse {
  std::vector<Challenge> challenges;  // everything salvaged, in header order
  bool valid = true;                  // false when any line violates the grammar
  std::string problem;                // the first violation ("" when valid)
};

// Parses all WWW-Authenticate header lines of one response.
ChallengeParse parseChallenges(const std::vector<std::string>& header_values);
// Parses a single header line.
ChallengeParse parseChallenges(std::string_view header_value);

// The token-auth parameters of a Bearer challenge (distribution token spec, RFC 6750 §3).
struct BearerChallenge {
  std::string realm;                // token endpoint URL
  std::string service;              // "" when the registry did not send one
  std::vector<std::string> scopes;  // the scope value split on blanks (RFC 6750 §3)
  std::string error;                // "insufficient_scope", "invalid_token" or ""
};

// The first Bearer challenge that names a realm, or nullopt.
std::optional<BearerChallenge> bearerChallenge(const std::vector<Challenge>& challenges);

// The challenge a client should answer: the first Bearer with a realm, else the first
// Basic, else nullptr (Negotiate, Digest and unknown schemes are not supported).
const Challenge* preferredChallenge(const std::vector<Challenge>& challenges);

}  // namespace copycat::registry::auth
