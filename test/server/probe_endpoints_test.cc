#include <atomic>

#include <gtest/gtest.h>

#include "server/health_checks.h"
#include "server/http_server.h"
#include "server_test_util.h"

namespace copycat::server {
namespace {

using testing::clientFor;

class ProbeEndpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(checks_.addReadinessCheck("informers-synced", [this]() -> Status {
      if (synced_) {
        return ok();
      }
      return fail(ErrorCode::kUnavailable, "initial list of deployments not processed");
    }));
    checks_.registerRoutes(server_);
    ASSERT_TRUE(server_.start("127.0.0.1:0"));
    client_ = clientFor(server_.port());
  }

  std::atomic<bool> synced_{false};
  HealthChecks checks_;
  HttpServer server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ProbeEndpointsTest, HealthzIsOkWhileTheProcessRuns) {
  auto res = client_->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ok");
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; charset=utf-8");
}

TEST_F(ProbeEndpointsTest, ReadyzFlipsWithItsChecks) {
  auto before = client_->Get("/readyz");
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 503);
  EXPECT_EQ(before->body, "[-]informers-synced failed: reason withheld\nreadyz check failed\n");

  synced_ = true;
  auto after = client_->Get("/readyz");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(after->body, "ok");
  EXPECT_EQ(client_->Get("/readyz?verbose")->body, "[+]informers-synced ok\nreadyz check passed\n");

  synced_ = false;
  EXPECT_EQ(client_->Get("/readyz")->status, 503);
}

TEST_F(ProbeEndpointsTest, IndividualChecksAndExclusions) {
  auto single = client_->Get("/readyz/informers-synced");
  ASSERT_TRUE(single);
  EXPECT_EQ(single->status, 503);
  EXPECT_EQ(single->body, "internal server error: initial list of deployments not processed\n");
  EXPECT_EQ(client_->Get("/readyz/unknown")->status, 404);
  EXPECT_EQ(client_->Get("/healthz/ping")->body, "ok");
  EXPECT_EQ(client_->Get("/readyz?exclude=informers-synced")->status, 200);
}

TEST_F(ProbeEndpointsTest, HeadWorksAndOtherMethodsAre405) {
  auto head = client_->Head("/healthz");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  auto post = client_->Post("/readyz", "", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD");
}

}  // namespace
}  // namespace copycat::server
