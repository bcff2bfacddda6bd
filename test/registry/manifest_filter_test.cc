// filterIndex: which children are kept, byte preservation of kept descriptors, deterministic
// output, and errors.
#include <gtest/gtest.h>

#include "image/digest.h"
#include "image/media_types.h"
#include "registry/manifest.h"
#include "registry/test_files.h"

namespace copycat::registry {
namespace {

using testing::readManifestFixture;

image::Platform platform(std::string_view text) {
  Result<image::Platform> p = image::parsePlatform(text);
  EXPECT_TRUE(p) << text;
  return p ? *p : image::Platform{};
}

std::vector<std::string> digestsOf(const std::vector<Descriptor>& descriptors) {
  std::vector<std::string> out;
  for (const Descriptor& d : descriptors) out.push_back(d.digest.substr(7, 8));
  return out;
}

TEST(FilterIndexTest, KeepsRequestedPlatformsOfADockerList) {
  std::string list = readManifestFixture("docker-manifest-list-busybox-containers-image.json");
  Result<FilteredIndex> out = filterIndex(list, {platform("linux/amd64"), platform("linux/arm64")});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(digestsOf(out->manifests), (std::vector<std::string>{"030fcb92", "dc472a59"}));
  EXPECT_FALSE(out->all_kept);
  EXPECT_EQ(out->media_type, image::media_types::kDockerManifestList);
  EXPECT_EQ(out->digest, image::Digest::ofSha256(out->bytes).str());
  // The output is itself a valid index with exactly those children.
  Result<ParsedManifest> reparsed = parseManifest(out->bytes);
  ASSERT_TRUE(reparsed) << reparsed.error().message;
  EXPECT_EQ(reparsed->kind, ManifestKind::kDockerManifestList);
  EXPECT_EQ(reparsed->index().manifests, out->manifests);
  // Kept descriptors are the original bytes (this fixture is indented with 3 spaces).
  size_t start = list.find("{", list.find("\"manifests\""));
  size_t end = list.find("}\n      }", start) + 9;
  std::string first_child = list.substr(start, end - start);
  EXPECT_NE(out->bytes.find(first_child), std::string::npos) << out->bytes;
  EXPECT_EQ(out->bytes.find("{\"schemaVersion\":2,\"mediaType\":"), 0u);
}

TEST(FilterIndexTest, ExactOutputForAHandWrittenIndex) {
  // Odd key order, unknown fields, an escaped character and blanks inside a child: all kept.
  std::string child_a =
      "{ \"size\" : 10,\"digest\":\"sha256:" + std::string(64, 'a') +
      "\",\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"x-extra\":{\"k\":[1,"
      "\"]\"]},\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"},\"annotations\":{\"t\":"
      "\"caf\\u00e9\"} }";
  std::string child_b =
      "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":"
      "\"sha256:" +
      std::string(64, 'b') +
      "\",\"size\":11,\"platform\":{\"os\":\"linux\",\"architecture\":\"s390x\"}}";
  std::string index =
      "{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"application/vnd.oci.image.index.v1+json\",\n"
      "  \"subject\": "
      "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" +
      std::string(64, 'c') +
      "\",\"size\":1},\n  \"annotations\": {\"z\":\"1\",\"a\":\"2\"},\n"
      "  \"manifests\": [\n    " +
      child_a + ",\n    " + child_b + "\n  ],\n  \"x-top\": true\n}\n";
  Result<FilteredIndex> out = filterIndex(index, {platform("linux/amd64")});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->bytes,
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            "\"manifests\":[" +
                child_a + "],\"annotations\":{\"a\":\"2\",\"z\":\"1\"}}");
  // Same input, same bytes.
  Result<FilteredIndex> again = filterIndex(index, {platform("linux/amd64")});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->bytes, out->bytes);
}

