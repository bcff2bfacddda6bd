// From a MirrorRequest to the copies that satisfy it, and whether the push cache already
// covers it. Pure functions; thread-safe.
//
// Platforms: by default the whole index is copied byte-identical. With checkNodePlatform and/or
// mirrorPlatforms the copy keeps mirrorPlatforms plus every node platform demanded of the
// target, as one filtered index, and never fewer platforms than the previous push kept, so pods
// of different architectures never overwrite each other's tag (and never with a single-platform
// manifest). A digest-only target is always copied whole: a filtered index would not match the
// digest it is pushed under.
//
// Pinned sources (digestPull): one pinned digest is copied to the tag. Several distinct pinned
// digests under one tag (per-architecture imageIDs, or a tag that moved while old pods run) are
// each copied whole under their anchor tag, and the tag itself is copied from the source tag
// with the platform filter, so that no digest that runs is lost and the tag stays an index.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/mirror_executor.h"
#include "controller/mirror_request.h"
#include "controller/push_cache.h"
#include "image/platform.h"

namespace copycat::controller {

struct PlatformOptions {
  bool check_node_platform = false;
  std::vector<image::Platform> mirror_platforms = {};  // normalised
};

struct PlatformPlan {
  bool all = true;                              // the whole index
  std::vector<image::Platform> platforms = {};  // else these, sorted by str()
};

// The platforms the request wants now (before widening with history).
PlatformPlan wantedPlatforms(const MirrorRequest& request, const PlatformOptions& options);

// Adds the platforms the previous push kept, so a target never loses one.
PlatformPlan widenPlatforms(PlatformPlan wanted, const std::optional<PushRecord>& previous);

// True when `record` already holds what `request` wants: same source identity, every demanded
// digest seen, and the wanted platforms included.
bool covers(const PushRecord& record, const MirrorRequest& request, const PlatformPlan& wanted);

// "sha256-<hex>" for "sha256:<hex>", cut to the 128 characters a tag may have.
std::string anchorTag(std::string_view digest);

struct JobOptions {
  bool allow_different_digest_repush = true;
  bool dry_run = false;
  bool dry_pull = false;
  std::string reconcile_id = {};
};

// The copies for `request`, in order; the last one pushes the key itself.
std::vector<MirrorJob> planJobs(const MirrorRequest& request, const PlatformPlan& platforms,
                                const JobOptions& options);

}  // namespace copycat::controller
