#include "controller/mirror_jobs.h"

#include <algorithm>

namespace copycat::controller {
namespace {

constexpr size_t kMaxTagLength = 128;  // distribution reference grammar: [\w][\w.-]{0,127}

void addPlatform(std::vector<image::Platform>& list, const image::Platform& p) {
  auto normal = image::normalizePlatform(p);
  if (std::find(list.begin(), list.end(), normal) == list.end()) {
    list.push_back(std::move(normal));
  }
}

void sortPlatforms(std::vector<image::Platform>& list) {
  std::sort(list.begin(), list.end(),
            [](const image::Platform& a, const image::Platform& b) { return a.str() < b.str(); });
}

bool isDigestOnly(const MirrorRequest& request) { return request.latest.target.tag.empty(); }

MirrorJob baseJob(const MirrorRequest& request, const JobOptions& options) {
  return MirrorJob{.source = request.latest.source,
                   .target = request.latest.target,
                   .platforms = {},
                   .allow_different_digest_repush = options.allow_different_digest_repush,
                   .anchor_tag = {},
                   .dry_run = options.dry_run || options.dry_pull,
                   .dry_pull = options.dry_pull,
                   .reconcile_id = options.reconcile_id};
}

// A whole, byte-identical copy of source@digest pushed under its digest and anchor tag.
MirrorJob anchorJob(const MirrorRequest& request, const std::string& digest,
                    const JobOptions& options) {
  MirrorJob job = baseJob(request, options);
  job.source.digest = digest;
  job.source.tag.clear();
  job.target.tag.clear();
  job.target.digest = digest;
  job.anchor_tag = anchorTag(digest);
  return job;
}

}  // namespace

PlatformPlan wantedPlatforms(const MirrorRequest& request, const PlatformOptions& options) {
  PlatformPlan plan;
  if (isDigestOnly(request) || (!options.check_node_platform && options.mirror_platforms.empty())) {
    return plan;
  }
  for (const auto& p : options.mirror_platforms) {
    addPlatform(plan.platforms, p);
  }
  if (options.check_node_platform) {
    for (const auto& p : request.node_platforms) {
      addPlatform(plan.platforms, p);
    }
  }
  // No platform known yet (a template whose pods have not been scheduled): copy everything
  // rather than nothing.
  plan.all = plan.platforms.empty();
  sortPlatforms(plan.platforms);
  return plan;
}

PlatformPlan widenPlatforms(PlatformPlan wanted, const std::optional<PushRecord>& previous) {
  if (wanted.all || !previous || previous->all_platforms) {
    return wanted;
  }
  for (const auto& p : previous->platforms) {
    addPlatform(wanted.platforms, p);
  }
  sortPlatforms(wanted.platforms);
  return wanted;
}

bool covers(const PushRecord& record, const MirrorRequest& request, const PlatformPlan& wanted) {
  if (record.source_name != sourceIdentity(request.latest.source)) {
    return false;
  }
  if (!std::includes(record.fingerprints.begin(), record.fingerprints.end(),
                     request.fingerprints.begin(), request.fingerprints.end())) {
    return false;
  }
  if (record.all_platforms) {
    return true;
  }
  if (wanted.all) {
    return false;
  }
  return std::all_of(wanted.platforms.begin(), wanted.platforms.end(), [&](const auto& p) {
    return std::find(record.platforms.begin(), record.platforms.end(),
                     image::normalizePlatform(p)) != record.platforms.end();
  });
}

std::string anchorTag(std::string_view digest) {
  std::string tag(digest);
  std::replace(tag.begin(), tag.end(), ':', '-');
  if (tag.size() > kMaxTagLength) {
    tag.resize(kMaxTagLength);
  }
  return tag;
}

std::vector<MirrorJob> planJobs(const MirrorRequest& request, const PlatformPlan& platforms,
                                const JobOptions& options) {
  std::vector<MirrorJob> jobs;
  if (isDigestOnly(request)) {
    jobs.push_back(anchorJob(request, request.latest.target.digest, options));
    return jobs;
  }
  MirrorJob tag_job = baseJob(request, options);
  tag_job.target.digest.clear();  // pushed under the tag; a filtered index has its own digest
  if (!platforms.all) {
    tag_job.platforms = platforms.platforms;
  }
  if (request.pinned_digests.size() == 1) {
    tag_job.source.digest = request.pinned_digests.front();
  } else {
    tag_job.source.digest.clear();
    for (const auto& digest : request.pinned_digests) {
      jobs.push_back(anchorJob(request, digest, options));
    }
  }
  jobs.push_back(std::move(tag_job));
  return jobs;
}

}  // namespace copycat::controller
