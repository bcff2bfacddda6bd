// The productions of the image-reference grammar (distribution/reference, reference.go and
// regexp.go), as hand-written linear-time recognisers. Each function answers exactly what the
// corresponding anchored Go regexp answers. Stateless and thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace copycat::image::grammar {

// domain := host [":" port-number]; host := domain-name | "[" IPv6address "]" (regexp.go
// domainAndPort). Upper case is allowed; IPv6 literals are [a-fA-F0-9:]+ (no zone ids).
bool isDomain(std::string_view s);

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [._] | "__" | "-"+.
bool isPathComponent(std::string_view s);

// remote-name := path-component ("/" path-component)*.
bool isPath(std::string_view s);

// tag := [\w][\w.-]{0,127} (ASCII word characters).
bool isTag(std::string_view s);

// digest := algorithm ":" hex, algorithm := [A-Za-z][A-Za-z0-9]* ([-_+.] [A-Za-z][A-Za-z0-9]*)*,
// hex := [0-9a-fA-F]{32,}. Only the reference grammar; go-digest rules are in digest.h.
bool isDigest(std::string_view s);

// identifier := [a-f0-9]{64} (an image ID without its "sha256:" prefix).
bool isIdentifier(std::string_view s);

// A name split like anchoredNameRegexp: domain is empty when the first component is not one.
struct NameParts {
  std::string_view domain;
  std::string_view path;
};
std::optional<NameParts> splitName(std::string_view name);

// A reference split like referenceRegexp: name [":" tag] ["@" digest]. Empty views stand for
// absent parts. nullopt when the text does not match the grammar.
struct ReferenceParts {
  std::string_view domain;
  std::string_view path;
  std::string_view tag;
  std::string_view digest;
};
std::optional<ReferenceParts> splitReference(std::string_view s);

}  // namespace copycat::image::grammar
