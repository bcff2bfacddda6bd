#include "policy/target_naming.h"

#include <algorithm>
#include <initializer_list>
#include <vector>

#include <fmt/format.h>

#include "base/crypto.h"
#include "base/strings.h"
#include "policy/repo_prefix.h"
#include "policy/repository_name.h"

namespace copycat::policy {
namespace {

constexpr size_t kEcrMinLength = 2;    // aws-models ecr RepositoryName "min": 2
constexpr size_t kEcrMaxLength = 256;  // aws-models ecr RepositoryName "max": 256
constexpr size_t kHashLength = 8;      // hex digits of sha256 in a shortened name
// Used when nothing of the source path survives mapping and sanitising (the Go original's
// CleanRepoName fallback).
constexpr std::string_view kUnknownRepository = "library/unknown";

bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// domain-component := [a-z0-9] | [a-z0-9][a-z0-9-]*[a-z0-9]   (distribution regexp.go)
bool isDomainComponent(std::string_view c) {
  if (c.empty() || !isAlnum(c.front()) || !isAlnum(c.back())) {
    return false;
  }
  return std::all_of(c.begin(), c.end(), [](char ch) { return isAlnum(ch) || ch == '-'; });
}

bool isPort(std::string_view p) {
  return !p.empty() && std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// host := (domain-name | '[' ipv6 ']') (':' port)?
bool isValidHost(std::string_view host) {
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos || close < 3) {
      return false;
    }
    std::string_view inner = host.substr(1, close - 1);
    bool hex = std::all_of(inner.begin(), inner.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
    });
    std::string_view after = host.substr(close + 1);
    return hex && (after.empty() || (after.front() == ':' && isPort(after.substr(1))));
  }
  size_t colon = host.find(':');
  if (colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
    if (!isPort(port)) {
      return false;
    }
  }
  auto parts = strings::split(host, '.');
  return std::all_of(parts.begin(), parts.end(),
                     [](const std::string& part) { return isDomainComponent(part); });
}

std::string joinNonEmpty(std::initializer_list<std::string_view> parts) {
  std::vector<std::string> kept;
  for (std::string_view part : parts) {
    if (!part.empty()) {
      kept.emplace_back(part);
    }
  }
  return strings::join(kept, "/");
}

void addNotes(std::vector<std::string>& notes, const std::vector<std::string>& more) {
  for (const std::string& note : more) {
    if (std::find(notes.begin(), notes.end(), note) == notes.end()) {
      notes.push_back(note);
    }
  }
}

// Makes a valid `repo` fit [min_length, budget], shortening or padding with a hash suffix.
Result<std::string> fitLength(const std::string& repo, size_t min_length, size_t budget,
                              std::vector<std::string>& notes) {
  if (repo.size() >= min_length && repo.size() <= budget) {
    return repo;
  }
  const std::string hash = crypto::sha256Hex(repo).substr(0, kHashLength);
  if (repo.size() < min_length) {
    std::string padded = repo + "-" + hash;
    if (padded.size() <= budget) {
      notes.push_back(fmt::format("padded to the minimum length with hash suffix {}", hash));
      return padded;
    }
  } else if (budget >= kHashLength + 2) {
    std::string keep = repo.substr(0, budget - kHashLength - 1);
    size_t last = keep.find_last_not_of("._-/");
    keep.resize(last == std::string::npos ? 0 : last + 1);
    std::string shortened = keep.empty() ? hash : keep + "-" + hash;
    notes.push_back(fmt::format("shortened from {} to {} characters with hash suffix {}",
                                repo.size(), shortened.size(), hash));
    return shortened;
  } else if (budget >= kHashLength) {
    notes.push_back(fmt::format("replaced by its hash {} to fit the length limit", hash));
    return hash;
  }
  return fail(
      ErrorCode::kInvalidArgument,
      fmt::format("no repository name fits: {} characters left by the target registry", budget));
}

}  // namespace

std::string TargetName::name() const { return registry + "/" + repository; }

std::string TargetName::str() const { return reference().str(); }

std::string TargetName::pushIdentifier() const { return tag.empty() ? digest : tag; }

image::Reference TargetName::reference() const {
  return image::Reference{registry, repository, tag, digest};
}

Result<TargetRegistry> parseTargetRegistry(std::string_view text) {
  std::string_view s = strings::trim(text);
  for (std::string_view scheme : {std::string_view("https://"), std::string_view("http://")}) {
    if (s.size() >= scheme.size() &&
        strings::equalsIgnoreCase(s.substr(0, scheme.size()), scheme)) {
      s.remove_prefix(scheme.size());
    }
  }
  while (!s.empty() && s.back() == '/') {
    s.remove_suffix(1);
  }
  if (s.empty()) {
    return fail(ErrorCode::kInvalidArgument, "target registry must not be empty");
  }
  size_t slash = s.find('/');
  TargetRegistry out;
  out.host = strings::toLower(s.substr(0, slash));
  if (out.host == image::kDockerHubLegacyDomain) {
    out.host = std::string(image::kDockerHubDomain);
  }
  if (slash != std::string_view::npos) {
    out.path = std::string(s.substr(slash + 1));
  }
  if (!isValidHost(out.host)) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("target registry \"{}\" is not a valid host[:port]", text));
  }
  return out;
}

Result<TargetName> targetFor(const NamingInput& input, const NamingOptions& options) {
  ASSIGN_OR_RETURN(TargetRegistry target, parseTargetRegistry(options.target_registry));
  std::string mapped = options.path_map != nullptr
                           ? options.path_map->map(input.source.repository).path
                           : input.source.repository;
  std::string prefix = expandRepoPrefix(
      options.repo_prefix, PrefixValues{input.namespace_name, input.workload_name,
                                        input.container_name, input.arch, input.source.registry});

  TargetName out;
  out.registry = target.host;
  out.tag = input.source.tag;
  out.digest = input.source.digest;
  out.requested_repository = joinNonEmpty({target.path, prefix, mapped});

  SanitizedPath mapped_clean = sanitizeRepositoryPath(mapped);
  addNotes(out.notes, mapped_clean.notes());
  std::string path = mapped_clean.path;
  if (path.empty()) {
    path = std::string(kUnknownRepository);
    out.notes.push_back(fmt::format("empty repository path replaced by {}", kUnknownRepository));
  }
  SanitizedPath clean = sanitizeRepositoryPath(joinNonEmpty({target.path, prefix, path}));
  addNotes(out.notes, clean.notes());

  const bool ecr = options.kind == TargetKind::kEcr;
  size_t total_budget = image::kNameTotalLengthMax > target.host.size()
                            ? image::kNameTotalLengthMax - target.host.size() - 1
                            : 0;
  size_t budget = ecr ? std::min(total_budget, kEcrMaxLength) : total_budget;
  auto fitted = fitLength(clean.path, ecr ? kEcrMinLength : 1, budget, out.notes);
  if (!fitted) {
    return fail(fitted.error().withContext(fmt::format(
        "naming {}/{} under {}", input.source.registry, input.source.repository, target.host)));
  }
  out.repository = std::move(*fitted);
  if (!isValidRepositoryPath(out.repository)) {
    return fail(ErrorCode::kInternal,
                fmt::format("computed invalid repository name \"{}\"", out.repository));
  }
  out.adjusted = out.repository != out.requested_repository;
  return out;
}

}  // namespace copycat::policy
