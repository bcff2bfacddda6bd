// `copycat run` into ECR without AWS: the fake AWS (ECR JSON API + STS, verifying every SigV4
// signature) issues the registry password that a local distribution registry with an htpasswd
// entry for user AWS accepts, standing in for the ECR registry endpoint.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/fake_api_server.h"
#include "support/fake_aws.h"
#include "support/harness_process.h"
#include "support/image_fixture.h"
#include "support/image_fixture_client.h"
#include "support/registry_harness.h"
#include "support/wait_until.h"

namespace copycat::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kRegistryPassword[] = "ecr-registry-password-for-tests";
constexpr char kLifecyclePolicy[] =
    R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]})";

// skopeo and HTTP checks are polled: every 100 ms is plenty.
constexpr auto kPoll = std::chrono::milliseconds(100);

std::string deployment(const std::string& name, const std::vector<std::string>& images) {
  nlohmann::json containers = nlohmann::json::array();
  for (size_t i = 0; i < images.size(); ++i) {
    containers.push_back({{"name", "c" + std::to_string(i)}, {"image", images[i]}});
  }
  nlohmann::json d = {
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata",
       {{"name", name}, {"namespace", "shop"}, {"uid", "uid-" + name}, {"generation", 1}}},
      {"spec", {{"template", {{"spec", {{"containers", containers}}}}}}}};
  return d.dump();
}

class RunEcrTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("copycat-e2e-ecr-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    source_ = RegistryProcess::start(RegistryProcess::anonymous()).value();
    auto ecr_options = RegistryProcess::htpasswd({{"AWS", kRegistryPassword}}, false);
    ecr_registry_ = RegistryProcess::start(ecr_options).value();
    aws_ = std::make_unique<FakeAws>(FakeAwsOptions{.registry_password = kRegistryPassword});
    ASSERT_TRUE(aws_->start());
    aws_->addAccessKey("AKIDCOPYCATTEST", "copycat-test-secret");
    api_ = std::make_unique<FakeApiServer>(FakeApiServer::Options{});
    ASSERT_TRUE(api_->start());
    ASSERT_TRUE(api_->upsert("namespaces", R"({"metadata":{"name":"shop","uid":"ns-shop"}})"));
    std::ofstream(dir_ / "kubeconfig")
        << "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: "
        << api_->url() << "\nusers:\n- name: u\n  user: {}\n"
        << "contexts:\n- name: c\n  context: {cluster: fake, user: u}\ncurrent-context: c\n";
    nlohmann::json policy = nlohmann::json::parse(kLifecyclePolicy);
    std::ofstream(dir_ / "config.yaml")
        << "targetKind: ecr\necr:\n  accountID: \"123456789012\"\n  region: us-east-1\n"
        << "  registryEndpoint: http://" << ecr_registry_->host() << "\n"
        << "  repoPrefix: mirror\n  lifecyclePolicy: '" << policy.dump() << "'\n"
        << "insecureRegistries: [\"" << source_->host() << "\"]\n"
        << "metricsAddr: 127.0.0.1:0\nhealthAddr: 127.0.0.1:0\nleaderElect: false\n";
  }

  void TearDown() override {
    copycat_.terminate();
    std::filesystem::remove_all(dir_);
  }

  static std::vector<std::string> staticKeys() {
    return {"AWS_ACCESS_KEY_ID=AKIDCOPYCATTEST", "AWS_SECRET_ACCESS_KEY=copycat-test-secret"};
  }

  // IRSA: a projected service-account token and the role to assume with it.
  std::vector<std::string> webIdentity() {
    aws_->addRole(FakeRole{.arn = "arn:aws:iam::123456789012:role/copycat",
                           .external_id = {},
                           .web_identity_token = "projected-sa-token"});
    std::ofstream(dir_ / "token") << "projected-sa-token";
    return {"AWS_ROLE_ARN=arn:aws:iam::123456789012:role/copycat",
            "AWS_WEB_IDENTITY_TOKEN_FILE=" + (dir_ / "token").string()};
  }

  // EKS Pod Identity: the agent's full URI and the projected token file, re-read each time.
  std::vector<std::string> podIdentity() {
    aws_->setContainerToken("pod-identity-token");
    std::ofstream(dir_ / "eks-pod-identity-token") << "pod-identity-token";
    return {"AWS_CONTAINER_CREDENTIALS_FULL_URI=" + aws_->baseUrl() + "/v1/credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=" + (dir_ / "eks-pod-identity-token").string()};
  }

  void startCopycat(std::vector<std::string> env) {
    env.push_back("AWS_ENDPOINT_URL=" + aws_->baseUrl());
    env.push_back("AWS_EC2_METADATA_DISABLED=true");
    env.push_back("AWS_REGION=us-east-1");
    auto child = ChildProcess::spawn(
        {COPYCAT_EXE, "run", "--kubeconfig", (dir_ / "kubeconfig").string(), "--config",
         (dir_ / "config.yaml").string()},
        CommandOptions{
            .timeout = milliseconds(0), .env = env, .unset_prefixes = {"KUBECONFIG", "AWS_"}},
        (dir_ / "stdout.log").string(), (dir_ / "stderr.log").string());
    ASSERT_TRUE(child) << child.error().message;
    copycat_ = std::move(*child);
  }

  std::string logs() const {
    std::ifstream in(dir_ / "stderr.log");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  bool ecrHas(const std::string& repo_tag, const std::string& digest) {
    auto options = SkopeoOptions::forRegistry(*ecr_registry_, "AWS", kRegistryPassword);
    auto got = skopeoDigest("docker://" + ecr_registry_->host() + "/" + repo_tag, options);
    return got && *got == digest;
  }

  std::filesystem::path dir_;
  std::unique_ptr<RegistryProcess> source_;
  std::unique_ptr<RegistryProcess> ecr_registry_;
  std::unique_ptr<FakeAws> aws_;
  std::unique_ptr<FakeApiServer> api_;
  ChildProcess copycat_;
};

