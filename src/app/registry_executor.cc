#include "app/registry_executor.h"

#include <fmt/format.h>

namespace copycat::app {
namespace {

controller::MirrorError mirrorError(Error error, const controller::MirrorJob& job) {
  auto side = failedSide(error, job.source, job.target.reference());
  return controller::MirrorError{.error = std::move(error), .side = side};
}

}  // namespace

controller::FailedSide failedSide(const Error& error, const image::Reference& source,
                                  const image::Reference& target) {
  // The copy engine prefixes "copying SRC to DST: "; the request that failed follows.
  std::string_view text = error.message;
  if (text.rfind("copying ", 0) == 0) {
    if (auto colon = text.find(": "); colon != std::string_view::npos) {
      text.remove_prefix(colon + 2);
    }
  }
  auto names = [&text](const image::Reference& ref) {
    return text.find(" " + ref.apiHost() + "/") != std::string_view::npos ||
           text.find(" " + ref.registry + "/") != std::string_view::npos;
  };
  if (names(target)) {
    return controller::FailedSide::kTarget;
  }
  if (names(source)) {
    return controller::FailedSide::kSource;
  }
  return controller::FailedSide::kUnknown;
}

RegistryExecutor::RegistryExecutor(registry::ImageCopier& copier, EnsureRepository ensure)
    : copier_(copier), ensure_repository_(std::move(ensure)) {}

controller::MirrorOutcome RegistryExecutor::mirror(const controller::MirrorJob& job,
                                                   std::stop_token stop) {
  bool writes = !job.dry_run && !job.dry_pull;
  if (writes && ensure_repository_) {
    if (auto ensured = ensure_repository_(job.target.repository, stop); !ensured) {
      return tl::unexpected(controller::MirrorError{
          .error = ensured.error().withContext("preparing repository " + job.target.name()),
          .side = controller::FailedSide::kTarget});
    }
  }
  registry::CopyOptions options{.platforms = job.platforms,
                                .dry_run = job.dry_run,
                                .dry_pull = job.dry_pull,
                                .allow_overwrite = job.allow_different_digest_repush,
                                .stop = stop,
                                .progress = {}};
  auto copied = copier_.copyImage(job.source, job.target.reference(), options);
  if (!copied) {
    return tl::unexpected(mirrorError(copied.error(), job));
  }
  if (writes && !job.anchor_tag.empty()) {
    if (auto anchored = pushAnchorTag(job, copied->target_digest, stop); !anchored) {
      return tl::unexpected(mirrorError(anchored.error(), job));
    }
  }
  return controller::MirrorResult{
      .target_digest = copied->target_digest,
      .source_digest = copied->source_digest,
      .blobs_copied = copied->blobs_copied,
      .blobs_skipped = copied->blobs_skipped,
      .blobs_mounted = copied->blobs_mounted,
      .bytes_copied = copied->bytes_copied,
      .duration = copied->duration,
      .already_present = copied->outcome == registry::CopyOutcome::kUpToDate,
      .missing_platforms = copied->missing_platforms,
  };
}

Status RegistryExecutor::pushAnchorTag(const controller::MirrorJob& job, const std::string& digest,
                                       std::stop_token stop) {
  auto& client = copier_.client(job.target.registry);
  registry::CallContext ctx{.stop = stop, .stats = nullptr, .push = true};
  const auto& repo = job.target.repository;
  auto head = client.manifestHead(repo, job.anchor_tag, ctx);
  if (head && head->digest == digest) {
    return ok();
  }
  ASSIGN_OR_RETURN(auto manifest, client.manifestGet(repo, digest, ctx));
  RETURN_IF_ERROR(
      client.manifestPut(repo, job.anchor_tag, manifest.bytes, manifest.media_type, ctx));
  return ok();
}

Result<controller::VerifyResult> RegistryExecutor::verify(const image::Reference& target,
                                                          std::string_view expected_digest,
                                                          std::stop_token stop) {
  auto& client = copier_.client(target.registry);
  registry::CallContext ctx{.stop = stop, .stats = nullptr, .push = false};
  auto head = client.manifestHead(target.repository, target.identifier(), ctx);
  if (!head) {
    if (head.error().code == ErrorCode::kNotFound) {
      return controller::VerifyResult{.status = controller::VerifyStatus::kMissing,
                                      .actual_digest = {}};
    }
    return tl::unexpected(head.error());
  }
  auto status = head->digest == expected_digest ? controller::VerifyStatus::kPresent
                                                : controller::VerifyStatus::kDifferent;
  return controller::VerifyResult{.status = status, .actual_digest = head->digest};
}

}  // namespace copycat::app
