#include "planner/mirror_planner.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/strings.h"

namespace copycat::planner {
namespace {

Decision skip(std::string reason, std::string detail) {
  return Decision{
      .action = Action::kSkip, .reason = std::move(reason), .detail = std::move(detail)};
}

Decision invalid(std::string reason, std::string detail) {
  return Decision{
      .action = Action::kInvalid, .reason = std::move(reason), .detail = std::move(detail)};
}

std::string filterDetail(policy::FilterDecision d, const workload::ImageUse& use) {
  switch (d) {
    case policy::FilterDecision::kKindNotWatched:
      return fmt::format("{} is not in watchResources", use.kind_name);
    case policy::FilterDecision::kNamespaceNotIncluded:
      return fmt::format("namespace {} is not in includeNamespaces", use.namespace_name);
    case policy::FilterDecision::kNamespaceSkipped:
      return fmt::format("namespace {} is in skipNamespaces", use.namespace_name);
    case policy::FilterDecision::kNameSkipped:
      return fmt::format("{} {}/{} is in skipNames", use.kind_name, use.namespace_name, use.name);
    case policy::FilterDecision::kAllowed:
      break;
  }
  return {};
}

}  // namespace

std::string_view actionName(Action action) {
  switch (action) {
    case Action::kMirror:
      return "mirror";
    case Action::kSkip:
      return "skip";
    case Action::kInvalid:
      return "invalid";
  }
  return "invalid";
}

std::optional<ImageIdDigest> parseImageId(std::string_view image_id) {
  // Runtimes prefix a scheme: docker-pullable:// (dockershim), docker://, containerd://.
  if (auto scheme = image_id.find("://"); scheme != std::string_view::npos) {
    image_id.remove_prefix(scheme + 3);
  }
  auto at = image_id.rfind('@');
  if (at == std::string_view::npos) {
    // A bare "sha256:..." is the image (config) ID, not a manifest digest: unusable.
    return std::nullopt;
  }
  auto ref = image::parseNormalized(image_id);
  if (!ref || ref->digest.empty()) {
    return std::nullopt;
  }
  return ImageIdDigest{.repository = ref->name(), .digest = ref->digest};
}

Result<MirrorPlanner> MirrorPlanner::create(const PlannerOptions& options) {
  MirrorPlanner planner;
  planner.options_ = options;
  ASSIGN_OR_RETURN(planner.filter_, policy::WorkloadFilter::create(options.filter));
  ASSIGN_OR_RETURN(planner.path_mapper_, policy::PathMapper::create(options.path_map));
  ASSIGN_OR_RETURN(auto target, policy::parseTargetRegistry(options.target_registry));
  planner.target_host_ = target.host;
  // copycat never mirrors its own mirror: the target registry is always excluded as a source.
  auto entries = options.exclude_registries;
  entries.push_back(target.path.empty() ? target.host : target.host + "/" + target.path);
  ASSIGN_OR_RETURN(planner.exclusion_, policy::RegistryExclusion::create(entries));
  // Fail at startup, not per image, when the naming settings cannot produce any name.
  RETURN_IF_ERROR(policy::validateRepoPrefix(options.repo_prefix));
  return planner;
}

Decision MirrorPlanner::decide(const workload::ImageUse& use) const {
  auto verdict = filter_.evaluate(use.kind, use.namespace_name, use.name);
  if (verdict != policy::FilterDecision::kAllowed) {
    return skip(std::string(policy::filterDecisionName(verdict)), filterDetail(verdict, use));
  }
  if (strings::trim(use.image).empty()) {
    return invalid("invalid_reference", "empty image reference");
  }
  auto parsed = image::parseNormalized(use.image);
  if (!parsed) {
    return invalid("invalid_reference", parsed.error().message);
  }
  Decision decision{.action = Action::kMirror, .source = *parsed};
  auto& source = *decision.source;
  if (options_.digest_pull && source.digest.empty()) {
    const auto& ignored = options_.digest_pull_ignored_tags;
    bool tag_ignored = std::find(ignored.begin(), ignored.end(), source.tag) != ignored.end();
    auto pinned = parseImageId(use.image_id);
    if (!tag_ignored && pinned && pinned->repository == source.name()) {
      source.digest = pinned->digest;
      decision.pinned_by_image_id = true;
    }
  }
  if (auto entry = exclusion_.match(source)) {
    return skip("excluded_registry", fmt::format("matches excludeRegistries entry {}", *entry));
  }
  return nameTarget(use, std::move(decision));
}

Decision MirrorPlanner::nameTarget(const workload::ImageUse& use, Decision decision) const {
  policy::NamingInput input{.source = *decision.source,
                            .namespace_name = use.namespace_name,
                            .workload_name = use.name,
                            .container_name = use.container};
  policy::NamingOptions naming{.kind = options_.target_kind,
                               .target_registry = options_.target_registry,
                               .repo_prefix = options_.repo_prefix,
                               .path_map = &path_mapper_};
  auto target = policy::targetFor(input, naming);
  if (!target) {
    auto source = std::move(decision.source);
    decision = invalid("invalid_target", target.error().message);
    decision.source = std::move(source);
    return decision;
  }
  if (target->adjusted) {
    decision.detail = strings::join(target->notes, "; ");
  }
  decision.target = std::move(*target);
  return decision;
}

}  // namespace copycat::planner