void pushTwoTags(RegistryProcess& source, FixtureImage* v1, FixtureImage* v2) {
  auto fixture = ImageFixture::create(31).value();
  RegistryHttpClient client(RegistryEndpoint::of(source));
  *v1 = fixture->ociImage("v1").value();
  *v2 = fixture->ociImage("v2").value();
  ASSERT_TRUE(client.push(*v1, "team/app", "v1"));
  ASSERT_TRUE(client.push(*v2, "team/app", "v2"));
}

TEST_F(RunEcrTest, IrsaCredentialsFromStsSignTheEcrCalls) {
  FixtureImage v1;
  FixtureImage v2;
  pushTwoTags(*source_, &v1, &v2);
  ASSERT_TRUE(api_->upsert("deployments", deployment("web", {source_->host() + "/team/app:v1"})));
  startCopycat(webIdentity());
  ASSERT_TRUE(
      waitUntil([&] { return ecrHas("mirror/team/app:v1", v1.root.digest); }, seconds(60), kPoll))
      << logs();
  EXPECT_EQ(aws_->count("sts:AssumeRoleWithWebIdentity"), 1) << logs();
  EXPECT_NE(aws_->lastEcrPrincipal().find("copycat"), std::string::npos)
      << aws_->lastEcrPrincipal();
  EXPECT_EQ(aws_->rejectedCount(), 0) << aws_->lastRejection();
  copycat_.terminate(milliseconds(30'000));
  EXPECT_EQ(copycat_.exitCode(), 0) << logs();
  EXPECT_EQ(logs().find("projected-sa-token"), std::string::npos) << "a secret was logged";
}

TEST_F(RunEcrTest, PodIdentityCredentialsSignTheEcrCalls) {
  FixtureImage v1;
  FixtureImage v2;
  pushTwoTags(*source_, &v1, &v2);
  ASSERT_TRUE(api_->upsert("deployments", deployment("web", {source_->host() + "/team/app:v2"})));
  startCopycat(podIdentity());
  ASSERT_TRUE(
      waitUntil([&] { return ecrHas("mirror/team/app:v2", v2.root.digest); }, seconds(60), kPoll))
      << logs();
  EXPECT_GE(aws_->count("container"), 1) << logs();
  EXPECT_EQ(aws_->rejectedCount(), 0) << aws_->lastRejection();
  copycat_.terminate(milliseconds(30'000));
  EXPECT_EQ(copycat_.exitCode(), 0) << logs();
  EXPECT_EQ(logs().find("pod-identity-token"), std::string::npos) << "a secret was logged";
}

TEST_F(RunEcrTest, CreatesRepositoryWithLifecyclePolicyAndPushesWithSignedCalls) {
  FixtureImage v1;
  FixtureImage v2;
  pushTwoTags(*source_, &v1, &v2);
  ASSERT_TRUE(api_->upsert("deployments", deployment("web", {source_->host() + "/team/app:v1",
                                                             source_->host() + "/team/app:v2"})));
  startCopycat(staticKeys());

  ASSERT_TRUE(
      waitUntil([&] { return ecrHas("mirror/team/app:v1", v1.root.digest); }, seconds(60), kPoll))
      << logs();
  ASSERT_TRUE(
      waitUntil([&] { return ecrHas("mirror/team/app:v2", v2.root.digest); }, seconds(60), kPoll))
      << logs();

  auto repo = aws_->repository("mirror/team/app");
  ASSERT_TRUE(repo) << logs();
  EXPECT_EQ(nlohmann::json::parse(repo->lifecycle_policy), nlohmann::json::parse(kLifecyclePolicy));
  // One token per token lifetime and one DescribeRepositories per repository, not per image.
  EXPECT_EQ(aws_->count("ecr:GetAuthorizationToken"), 1) << logs();
  EXPECT_EQ(aws_->count("ecr:DescribeRepositories"), 1) << logs();
  EXPECT_EQ(aws_->count("ecr:CreateRepository"), 1) << logs();
  EXPECT_EQ(aws_->rejectedCount(), 0) << aws_->lastRejection();

  copycat_.terminate(milliseconds(30'000));
  EXPECT_EQ(copycat_.exitCode(), 0) << logs();
  EXPECT_EQ(logs().find("copycat-test-secret"), std::string::npos) << "a secret was logged";
  EXPECT_EQ(logs().find(kRegistryPassword), std::string::npos) << "a secret was logged";
}

}  // namespace
}  // namespace copycat::testing
