// ImageCopier's content steps: fetch child manifests, copy blobs (skip / mount / stream), push
// manifests bottom-up. See image_copier.h.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "base/log.h"
#include "image/media_types.h"
#include "registry/image_copier.h"

namespace copycat::registry {
namespace {

constexpr std::string_view kLog = "registry";
// Indexes of indexes are legal but rare; deeper nesting than this is refused.
constexpr size_t kMaxIndexDepth = 4;

// Foreign (Windows base) and non-distributable layers live outside registries: registries
// neither serve nor accept them, and their descriptors carry `urls` instead.
bool isNonDistributable(const Descriptor& layer) {
  return layer.media_type.find(".foreign.") != std::string::npos ||
         layer.media_type.find("nondistributable") != std::string::npos;
}

CallContext withStop(CallContext ctx, std::stop_token stop) {
  ctx.stop = std::move(stop);
  return ctx;
}

void reportDone(const CopyJob& job, const BlobRef& blob) {
  if (job.options.progress) {
    job.options.progress(blob.digest, blob.size, blob.size);
  }
}

// Releases the semaphores it acquired, in reverse order.
class Permits {
 public:
  Permits() = default;
  Permits(const Permits&) = delete;
  Permits& operator=(const Permits&) = delete;
  ~Permits() {
    for (auto it = held_.rbegin(); it != held_.rend(); ++it) {
      (*it)->release();
    }
  }
  bool acquire(Semaphore& semaphore, std::stop_token stop) {
    if (!semaphore.acquire(std::move(stop))) {
      return false;
    }
    held_.push_back(&semaphore);
    return true;
  }

