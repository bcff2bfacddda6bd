#include "server/server_set.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "fake_admin_backend.h"
#include "server_test_util.h"

namespace copycat::server {
namespace {

using testing::clientFor;
using testing::FakeAdminBackend;

ServerSetOptions loopback() {
  return ServerSetOptions{.metrics_addr = "127.0.0.1:0", .health_addr = "127.0.0.1:0"};
}

TEST(ServerSetTest, MetricsAndAdminOnOneListenerProbesOnTheOther) {
  ServerSet servers(loopback());
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildCounter().Name("copycat_set_total").Help("h").Register(*registry).Add({});
  servers.metrics().add(registry);
  servers.admin().setBackend(std::make_shared<FakeAdminBackend>());
  ASSERT_TRUE(servers.health().addReadinessCheck("ready", [] { return ok(); }));
  ASSERT_TRUE(servers.start());
  ASSERT_GT(servers.metricsPort(), 0);
  ASSERT_GT(servers.healthPort(), 0);
  EXPECT_NE(servers.metricsPort(), servers.healthPort());

  auto metrics = clientFor(servers.metricsPort());
  EXPECT_NE(metrics->Get("/metrics")->body.find("copycat_set_total 0"), std::string::npos);
  EXPECT_EQ(metrics->Get("/admin/cache")->status, 200);
  EXPECT_EQ(metrics->Post("/reset-cooldown", "", "")->status, 200);
  EXPECT_EQ(metrics->Get("/healthz")->status, 404);  // probes live on their own port
  EXPECT_EQ(metrics->Get("/readyz")->status, 404);

  auto probes = clientFor(servers.healthPort());
  EXPECT_EQ(probes->Get("/healthz")->body, "ok");
  EXPECT_EQ(probes->Get("/readyz")->body, "ok");
  EXPECT_EQ(probes->Get("/metrics")->status, 404);
  EXPECT_EQ(probes->Get("/admin/cache")->status, 404);

  int probe_port = servers.healthPort();
  servers.stop();
  EXPECT_EQ(servers.metricsPort(), 0);
  EXPECT_EQ(servers.healthPort(), 0);
  EXPECT_FALSE(clientFor(probe_port)->Get("/healthz"));
}

TEST(ServerSetTest, TokenProtectsAdminButNotMetricsOrProbes) {
  auto options = loopback();
  options.admin_token = "t0ken";
  ServerSet servers(options);
  servers.admin().setBackend(std::make_shared<FakeAdminBackend>());
  ASSERT_TRUE(servers.start());
  auto metrics = clientFor(servers.metricsPort());
  EXPECT_EQ(metrics->Get("/metrics")->status, 200);
  EXPECT_EQ(metrics->Get("/admin/cache")->status, 401);
  EXPECT_EQ(metrics->Get("/admin/cache", {{"Authorization", "Bearer t0ken"}})->status, 200);
  EXPECT_EQ(clientFor(servers.healthPort())->Get("/readyz")->status, 200);
}

TEST(ServerSetTest, AdminCanBeTurnedOff) {
  auto options = loopback();
  options.admin_enabled = false;
  ServerSet servers(options);
  ASSERT_TRUE(servers.start());
  auto metrics = clientFor(servers.metricsPort());
  EXPECT_EQ(metrics->Get("/metrics")->status, 200);
  EXPECT_EQ(metrics->Get("/admin/cache")->status, 404);
  EXPECT_EQ(metrics->Post("/force-reconcile", "", "")->status, 404);
}

TEST(ServerSetTest, ZeroDisablesAListener) {
  ServerSet servers(ServerSetOptions{.metrics_addr = "0", .health_addr = "127.0.0.1:0"});
  ASSERT_TRUE(servers.start());
  EXPECT_EQ(servers.metricsPort(), 0);
  EXPECT_GT(servers.healthPort(), 0);
}

TEST(ServerSetTest, BindFailureLeavesNothingRunning) {
  HttpServer squatter;
  ASSERT_TRUE(squatter.start("127.0.0.1:0"));
  ServerSet servers(
      ServerSetOptions{.metrics_addr = "127.0.0.1:0",
                       .health_addr = "127.0.0.1:" + std::to_string(squatter.port())});
  auto started = servers.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(started.error().message.rfind("health probe listener: listen tcp", 0), 0u)
      << started.error().message;
  EXPECT_EQ(servers.metricsPort(), 0);
  EXPECT_EQ(servers.healthPort(), 0);
}

TEST(ServerSetTest, InvalidAddressNamesTheListener) {
  ServerSet servers(ServerSetOptions{.metrics_addr = "nope", .health_addr = "127.0.0.1:0"});
  auto started = servers.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(started.error().message.rfind("metrics listener: ", 0), 0u);
}

}  // namespace
}  // namespace copycat::server
