#include "app/registry_executor.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <re2/re2.h>

namespace copycat::app {
namespace {

controller::MirrorError mirrorError(Error error, const controller::MirrorJob& job) {
  auto side = failedSide(error, job.source, job.target.reference());
  return controller::MirrorError{.error = std::move(error), .side = side};
}

// A repository name ends where a path component cannot continue.
bool endsName(std::string_view text, size_t pos) {
  if (pos >= text.size()) {
    return true;
  }
  const char c = text[pos];
  return !(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
}

// True when `text` names a request to `ref`'s repository, by reference (" host/repo") or by URL
// ("://host/v2/repo/"); with `host_only`, any request to its registry host.
bool namesRequestTo(std::string_view text, const image::Reference& ref, bool host_only) {
  for (const std::string& host : {ref.apiHost(), ref.registry}) {
    for (const std::string& prefix : {" " + host + "/", "://" + host + "/"}) {
      for (auto pos = text.find(prefix); pos != std::string_view::npos;
           pos = text.find(prefix, pos + 1)) {
        if (host_only) {
          return true;
        }
        std::string_view path = text.substr(pos + prefix.size());
        if (path.rfind("v2/", 0) == 0) {
          path.remove_prefix(3);
        }
        if (path.rfind(ref.repository, 0) == 0 && endsName(path, ref.repository.size())) {
          return true;
        }
      }
    }
  }
  return false;
}

}  // namespace

Result<MissingPlatformFilter> MissingPlatformFilter::create(
    const std::vector<std::string>& patterns) {
  MissingPlatformFilter filter;
  for (const auto& pattern : patterns) {
    auto re = std::make_shared<const RE2>(pattern, RE2::Quiet);  // as config validation compiles
    if (!re->ok()) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("ignoreMissingPlatforms: invalid regular expression \"{}\": {}",
                              pattern, re->error()));
    }
    filter.patterns_.push_back(std::move(re));
  }
  return filter;
}

bool MissingPlatformFilter::ignored(const image::Reference& source,
                                    std::string_view platform) const {
  if (patterns_.empty()) {
    return false;
  }
  const std::string subject = source.str() + "|" + std::string(platform);
  return std::any_of(patterns_.begin(), patterns_.end(),
                     [&](const auto& re) { return RE2::PartialMatch(subject, *re); });
}

std::vector<std::string> MissingPlatformFilter::reported(const image::Reference& source,
                                                         std::vector<std::string> missing) const {
  std::erase_if(missing, [&](const std::string& platform) { return ignored(source, platform); });
  return missing;
}

controller::FailedSide failedSide(const Error& error, const image::Reference& source,
                                  const image::Reference& target) {
  // The copy engine prefixes "copying SRC to DST: "; the request that failed follows, as
  // "PUT manifest <host>/<repo>:<ref>" or as "HEAD http://<host>/v2/<repo>/manifests/<ref>".
  std::string_view text = error.message;
  if (text.rfind("copying ", 0) == 0) {
    if (auto colon = text.find(": "); colon != std::string_view::npos) {
      text.remove_prefix(colon + 2);
    }
  }
  // The repository first: source and target may share a registry host.
  for (bool host_only : {false, true}) {
    if (namesRequestTo(text, target, host_only)) {
      return controller::FailedSide::kTarget;
    }
    if (namesRequestTo(text, source, host_only)) {
      return controller::FailedSide::kSource;
    }
  }
  return controller::FailedSide::kUnknown;
}

RegistryExecutor::RegistryExecutor(registry::ImageCopier& copier, EnsureRepository ensure,
                                   MissingPlatformFilter ignore_missing)
    : copier_(copier),
      ensure_repository_(std::move(ensure)),
      ignore_missing_(std::move(ignore_missing)) {}

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
      .missing_platforms = ignore_missing_.reported(job.source, copied->missing_platforms),
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
