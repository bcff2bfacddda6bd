#include "aws/ecr_repository_manager.h"

#include <nlohmann/json.hpp>

#include "base/log.h"

namespace copycat::aws {
namespace {

// Policies compare as JSON values, so formatting and key order do not cause rewrites.
bool samePolicy(std::string_view current, std::string_view desired) {
  nlohmann::json a = nlohmann::json::parse(current, nullptr, false);
  nlohmann::json b = nlohmann::json::parse(desired, nullptr, false);
  if (a.is_discarded() || b.is_discarded()) {
    return current == desired;
  }
  return a == b;
}

// The text of a Get*Policy answer; "" when there is none.
Result<std::string> policyOrEmpty(Result<std::string> policy) {
  if (!policy && policy.error().code == ErrorCode::kNotFound) {
    return std::string();
  }
  return policy;
}

}  // namespace

std::string_view ensureOutcomeName(EnsureOutcome outcome) {
  switch (outcome) {
    case EnsureOutcome::kExisted:
      return "existed";
    case EnsureOutcome::kCreated:
      return "created";
    case EnsureOutcome::kMissingDryRun:
      return "missing (dry run)";
  }
  return "unknown";
}

Result<EnsureResult> EcrRepositoryManager::ensureRepository(std::string_view name) {
  RETURN_IF_ERROR(validateEcrRepositoryName(name));
  std::unique_lock lock(mu_);
  auto it = entries_.try_emplace(std::string(name)).first;
  done_.wait(lock, [&] { return !it->second.busy; });
  if (it->second.known && !it->second.pending()) {
    return EnsureResult{
        it->second.missing_dry_run ? EnsureOutcome::kMissingDryRun : EnsureOutcome::kExisted, true};
  }
  it->second.busy = true;
  Entry entry = it->second;
  lock.unlock();
  Result<EnsureResult> result = fail(ErrorCode::kInternal, "ensure repository did not run");
  if (entry.known) {
    Status applied = applyPending(it->first, entry);
    result = applied ? Result<EnsureResult>(EnsureResult{EnsureOutcome::kExisted, false})
                     : Result<EnsureResult>(fail(applied.error()));
  } else {
    result = discover(it->first, entry);
  }
  lock.lock();
  entry.busy = false;
  it->second = entry;
  done_.notify_all();
  return result;
}

void EcrRepositoryManager::forget(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(name);
  if (it != entries_.end() && !it->second.busy) {
    entries_.erase(it);
  }
}

Result<EnsureResult> EcrRepositoryManager::discover(const std::string& name, Entry& entry) const {
  Result<EcrRepository> repository = client_.describeRepository(name);
  if (repository) {
    entry.known = true;
    if (settings_.reconcile_settings && !settings_.dry_run) {
      if (Status reconciled = reconcile(*repository); !reconciled) {
        entry.reconcile_pending = true;  // retried by the next ensureRepository()
        return fail(reconciled.error().withContext("reconciling ecr repository " + name));
      }
    }
    return EnsureResult{EnsureOutcome::kExisted, false};
  }
  if (repository.error().code != ErrorCode::kNotFound) {
    return fail(repository.error().withContext("checking ecr repository " + name));
  }
  if (settings_.dry_run) {
    entry.known = true;
    entry.missing_dry_run = true;
    return EnsureResult{EnsureOutcome::kMissingDryRun, false};
  }
  if (!settings_.create_repo) {
    return fail(ErrorCode::kNotFound,
                "ecr repository " + name + " does not exist and createRepo is disabled");
  }
  return create(name, entry);
}

Result<EnsureResult> EcrRepositoryManager::create(const std::string& name, Entry& entry) const {
  CreateRepositoryInput input;
  input.name = name;
  input.image_tag_mutability = settings_.image_tag_mutability;
  input.scan_on_push = settings_.scan_on_push;
  input.encryption = settings_.encryption;
  input.tags = settings_.tags;
  Result<EcrRepository> created = client_.createRepository(input);
  if (!created && created.error().code == ErrorCode::kAlreadyExists) {
    // Another replica or worker won the race; it configures what it created.
    LOG_INFO("aws", "ecr repository created concurrently by another writer",
             {{"repository", name}});
    entry.known = true;
    entry.reconcile_pending = settings_.reconcile_settings;
    RETURN_IF_ERROR(applyPending(name, entry));
    return EnsureResult{EnsureOutcome::kExisted, false};
  }
  if (!created) {
    return fail(created.error().withContext("creating ecr repository " + name));
  }
  LOG_INFO("aws", "ecr repository created", {{"repository", name}});
  entry.known = true;
  entry.lifecycle_pending = !settings_.lifecycle_policy.empty();
  entry.policy_pending = !settings_.repository_policy.empty();
  RETURN_IF_ERROR(applyPending(name, entry));
  return EnsureResult{EnsureOutcome::kCreated, false};
}

Status EcrRepositoryManager::applyPending(const std::string& name, Entry& entry) const {
  if (entry.lifecycle_pending) {
    Status applied = client_.putLifecyclePolicy(name, settings_.lifecycle_policy);
    if (!applied) {
      LOG_WARN("aws", "applying the ecr lifecycle policy failed; retried on the next push",
               {{"repository", name}, {"error", applied.error().describe()}});
      return fail(applied.error().withContext("applying lifecycle policy to " + name));
    }
    entry.lifecycle_pending = false;
  }
  if (entry.policy_pending) {
    Status applied = client_.setRepositoryPolicy(name, settings_.repository_policy);
    if (!applied) {
      return fail(applied.error().withContext("applying repository policy to " + name));
    }
    entry.policy_pending = false;
  }
  if (entry.reconcile_pending) {
    Result<EcrRepository> repository = client_.describeRepository(name);
    Status reconciled = repository ? reconcile(*repository) : Status(fail(repository.error()));
    if (!reconciled) {
      return fail(reconciled.error().withContext("reconciling ecr repository " + name));
    }
    entry.reconcile_pending = false;
  }
  return ok();
}

Status EcrRepositoryManager::reconcile(const EcrRepository& repository) const {
  const std::string& name = repository.name;
  if (!settings_.image_tag_mutability.empty() &&
      repository.image_tag_mutability != settings_.image_tag_mutability) {
    RETURN_IF_ERROR(client_.putImageTagMutability(name, settings_.image_tag_mutability));
  }
  if (repository.scan_on_push != settings_.scan_on_push) {
    RETURN_IF_ERROR(client_.putImageScanningConfiguration(name, settings_.scan_on_push));
  }
  const EcrEncryption& want = settings_.encryption;
  bool key_differs = !want.kms_key.empty() && want.kms_key != repository.encryption.kms_key;
  if (repository.encryption.type != want.type || key_differs) {
    LOG_WARN(
        "aws", "ecr repository encryption differs from the settings and cannot be changed",
        {{"repository", name}, {"encryption", repository.encryption.type}, {"wanted", want.type}});
  }
  RETURN_IF_ERROR(reconcileTags(repository));
  return reconcilePolicies(name);
}

Status EcrRepositoryManager::reconcileTags(const EcrRepository& repository) const {
  if (settings_.tags.empty()) {
    return ok();
  }
  ASSIGN_OR_RETURN(auto current, client_.listTagsForResource(repository.arn));
  std::map<std::string, std::string> changed;
  for (const auto& [key, value] : settings_.tags) {
    auto it = current.find(key);
    if (it == current.end() || it->second != value) {
      changed[key] = value;
    }
  }
  return changed.empty() ? ok() : client_.tagResource(repository.arn, changed);
}

Status EcrRepositoryManager::reconcilePolicies(const std::string& name) const {
  if (!settings_.repository_policy.empty()) {
    ASSIGN_OR_RETURN(std::string current, policyOrEmpty(client_.getRepositoryPolicy(name)));
    if (!samePolicy(current, settings_.repository_policy)) {
      RETURN_IF_ERROR(client_.setRepositoryPolicy(name, settings_.repository_policy));
    }
  }
  if (!settings_.lifecycle_policy.empty()) {
    ASSIGN_OR_RETURN(std::string current, policyOrEmpty(client_.getLifecyclePolicy(name)));
    if (!samePolicy(current, settings_.lifecycle_policy)) {
      RETURN_IF_ERROR(client_.putLifecyclePolicy(name, settings_.lifecycle_policy));
    }
  }
  return ok();
}

}  // namespace copycat::aws
