#include "base/base64.h"

#include <gtest/gtest.h>

namespace copycat {
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
    auto decoded = base64Decode(encoded);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64Test, BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(base64Decode(base64Encode(all)).value(), all);
  EXPECT_EQ(base64Encode("\xfb\xff"), "+/8=");
}

TEST(Base64Test, MissingPaddingIsAccepted) {
  EXPECT_EQ(base64Decode("Zg").value(), "f");
  EXPECT_EQ(base64Decode("Zm8").value(), "fo");
  EXPECT_EQ(base64Decode("dXNlcjpwYXNz").value(), "user:pass");
}

TEST(Base64Test, InvalidInput) {
  for (std::string_view bad :
       {"Z", "Zg=", "Zm9v=", "Zg===", "Zm 9v", "Zm9v\n", "Zm-_", "=Zg=", "Z=g="}) {
    SCOPED_TRACE(bad);
    auto decoded = base64Decode(bad);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().code, ErrorCode::kInvalidArgument);
  }
}

// Kubeconfig data is often wrapped; Go's decoder skips line breaks, and so does this one when
// asked. The offset in the error counts every input byte.
TEST(Base64Test, LineBreaksAreSkippedOnlyWhenAsked) {
  Base64Options wrapped{.ignore_line_breaks = true};
  EXPECT_EQ(base64Decode("Zm9v\nYmFy\r\n", wrapped).value(), "foobar");
  EXPECT_FALSE(base64Decode("Zm9v\nYmFy"));
  auto bad = base64Decode("Zm9v\nYm!y", wrapped);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "illegal base64 data at input byte 7");
}

}  // namespace
}  // namespace copycat
