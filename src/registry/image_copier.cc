#include "registry/image_copier.h"

#include <fmt/format.h>

#include "base/log.h"
#include "base/strings.h"
#include "http/curl_http_client.h"
#include "registry/auth/keychain.h"

namespace copycat::registry {
namespace {

constexpr std::string_view kLog = "registry";

std::string platformList(const std::vector<image::Platform>& platforms) {
  std::vector<std::string> names;
  for (const auto& p : platforms) {
    names.push_back(p.str());
  }
  return strings::join(names, ", ");
}

}  // namespace

std::string_view copyOutcomeName(CopyOutcome outcome) {
  switch (outcome) {
    case CopyOutcome::kCopied:
      return "copied";
    case CopyOutcome::kUpToDate:
      return "up_to_date";
    case CopyOutcome::kDryRun:
      return "dry_run";
  }
  return "unknown";
}

Result<std::unique_ptr<ImageCopier>> ImageCopier::create(ImageCopierOptions options) {
  std::unique_ptr<http::HttpClient> owned;
  if (!options.http) {
    http::CurlHttpClient::Options http_options;
    http_options.user_agent = options.user_agent;
    http_options.tls.ca_file = options.ca_file;
    http_options.insecure_hosts = options.insecure_hosts;
    ASSIGN_OR_RETURN(owned, http::CurlHttpClient::create(std::move(http_options)));
  }
  return std::unique_ptr<ImageCopier>(new ImageCopier(std::move(options), std::move(owned)));
}

ImageCopier::ImageCopier(ImageCopierOptions options, std::unique_ptr<http::HttpClient> owned_http)
    : options_(std::move(options)),
      owned_http_(std::move(owned_http)),
      http_(options_.http ? *options_.http : *owned_http_),
      clock_(options_.clock ? *options_.clock : SystemClock::instance()),
      auth_(std::make_unique<auth::Authenticator>(
          http_, auth::Authenticator::Options{.keychain = options_.keychain,
                                              .clock = &clock_,
                                              .token_timeout = options_.token_timeout})),
      blob_copier_(BlobCopier::Options{.pipe_capacity = options_.pipe_capacity_bytes,
                                       .retry = options_.retry}) {}

ImageCopier::~ImageCopier() = default;

bool ImageCopier::isInsecure(const std::string& host) const {
  auto [name, port] = http::splitHostPort(auth::canonicalRegistryHost(host));
  for (const auto& entry : options_.insecure_hosts) {
    auto [entry_name, entry_port] = http::splitHostPort(auth::canonicalRegistryHost(entry));
    if (entry_name == name && (entry_port < 0 || entry_port == port)) {
      return true;
    }
  }
  return false;
}

RegistryClient& ImageCopier::client(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = clients_[host];
  if (!slot) {
    slot = std::make_unique<RegistryClient>(
        http_, *auth_,
        RegistryClient::Options{.host = host,
                                .insecure = isInsecure(host),
                                .retry = options_.retry,
                                .request_timeout = options_.request_timeout,
                                .user_agent = options_.user_agent,
                                .observer = options_.observer,
                                .chunk_bytes = options_.chunk_bytes});
  }
  return *slot;
}

Semaphore& ImageCopier::limiter(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = limiters_[host];
  if (!slot) {
    slot = std::make_unique<Semaphore>(options_.jobs);
  }
  return *slot;
}

Result<CopyResult> ImageCopier::copyImage(const image::Reference& src, const image::Reference& dst,
                                          const CopyOptions& options) {
  CopyJob job(src, dst, options);
  auto result = runCopy(job);
  if (!result) {
    return fail(result.error().withContext(fmt::format("copying {} to {}", src.str(), dst.str())));
  }
  return result;
}

// The named steps of a copy; each returns early on failure.
Result<CopyResult> ImageCopier::runCopy(CopyJob& job) {
  RETURN_IF_ERROR(startJob(job));
  // With the target reference known up front, ask the target first: when it lacks the image the
  // source manifest is needed anyway, and a GET both names its digest and brings its bytes, so
  // the source HEAD is saved (cold copy: HEAD target + GET source; warm: HEAD target + HEAD
  // source).
  bool target_first = job.src.digest.empty() && !job.options.dry_pull &&
                      (!job.dst.tag.empty() || !job.dst.digest.empty());
  if (target_first) {
    RETURN_IF_ERROR(checkTarget(job));
    if (job.target_digest) {
      RETURN_IF_ERROR(resolveSource(job));
    }
  } else {
    RETURN_IF_ERROR(resolveSource(job));
    RETURN_IF_ERROR(checkTarget(job));
  }
  if (isUpToDate(job)) {
    return finish(job, CopyOutcome::kUpToDate);
  }
  if (job.options.dry_pull) {
    return finish(job, CopyOutcome::kDryRun);
  }
  RETURN_IF_ERROR(fetchRoot(job));
  RETURN_IF_ERROR(selectPlatforms(job));
  if (isUpToDate(job)) {
    return finish(job, CopyOutcome::kUpToDate);
  }
  RETURN_IF_ERROR(checkOverwrite(job));
  RETURN_IF_ERROR(fetchChildren(job));
  RETURN_IF_ERROR(copyBlobs(job));
  RETURN_IF_ERROR(putManifests(job));
  return finish(job, job.dry_run ? CopyOutcome::kDryRun : CopyOutcome::kCopied);
}

Status ImageCopier::startJob(CopyJob& job) {
  if (job.src.repository.empty() || job.dst.repository.empty()) {
    return fail(ErrorCode::kInvalidArgument, "source and target need a repository");
  }
  if (job.src.tag.empty() && job.src.digest.empty()) {
    return fail(ErrorCode::kInvalidArgument, "the source reference has neither tag nor digest");
  }
  job.started = clock_.now();
  job.dry_run = job.options.dry_run || job.options.dry_pull;
  job.source = &client(job.src.apiHost());
  job.target = &client(job.dst.apiHost());
  job.source_ctx = CallContext{.stop = job.options.stop, .stats = &job.stats, .push = false};
  job.target_ctx = CallContext{.stop = job.options.stop, .stats = &job.stats, .push = !job.dry_run};
  LOG_DEBUG(kLog, "image copy started",
            {{"image", job.src.str()}, {"target", job.dst.str()}, {"dry_run", job.dry_run}});
  return ok();
}

// Learns the source digest with as few requests as possible: none for a digest-pinned source
// or a dry pull; a GET when platforms are filtered (the index bytes are needed anyway); else a
// HEAD (which does not count as a Docker Hub pull), falling back to GET without a digest.
Status ImageCopier::resolveSource(CopyJob& job) {
  if (!job.src.digest.empty()) {
    job.source_digest = job.src.digest;
    return ok();
  }
  if (job.options.dry_pull) {
    return ok();
  }
  if (job.options.platforms.empty()) {
    ASSIGN_OR_RETURN(ManifestDescriptor head,
                     job.source->manifestHead(job.src.repository, job.src.tag, job.source_ctx));
    job.source_digest = head.digest;
    if (!job.source_digest.empty()) {
      return ok();
    }
  }
  return fetchRoot(job);
}

Status ImageCopier::checkTarget(CopyJob& job) {
  std::string reference = !job.dst.tag.empty()      ? job.dst.tag
                          : !job.dst.digest.empty() ? job.dst.digest
                                                    : job.source_digest;
  if (reference.empty()) {
    return fail(ErrorCode::kInvalidArgument, "the target reference has neither tag nor digest");
  }
  auto head = job.target->manifestHead(job.dst.repository, reference, job.target_ctx);
  if (!head && head.error().code == ErrorCode::kNotFound) {
    return ok();
  }
  if (!head) {
    return fail(head.error());
  }
  job.target_digest = head->digest;
  if (head->digest.empty()) {
    // A registry that omits Docker-Content-Digest on HEAD: hash what it serves instead.
    auto existing = job.target->manifestGet(job.dst.repository, reference, job.target_ctx);
    if (existing) {
      job.target_digest = existing->digest;
    }
  }
  return ok();
}

bool ImageCopier::isUpToDate(const CopyJob& job) const {
  if (!job.target_digest || job.target_digest->empty()) {
    return false;
  }
  return *job.target_digest == job.source_digest || *job.target_digest == job.push_digest;
}

Status ImageCopier::fetchRoot(CopyJob& job) {
  if (!job.root) {
    std::string reference = job.source_digest.empty() ? job.src.tag : job.source_digest;
    ASSIGN_OR_RETURN(ManifestContent root,
                     job.source->manifestGet(job.src.repository, reference, job.source_ctx));
    job.root = std::move(root);
    job.source_digest = job.root->digest;
  }
  job.push_bytes = job.root->bytes;
  job.push_media_type = job.root->media_type;
  job.push_digest = job.root->digest;
  job.children.clear();
  if (job.root->parsed.isIndex()) {
    job.children = job.root->parsed.index().manifests;
  } else {
    rememberSourceBlobs(job, job.root->parsed);
  }
  return ok();
}

// Keeps the runnable children matching the requested platforms and pushes a new index made of
// exactly their original descriptors (manifest.h filterIndex); each child keeps its digest.
Status ImageCopier::selectPlatforms(CopyJob& job) {
  const auto& platforms = job.options.platforms;
  if (platforms.empty() || !job.root->parsed.isIndex()) {
    return ok();
  }
  auto filtered = filterIndex(job.root->bytes, platforms, job.root->media_type);
  if (!filtered) {
    return fail(
        filtered.error().code == ErrorCode::kNotFound ? ErrorCode::kInvalidArgument
                                                      : filtered.error().code,
        fmt::format("none of the platforms {} is in {}", platformList(platforms), job.src.str()));
  }
  for (const auto& wanted : platforms) {
    bool found = false;
    for (const auto& child : filtered->manifests) {
      found = found || (child.platform && image::platformMatches(wanted, child.platform->platform));
    }
    if (!found) {
      job.missing_platforms.push_back(wanted.str());
      LOG_WARN(kLog, "platform not in source index",
               {{"image", job.src.str()}, {"platform", wanted.str()}});
    }
  }
  job.children = filtered->manifests;
  if (!filtered->all_kept) {
    job.push_bytes = filtered->bytes;
    job.push_media_type = filtered->media_type;
    job.push_digest = filtered->digest;
  }
  return ok();
}

// allowDifferentDigestRepush: a tag holding another digest is replaced only when allowed, and
// "latest" always is.
Status ImageCopier::checkOverwrite(CopyJob& job) const {
  if (job.dst.tag.empty() && !job.dst.digest.empty() && job.dst.digest != job.push_digest) {
    return fail(ErrorCode::kInvalidArgument,
                fmt::format("target digest {} differs from the content to push ({})",
                            job.dst.digest, job.push_digest));
  }
  if (!job.target_digest || job.dst.tag.empty()) {
    return ok();
  }
  std::string existing = job.target_digest->empty() ? "an unknown digest" : *job.target_digest;
  if (job.options.allow_overwrite || job.dst.tag == image::kDefaultTag) {
    LOG_INFO(kLog, "replacing target tag with a different digest",
             {{"target", job.dst.str()}, {"old_digest", existing}, {"digest", job.push_digest}});
    return ok();
  }
  return fail(ErrorCode::kAlreadyExists,
              fmt::format("target tag {} already holds {}, source has {}; overwriting a tag with "
                          "a different digest is disabled (allowDifferentDigestRepush)",
                          job.dst.str(), existing, job.push_digest));
}

CopyResult ImageCopier::finish(CopyJob& job, CopyOutcome outcome) const {
  CopyResult result;
  result.outcome = outcome;
  result.source_digest = job.source_digest;
  result.target_digest =
      outcome == CopyOutcome::kUpToDate ? job.target_digest.value_or("") : job.push_digest;
  result.media_type = job.push_media_type;
  result.blobs_copied = job.blobs_copied.load();
  result.blobs_skipped = job.blobs_skipped.load();
  result.blobs_mounted = job.blobs_mounted.load();
  result.bytes_copied = job.bytes_copied.load();
  result.manifests_pushed = job.manifests_pushed.load();
  result.missing_platforms = job.missing_platforms;
  result.requests = job.stats.perRegistry();
  result.token_requests = job.stats.tokenRequests();
  result.duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - job.started);
  const char* message = outcome == CopyOutcome::kUpToDate ? "image up to date"
                        : outcome == CopyOutcome::kDryRun ? "image copy planned (dry run)"
                                                          : "image copied";
  LOG_INFO(kLog, message,
           {{"image", job.src.str()},
            {"target", job.dst.str()},
            {"outcome", copyOutcomeName(outcome)},
            {"digest", result.target_digest},
            {"blobs_copied", result.blobs_copied},
            {"blobs_skipped", result.blobs_skipped},
            {"blobs_mounted", result.blobs_mounted},
            {"bytes", result.bytes_copied},
            {"manifests_pushed", result.manifests_pushed},
            {"duration_ms", result.duration.count()}});
  return result;
}

Result<CopyResult> copyImage(const image::Reference& src, const image::Reference& dst,
                             const CopyOptions& options, ImageCopierOptions copier_options) {
  ASSIGN_OR_RETURN(std::unique_ptr<ImageCopier> copier,
                   ImageCopier::create(std::move(copier_options)));
  return copier->copyImage(src, dst, options);
}

}  // namespace copycat::registry
