#include "e2e/run_fixture.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "support/image_fixture_client.h"

namespace copycat::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kToken[] = "e2e-policy-token";

nlohmann::json podSpec(const std::string& image) {
  return {{"containers", {{{"name", "app"}, {"image", image}}}}};
}

std::string apiVersionOf(const std::string& resource) {
  if (resource == "pods") {
    return "v1";
  }
  return resource == "jobs" || resource == "cronjobs" ? "batch/v1" : "apps/v1";
}

std::string kindOf(const std::string& resource) {
  static const std::map<std::string, std::string> kinds = {
      {"deployments", "Deployment"}, {"statefulsets", "StatefulSet"},
      {"daemonsets", "DaemonSet"},   {"jobs", "Job"},
      {"cronjobs", "CronJob"},       {"pods", "Pod"}};
  auto it = kinds.find(resource);
  return it == kinds.end() ? resource : it->second;
}

}  // namespace

std::string workloadJson(const std::string& resource, const std::string& ns,
                         const std::string& name, const std::string& image,
                         const std::optional<OwnerRef>& owner) {
  nlohmann::json metadata = {{"name", name}, {"namespace", ns}, {"uid", "uid-" + ns + "-" + name}};
  nlohmann::json object = {
      {"apiVersion", apiVersionOf(resource)}, {"kind", kindOf(resource)}, {"metadata", metadata}};
  nlohmann::json templ = {{"metadata", {{"labels", {{"app", name}}}}}, {"spec", podSpec(image)}};
  if (resource == "pods") {
    object["spec"] = podSpec(image);
    object["status"] = {{"phase", "Running"}};
    if (owner) {
      object["metadata"]["ownerReferences"] = {{{"apiVersion", apiVersionOf(owner->kind)},
                                                {"kind", kindOf(owner->kind)},
                                                {"name", owner->name},
                                                {"uid", owner->uid},
                                                {"controller", true}}};
    }
  } else if (resource == "cronjobs") {
    object["spec"] = {{"schedule", "*/5 * * * *"},
                      {"jobTemplate", {{"spec", {{"template", templ}}}}}};
  } else {
    object["spec"] = {{"selector", {{"matchLabels", {{"app", name}}}}}, {"template", templ}};
  }
  return object.dump();
}

std::string namespaceJson(const std::string& name) {
  return nlohmann::json{{"apiVersion", "v1"},
                        {"kind", "Namespace"},
                        {"metadata", {{"name", name}, {"uid", "ns-" + name}}}}
      .dump();
}

void RunFixture::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  dir_ = std::filesystem::temp_directory_path() /
         ("copycat-e2e2-" + std::to_string(::getpid()) + "-" + info->name());
  std::filesystem::create_directories(dir_);
  auto source = RegistryProcess::start(RegistryProcess::anonymous());
  ASSERT_TRUE(source) << source.error().describe();
  source_ = std::move(*source);
  auto target = RegistryProcess::start(RegistryProcess::anonymous());
  ASSERT_TRUE(target) << target.error().describe();
  target_ = std::move(*target);
  auto images = ImageFixture::create(std::hash<std::string>{}(info->name()) | 1);
  ASSERT_TRUE(images) << images.error().describe();
  images_ = std::move(*images);
  api_ = std::make_unique<FakeApiServer>(FakeApiServer::Options{});
  ASSERT_TRUE(api_->start());
  api_->setRequiredToken(kToken);
  ASSERT_TRUE(api_->upsert("namespaces", namespaceJson("shop")));
  std::ofstream(dir_ / "kubeconfig")
      << "apiVersion: v1\nkind: Config\n"
      << "clusters:\n- name: fake\n  cluster:\n    server: " << api_->url() << "\n"
      << "users:\n- name: u\n  user:\n    token: " << kToken << "\n"
      << "contexts:\n- name: c\n  context: {cluster: fake, user: u}\n"
      << "current-context: c\n";
  writeConfig();
}

