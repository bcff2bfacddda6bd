// The policy step of the pipeline, as one decision per image use: is this image mirrored, and
// to which target? Shared by `copycat plan` (manifest files, a live cluster) and the controller,
// so both decide identically. Pure: no I/O.
//
// Order of checks (the first that applies decides):
//   1. kind watched, namespace included and not skipped, workload name not skipped
//   2. the image string parses as a reference (invalid -> kInvalid with the reason)
//   3. digestPull: pin the source to the pod's reported digest when it belongs to the same
//      repository and the tag is not in digestPullIgnoredTags
//   4. excludeRegistries (the target registry itself is always excluded)
//   5. the target name (pathMap, repoPrefix, sanitising for the target kind)
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "image/reference.h"
#include "policy/path_map.h"
#include "policy/registry_exclusion.h"
#include "policy/repo_prefix.h"
#include "policy/target_naming.h"
#include "policy/workload_filter.h"
#include "workload/image_uses.h"

namespace copycat::planner {

struct PlannerOptions {
  policy::WorkloadFilterOptions filter = {};
  std::vector<std::string> exclude_registries = {};
  std::vector<policy::PathMapRule> path_map = {};
  policy::TargetKind target_kind = policy::TargetKind::kGeneric;
  std::string target_registry = {};  // host[:port][/path]
  std::string repo_prefix = {};
  bool digest_pull = false;
  std::vector<std::string> digest_pull_ignored_tags = {"latest"};
};

enum class Action { kMirror, kSkip, kInvalid };
std::string_view actionName(Action action);  // "mirror", "skip", "invalid"

struct Decision {
  Action action = Action::kInvalid;
  // Stable, bounded reason code: "" for kMirror; "kind_not_watched", "namespace_not_included",
  // "namespace_skipped", "name_skipped", "excluded_registry" for kSkip; "invalid_reference",
  // "invalid_target" for kInvalid.
  std::string reason = {};
  std::string detail = {};                        // human-readable explanation
  std::optional<image::Reference> source = {};    // normalised (and pinned) source
  std::optional<policy::TargetName> target = {};  // set for kMirror
  bool pinned_by_image_id = false;                // digestPull used the pod's imageID
};

// Immutable after create(). Thread-safe (const methods only).
class MirrorPlanner {
 public:
  // Validates and compiles everything once. kInvalidArgument names the offending setting.
  [[nodiscard]] static Result<MirrorPlanner> create(const PlannerOptions& options);

  [[nodiscard]] Decision decide(const workload::ImageUse& use) const;

  [[nodiscard]] const policy::WorkloadFilter& filter() const { return filter_; }

 private:
  MirrorPlanner() = default;

  Decision nameTarget(const workload::ImageUse& use, Decision decision) const;

  PlannerOptions options_;
  policy::WorkloadFilter filter_;
  policy::RegistryExclusion exclusion_;
  policy::PathMapper path_mapper_;
  std::string target_host_;  // the target registry host, excluded as a source
};

// Extracts the manifest digest from a pod status imageID ("docker-pullable://repo@sha256:...",
// "repo@sha256:...", "containerd://sha256:..."). Returns the repository (normalised name, ""
// when the imageID names none) and digest; nullopt when there is no usable digest.
struct ImageIdDigest {
  std::string repository;  // "docker.io/library/nginx" or ""
  std::string digest;      // "sha256:<hex>"
};
std::optional<ImageIdDigest> parseImageId(std::string_view image_id);

}  // namespace copycat::planner
