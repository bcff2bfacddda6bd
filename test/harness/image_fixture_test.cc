// ImageFixture: every variant pushed into a real registry is served byte for byte, as skopeo
// (an independent client) sees it.
#include "support/image_fixture.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/harness_process.h"
#include "support/image_fixture_client.h"
#include "support/registry_harness.h"

namespace copycat::testing {
namespace {

namespace media = fixture_media;

class ImageFixtureTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto registry = RegistryProcess::start(RegistryProcess::anonymous());
    ASSERT_TRUE(registry) << registry.error().describe();
    registry_ = registry->release();
  }
  static void TearDownTestSuite() {
    delete registry_;
    registry_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(registry_, nullptr);
    auto fixture = ImageFixture::create(42);
    ASSERT_TRUE(fixture);
    fixture_ = std::move(*fixture);
  }

  std::string ref(const std::string& repo_tag) const {
    return "docker://" + registry_->host() + "/" + repo_tag;
  }

  // Pushes with the harness client and checks every manifest and blob as served.
  void pushAndVerify(const FixtureImage& image, const std::string& repo) {
    RegistryHttpClient client(RegistryEndpoint::of(*registry_));
    auto pushed = client.push(image, repo, image.tag);
    ASSERT_TRUE(pushed) << pushed.error().describe();
    auto raw = skopeoInspectRaw(ref(repo + ":" + image.tag));
    ASSERT_TRUE(raw) << raw.error().describe();
    EXPECT_EQ(*raw, image.root.bytes);
    auto root = client.getManifest(repo, image.tag);
    ASSERT_TRUE(root);
    EXPECT_EQ(root->content_type, image.root.media_type);
    EXPECT_EQ(root->digest_header, image.root.digest);
    EXPECT_EQ(bytesDigest(root->bytes), image.root.digest);
    for (const auto& child : image.children) {
      auto fetched = client.getManifest(repo, child.digest);
      ASSERT_TRUE(fetched);
      EXPECT_EQ(fetched->bytes, child.bytes);
      EXPECT_EQ(fetched->content_type, child.media_type);
    }
    for (const auto& blob : image.blobs) {
      auto exists = client.blobExists(repo, blob.digest);
      ASSERT_TRUE(exists);
      EXPECT_TRUE(*exists) << blob.digest;
      EXPECT_EQ(fileDigest(blob.path).value_or(""), blob.digest);
      EXPECT_EQ(std::filesystem::file_size(blob.path), blob.size);
    }
  }

  static RegistryProcess* registry_;
  std::unique_ptr<ImageFixture> fixture_;
};

RegistryProcess* ImageFixtureTest::registry_ = nullptr;

TEST_F(ImageFixtureTest, DockerSchema2Image) {
  auto image = fixture_->dockerImage("docker", 2);
  ASSERT_TRUE(image) << image.error().describe();
  EXPECT_EQ(image->root.media_type, media::kDockerManifest);
  EXPECT_EQ(image->blobs.size(), 3U);
  EXPECT_EQ(image->blobs[0].media_type, media::kDockerConfig);
  EXPECT_EQ(image->blobs[1].media_type, media::kDockerLayer);
  EXPECT_NE(image->root.bytes.find("\n   \"schemaVersion\": 2"), std::string::npos);
  pushAndVerify(*image, "fixtures/docker");
  auto digest = skopeoDigest(ref("fixtures/docker:docker"));
  ASSERT_TRUE(digest) << digest.error().describe();
  EXPECT_EQ(*digest, image->root.digest);
}

TEST_F(ImageFixtureTest, OciImageAndItsConfig) {
  auto image = fixture_->ociImage("oci", 3);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->root.media_type, media::kOciManifest);
  auto manifest = nlohmann::json::parse(image->root.bytes);
  EXPECT_EQ(manifest["layers"].size(), 3U);
  EXPECT_EQ(manifest["config"]["digest"], image->root.config_digest);
  std::ifstream in(image->blobs[0].path);
  auto config = nlohmann::json::parse(in);
  EXPECT_EQ(config["rootfs"]["diff_ids"][0], image->blobs[1].diff_id);
  EXPECT_EQ(config["architecture"], "amd64");
  pushAndVerify(*image, "fixtures/oci");
}

TEST_F(ImageFixtureTest, DockerManifestList) {
  auto image = fixture_->dockerManifestList("list");
  ASSERT_TRUE(image);
  EXPECT_EQ(image->root.media_type, media::kDockerList);
  ASSERT_EQ(image->children.size(), 2U);
  ASSERT_NE(image->child("linux/arm64/v8"), nullptr);
  EXPECT_EQ(image->child("linux/arm64/v8")->media_type, media::kDockerManifest);
  pushAndVerify(*image, "fixtures/list");
  auto digest = skopeoDigest(ref("fixtures/list:list"));
  ASSERT_TRUE(digest);
  EXPECT_EQ(*digest, image->root.digest);
}

