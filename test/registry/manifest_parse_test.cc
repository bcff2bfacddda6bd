// parseManifest edge cases on hand-written documents: kind detection, schema 1, validation
// errors and their field paths, size cap.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "image/media_types.h"
#include "registry/manifest.h"

namespace copycat::registry {
namespace {

constexpr char kDigestA[] =
    "sha256:e692418e4cbaf90ca69d05a66403747baa33ee08806650b51fab815ad7fc331f";

std::string descriptor(std::string_view extra = "") {
  return fmt::format(
      R"({{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":7{}}})",
      kDigestA, extra);
}

std::string imageManifest(std::string_view layers) {
  return fmt::format(
      R"({{"schemaVersion":2,"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":3}},"layers":{}}})",
      kDigestA, layers);
}

std::string errorOf(std::string_view bytes, std::string_view content_type = "") {
  Result<ParsedManifest> parsed = parseManifest(bytes, content_type);
  if (parsed) return "parsed";
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  return parsed.error().message;
}

TEST(ManifestParseTest, ContentTypeDecidesWhenTheBodyHasNoMediaType) {
  std::string body = R"({"schemaVersion":2,"manifests":[)" + descriptor() + "]}";
  Result<ParsedManifest> parsed =
      parseManifest(body, "Application/VND.docker.distribution.manifest.list.v2+json; charset=x");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->kind, ManifestKind::kDockerManifestList);
  EXPECT_EQ(parsed->media_type, image::media_types::kDockerManifestList);
}

TEST(ManifestParseTest, ShapeDecidesWhenContentTypeIsGenericOrContradicts) {
  std::string index = R"({"schemaVersion":2,"manifests":[]})";
  for (std::string_view ct :
       {"", "application/json", "text/plain", "application/vnd.oci.image.manifest.v1+json"}) {
    SCOPED_TRACE(ct);
    Result<ParsedManifest> parsed = parseManifest(index, ct);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->kind, ManifestKind::kOciIndex);
    EXPECT_EQ(parsed->media_type, image::media_types::kOciIndex);
  }
  Result<ParsedManifest> image =
      parseManifest(imageManifest("[]"), "application/vnd.oci.image.index.v1+json");
  ASSERT_TRUE(image) << image.error().message;
  EXPECT_EQ(image->kind, ManifestKind::kOciManifest);
}

TEST(ManifestParseTest, BodyMediaTypeIsKeptVerbatimForPushing) {
  std::string body =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})";
  Result<ParsedManifest> parsed =
      parseManifest(body, "application/vnd.docker.distribution.manifest.list.v2+json");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->kind, ManifestKind::kOciIndex);
  EXPECT_EQ(parsed->index().media_type, image::media_types::kOciIndex);
}

TEST(ManifestParseTest, Schema1IsRefusedByVersionOrMediaType) {
  EXPECT_EQ(errorOf(R"({"schemaVersion":1,"name":"x","fsLayers":[]})")
                .find("schema 1 manifests are not supported: schemaVersion 1"),
            0u);
  EXPECT_EQ(
      errorOf(
          R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v1+json"})")
          .find("schema 1 manifests are not supported: "
                "application/vnd.docker.distribution.manifest.v1+json"),
      0u);
  EXPECT_EQ(errorOf(R"({"schemaVersion":2,"layers":[]})",
                    "application/vnd.docker.distribution.manifest.v1+prettyjws")
                .find("schema 1 manifests are not supported"),
            0u);
}

