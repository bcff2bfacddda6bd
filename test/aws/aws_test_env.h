// Test fixture for the AWS network code: a FakeAws on 127.0.0.1, a real CurlHttpClient, a
// FakeClock shared by both, a mutable environment map aimed at the fake, and a temp directory.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "aws/aws_request.h"
#include "aws/default_credentials_chain.h"
#include "aws/endpoints.h"
#include "aws/environment.h"
#include "http/curl_http_client.h"
#include "support/fake_aws.h"
#include "support/fake_clock.h"

namespace copycat::aws::test {

inline constexpr char kAccessKeyId[] = "AKIDCOPYCATTEST0001";
inline constexpr char kSecretKey[] = "copycat/test+secret/key0000000000000000";

// Not thread-safe to configure; env() lookups are thread-safe.
class AwsTestEnv {
 public:
  explicit AwsTestEnv(copycat::testing::FakeAwsOptions options = {});
  ~AwsTestEnv();

  copycat::testing::FakeAws& fake() { return *fake_; }
  http::HttpClient& http() { return *http_; }
  copycat::testing::FakeClock& clock() { return clock_; }

  // The environment every provider gets: AWS_REGION, AWS_ENDPOINT_URL (the fake),
  // AWS_EC2_METADATA_SERVICE_ENDPOINT (the fake) and AWS_CONFIG_FILE /
  // AWS_SHARED_CREDENTIALS_FILE inside the temp directory. Changes apply to earlier lookups too.
  void setEnv(const std::string& name, const std::string& value);
  void unsetEnv(const std::string& name);
  [[nodiscard]] EnvLookup env() const;

  // Retries without waiting, so throttling tests stay fast.
  [[nodiscard]] static CallOptions fastCalls();
  // Chain options whose every network source is the fake.
  [[nodiscard]] DefaultChainOptions chainOptions() const;
  // Static long-term keys known to the fake.
  [[nodiscard]] static Credentials staticKeys();
  [[nodiscard]] Endpoint endpoint(Service service) const;

  // Writes `content` to `name` in the temp directory and returns the path.
  std::string writeFile(const std::string& name, const std::string& content) const;
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

 private:
  copycat::testing::FakeClock clock_;
  std::unique_ptr<copycat::testing::FakeAws> fake_;
  std::unique_ptr<http::CurlHttpClient> http_;
  std::filesystem::path dir_;
  struct Vars {
    std::mutex mu;
    std::map<std::string, std::string, std::less<>> values;
  };
  std::shared_ptr<Vars> vars_ = std::make_shared<Vars>();
};

}  // namespace copycat::aws::test