void RunFixture::TearDown() {
  copycat_.terminate();
  if (HasFailure()) {
    std::cerr << "--- copycat log (last 6000 bytes) ---\n"
              << logs().substr(logs().size() > 6000 ? logs().size() - 6000 : 0) << "\n";
  }
  std::filesystem::remove_all(dir_);
}

void RunFixture::writeConfig(const std::string& extra) {
  std::string insecure = "\"" + source_->host() + "\"";
  for (const auto& host : insecure_sources_) {
    insecure += ", \"" + host + "\"";
  }
  std::ofstream(dir_ / "config.yaml")
      << "targetKind: docker\ndocker:\n  registry: " << target_->host() << "\n  insecure: true\n"
      << "insecureRegistries: [" << insecure << "]\n"
      << "metricsAddr: 127.0.0.1:0\nhealthAddr: 127.0.0.1:0\n"
      << "leaderElect: false\nlogLevel: debug\n"
      << "registryRetryAttempts: 1\nregistryRetryBackoff: 0\nrequestTimeout: 20\n"
      << "shutdownTimeoutSeconds: 5\n"
      << extra;
}

void RunFixture::startCopycat(const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {COPYCAT_EXE,    "run",
                                   "--kubeconfig", (dir_ / "kubeconfig").string(),
                                   "--config",     (dir_ / "config.yaml").string()};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  auto child = ChildProcess::spawn(
      argv, CommandOptions{.timeout = milliseconds(0), .env = {}, .unset_prefixes = {"KUBECONFIG"}},
      (dir_ / "stdout.log").string(), (dir_ / "stderr.log").string());
  ASSERT_TRUE(child) << child.error().message;
  copycat_ = std::move(*child);
  ASSERT_TRUE(waitUntil([&] { return !logRecords("serving").empty() || !copycat_.running(); },
                        seconds(30), kPoll));
  auto serving = logRecords("serving");
  ASSERT_FALSE(serving.empty()) << "copycat exited with " << copycat_.exitCode();
  metrics_port_ = serving.front().value("metrics_port", 0);
  health_port_ = serving.front().value("health_port", 0);
  ASSERT_GT(metrics_port_, 0);
  ASSERT_GT(health_port_, 0);
}

bool RunFixture::waitReady(std::chrono::milliseconds timeout) {
  httplib::Client health("127.0.0.1", health_port_);
  health.set_connection_timeout(seconds(2));
  return waitUntil(
      [&] {
        auto r = health.Get("/readyz");
        return r && r->status == 200;
      },
      timeout, kPoll);
}

bool RunFixture::waitIdle(std::chrono::milliseconds timeout) {
  return waitUntil(
      [&] {
        return metric("k8s_copycat_workqueue_depth").value_or(1) == 0 &&
               metric("k8s_copycat_workqueue_in_flight").value_or(1) == 0;
      },
      timeout, kPoll);
}

std::string RunFixture::logs() const {
  std::ifstream in(dir_ / "stderr.log");
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<LogRecord> RunFixture::logRecords(const std::string& msg) const {
  std::vector<LogRecord> out;
  std::istringstream lines(logs());
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find(msg) == std::string::npos) {
      continue;
    }
    auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_object() && record.value("msg", "") == msg) {
      out.push_back(std::move(record));
    }
  }
  return out;
}

void RunFixture::stopCopycat() {
  copycat_.terminate(seconds(30));
  EXPECT_EQ(copycat_.exitCode(), 0);
}

FixtureImage RunFixture::pushImage(RegistryProcess& registry, const std::string& repo,
                                   const std::string& tag) {
  std::string layout_tag = repo + "-" + tag;
  std::replace(layout_tag.begin(), layout_tag.end(), '/', '-');
  ImageSpec spec;
  spec.layers = {LayerSpec{.size = 1024, .seed = 0}};
  auto image = images_->addImage(layout_tag, spec);
  EXPECT_TRUE(image) << image.error().describe();
  if (!image) {
    return {};
  }
  RegistryHttpClient client(RegistryEndpoint::of(registry));
  auto pushed = client.push(*image, repo, tag);
  EXPECT_TRUE(pushed) << pushed.error().describe();
  return *image;
}