TEST(FilterIndexTest, DropsAttestationsAndKeepsAMissingMediaTypeMissing) {
  std::string index = readManifestFixture("oci-index-buildkit-attestations-spegel.json");
  Result<FilteredIndex> out = filterIndex(index, {}, image::media_types::kOciIndex);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(digestsOf(out->manifests),
            (std::vector<std::string>{"32cb2cf7", "44cb2cf7", "0ad7c556", "dce62353"}));
  EXPECT_FALSE(out->all_kept);
  EXPECT_EQ(out->media_type, image::media_types::kOciIndex);
  EXPECT_EQ(out->bytes.find("\"mediaType\":\"application/vnd.oci.image.index"), std::string::npos);
  EXPECT_EQ(out->bytes.find("attestation-manifest"), std::string::npos);

  Result<FilteredIndex> arm = filterIndex(index, {platform("linux/arm/v7")});
  ASSERT_TRUE(arm) << arm.error().message;
  EXPECT_EQ(digestsOf(arm->manifests), std::vector<std::string>{"0ad7c556"});
}

TEST(FilterIndexTest, Arm64WithoutVariantMatchesV8) {
  std::string list = readManifestFixture("docker-manifest-list-busybox-containers-image.json");
  Result<FilteredIndex> out = filterIndex(list, {image::Platform{"linux", "arm64", ""}});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(digestsOf(out->manifests), std::vector<std::string>{"dc472a59"});
}

TEST(FilterIndexTest, KeepsIndexAnnotationsAndDropsBuilderRefs) {
  Result<FilteredIndex> out =
      filterIndex(readManifestFixture("oci-index-buildkit-builder-refs-regclient.json"), {});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->manifests.size(), 2u);
  EXPECT_NE(out->bytes.find(",\"annotations\":{\"org.example.version\":\"v1\"}}"),
            std::string::npos);
}

TEST(FilterIndexTest, AllKeptWhenEveryChildMatches) {
  Result<FilteredIndex> out =
      filterIndex(readManifestFixture("docker-manifest-list-busybox-containers-image.json"), {});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->manifests.size(), 7u);
  EXPECT_TRUE(out->all_kept);
}

TEST(FilterIndexTest, DropsSubjectAndArtifactTypeOfTheIndex) {
  Result<FilteredIndex> out =
      filterIndex(readManifestFixture("oci-index-with-subject-regclient.json"), {});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->bytes.find("subject"), std::string::npos);
  EXPECT_EQ(out->bytes.find("artifactType"), std::string::npos);
}

TEST(FilterIndexTest, NoMatchIsNotFound) {
  std::string list = readManifestFixture("docker-manifest-list-busybox-containers-image.json");
  Result<FilteredIndex> out = filterIndex(list, {platform("windows/amd64")});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(out.error().message, "no runnable manifest in the index matches windows/amd64");
  for (const char* file :
       {"docker-manifest-list-schema1-children-containers-image.json",
        "oci-nested-index-regclient.json", "oci-referrers-tag-schema-index-regclient.json"}) {
    SCOPED_TRACE(file);
    Result<FilteredIndex> none = filterIndex(readManifestFixture(file), {});
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  }
}

TEST(FilterIndexTest, ManifestsAndBrokenIndexesAreRefused) {
  Result<FilteredIndex> image = filterIndex(readManifestFixture("oci-manifest-regclient.json"), {});
  ASSERT_FALSE(image);
  EXPECT_EQ(image.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(image.error().message, "not an index: application/vnd.oci.image.manifest.v1+json");
  Result<FilteredIndex> broken = filterIndex("{\"schemaVersion\":2,\"manifests\":[", {});
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, ErrorCode::kInvalidArgument);
}

TEST(FilterIndexTest, DuplicateAndEscapedManifestsKeysFollowTheParser) {
  std::string a =
      "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" +
      std::string(64, 'a') + "\",\"size\":1}";
  std::string b =
      "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" +
      std::string(64, 'b') + "\",\"size\":2}";
  // nlohmann keeps the last duplicate key; the byte scan must pick the same array.
  std::string index = "\xEF\xBB\xBF{\"schemaVersion\":2,\"manifests\":[" + a +
                      "],\"manifest\\u0073\":[" + b + " , " + a + "]}";
  Result<FilteredIndex> out = filterIndex(index, {});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->bytes, "{\"schemaVersion\":2,\"manifests\":[" + b + "," + a + "]}");
}

}  // namespace
}  // namespace copycat::registry