TEST_F(ImageFixtureTest, OciIndexWithBuildkitAttestations) {
  auto image = fixture_->ociIndexWithAttestations("attested");
  ASSERT_TRUE(image);
  ASSERT_EQ(image->children.size(), 4U);
  auto index = nlohmann::json::parse(image->root.bytes);
  const auto& att = index["manifests"][2];
  EXPECT_EQ(att["platform"]["os"], "unknown");
  EXPECT_EQ(att["platform"]["architecture"], "unknown");
  EXPECT_EQ(att["annotations"]["vnd.docker.reference.type"], "attestation-manifest");
  EXPECT_EQ(att["annotations"]["vnd.docker.reference.digest"], image->children[0].digest);
  EXPECT_TRUE(image->children[2].attestation);
  EXPECT_EQ(image->child("linux/amd64"), &image->children[0]);
  pushAndVerify(*image, "fixtures/attested");
}

TEST_F(ImageFixtureTest, FortyLayersAndMultiPlatform) {
  auto many = fixture_->manyLayers("many", 40);
  ASSERT_TRUE(many);
  EXPECT_EQ(many->root.layer_digests.size(), 40U);
  EXPECT_EQ(many->blobs.size(), 41U);
  pushAndVerify(*many, "fixtures/many");

  auto multi = fixture_->multiPlatform("multi");
  ASSERT_TRUE(multi);
  for (const char* p : {"linux/amd64", "linux/arm64/v8", "linux/arm/v7", "linux/s390x"}) {
    EXPECT_NE(multi->child(p), nullptr) << p;
  }
  pushAndVerify(*multi, "fixtures/multi");
}

TEST_F(ImageFixtureTest, BigLayerIsStreamedAndIncompressible) {
  auto image = fixture_->bigLayer("big", 8);
  ASSERT_TRUE(image);
  const FixtureBlob& layer = image->blobs[1];
  EXPECT_GT(layer.size, 8U * 1024 * 1024);
  EXPECT_LT(layer.size, 8U * 1024 * 1024 + 4096);
  // gzip and tar accept it, and the diff_id is the digest of the tar.
  auto listed = runCommand({"tar", "-tzf", layer.path});
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->exit_code, 0) << listed->err;
  EXPECT_EQ(listed->out.rfind("data/", 0), 0U);
  auto tar_sha = runCommand({"sh", "-c", "gzip -dc \"$0\" | sha256sum", layer.path});
  ASSERT_TRUE(tar_sha);
  EXPECT_EQ("sha256:" + tar_sha->out.substr(0, 64), layer.diff_id);
  pushAndVerify(*image, "fixtures/big");
}

TEST_F(ImageFixtureTest, SharedBaseLayersAcrossRepositories) {
  auto pair = fixture_->sharedBase("a", "b", 2);
  ASSERT_TRUE(pair);
  auto& [a, b] = *pair;
  EXPECT_EQ(a.root.layer_digests[0], b.root.layer_digests[0]);
  EXPECT_EQ(a.root.layer_digests[1], b.root.layer_digests[1]);
  EXPECT_NE(a.root.layer_digests[2], b.root.layer_digests[2]);
  pushAndVerify(a, "shared/one");
  pushAndVerify(b, "shared/two");
}

TEST_F(ImageFixtureTest, SameSeedSameBytes) {
  auto other = ImageFixture::create(42);
  auto third = ImageFixture::create(43);
  ASSERT_TRUE(other && third);
  auto x = fixture_->multiPlatform("m");
  auto y = (*other)->multiPlatform("m");
  auto z = (*third)->multiPlatform("m");
  ASSERT_TRUE(x && y && z);
  EXPECT_EQ(x->root.digest, y->root.digest);
  EXPECT_NE(x->root.digest, z->root.digest);
}

TEST_F(ImageFixtureTest, LayoutIsReadableBySkopeo) {
  auto image = fixture_->ociIndexWithAttestations("layout");
  ASSERT_TRUE(image);
  auto raw = skopeoInspectRaw(fixture_->ociRef("layout"));
  ASSERT_TRUE(raw) << raw.error().describe();
  EXPECT_EQ(*raw, image->root.bytes);
  auto index = nlohmann::json::parse(std::ifstream(fixture_->layoutDir() + "/index.json"));
  EXPECT_EQ(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"], "layout");
}

// skopeo's oci: transport only finds OCI media types in index.json, so Docker-typed fixtures
// are pushed with RegistryHttpClient (see REGISTRY_HARNESS.md).
TEST_F(ImageFixtureTest, SkopeoPushFromTheLayoutPreservesDigests) {
  auto index = fixture_->multiPlatform("sk-index");
  auto single = fixture_->ociImage("sk-single", 1);
  auto docker = fixture_->dockerImage("sk-docker", 1);
  ASSERT_TRUE(index && single && docker);
  for (const auto* image : {&*index, &*single}) {
    std::string dst = ref("fixtures/skopeo:" + image->tag);
    auto pushed = skopeoPush(*fixture_, *image, dst);
    ASSERT_TRUE(pushed) << pushed.error().describe();
    auto raw = skopeoInspectRaw(dst);
    ASSERT_TRUE(raw);
    EXPECT_EQ(*raw, image->root.bytes) << image->tag;
  }
  auto refused = skopeoPush(*fixture_, *docker, ref("fixtures/skopeo:sk-docker"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace copycat::testing
