// The composition root's metric wiring: reflector and controller counts sampled into the
// controller's metrics at scrape time, the collectable that does it, and docs/operations.md's
// metric reference against the families actually registered.
#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "app/adapters.h"
#include "base/strings.h"
#include "controller/controller_metrics.h"
#include "server/metrics_handler.h"

namespace copycat::app {
namespace {

using workload::Kind;

// The value of a counter or gauge with exactly these labels; -1 when absent.
double valueOf(prometheus::Collectable& collectable, const std::string& name,
               const std::map<std::string, std::string>& labels = {}) {
  for (const auto& family : collectable.Collect()) {
    if (family.name != name) {
      continue;
    }
    for (const auto& metric : family.metric) {
      std::map<std::string, std::string> got;
      for (const auto& pair : metric.label) {
        got[pair.name] = pair.value;
      }
      if (got == labels) {
        return family.type == prometheus::MetricType::Counter ? metric.counter.value
                                                              : metric.gauge.value;
      }
    }
  }
  return -1;
}

class MetricsSamplerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = controller::ControllerMetrics::create(*registry_);
    ASSERT_TRUE(created) << created.error().message;
    metrics_ = std::move(*created);
  }

  double restarts(const std::string& kind) {
    return valueOf(*registry_, "k8s_copycat_watch_restarts_total", {{"kind", kind}});
  }
  double relists(const std::string& kind) {
    return valueOf(*registry_, "k8s_copycat_relists_total", {{"kind", kind}});
  }

  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  std::unique_ptr<controller::ControllerMetrics> metrics_;
};

kube::ReflectorStats stats(uint64_t watch_restarts, uint64_t relists) {
  kube::ReflectorStats s;
  s.watch_restarts = watch_restarts;
  s.relists = relists;
  s.watches = watch_restarts + 1;  // not exported: must not leak into the counters
  return s;
}

TEST_F(MetricsSamplerTest, ReflectorTotalsBecomeCountersPerKind) {
  std::map<Kind, kube::ReflectorStats> totals = {{Kind::kPod, stats(0, 0)},
                                                 {Kind::kDeployment, stats(2, 1)}};
  kube::ReflectorStats namespaces = stats(1, 0);
  MetricsSampler sampler(*metrics_, {.watch_stats = [&] { return totals; },
                                     .namespace_stats = [&] { return namespaces; },
                                     .controller_stats = {}});
  sampler.sample();
  EXPECT_EQ(restarts("Pod"), 0);  // present from the first scrape
  EXPECT_EQ(relists("Pod"), 0);
  EXPECT_EQ(restarts("Deployment"), 2);
  EXPECT_EQ(relists("Deployment"), 1);
  EXPECT_EQ(restarts("Namespace"), 1);

  totals[Kind::kPod] = stats(3, 1);
  totals[Kind::kDeployment] = stats(2, 1);
  sampler.sample();
  sampler.sample();  // nothing changed in between: nothing added
  EXPECT_EQ(restarts("Pod"), 3);
  EXPECT_EQ(relists("Pod"), 1);
  EXPECT_EQ(restarts("Deployment"), 2);

  // A new watcher counts from zero again; the exported counters keep growing.
  totals[Kind::kPod] = stats(1, 0);
  sampler.sample();
  EXPECT_EQ(restarts("Pod"), 4);
  EXPECT_EQ(relists("Pod"), 1);
}

TEST_F(MetricsSamplerTest, ConcurrentScrapesCountEveryRestartOnce) {
  // Each read of the source sees one more restart, as if the watch broke between scrapes.
  std::atomic<uint64_t> source{0};
  MetricsSampler sampler(
      *metrics_, {.watch_stats =
                      [&] {
                        uint64_t n = ++source;
                        return std::map<Kind, kube::ReflectorStats>{{Kind::kPod, stats(n, n)}};
                      },
                  .namespace_stats = {},
                  .controller_stats = {}});
  std::vector<std::thread> scrapers;
  for (int t = 0; t < 4; ++t) {
    scrapers.emplace_back([&] {
      for (int i = 0; i < 250; ++i) {
        sampler.sample();
      }
    });
  }
  for (auto& scraper : scrapers) {
    scraper.join();
  }
  // A stale total reported after a newer one would read as a restart from zero and overcount.
  EXPECT_EQ(restarts("Pod"), 1000);
  EXPECT_EQ(relists("Pod"), 1000);
}

