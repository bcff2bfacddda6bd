// Makes sure target repositories exist in ECR before the first push (k8s-copycat's
// EnsureRepository), creating and configuring them when allowed.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "aws/ecr_client.h"

namespace copycat::aws {

// The repository settings of the `ecr` configuration section.
struct EcrRepositorySettings {
  bool create_repo = true;
  // Read-only: DescribeRepositories only; never creates or changes anything.
  bool dry_run = false;
  // Also bring existing repositories in line: tag mutability, scan on push, tags (added or
  // updated, never removed), repository policy and lifecycle policy (read first and compared as
  // JSON, so an unchanged policy is not rewritten). Encryption cannot change after creation: a
  // mismatch is only logged.
  bool reconcile_settings = false;
  std::string image_tag_mutability = "MUTABLE";
  bool scan_on_push = false;
  EcrEncryption encryption{};
  std::map<std::string, std::string> tags{};
  std::string lifecycle_policy{};   // JSON text; applied on creation (and by reconcile)
  std::string repository_policy{};  // JSON text; applied on creation (and by reconcile)
};

enum class EnsureOutcome {
  kExisted,        // it was there (or another creator made it concurrently)
  kCreated,        // this call created it
  kMissingDryRun,  // dry run: it does not exist and would be created
};
std::string_view ensureOutcomeName(EnsureOutcome outcome);

struct EnsureResult {
  EnsureOutcome outcome = EnsureOutcome::kExisted;
  bool cached = false;  // answered from memory, without any API call
};

// ensureRepository(name):
//  1. rejects names ECR would reject, before any call (kInvalidArgument);
//  2. answers from memory when the repository is already known (one DescribeRepositories per
//     repository for the life of this object; share one manager per target);
//  3. otherwise DescribeRepositories; when missing and create_repo is on, CreateRepository with
//     the settings (RepositoryAlreadyExistsException from a concurrent creator counts as
//     success), then the lifecycle and repository policies. When applying a policy fails, the
//     error is returned and the next ensureRepository() applies it again (without describing).
//     When missing and create_repo is off: kNotFound (not remembered, so a repository created by
//     hand is found later).
//
// Thread-safe; single-flight per repository name: concurrent calls for one name share one set of
// API calls. Does not own `client`.
class EcrRepositoryManager {
 public:
  EcrRepositoryManager(const EcrClient& client, EcrRepositorySettings settings)
      : client_(client), settings_(std::move(settings)) {}

  [[nodiscard]] Result<EnsureResult> ensureRepository(std::string_view name);
  // Forgets what is known about `name` (e.g. a push found it deleted).
  void forget(std::string_view name);

  [[nodiscard]] const EcrRepositorySettings& settings() const { return settings_; }

 private:
  struct Entry {
    bool busy = false;   // a thread is working on it
    bool known = false;  // exists (or, in dry run, known to be missing)
    bool missing_dry_run = false;
    bool lifecycle_pending = false;
    bool policy_pending = false;
    bool reconcile_pending = false;

    [[nodiscard]] bool pending() const {
      return lifecycle_pending || policy_pending || reconcile_pending;
    }
  };

  Result<EnsureResult> discover(const std::string& name, Entry& entry) const;
  Result<EnsureResult> create(const std::string& name, Entry& entry) const;
  Status applyPending(const std::string& name, Entry& entry) const;
  Status reconcile(const EcrRepository& repository) const;
  Status reconcileTags(const EcrRepository& repository) const;
  Status reconcilePolicies(const std::string& name) const;

  const EcrClient& client_;
  const EcrRepositorySettings settings_;

  std::mutex mu_;
  std::condition_variable done_;
  std::map<std::string, Entry, std::less<>> entries_;  // guarded by mu_
};

}  // namespace copycat::aws
