#include "image/reference.h"

#include <utility>

#include "base/strings.h"
#include "image/digest.h"
#include "image/grammar.h"

namespace copycat::image {
namespace {

constexpr std::string_view kLocalhost = "localhost";
constexpr std::string_view kOfficialRepoPrefix = "library/";

tl::unexpected<Error> invalid(std::string_view message) {
  return fail(ErrorCode::kInvalidArgument, std::string(message));
}

bool hasUpper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') {
      return true;
    }
  }
  return false;
}

struct DockerDomainSplit {
  std::string domain;
  std::string remainder;  // path[:tag][@digest]
};

// normalize.go splitDockerDomain: decides whether the first component names a registry.
DockerDomainSplit splitDockerDomain(std::string_view text) {
  DockerDomainSplit out;
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return {std::string(kDockerHubDomain), std::string(kOfficialRepoPrefix) + std::string(text)};
  }
  std::string_view first = text.substr(0, slash);
  std::string_view rest = text.substr(slash + 1);
  if (first == kDockerHubLegacyDomain) {
    out = {std::string(kDockerHubDomain), std::string(rest)};
  } else if (first == kLocalhost || first.find_first_of(".:") != std::string_view::npos ||
             hasUpper(first)) {
    out = {std::string(first), std::string(rest)};
  } else {
    out = {std::string(kDockerHubDomain), std::string(text)};
  }
  if (out.domain == kDockerHubDomain && out.remainder.find('/') == std::string::npos) {
    out.remainder.insert(0, kOfficialRepoPrefix);
  }
  return out;
}

}  // namespace

std::string Reference::name() const {
  if (registry.empty()) {
    return repository;
  }
  return registry + "/" + repository;
}

std::string Reference::str() const {
  std::string out = name();
  if (!tag.empty()) {
    out += ":" + tag;
  }
  if (!digest.empty()) {
    out += "@" + digest;
  }
  return out;
}

// normalize.go familiarizeName: "library/" is only dropped when nothing nests below it.
std::string Reference::familiarName() const {
  if (registry != kDockerHubDomain) {
    return name();
  }
  std::string_view path = repository;
  if (path.starts_with(kOfficialRepoPrefix)) {
    std::string_view rest = path.substr(kOfficialRepoPrefix.size());
    if (rest.find('/') == std::string_view::npos) {
      path = rest;
    }
  }
  return std::string(path);
}

std::string Reference::familiar() const {
  std::string out = familiarName();
  if (!tag.empty()) {
    out += ":" + tag;
  }
  if (!digest.empty()) {
    out += "@" + digest;
  }
  return out;
}

std::string Reference::identifier() const { return digest.empty() ? tag : digest; }

std::string Reference::apiHost() const {
  return isDockerHub() ? std::string(kDockerHubApiHost) : registry;
}

// reference.go Parse: grammar, then the upper-case diagnosis, then the path length, then the
// go-digest validation of the digest.
Result<Reference> parseStrict(std::string_view text) {
  if (text.empty()) {
    return invalid(kErrNameEmpty);
  }
  auto parts = grammar::splitReference(text);
  if (!parts) {
    std::string lower = strings::toLower(text);
    if (lower != text && grammar::splitReference(lower)) {
      return invalid(kErrNameContainsUppercase);
    }
    return invalid(kErrReferenceInvalidFormat);
  }
  if (parts->path.size() > kNameTotalLengthMax) {
    return invalid(kErrNameTooLong);
  }
  Reference ref{std::string(parts->domain), std::string(parts->path), std::string(parts->tag), {}};
  if (!parts->digest.empty()) {
    ASSIGN_OR_RETURN(Digest digest, Digest::parse(parts->digest));
    ref.digest = digest.str();
  }
  return ref;
}

Result<Reference> parseNormalizedNamed(std::string_view text) {
  if (grammar::isIdentifier(text)) {
    return invalid("invalid repository name (" + std::string(text) +
                   "), cannot specify 64-byte hexadecimal strings");
  }
  DockerDomainSplit split = splitDockerDomain(text);
  std::string_view remote = split.remainder;
  remote = remote.substr(0, remote.find(':'));
  if (hasUpper(remote)) {
    return invalid(std::string(kErrReferenceInvalidFormat) + ": repository name (" +
                   std::string(remote) + ") must be lowercase");
  }
  return parseStrict(split.domain + "/" + split.remainder);
}

Result<Reference> parseNormalized(std::string_view text) {
  ASSIGN_OR_RETURN(Reference ref, parseNormalizedNamed(text));
  if (ref.tag.empty() && ref.digest.empty()) {
    ref.tag = kDefaultTag;
  }
  return ref;
}

Result<Reference> parseDockerRef(std::string_view text) {
  ASSIGN_OR_RETURN(Reference ref, parseNormalized(text));
  if (!ref.digest.empty()) {
    ref.tag.clear();
  }
  return ref;
}

Result<Reference> parseCanonical(std::string_view text) {
  ASSIGN_OR_RETURN(Reference ref, parseNormalizedNamed(text));
  if (ref.str() != text) {
    return invalid(kErrNameNotCanonical);
  }
  return ref;
}

Result<Reference> withName(std::string_view name) {
  auto parts = grammar::splitName(name);
  if (!parts) {
    return invalid(kErrReferenceInvalidFormat);
  }
  if (parts->path.size() > kNameTotalLengthMax) {
    return invalid(kErrNameTooLong);
  }
  return Reference{std::string(parts->domain), std::string(parts->path), {}, {}};
}

Result<Reference> withTag(Reference ref, std::string_view tag) {
  if (!grammar::isTag(tag)) {
    return invalid(kErrTagInvalidFormat);
  }
  ref.tag = tag;
  return ref;
}

Result<Reference> withDigest(Reference ref, std::string_view digest) {
  if (!grammar::isDigest(digest)) {
    return invalid(kErrDigestInvalidFormat);
  }
  ref.digest = digest;
  return ref;
}

}  // namespace copycat::image
