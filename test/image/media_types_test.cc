#include "image/media_types.h"

#include <gtest/gtest.h>

namespace copycat::image::media_types {
namespace {

TEST(MediaTypesTest, IndexesAreOciIndexAndDockerManifestList) {
  EXPECT_TRUE(isIndexMediaType(kOciIndex));
  EXPECT_TRUE(isIndexMediaType(kDockerManifestList));
  EXPECT_FALSE(isIndexMediaType(kOciManifest));
  EXPECT_FALSE(isIndexMediaType(kDockerManifestSchema2));
  EXPECT_FALSE(isIndexMediaType(""));
}

TEST(MediaTypesTest, ManifestsIncludeSchema1AndExcludeIndexes) {
  for (auto type : {kOciManifest, kDockerManifestSchema2, kDockerManifestSchema1,
                    kDockerManifestSchema1Signed}) {
    SCOPED_TRACE(type);
    EXPECT_TRUE(isManifestMediaType(type));
    EXPECT_FALSE(isIndexMediaType(type));
  }
  EXPECT_FALSE(isManifestMediaType(kOciIndex));
  EXPECT_FALSE(isManifestMediaType(kOciConfig));
  EXPECT_FALSE(isManifestMediaType(kDockerLayer));
}

TEST(MediaTypesTest, Schema1CoversSignedAndUnsigned) {
  EXPECT_TRUE(isSchema1MediaType(kDockerManifestSchema1));
  EXPECT_TRUE(isSchema1MediaType(kDockerManifestSchema1Signed));
  EXPECT_FALSE(isSchema1MediaType(kDockerManifestSchema2));
}

TEST(MediaTypesTest, ComparisonIgnoresParametersBlanksAndCase) {
  EXPECT_TRUE(isIndexMediaType("application/vnd.oci.image.index.v1+json; charset=utf-8"));
  EXPECT_TRUE(isManifestMediaType(" Application/VND.Docker.Distribution.Manifest.V2+JSON "));
  EXPECT_FALSE(isManifestMediaType("application/vnd.oci.image.manifest.v1+jsonx"));
  EXPECT_FALSE(isManifestMediaType("application/json"));
}

TEST(MediaTypesTest, AcceptListNamesEveryManifestTypeOnce) {
  int indexes = 0;
  int manifests = 0;
  for (auto type : kAllManifestMediaTypes) {
    indexes += isIndexMediaType(type) ? 1 : 0;
    manifests += isManifestMediaType(type) ? 1 : 0;
  }
  EXPECT_EQ(indexes, 2);
  EXPECT_EQ(manifests, 4);
}

}  // namespace
}  // namespace copycat::image::media_types
