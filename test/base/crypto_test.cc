#include "base/crypto.h"

#include <gtest/gtest.h>

#include "base/strings.h"

namespace copycat::crypto {
namespace {

TEST(CryptoTest, Sha256OfEmptyStringIsWellKnown) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(CryptoTest, IncrementalEqualsOneShot) {
  Sha256 h;
  h.update("hello ");
  h.update("world");
  EXPECT_EQ(h.finishHex(), sha256Hex("hello world"));
}

TEST(CryptoTest, HmacMatchesRfc4231Case2) {
  EXPECT_EQ(strings::hexEncode(hmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace copycat::crypto
