#include "registry/auth/keychain.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "base/base64.h"

namespace copycat::registry::auth {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "copycat-keychain-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  fs::path write(const std::string& relative, const std::string& text) const {
    fs::path file = path_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

 private:
  fs::path path_;
};

EnvLookup fakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

StaticKeychain::Options optionsWith(std::vector<RegistryCredential> creds,
                                    std::map<std::string, std::string> env = {}) {
  StaticKeychain::Options options;
  options.registry_credentials = std::move(creds);
  options.use_docker_config = false;
  options.env = fakeEnv(std::move(env));
  return options;
}

std::unique_ptr<StaticKeychain> make(StaticKeychain::Options options) {
  Result<std::unique_ptr<StaticKeychain>> keychain = StaticKeychain::create(std::move(options));
  EXPECT_TRUE(keychain) << keychain.error().message;
  return keychain ? std::move(*keychain) : nullptr;
}

RegistryCredential basic(std::string registry, std::string user,
                         std::vector<std::string> aliases = {}) {
  RegistryCredential c;
  c.registry = std::move(registry);
  c.registry_aliases = std::move(aliases);
  c.username = std::move(user);
  c.password = "pw";
  return c;
}

std::string userFor(StaticKeychain& keychain, std::string_view host) {
  Result<RegistryAuth> auth = keychain.resolve(host);
  EXPECT_TRUE(auth) << auth.error().message;
  return auth ? auth->username : "<error>";
}

TEST(CanonicalRegistryHostTest, Forms) {
  EXPECT_EQ(canonicalRegistryHost(" GHCR.io "), "ghcr.io");
  EXPECT_EQ(canonicalRegistryHost("https://index.docker.io/v1/"), "docker.io");
  EXPECT_EQ(canonicalRegistryHost("registry-1.docker.io"), "docker.io");
  EXPECT_EQ(canonicalRegistryHost("index.docker.io"), "docker.io");
  EXPECT_EQ(canonicalRegistryHost("http://localhost:5000/v2/"), "localhost:5000");
  EXPECT_EQ(canonicalRegistryHost("*.Example.com"), "*.example.com");
  EXPECT_EQ(canonicalRegistryHost("[::1]:5000"), "[::1]:5000");
}

TEST(StaticKeychainTest, AnonymousWhenNothingMatches) {
  auto keychain = make(optionsWith({basic("ghcr.io", "u")}));
  Result<RegistryAuth> auth = keychain->resolve("quay.io");
  ASSERT_TRUE(auth);
  EXPECT_TRUE(auth->isAnonymous());
  EXPECT_EQ(auth->source, "anonymous");
  EXPECT_FALSE(keychain->resolve(""));
}

TEST(StaticKeychainTest, EnvOverridesDirectValuesOnlyWhenSetAndNonEmpty) {
  RegistryCredential c = basic("ghcr.io", " direct ");
  c.username_env = "GH_USER";
  c.password_env = "GH_PASS";
  auto overridden = make(optionsWith({c}, {{"GH_USER", "from-env"}, {"GH_PASS", "secret"}}));
  Result<RegistryAuth> auth = overridden->resolve("ghcr.io");
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->username, "from-env");
  EXPECT_EQ(auth->password, "secret");
  EXPECT_EQ(auth->source, "registryCredentials[0]");
  auto fallback = make(optionsWith({c}, {{"GH_USER", ""}}));
  auth = fallback->resolve("ghcr.io");
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->username, "direct");  // trimmed, as k8s-copycat does
  EXPECT_EQ(auth->password, "pw");
}

TEST(StaticKeychainTest, TokenWinsAndIsSentAsRegistryToken) {
  RegistryCredential c = basic("ghcr.io", "u");
  c.token_env = "GHCR_TOKEN";
  auto keychain = make(optionsWith({c}, {{"GHCR_TOKEN", "tok"}}));
  Result<RegistryAuth> auth = keychain->resolve("ghcr.io");
  ASSERT_TRUE(auth);
  EXPECT_EQ(auth->registry_token, "tok");
  EXPECT_TRUE(auth->username.empty());
  EXPECT_TRUE(auth->password.empty());
}

