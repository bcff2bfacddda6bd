#include "aws/ecr_repository_manager.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "aws_test_env.h"

namespace copycat::aws {
namespace {

using test::AwsTestEnv;

const std::string kLifecycle =
    R"({"rules":[{"rulePriority":1,"description":"keep 30","selection":{"tagStatus":"any",)"
    R"("countType":"imageCountMoreThan","countNumber":30},"action":{"type":"expire"}}]})";

class EcrRepositoryManagerTest : public ::testing::Test {
 protected:
  EcrRepositorySettings settings() const {
    EcrRepositorySettings s;
    s.lifecycle_policy = kLifecycle;
    s.image_tag_mutability = "IMMUTABLE";
    s.scan_on_push = true;
    s.tags = {{"managed-by", "copycat"}};
    return s;
  }

  AwsTestEnv env_;
  StaticCredentialsProvider credentials_{AwsTestEnv::staticKeys()};
  EcrClient client_{env_.http(),
                    env_.clock(),
                    credentials_,
                    {env_.endpoint(Service::kEcr), "", AwsTestEnv::fastCalls()}};
};

TEST_F(EcrRepositoryManagerTest, CreatesWithSettingsAndLifecyclePolicyThenAnswersFromMemory) {
  EcrRepositoryManager manager(client_, settings());
  auto created = manager.ensureRepository("mirror/nginx");
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_EQ(created->outcome, EnsureOutcome::kCreated);
  auto repo = env_.fake().repository("mirror/nginx");
  ASSERT_TRUE(repo.has_value());
  EXPECT_EQ(repo->lifecycle_policy, kLifecycle);
  EXPECT_EQ(repo->image_tag_mutability, "IMMUTABLE");
  EXPECT_TRUE(repo->scan_on_push);
  EXPECT_EQ(repo->encryption_type, "AES256");
  EXPECT_EQ(repo->tags.at("managed-by"), "copycat");
  for (int i = 0; i < 50; ++i) {
    auto again = manager.ensureRepository("mirror/nginx");
    ASSERT_TRUE(again);
    EXPECT_TRUE(again->cached);
  }
  env_.fake().putRepository({.name = "mirror/redis"});
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(manager.ensureRepository("mirror/redis")->outcome, EnsureOutcome::kExisted);
  }
  EXPECT_EQ(env_.fake().count("ecr:DescribeRepositories"), 2);  // one per repository
  EXPECT_EQ(env_.fake().count("ecr:CreateRepository"), 1);
  EXPECT_EQ(env_.fake().count("ecr:PutLifecyclePolicy"), 1);
  EXPECT_TRUE(env_.fake().repository("mirror/redis")->lifecycle_policy.empty());  // untouched
}

TEST_F(EcrRepositoryManagerTest, FailedLifecyclePolicyIsReappliedOnTheNextEnsure) {
  EcrRepositoryManager manager(client_, settings());
  env_.fake().failNext("ecr:PutLifecyclePolicy", 1, 400, "ValidationException");
  auto first = manager.ensureRepository("app");
  ASSERT_FALSE(first);
  EXPECT_NE(first.error().message.find("applying lifecycle policy to app"), std::string::npos);
  EXPECT_TRUE(env_.fake().repository("app").has_value());
  auto second = manager.ensureRepository("app");
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_EQ(env_.fake().repository("app")->lifecycle_policy, kLifecycle);
  EXPECT_EQ(env_.fake().count("ecr:DescribeRepositories"), 1);  // not described again
  EXPECT_EQ(env_.fake().count("ecr:PutLifecyclePolicy"), 2);
  EXPECT_TRUE(manager.ensureRepository("app")->cached);
}

TEST_F(EcrRepositoryManagerTest, LosingACreationRaceCountsAsSuccess) {
  EcrRepositoryManager manager(client_, settings());
  env_.fake().simulateConcurrentCreate("raced");
  auto got = manager.ensureRepository("raced");
  ASSERT_TRUE(got) << got.error().describe();
  EXPECT_EQ(got->outcome, EnsureOutcome::kExisted);
  EXPECT_EQ(env_.fake().count("ecr:CreateRepository"), 1);
  EXPECT_EQ(env_.fake().count("ecr:PutLifecyclePolicy"), 0);  // the winner's job
}

TEST_F(EcrRepositoryManagerTest, ConcurrentEnsuresShareOneDescribeAndCreate) {
  EcrRepositoryManager manager(client_, settings());
  EcrRepositoryManager other_replica(client_, settings());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 12; ++i) {
    EcrRepositoryManager& m = i % 4 == 3 ? other_replica : manager;
    threads.emplace_back([&m, &failures] {
      if (!m.ensureRepository("shared/app")) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(env_.fake().repositoryCount(), 1u);
  EXPECT_EQ(env_.fake().count("ecr:DescribeRepositories"), 2);  // one per manager
  EXPECT_LE(env_.fake().count("ecr:CreateRepository"), 2);
  EXPECT_EQ(env_.fake().repository("shared/app")->lifecycle_policy, kLifecycle);
}

TEST_F(EcrRepositoryManagerTest, InvalidNamesAreRejectedBeforeAnyCall) {
  EcrRepositoryManager manager(client_, settings());
  for (const char* name : {"UPPER/case", "a", "trailing/", "white space"}) {
    EXPECT_EQ(manager.ensureRepository(name).error().code, ErrorCode::kInvalidArgument) << name;
  }
  EXPECT_EQ(env_.fake().count("ecr:DescribeRepositories"), 0);
}

TEST_F(EcrRepositoryManagerTest, DryRunAndCreateRepoOffNeverCreate) {
  EcrRepositorySettings dry = settings();
  dry.dry_run = true;
  dry.reconcile_settings = true;
  env_.fake().putRepository({.name = "existing"});
  EcrRepositoryManager dry_manager(client_, dry);
  EXPECT_EQ(dry_manager.ensureRepository("missing")->outcome, EnsureOutcome::kMissingDryRun);
  EXPECT_EQ(dry_manager.ensureRepository("missing")->outcome, EnsureOutcome::kMissingDryRun);
  EXPECT_EQ(dry_manager.ensureRepository("existing")->outcome, EnsureOutcome::kExisted);
  EcrRepositorySettings off = settings();
  off.create_repo = false;
  EcrRepositoryManager off_manager(client_, off);
  auto missing = off_manager.ensureRepository("missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(env_.fake().count("ecr:CreateRepository"), 0);
  EXPECT_EQ(env_.fake().repository("existing")->image_tag_mutability, "MUTABLE");  // untouched
  EXPECT_EQ(env_.fake().count("ecr:DescribeRepositories"), 3);
}

TEST_F(EcrRepositoryManagerTest, ReconcileBringsExistingRepositoriesInLine) {
  const std::string policy = R"({"Version":"2012-10-17","Statement":[]})";
  env_.fake().putRepository({.name = "old",
                             .tags = {{"managed-by", "someone"}, {"keep", "me"}},
                             .lifecycle_policy = kLifecycle,
                             .repository_policy = "{\"Statement\":[],\"Version\":\"2012-10-17\"}"});
  EcrRepositorySettings s = settings();
  s.reconcile_settings = true;
  s.repository_policy = policy;
  s.encryption = {"KMS", ""};
  EcrRepositoryManager manager(client_, s);
  auto got = manager.ensureRepository("old");
  ASSERT_TRUE(got) << got.error().describe();
  auto repo = env_.fake().repository("old");
  EXPECT_EQ(repo->image_tag_mutability, "IMMUTABLE");
  EXPECT_TRUE(repo->scan_on_push);
  EXPECT_EQ(repo->tags.at("managed-by"), "copycat");
  EXPECT_EQ(repo->tags.at("keep"), "me");      // never removed
  EXPECT_EQ(repo->encryption_type, "AES256");  // cannot change: only a warning
  // Equal JSON (other key order) is not rewritten, and the lifecycle policy was already right.
  EXPECT_EQ(env_.fake().count("ecr:SetRepositoryPolicy"), 0);
  EXPECT_EQ(env_.fake().count("ecr:PutLifecyclePolicy"), 0);
  EXPECT_EQ(env_.fake().count("ecr:TagResource"), 1);

  env_.fake().putRepository({.name = "drifted"});
  env_.fake().failNext("ecr:ListTagsForResource", 4, 500, "ServerException");
  EXPECT_FALSE(manager.ensureRepository("drifted"));
  auto retried = manager.ensureRepository("drifted");  // reconcile retried, not skipped
  ASSERT_TRUE(retried) << retried.error().describe();
  EXPECT_EQ(env_.fake().repository("drifted")->tags.at("managed-by"), "copycat");
  EXPECT_EQ(env_.fake().repository("drifted")->repository_policy, policy);
}

}  // namespace
}  // namespace copycat::aws
