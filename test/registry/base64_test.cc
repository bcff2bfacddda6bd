#include "registry/auth/base64.h"

#include <gtest/gtest.h>

namespace copycat::registry::auth {
namespace {

// RFC 4648 §10 test vectors.
TEST(Base64Test, Rfc4648Vectors) {
  std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    SCOPED_TRACE(plain);
    EXPECT_EQ(base64Encode(plain), encoded);
    EXPECT_EQ(base64Decode(encoded), plain);
  }
}

TEST(Base64Test, BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(base64Decode(base64Encode(all)), all);
  EXPECT_EQ(base64Encode("\xfb\xff"), "+/8=");
}

TEST(Base64Test, MissingPaddingIsAccepted) {
  EXPECT_EQ(base64Decode("Zg"), "f");
  EXPECT_EQ(base64Decode("Zm8"), "fo");
  EXPECT_EQ(base64Decode("dXNlcjpwYXNz"), "user:pass");
}

TEST(Base64Test, InvalidInput) {
  for (std::string_view bad :
       {"Z", "Zg=", "Zm9v=", "Zg===", "Zm 9v", "Zm9v\n", "Zm-_", "=Zg=", "Z=g="}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(base64Decode(bad));
  }
}

}  // namespace
}  // namespace copycat::registry::auth
