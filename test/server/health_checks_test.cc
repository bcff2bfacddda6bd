#include "server/health_checks.h"

#include <atomic>
#include <stdexcept>

#include <gtest/gtest.h>

namespace copycat::server {
namespace {

using Kind = HealthChecks::Kind;

HttpRequest get(std::string path, HeaderList query = {}) {
  HttpRequest request;
  request.method = "GET";
  request.path = std::move(path);
  request.query = std::move(query);
  return request;
}

HealthChecks::Check flag(const std::atomic<bool>& value, std::string why) {
  return [&value, why]() -> Status {
    if (value) {
      return ok();
    }
    return fail(ErrorCode::kUnavailable, why);
  };
}

TEST(HealthChecksTest, WithoutChecksPingPasses) {
  HealthChecks checks;
  auto plain = checks.serveAggregate(Kind::kLiveness, get("/healthz"));
  EXPECT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, "ok");
  EXPECT_EQ(plain.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(plain.header("X-Content-Type-Options"), "nosniff");
  auto verbose = checks.serveAggregate(Kind::kLiveness, get("/healthz", {{"verbose", ""}}));
  EXPECT_EQ(verbose.body, "[+]ping ok\nhealthz check passed\n");
  EXPECT_TRUE(checks.passes(Kind::kReadiness));
}

TEST(HealthChecksTest, ReadinessFailsUntilEveryCheckPasses) {
  std::atomic<bool> synced{false};
  std::atomic<bool> leading{true};
  HealthChecks checks;
  ASSERT_TRUE(checks.addReadinessCheck("informers-synced", flag(synced, "deployments not listed")));
  ASSERT_TRUE(checks.addReadinessCheck("leader-election", flag(leading, "not running")));

  auto failing = checks.serveAggregate(Kind::kReadiness, get("/readyz"));
  EXPECT_EQ(failing.status, 503);
  // Always verbose on failure, and the reason is withheld on the public endpoint.
  EXPECT_EQ(failing.body,
            "[-]informers-synced failed: reason withheld\n[+]leader-election ok\n"
            "readyz check failed\n");
  EXPECT_FALSE(checks.passes(Kind::kReadiness));
  EXPECT_TRUE(checks.passes(Kind::kLiveness));  // liveness is separate

  synced = true;
  auto passing = checks.serveAggregate(Kind::kReadiness, get("/readyz"));
  EXPECT_EQ(passing.status, 200);
  EXPECT_EQ(passing.body, "ok");
  auto verbose = checks.serveAggregate(Kind::kReadiness, get("/readyz", {{"verbose", "1"}}));
  EXPECT_EQ(verbose.body, "[+]informers-synced ok\n[+]leader-election ok\nreadyz check passed\n");

  leading = false;
  EXPECT_EQ(checks.serveAggregate(Kind::kReadiness, get("/readyz")).status, 503);
}

TEST(HealthChecksTest, ExcludeSkipsChecksAndWarnsAboutUnknownNames) {
  std::atomic<bool> bad{false};
  HealthChecks checks;
  ASSERT_TRUE(checks.addReadinessCheck("bad", flag(bad, "no")));
  auto excluded = checks.serveAggregate(Kind::kReadiness, get("/readyz", {{"exclude", "bad"}}));
  EXPECT_EQ(excluded.status, 200);
  EXPECT_EQ(excluded.body, "ok");
  auto verbose = checks.serveAggregate(
      Kind::kReadiness,
      get("/readyz", {{"verbose", ""}, {"exclude", "bad"}, {"exclude", "zz"}, {"exclude", "aa"}}));
  EXPECT_EQ(verbose.body,
            "[+]bad excluded: ok\n"
            "warn: some health checks cannot be excluded: no matches for \"aa\",\"zz\"\n"
            "readyz check passed\n");
}

TEST(HealthChecksTest, SingleCheckShowsItsReason) {
  std::atomic<bool> synced{false};
  HealthChecks checks;
  ASSERT_TRUE(checks.addReadinessCheck("informers-synced", flag(synced, "deployments not listed")));
  auto failing = checks.serveSingle(Kind::kReadiness, "informers-synced");
  EXPECT_EQ(failing.status, 503);
  EXPECT_EQ(failing.body, "internal server error: deployments not listed\n");
  synced = true;
  auto passing = checks.serveSingle(Kind::kReadiness, "informers-synced");
  EXPECT_EQ(passing.status, 200);
  EXPECT_EQ(passing.body, "ok");
  EXPECT_EQ(checks.serveSingle(Kind::kReadiness, "nope").status, 404);
  EXPECT_EQ(checks.serveSingle(Kind::kLiveness, "informers-synced").status, 404);
  EXPECT_EQ(checks.serveSingle(Kind::kLiveness, "ping").status, 200);
}

TEST(HealthChecksTest, ThrowingCheckFails) {
  HealthChecks checks;
  ASSERT_TRUE(checks.addLivenessCheck("boom", []() -> Status { throw std::runtime_error("x"); }));
  EXPECT_EQ(checks.serveAggregate(Kind::kLiveness, get("/healthz")).status, 503);
  EXPECT_FALSE(checks.passes(Kind::kLiveness));
}

TEST(HealthChecksTest, NamesAreValidatedAndUnique) {
  HealthChecks checks;
  auto pass = [] { return ok(); };
  ASSERT_TRUE(checks.addReadinessCheck("a", pass));
  auto duplicate = checks.addReadinessCheck("a", pass);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, ErrorCode::kAlreadyExists);
  EXPECT_TRUE(checks.addLivenessCheck("a", pass));  // kinds are separate
  EXPECT_EQ(checks.addReadinessCheck("", pass).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(checks.addReadinessCheck("a/b", pass).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(checks.addReadinessCheck("c", nullptr).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace copycat::server
