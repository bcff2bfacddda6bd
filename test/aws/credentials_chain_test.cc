#include "aws/credentials_chain.h"

#include <gtest/gtest.h>

#include "fake_credentials_provider.h"

namespace copycat::aws {
namespace {

using test::FakeCredentialsProvider;
using test::makeCredentials;

struct Chain {
  std::vector<FakeCredentialsProvider*> fakes;
  std::unique_ptr<CredentialsChain> chain;
};

// Builds a chain of fakes named after `names`, each scripted with the matching result.
Chain makeChain(const std::vector<std::pair<std::string, Result<Credentials>>>& script) {
  Chain out;
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  for (const auto& [name, result] : script) {
    auto fake = std::make_unique<FakeCredentialsProvider>(name);
    fake->push(result);
    out.fakes.push_back(fake.get());
    providers.push_back(std::move(fake));
  }
  out.chain = std::make_unique<CredentialsChain>(std::move(providers));
  return out;
}

TEST(CredentialsChainTest, FirstSuccessWinsAndLaterSourcesAreNotAsked) {
  auto c = makeChain({{"environment", fail(ErrorCode::kNotFound, "not set")},
                      {"shared config", makeCredentials("FROMFILE")},
                      {"web identity", makeCredentials("NEVER")}});
  auto got = c.chain->resolve();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->access_key_id, "FROMFILE");
  EXPECT_EQ(c.fakes[0]->calls(), 1);
  EXPECT_EQ(c.fakes[2]->calls(), 0);
  EXPECT_EQ(c.chain->name(), "chain");
}

TEST(CredentialsChainTest, BrokenSourceDoesNotStopTheChain) {
  auto c = makeChain({{"shared config", fail(ErrorCode::kInvalidArgument, "config:3: bad line")},
                      {"environment", makeCredentials("ENV")}});
  auto got = c.chain->resolve();
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->access_key_id, "ENV");
}

TEST(CredentialsChainTest, AggregatesEveryFailureInOrder) {
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, Result<Credentials>>> script;
    ErrorCode want_code;
    std::string want_message;
  };
  const Case cases[] = {
      {"all missing",
       {{"environment", fail(ErrorCode::kNotFound, "not set")},
        {"shared config", fail(ErrorCode::kNotFound, "profile default not found")}},
       ErrorCode::kUnauthenticated,
       "no aws credentials found: environment: not set; shared config: profile default not "
       "found"},
      {"one retryable",
       {{"environment", fail(ErrorCode::kNotFound, "not set")},
        {"web identity", fail(ErrorCode::kUnavailable, "sts: connection refused")},
        {"imds", fail(ErrorCode::kPermissionDenied, "403")}},
       ErrorCode::kUnavailable,
       "no aws credentials found: environment: not set; web identity: sts: connection refused; "
       "imds: 403"},
      {"empty",
       {},
       ErrorCode::kUnauthenticated,
       "no aws credentials found: no credential sources configured"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto chain = makeChain(c.script);
    auto got = chain.chain->resolve();
    ASSERT_FALSE(got.has_value());
    EXPECT_EQ(got.error().code, c.want_code);
    EXPECT_EQ(got.error().message, c.want_message);
    for (auto* fake : chain.fakes) {
      EXPECT_EQ(fake->calls(), 1);
    }
  }
}

TEST(CredentialsChainTest, StopsAtAConfiguredSourceThatFailsWhenAsked) {
  std::vector<std::unique_ptr<CredentialsProvider>> providers;
  auto env = std::make_unique<FakeCredentialsProvider>("environment");
  env->push(fail(ErrorCode::kNotFound, "not set"));
  Error denied(ErrorCode::kPermissionDenied, "sts: AccessDenied");
  denied.remote_code = "AccessDenied";
  auto web = std::make_unique<FakeCredentialsProvider>("web identity");
  web->push(fail(denied));
  auto imds = std::make_unique<FakeCredentialsProvider>("imds");
  imds->push(makeCredentials("NODE"));
  FakeCredentialsProvider* imds_fake = imds.get();
  providers.push_back(std::move(env));
  providers.push_back(std::move(web));
  providers.push_back(std::move(imds));
  CredentialsChain chain(std::move(providers), CredentialsChain::Options{true});
  auto got = chain.resolve();
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(got.error().remote_code, "AccessDenied");
  EXPECT_EQ(got.error().message,
            "aws credentials from web identity failed: environment: not set; web identity: sts: "
            "AccessDenied");
  EXPECT_EQ(imds_fake->calls(), 0);
}

}  // namespace
}  // namespace copycat::aws