 private:
  std::vector<Semaphore*> held_;
};

}  // namespace

void ImageCopier::rememberSourceBlobs(const CopyJob& job, const ParsedManifest& manifest) {
  if (manifest.isIndex()) {
    return;
  }
  const std::string& host = job.source->host();
  locations_.add(host, manifest.image().config.digest, job.src.repository);
  for (const auto& layer : manifest.image().layers) {
    locations_.add(host, layer.digest, job.src.repository);
  }
}

Status ImageCopier::fetchChildren(CopyJob& job) {
  std::vector<Descriptor> pending = job.children;
  std::set<std::string> seen;
  for (size_t depth = 0; !pending.empty(); ++depth) {
    if (depth >= kMaxIndexDepth) {
      return fail(ErrorCode::kInvalidArgument,
                  fmt::format("indexes nested deeper than {} levels", kMaxIndexDepth));
    }
    std::erase_if(pending, [&](const Descriptor& d) { return !seen.insert(d.digest).second; });
    std::vector<ManifestContent> level(pending.size());
    RETURN_IF_ERROR(runParallel(
        pending.size(), options_.jobs, job.options.stop,
        [&](size_t i, std::stop_token stop) -> Status {
          ASSIGN_OR_RETURN(level[i], job.source->manifestGet(job.src.repository, pending[i].digest,
                                                             withStop(job.source_ctx, stop)));
          return ok();
        }));
    std::vector<Descriptor> next;
    for (const auto& manifest : level) {
      if (manifest.parsed.isIndex()) {
        const auto& more = manifest.parsed.index().manifests;
        next.insert(next.end(), more.begin(), more.end());
      } else {
        rememberSourceBlobs(job, manifest.parsed);
      }
    }
    job.levels.push_back(std::move(level));
    pending = std::move(next);
  }
  std::set<std::string> unique;
  auto collect = [&](const ParsedManifest& parsed) {
    if (parsed.isIndex()) {
      return;
    }
    std::vector<Descriptor> blobs = parsed.image().layers;
    blobs.insert(blobs.begin(), parsed.image().config);
    for (const auto& d : blobs) {
      if (!isNonDistributable(d) && unique.insert(d.digest).second) {
        job.blobs.push_back(
            BlobRef{.digest = d.digest, .size = d.size, .media_type = d.media_type});
      }
    }
  };
  collect(job.root->parsed);
  for (const auto& level : job.levels) {
    for (const auto& manifest : level) {
      collect(manifest.parsed);
    }
  }
  return ok();
}

Status ImageCopier::copyBlobs(CopyJob& job) {
  return runParallel(
      job.blobs.size(), options_.jobs, job.options.stop, [&](size_t i, std::stop_token stop) {
        auto status = copyBlob(job, job.blobs[i], stop);
        if (!status) {
          return Status(
              fail(status.error().withContext(fmt::format("blob {}", job.blobs[i].digest))));
        }
        return status;
      });
}

// One blob: mount it when another repository of the target registry is known to hold it
// (distribution-spec "Mounting a blob": 201 mounted, 202 = upload into the returned session),
// else find it at the target or open its upload session in one request, and stream it.
// Concurrent copies of the same digest to the same registry wait for each other, then find it
// there.
Status ImageCopier::copyBlob(CopyJob& job, const BlobRef& blob, std::stop_token stop) {
  CallContext target_ctx = withStop(job.target_ctx, stop);
  const std::string& host = job.target->host();
  const std::string& repo = job.dst.repository;
  InFlightKeys::Hold hold = in_flight_.acquire(host + "@" + blob.digest, stop);
  if (!hold.held()) {
    return fail(ErrorCode::kCancelled, "cancelled");
  }
  std::string session;
  std::vector<std::string> from = locations_.find(host, blob.digest, repo);
  if (!from.empty() && job.dry_run) {
    ++job.blobs_mounted;
    return ok();
  }
  if (!from.empty()) {
    auto mount = job.target->blobMount(repo, blob.digest, from.front(), target_ctx);
    if (mount && mount->mounted) {
      ++job.blobs_mounted;
      locations_.add(host, blob.digest, repo);
      reportDone(job, blob);
      LOG_DEBUG(kLog, "blob mounted", {{"digest", blob.digest}, {"from", from.front()}});
      return ok();
    }
    if (!mount && mount.error().code == ErrorCode::kCancelled) {
      return fail(mount.error());
    }
    locations_.forget(host, blob.digest, from.front());
    session = mount ? mount->upload_location : std::string();
  }
  if (session.empty()) {
    ASSIGN_OR_RETURN(bool present, findAtTarget(job, blob, target_ctx, session));
    if (present) {
      ++job.blobs_skipped;
      locations_.add(host, blob.digest, repo);
      reportDone(job, blob);
      return ok();
    }
  }
  if (job.dry_run) {
    ++job.blobs_copied;
    job.bytes_copied += blob.size;
    return ok();
  }
  return streamBlob(job, blob, target_ctx, std::move(session));
}

// Dry runs only look (HEAD); real copies ask "present, or where do I upload?" in one request.
Result<bool> ImageCopier::findAtTarget(CopyJob& job, const BlobRef& blob,
                                       const CallContext& target_ctx, std::string& session) {
  const std::string& repo = job.dst.repository;
  if (job.dry_run) {
    ASSIGN_OR_RETURN(std::optional<int64_t> present,
                     job.target->blobHead(repo, blob.digest, target_ctx));
    return present.has_value();
  }
  ASSIGN_OR_RETURN(MountResult found,
                   job.target->blobFindOrStartUpload(repo, blob.digest, target_ctx));
  session = std::move(found.upload_location);
  return found.mounted;
}

Status ImageCopier::streamBlob(CopyJob& job, const BlobRef& blob, const CallContext& target_ctx,
                               std::string session) {
  // Per-registry transfer limits shared by all copies; taken in name order so two copies
  // never wait on each other's permits.
  std::vector<std::string> hosts = {job.source->host(), job.target->host()};
  std::sort(hosts.begin(), hosts.end());
  hosts.erase(std::unique(hosts.begin(), hosts.end()), hosts.end());
  Permits permits;
  for (const auto& host : hosts) {
    if (!permits.acquire(limiter(host), target_ctx.stop)) {
      return fail(ErrorCode::kCancelled, "cancelled");
    }
  }
  CallContext source_ctx = withStop(job.source_ctx, target_ctx.stop);
  ASSIGN_OR_RETURN(
      int64_t bytes,
      blob_copier_.copy(*job.source, job.src.repository, *job.target, job.dst.repository, blob,
                        source_ctx, target_ctx, std::move(session), job.options.progress));
  ++job.blobs_copied;
  job.bytes_copied += bytes;
  locations_.add(job.target->host(), blob.digest, job.dst.repository);
  LOG_DEBUG(kLog, "blob copied", {{"digest", blob.digest}, {"bytes", bytes}});
  return ok();
}

// Children by digest, deepest level first, then the top manifest by tag (or digest): nothing
// is pushed before everything it references exists at the target.
Status ImageCopier::putManifests(CopyJob& job) {
  if (job.dry_run) {
    int64_t count = 1;
    for (const auto& level : job.levels) {
      count += static_cast<int64_t>(level.size());
    }
    job.manifests_pushed = count;
    return ok();
  }
  const std::string& repo = job.dst.repository;
  for (auto level = job.levels.rbegin(); level != job.levels.rend(); ++level) {
    const auto& manifests = *level;
    RETURN_IF_ERROR(runParallel(manifests.size(), options_.jobs, job.options.stop,
                                [&](size_t i, std::stop_token stop) -> Status {
                                  const ManifestContent& m = manifests[i];
                                  ASSIGN_OR_RETURN(
                                      std::string digest,
                                      job.target->manifestPut(repo, m.digest, m.bytes, m.media_type,
                                                              withStop(job.target_ctx, stop)));
                                  (void)digest;
                                  ++job.manifests_pushed;
                                  return ok();
                                }));
  }
  if (job.options.stop.stop_requested()) {
    return fail(ErrorCode::kCancelled, "cancelled before pushing the top manifest");
  }
  std::string reference = job.dst.tag.empty() ? job.push_digest : job.dst.tag;
  ASSIGN_OR_RETURN(std::string digest,
                   job.target->manifestPut(repo, reference, job.push_bytes, job.push_media_type,
                                           job.target_ctx));
  if (digest != job.push_digest && job.push_digest.starts_with("sha256:")) {
    return fail(ErrorCode::kDigestMismatch,
                fmt::format("pushed manifest has digest {}, expected {}", digest, job.push_digest));
  }
  ++job.manifests_pushed;
  return ok();
}

}  // namespace copycat::registry