TEST(StaticKeychainTest, EntriesWithoutCredentialsAreIgnoredWithAWarning) {
  RegistryCredential empty;
  empty.registry = "ghcr.io";
  empty.token_env = "UNSET";
  auto keychain = make(optionsWith({empty}));
  ASSERT_EQ(keychain->warnings().size(), 1u);
  EXPECT_EQ(keychain->warnings()[0],
            "registryCredentials[0] (ghcr.io): no username, password or token (directly or "
            "through *Env variables); entry ignored");
  EXPECT_TRUE(keychain->resolve("ghcr.io")->isAnonymous());
}

TEST(StaticKeychainTest, MostSpecificPatternWins) {
  auto keychain = make(optionsWith({basic("*.com", "tld"), basic("registry.example.com", "exact"),
                                    basic("*.example.com", "wild")}));
  EXPECT_EQ(userFor(*keychain, "registry.example.com"), "exact");
  EXPECT_EQ(userFor(*keychain, "other.example.com"), "wild");
  EXPECT_EQ(userFor(*keychain, "a.b.example.com"), "wild");
  EXPECT_EQ(userFor(*keychain, "example.com"), "tld");  // *.example.com needs a subdomain
  EXPECT_EQ(userFor(*keychain, "quay.io"), "");
}

TEST(StaticKeychainTest, PortsAndHostsWithoutPorts) {
  auto keychain = make(optionsWith({basic("localhost", "any-port"), basic("localhost:5000", "5000"),
                                    basic("*.corp:8443", "corp-8443")}));
  EXPECT_EQ(userFor(*keychain, "localhost:5000"), "5000");
  EXPECT_EQ(userFor(*keychain, "localhost:5001"), "any-port");
  EXPECT_EQ(userFor(*keychain, "localhost"), "any-port");
  EXPECT_EQ(userFor(*keychain, "reg.corp:8443"), "corp-8443");
  EXPECT_EQ(userFor(*keychain, "reg.corp"), "");
}

TEST(StaticKeychainTest, LaterEntryWinsATieAndAliasesCount) {
  auto keychain = make(optionsWith({basic("ghcr.io", "first"), basic("GHCR.IO", "second"),
                                    basic("quay.io", "aliased", {"*.quay.io", "quay.example"})}));
  EXPECT_EQ(userFor(*keychain, "ghcr.io"), "second");
  EXPECT_EQ(userFor(*keychain, "cdn.quay.io"), "aliased");
  EXPECT_EQ(userFor(*keychain, "quay.example"), "aliased");
}

TEST(StaticKeychainTest, DockerHubSpellingsAreOneRegistry) {
  auto keychain = make(optionsWith({basic("registry-1.docker.io", "hub")}));
  for (std::string_view host :
       {"docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/"}) {
    SCOPED_TRACE(host);
    EXPECT_EQ(userFor(*keychain, host), "hub");
  }
}

TEST(StaticKeychainTest, SourcesInOrderCliThenConfigThenDockerConfig) {
  TempDir dir;
  fs::path config = dir.write("config.json", R"({"auths":{
      "ghcr.io":{"auth":")" + base64Encode("docker:d") +
                                                 R"("},
      "quay.io":{"auth":")" + base64Encode("docker:d") +
                                                 R"("},
      "gcr.io":{"auth":")" + base64Encode("docker:d") +
                                                 R"("}}})");
  StaticKeychain::Options options =
      optionsWith({basic("ghcr.io", "config"), basic("quay.io", "config")});
  options.cli_credentials["GHCR.io"] = RegistryAuth{"cli", "c", "", "", ""};
  options.use_docker_config = true;
  options.docker_config_path = config.string();
  auto keychain = make(std::move(options));
  EXPECT_EQ(userFor(*keychain, "ghcr.io"), "cli");
  EXPECT_EQ(keychain->resolve("ghcr.io")->source, "cli");
  EXPECT_EQ(userFor(*keychain, "quay.io"), "config");
  EXPECT_EQ(userFor(*keychain, "gcr.io"), "docker");
  EXPECT_EQ(keychain->resolve("gcr.io")->source, "docker-config");
}

