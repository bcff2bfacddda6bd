// The controller's MirrorExecutor on the registry copy engine: one ImageCopier for the process
// (tokens, known blob locations and per-registry limits shared by every copy), plus the
// target's hook that prepares a repository before its first push (ECR creates it).
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "controller/mirror_executor.h"
#include "image/reference.h"
#include "registry/image_copier.h"

namespace re2 {
class RE2;
}

namespace copycat::app {

// ignoreMissingPlatforms: RE2 patterns over "<source>|<platform>", where <source> is the
// reference read in full form ("registry.gitlab.com/group/app:1.0", "@sha256:..." appended when
// pinned) and <platform> "os/arch[/variant]". A platform that matches is dropped from a copy's
// missing platforms, so nobody warns about it; it is still not created. Unanchored, as Go's
// Regexp.MatchString. Immutable after create(): thread-safe.
class MissingPlatformFilter {
 public:
  MissingPlatformFilter() = default;  // ignores nothing
  // kInvalidArgument naming the first pattern that does not compile.
  [[nodiscard]] static Result<MissingPlatformFilter> create(
      const std::vector<std::string>& patterns);

  [[nodiscard]] bool ignored(const image::Reference& source, std::string_view platform) const;
  // `missing` without the ignored platforms, order kept.
  [[nodiscard]] std::vector<std::string> reported(const image::Reference& source,
                                                  std::vector<std::string> missing) const;

 private:
  std::vector<std::shared_ptr<const re2::RE2>> patterns_;
};

// Called before every non-dry push with the target repository; must be cheap when the
// repository is known to exist (callers cache). Thread-safe.
using EnsureRepository = std::function<Status(const std::string& repository, std::stop_token)>;

// Thread-safe. Does not own `copier`.
class RegistryExecutor final : public controller::MirrorExecutor {
 public:
  RegistryExecutor(registry::ImageCopier& copier, EnsureRepository ensure_repository = {},
                   MissingPlatformFilter ignore_missing = {});

  controller::MirrorOutcome mirror(const controller::MirrorJob& job, std::stop_token stop) override;
  Result<controller::VerifyResult> verify(const image::Reference& target,
                                          std::string_view expected_digest,
                                          std::stop_token stop) override;

 private:
  // Tags the pushed manifest with job.anchor_tag too, unless it already points there.
  Status pushAnchorTag(const controller::MirrorJob& job, const std::string& digest,
                       std::stop_token stop);

  registry::ImageCopier& copier_;
  EnsureRepository ensure_repository_;
  const MissingPlatformFilter ignore_missing_;
};

// Which side of a copy an error came from, judged from the request it names
// ("PUT manifest <host>/<repo>:<ref>", "HEAD http://<host>/v2/<repo>/manifests/<ref>"): the
// repository decides when both live on one registry host. kUnknown when it names neither
// (a token server, a context-free error).
controller::FailedSide failedSide(const Error& error, const image::Reference& source,
                                  const image::Reference& target);

}  // namespace copycat::app
