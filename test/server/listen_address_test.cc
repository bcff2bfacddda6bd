#include "server/listen_address.h"

#include <gtest/gtest.h>

namespace copycat::server {
namespace {

TEST(ListenAddressTest, EmptyHostMeansEveryInterface) {
  auto parsed = parseListenAddress(":8080");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->host, "");
  EXPECT_EQ(parsed->port, 8080);
  EXPECT_EQ(parsed->str(), ":8080");
}

TEST(ListenAddressTest, HostAndPortZero) {
  auto parsed = parseListenAddress("127.0.0.1:0");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->host, "127.0.0.1");
  EXPECT_EQ(parsed->port, 0);
}

TEST(ListenAddressTest, BracketedIpv6) {
  auto parsed = parseListenAddress("[::1]:9090");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->host, "::1");
  EXPECT_EQ(parsed->port, 9090);
  EXPECT_EQ(parsed->str(), "[::1]:9090");
  auto any = parseListenAddress("[::]:8080");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->host, "::");
}

TEST(ListenAddressTest, HostName) {
  auto parsed = parseListenAddress("localhost:8081");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->host, "localhost");
  EXPECT_EQ(parsed->port, 8081);
}

TEST(ListenAddressTest, RejectsMalformedAddresses) {
  for (const char* text : {"", "8080", "0", "127.0.0.1", ":", ":http", ":65536", ":-1", ":80x",
                           "::1:80", "[::1:80", "[::1]", "a]:80", "[::1]x:80"}) {
    auto parsed = parseListenAddress(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_NE(parsed.error().message.find("invalid listen address"), std::string::npos);
  }
}

TEST(ListenAddressTest, MessagesNameTheProblem) {
  EXPECT_NE(parseListenAddress("127.0.0.1").error().message.find("missing port"),
            std::string::npos);
  EXPECT_NE(parseListenAddress("::1:80").error().message.find("too many colons"),
            std::string::npos);
  EXPECT_NE(parseListenAddress(":99999").error().message.find("invalid port"), std::string::npos);
}

TEST(ListenAddressTest, DisabledValues) {
  EXPECT_TRUE(isDisabledAddress(""));
  EXPECT_TRUE(isDisabledAddress("0"));
  EXPECT_FALSE(isDisabledAddress(":0"));
  EXPECT_FALSE(isDisabledAddress(":8080"));
}

}  // namespace
}  // namespace copycat::server