TEST(ManifestParseTest, StructuralErrorsNameTheField) {
  const std::string kCannotTell =
      "cannot tell the manifest kind: no mediaType, and not exactly one of \"manifests\" or "
      "\"config\"/\"layers\"";
  struct Case {
    std::string body;
    std::string want;
  };
  std::vector<Case> cases = {
      {"not json", "manifest is not valid JSON"},
      {"[1,2]", "manifest is not a JSON object"},
      {R"({"manifests":[]})", "schemaVersion: required"},
      {R"({"schemaVersion":3,"manifests":[]})", "schemaVersion: unsupported value 3 (want 2)"},
      {R"({"schemaVersion":"2","manifests":[]})",
       "schemaVersion: unsupported value \"2\" (want 2)"},
      {R"({"schemaVersion":2,"mediaType":"application/x-custom","layers":[]})",
       "unsupported manifest media type \"application/x-custom\""},
      {R"({"schemaVersion":2,"mediaType":7,"layers":[]})", "mediaType: must be a string"},
      {R"({"schemaVersion":2})", kCannotTell},
      {R"({"schemaVersion":2,"manifests":[],"layers":[]})", kCannotTell},
      {R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"})",
       "manifests: required"},
      {R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]})",
       "config: required"},
      {imageManifest("{}"), "layers: must be an array"},
      {imageManifest("[" + descriptor() + ",5]"), "layers[1]: must be an object"},
      {imageManifest("[" + descriptor(R"(,"size":-1)") + "]"),
       "layers[0].size: must be a non-negative integer"},
      {imageManifest(R"([{"mediaType":"m","digest":"sha256:abc","size":1}])"),
       "layers[0].digest: invalid checksum digest length (\"sha256:abc\")"},
      {imageManifest(R"([{"mediaType":"m","size":1}])"), "layers[0].digest: required"},
      {imageManifest(R"([{"digest":"x","size":1}])"), "layers[0].mediaType: required"},
      {imageManifest("[" + descriptor(R"(,"annotations":{"a":1})") + "]"),
       "layers[0].annotations: values must be strings"},
      {imageManifest("[" + descriptor(R"(,"urls":"http://x")") + "]"),
       "layers[0].urls: must be an array of strings"},
      {imageManifest("[" + descriptor(R"(,"platform":{"os":"linux"})") + "]"),
       "layers[0].platform.architecture: required"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    EXPECT_EQ(errorOf(c.body), c.want);
  }
}

TEST(ManifestParseTest, SizesMustBeIntegersThatFitInt64) {
  EXPECT_EQ(errorOf(imageManifest("[" + descriptor(R"(,"size":1.5)") + "]")),
            "layers[0].size: must be a non-negative integer");
  EXPECT_EQ(errorOf(imageManifest("[" + descriptor(R"(,"size":18446744073709551615)") + "]")),
            "layers[0].size: must be a non-negative integer");
  Result<ParsedManifest> big =
      parseManifest(imageManifest("[" + descriptor(R"(,"size":9223372036854775807)") + "]"));
  ASSERT_TRUE(big) << big.error().message;
  EXPECT_EQ(big->image().layers[0].size, INT64_MAX);
}

TEST(ManifestParseTest, NullOptionalFieldsReadAsAbsent) {
  std::string body =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":)" +
      descriptor() + R"(,"layers":null,"annotations":null,"subject":null,"artifactType":null})";
  Result<ParsedManifest> parsed = parseManifest(body);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(parsed->image().layers.empty());
  EXPECT_FALSE(parsed->image().subject);
}

TEST(ManifestParseTest, DescriptorKeepsUrlsAndArtifactType) {
  Result<ParsedManifest> parsed = parseManifest(imageManifest(
      "[" + descriptor(R"(,"urls":["https://a/b"],"artifactType":"application/x")") + "]"));
  ASSERT_TRUE(parsed) << parsed.error().message;
  const Descriptor& layer = parsed->image().layers[0];
  EXPECT_EQ(layer.urls, std::vector<std::string>{"https://a/b"});
  EXPECT_EQ(layer.artifact_type, "application/x");
}

TEST(ManifestParseTest, RefusesDocumentsOverTheSizeCap) {
  std::string body = imageManifest("[]");
  body.insert(body.size() - 1, std::string(kMaxManifestBytes, ' '));
  EXPECT_NE(errorOf(body).find("more than the 4194304-byte limit"), std::string::npos);
}

TEST(ManifestParseTest, DigestVerification) {
  EXPECT_TRUE(verifyManifestDigest(
      "abc",
      "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3"
      "c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
  EXPECT_TRUE(verifyManifestDigest(
      "abc", "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  Status bad = verifyManifestDigest("abc", "sha256:zz");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  Status unsupported = verifyManifestDigest("abc", "md5:900150983cd24fb0d6963f7d28e17f72");
  ASSERT_FALSE(unsupported);
  EXPECT_EQ(unsupported.error().code, ErrorCode::kInvalidArgument);
}

TEST(ManifestParseTest, RunnableNeedsAnImageManifestForARealPlatform) {
  Descriptor d;
  d.media_type = image::media_types::kDockerManifestSchema2;
  EXPECT_TRUE(isRunnable(d));  // no platform: a single-image index entry
  d.platform = DescriptorPlatform{image::Platform{"linux", "arm64", "v8"}, "", {}, {}};
  EXPECT_TRUE(isRunnable(d));
  d.platform->platform.architecture = "unknown";
  EXPECT_FALSE(isRunnable(d));
  d.platform->platform.architecture = "amd64";
  d.annotations["vnd.docker.reference.type"] = "attestation-manifest";
  EXPECT_TRUE(isAttestationManifest(d));
  EXPECT_FALSE(isRunnable(d));
  d.annotations.clear();
  d.artifact_type = "application/vnd.example";
  EXPECT_FALSE(isRunnable(d));
  d.artifact_type.clear();
  d.media_type = image::media_types::kDockerManifestSchema1Signed;
  EXPECT_FALSE(isRunnable(d));
}

}  // namespace
}  // namespace copycat::registry
