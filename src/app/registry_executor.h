// The controller's MirrorExecutor on the registry copy engine: one ImageCopier for the process
// (tokens, known blob locations and per-registry limits shared by every copy), plus the
// target's hook that prepares a repository before its first push (ECR creates it).
#pragma once

#include <functional>
#include <stop_token>
#include <string>
#include <string_view>

#include "controller/mirror_executor.h"
#include "registry/image_copier.h"

namespace copycat::app {

// Called before every non-dry push with the target repository; must be cheap when the
// repository is known to exist (callers cache). Thread-safe.
using EnsureRepository = std::function<Status(const std::string& repository, std::stop_token)>;

// Thread-safe. Does not own `copier`.
class RegistryExecutor final : public controller::MirrorExecutor {
 public:
  RegistryExecutor(registry::ImageCopier& copier, EnsureRepository ensure_repository = {});

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
};

// Which side of a copy an error came from, judged from the request it names
// ("PUT manifest <host>/<repo>:<ref>").
controller::FailedSide failedSide(const Error& error, const image::Reference& source,
                                  const image::Reference& target);

}  // namespace copycat::app