TEST(StaticKeychainTest, DockerConfigEntryForms) {
  TempDir dir;
  dir.write("cfg/config.json", R"({
    "auths": {
      "https://index.docker.io/v1/": {"auth": ")" +
                                   base64Encode("hubuser:p:with:colons") + R"("},
      "localhost:5000": {"username": "plain", "password": "pw"},
      "both.example": {"auth": ")" +
                                   base64Encode("fromauth:x") + R"(", "username": "ignored"},
      "token.example": {"identitytoken": "refresh"},
      "regtoken.example": {"registrytoken": "bearer"},
      "placeholder.example": {},
      "broken.example": {"auth": "!!notbase64"},
      "nocolon.example": {"auth": ")" +
                                   base64Encode("nocolon") + R"("}
    },
    "credsStore": "desktop",
    "credHelpers": {"123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"}
  })");
  StaticKeychain::Options options =
      optionsWith({}, {{"DOCKER_CONFIG", (dir.path() / "cfg").string()}});
  options.use_docker_config = true;
  auto keychain = make(std::move(options));
  Result<RegistryAuth> hub = keychain->resolve("registry-1.docker.io");
  ASSERT_TRUE(hub);
  EXPECT_EQ(hub->username, "hubuser");
  EXPECT_EQ(hub->password, "p:with:colons");
  EXPECT_EQ(userFor(*keychain, "localhost:5000"), "plain");
  EXPECT_EQ(userFor(*keychain, "localhost"), "");  // config.json keys match exactly
  EXPECT_EQ(userFor(*keychain, "both.example"), "fromauth");
  EXPECT_EQ(keychain->resolve("token.example")->identity_token, "refresh");
  EXPECT_EQ(keychain->resolve("regtoken.example")->registry_token, "bearer");
  EXPECT_TRUE(keychain->resolve("placeholder.example")->isAnonymous());
  EXPECT_TRUE(keychain->resolve("broken.example")->isAnonymous());
  std::vector<std::string> want = {
      "docker config: credsStore \"desktop\" is not executed; its credentials are not used",
      "docker config: credHelpers are not executed; no credentials for "
      "123.dkr.ecr.us-east-1.amazonaws.com",
      "docker config: auths entry broken.example: \"auth\" is not base64 of user:password; ignored",
      "docker config: auths entry nocolon.example: \"auth\" is not base64 of user:password; "
      "ignored",
  };
  EXPECT_EQ(keychain->warnings(), want);
}

TEST(StaticKeychainTest, DockerConfigFromHomeAndMissingFiles) {
  TempDir dir;
  dir.write("home/.docker/config.json",
            R"({"auths":{"ghcr.io":{"username":"home","password":"p"}}})");
  StaticKeychain::Options options = optionsWith({}, {{"HOME", (dir.path() / "home").string()}});
  options.use_docker_config = true;
  EXPECT_EQ(userFor(*make(options), "ghcr.io"), "home");

  options.env = fakeEnv({{"HOME", (dir.path() / "nohome").string()}});
  EXPECT_EQ(userFor(*make(options), "ghcr.io"), "");  // a missing default file is fine

  options.docker_config_path = (dir.path() / "missing.json").string();
  Result<std::unique_ptr<StaticKeychain>> explicit_missing = StaticKeychain::create(options);
  ASSERT_FALSE(explicit_missing);
  EXPECT_EQ(explicit_missing.error().code, ErrorCode::kInvalidArgument);
}

TEST(StaticKeychainTest, MalformedDockerConfigIsAnError) {
  TempDir dir;
  StaticKeychain::Options options = optionsWith({});
  options.use_docker_config = true;
  options.docker_config_path = dir.write("config.json", "{\"auths\": ").string();
  Result<std::unique_ptr<StaticKeychain>> keychain = StaticKeychain::create(options);
  ASSERT_FALSE(keychain);
  EXPECT_NE(keychain.error().message.find("not a JSON object"), std::string::npos);
}

TEST(StaticKeychainTest, ConcurrentLookups) {
  auto keychain = make(optionsWith({basic("*.example.com", "wild"), basic("ghcr.io", "gh")}));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        Result<RegistryAuth> a = keychain->resolve(i % 2 == 0 ? "x.example.com" : "ghcr.io");
        if (!a || a->username != (i % 2 == 0 ? "wild" : "gh")) ++wrong;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace copycat::registry::auth