TEST_F(MetricsSamplerTest, ControllerGaugesAreSetFromItsStats) {
  controller::ControllerStats now;
  now.known_images = 7;
  now.cooldown_entries = 2;
  now.cache_entries = 5;
  MetricsSampler sampler(
      *metrics_,
      {.watch_stats = {}, .namespace_stats = {}, .controller_stats = [&] { return now; }});
  metrics_->setCooldownEntries(9);  // set at the last failure; entries expired since
  sampler.sample();
  EXPECT_EQ(valueOf(*registry_, "k8s_copycat_images_known"), 7);
  EXPECT_EQ(valueOf(*registry_, "k8s_copycat_failure_cooldown_entries"), 2);
  EXPECT_EQ(valueOf(*registry_, "k8s_copycat_push_cache_entries"), 5);
  EXPECT_EQ(restarts("Pod"), -1);  // no watch source, no series
}

TEST_F(MetricsSamplerTest, TheScrapeSeesWhatWasSampledForIt) {
  uint64_t total = 0;
  MetricsSampler sampler(
      *metrics_, {.watch_stats =
                      [&] {
                        return std::map<Kind, kube::ReflectorStats>{{Kind::kPod, stats(total, 0)}};
                      },
                  .namespace_stats = {},
                  .controller_stats = {}});
  server::MetricsHandler handler;
  handler.add(std::make_shared<SampledCollectable>(registry_, [&] { sampler.sample(); }));
  total = 4;
  EXPECT_NE(handler.render().find("k8s_copycat_watch_restarts_total{kind=\"Pod\"} 4\n"),
            std::string::npos)
      << handler.render();
  total = 6;
  EXPECT_NE(handler.render().find("k8s_copycat_watch_restarts_total{kind=\"Pod\"} 6\n"),
            std::string::npos);
}

// The rows "| `name` | type | labels | meaning |" of docs/operations.md's metric reference.
std::map<std::string, std::string> documentedMetrics() {
  std::ifstream in(std::string(COPYCAT_SOURCE_DIR) + "/docs/operations.md");
  std::map<std::string, std::string> out;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      inside = line == "## Metric reference";
      continue;
    }
    if (!inside || line.rfind("| `", 0) != 0) {
      continue;
    }
    auto cells = strings::split(line, '|');
    if (cells.size() < 5) {
      continue;
    }
    std::string name(strings::trim(cells[1]));
    name = name.substr(1, name.size() - 2);  // strip the backquotes
    out[name] = std::string(strings::trim(cells[2]));
  }
  return out;
}

std::string typeName(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter:
      return "counter";
    case prometheus::MetricType::Gauge:
      return "gauge";
    case prometheus::MetricType::Histogram:
      return "histogram";
    default:
      return "other";
  }
}

// Every "k8s_copycat_..." literal in the file that registers the families.
std::set<std::string> namesInSource() {
  std::ifstream in(std::string(COPYCAT_SOURCE_DIR) + "/src/controller/controller_metrics.cc");
  std::stringstream text;
  text << in.rdbuf();
  const std::string source = text.str();
  std::set<std::string> out;
  const std::string prefix = "\"k8s_copycat_";
  for (auto pos = source.find(prefix); pos != std::string::npos;
       pos = source.find(prefix, pos + 1)) {
    auto end = source.find('"', pos + 1);
    out.insert(source.substr(pos + 1, end - pos - 1));
  }
  return out;
}

TEST(MetricReferenceTest, DocumentsEveryRegisteredFamilyWithItsType) {
  prometheus::Registry registry;
  auto created = controller::ControllerMetrics::create(registry);
  ASSERT_TRUE(created);
  auto& m = **created;
  // Families without a series are not exposed: give every one a series.
  m.pullSucceeded("r");
  m.pullFailed("r");
  m.pushSucceeded("r");
  m.pushFailed("r");
  m.imageMirrored("copied");
  m.imageFailed(ErrorCode::kUnavailable, false);
  m.imageSkipped("cached");
  m.copied(1, 1, 1, 1, std::chrono::milliseconds(1));
  m.verified("present");
  m.observeWatchTotals("Pod", 1, 1);
  m.observeEventTotals(1, 1, 1);
  std::map<std::string, std::string> exposed;
  for (const auto& family : registry.Collect()) {
    exposed[family.name] = typeName(family.type);
  }
  auto documented = documentedMetrics();
  ASSERT_FALSE(documented.empty()) << "no metric reference table in docs/operations.md";
  EXPECT_EQ(documented, exposed);
  // A family added later is caught even before anything feeds it.
  std::set<std::string> documented_names;
  for (const auto& [name, type] : documented) {
    documented_names.insert(name);
  }
  EXPECT_EQ(documented_names, namesInSource());
}

}  // namespace
}  // namespace copycat::app