FixtureImage RunFixture::applyWorkload(const std::string& resource, const std::string& ns,
                                       const std::string& name, const std::string& repo,
                                       const std::string& tag,
                                       const std::optional<OwnerRef>& owner) {
  auto image = pushImage(*source_, repo, tag);
  auto stored =
      api_->upsert(resource, workloadJson(resource, ns, name, sourceRef(repo, tag), owner));
  EXPECT_TRUE(stored) << stored.error().describe();
  return image;
}

std::optional<std::string> RunFixture::targetDigest(const std::string& repo,
                                                    const std::string& tag) {
  RegistryHttpClient client(RegistryEndpoint::of(*target_));
  auto got = client.getManifest(repo, tag, /*head=*/true);
  if (!got || got->status != 200) {
    return std::nullopt;
  }
  return got->digest_header;
}

bool RunFixture::waitForTarget(const std::string& repo, const std::string& tag,
                               const std::string& digest, std::chrono::milliseconds timeout) {
  return waitUntil([&] { return targetDigest(repo, tag) == digest; }, timeout, kPoll);
}

std::string RunFixture::skopeoTargetDigest(const std::string& repo, const std::string& tag) {
  auto got = skopeoDigest("docker://" + targetRef(repo, tag));
  return got ? *got : std::string();
}

size_t RunFixture::copycatRequests(RegistryProcess& registry, const std::string& method_regex,
                                   const std::string& path_regex) {
  const std::regex method(method_regex);
  const std::regex path(path_regex);
  size_t count = 0;
  for (const auto& entry : registry.accessLog()) {
    if (entry.user_agent.rfind("copycat/", 0) == 0 && std::regex_search(entry.method, method) &&
        std::regex_search(entry.path(), path)) {
      ++count;
    }
  }
  return count;
}

std::string RunFixture::sourceRef(const std::string& repo, const std::string& tag) const {
  return source_->host() + "/" + repo + ":" + tag;
}

std::string RunFixture::targetRef(const std::string& repo, const std::string& tag) const {
  return target_->host() + "/" + repo + ":" + tag;
}

std::string RunFixture::metricsText() {
  httplib::Client client("127.0.0.1", metrics_port_);
  client.set_connection_timeout(seconds(2));
  auto r = client.Get("/metrics");
  return r && r->status == 200 ? r->body : std::string();
}

std::optional<double> RunFixture::metric(const std::string& name,
                                         const std::map<std::string, std::string>& labels) {
  std::optional<double> sum;
  std::istringstream lines(metricsText());
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#' || line.rfind(name, 0) != 0) {
      continue;
    }
    const char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != '{' && next != ' ') {
      continue;  // another metric sharing the prefix
    }
    auto value_at = line.rfind(' ');
    std::string label_text = line.substr(name.size(), value_at - name.size());
    bool match = true;
    for (const auto& [key, value] : labels) {
      match = match && label_text.find(key + "=\"" + value + "\"") != std::string::npos;
    }
    if (match) {
      sum = sum.value_or(0) + std::stod(line.substr(value_at + 1));
    }
  }
  return sum;
}

bool RunFixture::waitMetricAtLeast(const std::string& name,
                                   const std::map<std::string, std::string>& labels, double value,
                                   std::chrono::milliseconds timeout) {
  return waitUntil([&] { return metric(name, labels).value_or(-1) >= value; }, timeout, kPoll);
}

nlohmann::json RunFixture::HttpAnswer::json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

RunFixture::HttpAnswer RunFixture::adminGet(const std::string& path) {
  httplib::Client client("127.0.0.1", metrics_port_);
  auto r = client.Get(path);
  return r ? HttpAnswer{r->status, r->body} : HttpAnswer{};
}

RunFixture::HttpAnswer RunFixture::adminPost(const std::string& path) {
  httplib::Client client("127.0.0.1", metrics_port_);
  auto r = client.Post(path);
  return r ? HttpAnswer{r->status, r->body} : HttpAnswer{};
}

}  // namespace copycat::testing
