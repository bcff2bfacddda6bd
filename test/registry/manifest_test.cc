// Manifest parsing against every file of test/data/conformance/manifests (see SOURCE.md there),
// cross-checked with its index.json, plus parser edge cases.
#include "registry/manifest.h"

#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "image/media_types.h"
#include "registry/test_files.h"

namespace copycat::registry {
namespace {

using nlohmann::json;
using testing::readManifestFixture;
using testing::readTestData;

constexpr char kSchema1Error[] = "schema 1 manifests are not supported";

struct Want {
  const char* error = nullptr;  // substring of the parse error; nullptr when the file parses
  ManifestKind kind = ManifestKind::kOciManifest;
  size_t children = 0;  // layers of a manifest, manifests of an index
  size_t runnable = 0;  // runnable children of an index
};

// The decision for every fixture. Files parse with the Content-Type their parent descriptor
// gave (index.json "descriptor_media_type"), as a registry would send it.
const std::map<std::string, Want>& expectations() {
  using K = ManifestKind;
  static const std::map<std::string, Want> kWant = {
      {"cosign-signature-dockerhub-cosign1.json", {nullptr, K::kOciManifest, 1}},
      {"docker-manifest-list-busybox-containers-image.json",
       {nullptr, K::kDockerManifestList, 7, 7}},
      {"docker-manifest-list-schema1-children-containers-image.json",
       {nullptr, K::kDockerManifestList, 5, 0}},
      {"docker-schema1-invalid-signatures-containers-image.json", {kSchema1Error}},
      {"docker-schema1-signed-containers-image.json", {kSchema1Error}},
      {"docker-schema1-unsigned-containers-image.json", {kSchema1Error}},
      {"docker-v2s2-containers-image.json", {nullptr, K::kDockerManifest, 3}},
      {"docker-v2s2-dockerhub-cosign1-t1.json", {nullptr, K::kDockerManifest, 6}},
      // The body says Docker schema 2 although its parent descriptor says OCI: the body wins.
      {"docker-v2s2-ggcr-layout.json", {nullptr, K::kDockerManifest, 1}},
      {"helm-chart-bitnami-nginx-15.0.2.json", {nullptr, K::kOciManifest, 1}},
      {"helm-chart-legacy-ggcr-layout.json", {nullptr, K::kOciManifest, 1}},
      // config.digest is "": a descriptor without a digest cannot be copied.
      {"oci-artifact-containers-image.json",
       {"config.digest: invalid checksum digest format (\"\")"}},
      {"oci-artifact-subject-sbom-regclient.json", {nullptr, K::kOciManifest, 1}},
      {"oci-artifact-subject-signature-regclient.json", {nullptr, K::kOciManifest, 1}},
      {"oci-index-buildkit-attestations-spegel.json", {nullptr, K::kOciIndex, 7, 4}},
      {"oci-index-buildkit-builder-refs-regclient.json", {nullptr, K::kOciIndex, 4, 2}},
      {"oci-index-containers-image.json", {nullptr, K::kOciIndex, 2, 2}},
      {"oci-index-described-as-docker-list-ggcr-layout.json",
       {nullptr, K::kDockerManifestList, 1, 1}},
      {"oci-index-no-mediatype-ggcr-layout.json", {nullptr, K::kOciIndex, 1, 1}},
      {"oci-index-with-subject-regclient.json", {nullptr, K::kOciIndex, 1, 1}},
      {"oci-manifest-containers-image.json", {nullptr, K::kOciManifest, 3}},
      {"oci-manifest-regclient.json", {nullptr, K::kOciManifest, 2}},
      {"oci-nested-index-regclient.json", {nullptr, K::kOciIndex, 1, 0}},
      {"oci-referrers-tag-schema-index-regclient.json", {nullptr, K::kOciIndex, 2, 0}},
  };
  return kWant;
}

std::string stringOr(const json& entry, const char* key) {
  auto it = entry.find(key);
  return it == entry.end() || it->is_null() ? std::string() : it->get<std::string>();
}

void checkParsed(const json& entry, const Want& want, const ParsedManifest& parsed) {
  EXPECT_EQ(parsed.kind, want.kind) << manifestKindName(parsed.kind);
  std::string body_type = stringOr(entry, "mediaType");
  std::string parent_type = stringOr(entry, "descriptor_media_type");
  std::string expected_type = !body_type.empty() ? body_type : parent_type;
  if (expected_type.empty()) expected_type = image::media_types::kOciManifest;
  EXPECT_EQ(parsed.media_type, expected_type);
  if (parsed.isIndex()) {
    const ImageIndex& index = parsed.index();
    EXPECT_EQ(index.manifests.size(), want.children);
    size_t runnable = 0;
    for (const Descriptor& d : index.manifests) runnable += isRunnable(d) ? 1 : 0;
    EXPECT_EQ(runnable, want.runnable);
    EXPECT_EQ(index.artifact_type, stringOr(entry, "artifactType"));
    EXPECT_EQ(index.subject.has_value(), entry.at("has_subject").get<bool>());
    EXPECT_EQ(index.schema_version, entry.at("schemaVersion").get<int>());
  } else {
    const ImageManifest& m = parsed.image();
    EXPECT_EQ(m.layers.size(), want.children);
    EXPECT_EQ(m.artifact_type, stringOr(entry, "artifactType"));
    EXPECT_EQ(m.subject.has_value(), entry.at("has_subject").get<bool>());
    EXPECT_EQ(m.schema_version, entry.at("schemaVersion").get<int>());
  }
}

TEST(ManifestConformanceTest, EveryFixtureParsesOrIsRefusedAsDecided) {
  json index = json::parse(readTestData("conformance/manifests/index.json"));
  const json& entries = index.at("manifests");
  ASSERT_EQ(entries.size(), index.at("count").get<size_t>());
  ASSERT_EQ(entries.size(), expectations().size());
  std::set<std::string> listed;
  for (const json& entry : entries) {
    std::string file = entry.at("file").get<std::string>();
    SCOPED_TRACE(file);
    listed.insert(file);
    auto want = expectations().find(file);
    ASSERT_NE(want, expectations().end());
    std::string bytes = readManifestFixture(file);
    EXPECT_EQ(bytes.size(), entry.at("size").get<size_t>());
    Result<ParsedManifest> parsed = parseManifest(bytes, stringOr(entry, "descriptor_media_type"));
    if (want->second.error != nullptr) {
      ASSERT_FALSE(parsed);
      EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
      EXPECT_NE(parsed.error().message.find(want->second.error), std::string::npos)
          << parsed.error().message;
      continue;
    }
    ASSERT_TRUE(parsed) << parsed.error().message;
    checkParsed(entry, want->second, *parsed);
  }
  std::set<std::string> on_disk;
  for (const auto& f : std::filesystem::directory_iterator(std::string(COPYCAT_TEST_DATA_DIR) +
                                                           "/conformance/manifests")) {
    if (f.path().filename() != "index.json") on_disk.insert(f.path().filename().string());
  }
  EXPECT_EQ(on_disk, listed);
}

TEST(ManifestConformanceTest, EveryFixtureHashesToItsRecordedDigest) {
  json index = json::parse(readTestData("conformance/manifests/index.json"));
  for (const json& entry : index.at("manifests")) {
    std::string file = entry.at("file").get<std::string>();
    SCOPED_TRACE(file);
    std::string bytes = readManifestFixture(file);
    std::string digest = entry.at("digest").get<std::string>();
    EXPECT_TRUE(verifyManifestDigest(bytes, digest));
    std::string tampered = bytes + " ";
    Status mismatch = verifyManifestDigest(tampered, digest);
    ASSERT_FALSE(mismatch);
    EXPECT_EQ(mismatch.error().code, ErrorCode::kDigestMismatch);
    EXPECT_NE(mismatch.error().message.find("expected " + digest), std::string::npos);
  }
}

TEST(ManifestConformanceTest, SignedSchema1IsRefusedEvenThoughItsPayloadDigestDiffers) {
  json index = json::parse(readTestData("conformance/manifests/index.json"));
  int signed_files = 0;
  for (const json& entry : index.at("manifests")) {
    if (stringOr(entry, "schema1_payload_digest").empty()) continue;
    ++signed_files;
    std::string bytes = readManifestFixture(entry.at("file").get<std::string>());
    // The registry reports the JWS payload digest, not the file's: verification says mismatch,
    // and parsing refuses schema 1 outright.
    Status verified =
        verifyManifestDigest(bytes, entry.at("schema1_payload_digest").get<std::string>());
    ASSERT_FALSE(verified);
    EXPECT_EQ(verified.error().code, ErrorCode::kDigestMismatch);
    Result<ParsedManifest> parsed =
        parseManifest(bytes, image::media_types::kDockerManifestSchema1Signed);
    ASSERT_FALSE(parsed);
    EXPECT_NE(parsed.error().message.find(kSchema1Error), std::string::npos);
  }
  EXPECT_EQ(signed_files, 1);
}

TEST(ManifestTest, ArtifactWithSubjectKeepsSubjectAndArtifactType) {
  Result<ParsedManifest> parsed =
      parseManifest(readManifestFixture("oci-artifact-subject-sbom-regclient.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  const ImageManifest& m = parsed->image();
  EXPECT_EQ(m.artifact_type, "application/example.sbom");
  EXPECT_EQ(m.config.media_type, image::media_types::kOciEmpty);
  EXPECT_EQ(m.config.size, 2);
  ASSERT_TRUE(m.subject);
  EXPECT_EQ(m.subject->media_type, image::media_types::kOciIndex);
  EXPECT_EQ(m.subject->digest,
            "sha256:dfae8f425735a5e3a72e40d6609e03079995511d48157c74d54801ff4430491e");
  EXPECT_EQ(m.subject->size, 934);
}

TEST(ManifestTest, CosignSignatureLayerKeepsItsAnnotation) {
  Result<ParsedManifest> parsed =
      parseManifest(readManifestFixture("cosign-signature-dockerhub-cosign1.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  const Descriptor& layer = parsed->image().layers.at(0);
  EXPECT_EQ(layer.media_type, "application/vnd.dev.cosign.simplesigning.v1+json");
  EXPECT_EQ(layer.size, 252);
  EXPECT_EQ(layer.annotations.count("dev.cosignproject.cosign/signature"), 1u);
}

TEST(ManifestTest, HelmChartWithoutMediaTypeIsAnOciManifest) {
  Result<ParsedManifest> parsed =
      parseManifest(readManifestFixture("helm-chart-bitnami-nginx-15.0.2.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->kind, ManifestKind::kOciManifest);
  EXPECT_EQ(parsed->image().config.media_type, "application/vnd.cncf.helm.config.v1+json");
  EXPECT_EQ(parsed->image().layers.at(0).size, 37869);
  EXPECT_EQ(parsed->image().annotations.at("org.opencontainers.image.version"), "15.0.2");
  EXPECT_EQ(parsed->image().annotations.size(), 8u);
}

TEST(ManifestTest, PlatformKeepsOsFeaturesAndDockerFeatures) {
  Result<ParsedManifest> oci =
      parseManifest(readManifestFixture("oci-index-containers-image.json"));
  ASSERT_TRUE(oci) << oci.error().message;
  const Descriptor& amd64 = oci->index().manifests.at(1);
  ASSERT_TRUE(amd64.platform);
  EXPECT_EQ(amd64.platform->platform, (image::Platform{"linux", "amd64", ""}));
  EXPECT_EQ(amd64.platform->os_features, std::vector<std::string>{"sse4"});
  EXPECT_EQ(oci->index().annotations.at("com.example.key2"), "value2");

  Result<ParsedManifest> docker = parseManifest(
      readManifestFixture("docker-manifest-list-schema1-children-containers-image.json"));
  ASSERT_TRUE(docker) << docker.error().message;
  EXPECT_EQ(docker->index().manifests.at(1).platform->features, std::vector<std::string>{"sse"});
  EXPECT_EQ(docker->index().manifests.at(3).platform->platform.variant, "armv7");
}

TEST(ManifestTest, AttestationAndBuilderChildrenAreNotRunnable) {
  Result<ParsedManifest> spegel =
      parseManifest(readManifestFixture("oci-index-buildkit-attestations-spegel.json"));
  ASSERT_TRUE(spegel) << spegel.error().message;
  size_t attestations = 0;
  for (const Descriptor& d : spegel->index().manifests) {
    if (isAttestationManifest(d)) {
      ++attestations;
      EXPECT_FALSE(isRunnable(d));
    }
  }
  EXPECT_EQ(attestations, 3u);
  Result<ParsedManifest> builder =
      parseManifest(readManifestFixture("oci-index-buildkit-builder-refs-regclient.json"));
  ASSERT_TRUE(builder) << builder.error().message;
  const Descriptor& ref = builder->index().manifests.at(2);
  EXPECT_FALSE(isAttestationManifest(ref));
  EXPECT_FALSE(isRunnable(ref));
}

TEST(ManifestTest, NestedIndexChildIsNotRunnable) {
  Result<ParsedManifest> parsed =
      parseManifest(readManifestFixture("oci-nested-index-regclient.json"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  const Descriptor& child = parsed->index().manifests.at(0);
  EXPECT_EQ(child.media_type, image::media_types::kOciIndex);
  EXPECT_EQ(child.artifact_type, "application/example.loop");
  EXPECT_FALSE(isRunnable(child));
}

}  // namespace
}  // namespace copycat::registry
