#include "aws_test_env.h"

#include <cstdlib>
#include <fstream>

#include <gtest/gtest.h>

namespace copycat::aws::test {

AwsTestEnv::AwsTestEnv(copycat::testing::FakeAwsOptions options) {
  options.clock = &clock_;
  fake_ = std::make_unique<copycat::testing::FakeAws>(std::move(options));
  Status started = fake_->start();
  EXPECT_TRUE(started) << started.error().message;
  fake_->addAccessKey(kAccessKeyId, kSecretKey);
  http::CurlHttpClient::Options http_options;
  http_options.proxy = http::ProxyConfig{};  // never a proxy from the environment
  http_options.connect_timeout = std::chrono::milliseconds(2000);
  auto client = http::CurlHttpClient::create(http_options);
  EXPECT_TRUE(client) << client.error().message;
  http_ = std::move(*client);
  std::string pattern = (std::filesystem::temp_directory_path() / "copycat-aws-XXXXXX").string();
  dir_ =
      mkdtemp(pattern.data()) == nullptr ? std::filesystem::path() : std::filesystem::path(pattern);
  setEnv("AWS_REGION", "us-east-1");
  setEnv("AWS_ENDPOINT_URL", fake_->baseUrl());
  setEnv("AWS_EC2_METADATA_SERVICE_ENDPOINT", fake_->baseUrl());
  setEnv("AWS_CONFIG_FILE", (dir_ / "config").string());
  setEnv("AWS_SHARED_CREDENTIALS_FILE", (dir_ / "credentials").string());
}

AwsTestEnv::~AwsTestEnv() {
  http_.reset();  // close keep-alive connections before the server stops
  fake_->stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void AwsTestEnv::setEnv(const std::string& name, const std::string& value) {
  std::lock_guard lock(vars_->mu);
  vars_->values[name] = value;
}

void AwsTestEnv::unsetEnv(const std::string& name) {
  std::lock_guard lock(vars_->mu);
  vars_->values.erase(name);
}

EnvLookup AwsTestEnv::env() const {
  std::shared_ptr<Vars> vars = vars_;
  return [vars](std::string_view name) -> std::optional<std::string> {
    std::lock_guard lock(vars->mu);
    auto it = vars->values.find(name);
    if (it == vars->values.end() || it->second.empty()) {
      return std::nullopt;
    }
    return it->second;
  };
}

CallOptions AwsTestEnv::fastCalls() {
  CallOptions options;
  options.timeout = std::chrono::milliseconds(5000);
  options.retry.sleep = [](std::chrono::milliseconds) {};
  return options;
}

DefaultChainOptions AwsTestEnv::chainOptions() const {
  DefaultChainOptions options;
  options.region = "us-east-1";
  options.sts = fastCalls();
  options.container.relative_uri_base = fake_->baseUrl();
  options.imds.endpoint = fake_->baseUrl();
  return options;
}

Credentials AwsTestEnv::staticKeys() {
  return Credentials{kAccessKeyId, kSecretKey, "", std::nullopt, "test"};
}

Endpoint AwsTestEnv::endpoint(Service service) const {
  auto settings = loadEndpointSettings(env(), nullptr);
  EXPECT_TRUE(settings);
  auto endpoint = resolveEndpoint(service, *settings);
  EXPECT_TRUE(endpoint) << endpoint.error().message;
  return *endpoint;
}

std::string AwsTestEnv::writeFile(const std::string& name, const std::string& content) const {
  std::filesystem::path path = dir_ / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  return path.string();
}

}  // namespace copycat::aws::test
