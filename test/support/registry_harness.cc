#include "support/registry_harness.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/strings.h"

namespace copycat::testing {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

constexpr int kStartAttempts = 3;
constexpr auto kPollInterval = std::chrono::milliseconds(10);
constexpr auto kSyncTimeout = std::chrono::seconds(5);
constexpr const char* kMarkerPrefix = "/_harness/";

Result<std::string> makeTempDir(const std::string& parent, const std::string& prefix) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
                                         : (tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
  }
  std::string templ = base + "/" + prefix + "-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    return fail(ErrorCode::kInternal, "mkdtemp failed");
  }
  return templ;
}

Status writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return out ? ok() : fail(ErrorCode::kInternal, "cannot write " + path);
}

std::string readTail(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  return text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text;
}

// YAML double-quoted scalar; the values are paths and URLs we generated.
std::string quoted(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

Result<std::string> htpasswdLine(const std::string& user, const std::string& password) {
  // -B: bcrypt, the only scheme distribution accepts; -n: print instead of writing a file.
  ASSIGN_OR_RETURN(CommandResult r, runCommand({"htpasswd", "-Bbn", user, password}));
  std::string line(strings::trim(r.out));
  if (r.exit_code != 0 || line.rfind(user + ":$2", 0) != 0) {
    return fail(ErrorCode::kInternal, "htpasswd failed for user " + user + ": " + r.err);
  }
  return line + "\n";
}

std::unique_ptr<httplib::Client> probeClient(const std::string& base_url, const std::string& ca) {
  auto client = std::make_unique<httplib::Client>(base_url);
  client->set_connection_timeout(0, 300'000);
  client->set_read_timeout(2, 0);
  if (!ca.empty()) {
    client->set_ca_cert_path(ca.c_str());
    client->enable_server_certificate_verification(true);
  }
  return client;
}

}  // namespace

std::string AccessLogEntry::path() const { return target.substr(0, target.find('?')); }

std::vector<AccessLogEntry> parseAccessLog(const std::string& text) {
  // host ident user [time] "METHOD TARGET PROTO" status bytes "referer" "user-agent"
  static const std::regex kLine(
      R"re(^\S+ \S+ \S+ \[[^\]]*\] "(\S+) (\S+) [^"]*" (\d{3}) (\d+|-)(?: "[^"]*" "([^"]*)")?)re");
  std::vector<AccessLogEntry> entries;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_search(line, m, kLine)) {
      continue;
    }
    AccessLogEntry e;
    e.method = m[1];
    e.target = m[2];
    e.status = std::atoi(m[3].str().c_str());
    e.bytes = m[4] == "-" ? 0 : std::strtoull(m[4].str().c_str(), nullptr, 10);
    e.user_agent = m[5];
    entries.push_back(std::move(e));
  }
  return entries;
}

Result<int> pickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return fail(ErrorCode::kInternal, "socket failed");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bool bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
               getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  if (!bound) {
    return fail(ErrorCode::kInternal, "cannot bind an ephemeral port");
  }
  return static_cast<int>(ntohs(addr.sin_port));
}

RegistryProcess::Options RegistryProcess::htpasswd(std::map<std::string, std::string> users,
                                                   bool tls) {
  Options o;
  o.auth = RegistryAuth::kHtpasswd;
  o.users = std::move(users);
  o.tls = tls;
  return o;
}

RegistryProcess::Options RegistryProcess::token(TokenAuthConfig config) {
  Options o;
  o.auth = RegistryAuth::kToken;
  o.token = std::move(config);
  return o;
}

Result<std::unique_ptr<RegistryProcess>> RegistryProcess::start(Options options) {
  if (findProgram(options.binary).empty()) {
    return fail(ErrorCode::kNotFound, options.binary +
                                          " not found in PATH: install the Debian package "
                                          "docker-registry (CNCF distribution 2.8)");
  }
  if (options.auth == RegistryAuth::kToken && !options.token) {
    return fail(ErrorCode::kInvalidArgument, "token auth needs a TokenAuthConfig");
  }
  std::unique_ptr<RegistryProcess> registry(new RegistryProcess(std::move(options)));
  RETURN_IF_ERROR(registry->prepareFiles());
  Status started = fail(ErrorCode::kUnavailable, "registry did not start");
  for (int attempt = 0; attempt < kStartAttempts && !started; ++attempt) {
    ASSIGN_OR_RETURN(registry->port_, pickFreePort());
    RETURN_IF_ERROR(registry->writeConfig());
    started = registry->launch();
    bool port_taken =
        !started && started.error().message.find("address already in use") != std::string::npos;
    if (!started && !port_taken) {
      break;
    }
  }
  RETURN_IF_ERROR(started);
  return registry;
}

RegistryProcess::~RegistryProcess() {
  child_.terminate();
  if (!dir_.empty()) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
}

Status RegistryProcess::prepareFiles() {
  ASSIGN_OR_RETURN(dir_, makeTempDir(options_.parent_dir, "copycat-registry"));
  std::error_code ec;
  fs::create_directories(storageDir(), ec);
  if (ec) {
    return fail(ErrorCode::kInternal, "cannot create registry storage");
  }
  if (options_.tls) {
    ASSIGN_OR_RETURN(certs_, TestCertificates::create({"127.0.0.1", "localhost"}));
    fs::create_directories(certDir(), ec);
    fs::copy_file(certs_->caCertFile(), certDir() + "/ca.crt", ec);
    if (ec) {
      return fail(ErrorCode::kInternal, "cannot prepare the registry cert dir");
    }
  }
  if (options_.auth == RegistryAuth::kHtpasswd) {
    std::string text;
    for (const auto& [user, password] : options_.users) {
      ASSIGN_OR_RETURN(std::string line, htpasswdLine(user, password));
      text += line;
    }
    RETURN_IF_ERROR(writeFile(dir_ + "/htpasswd", text));
  }
  return ok();
}

Status RegistryProcess::writeConfig() const {
  std::ostringstream y;
  y << "version: 0.1\n"
    << "log:\n  level: info\n  formatter: json\n  accesslog:\n    disabled: false\n"
    << "storage:\n  filesystem:\n    rootdirectory: " << quoted(storageDir()) << "\n"
    << "  delete:\n    enabled: " << (options_.delete_enabled ? "true" : "false") << "\n"
    << "  maintenance:\n    uploadpurging:\n      enabled: false\n"
    << "    readonly:\n      enabled: " << (options_.read_only ? "true" : "false") << "\n"
    << "http:\n  addr: 127.0.0.1:" << port_ << "\n  secret: copycat-harness-upload-secret\n";
  if (options_.tls) {
    y << "  tls:\n    certificate: " << quoted(certs_->serverCertFile())
      << "\n    key: " << quoted(certs_->serverKeyFile()) << "\n";
  }
  if (options_.auth == RegistryAuth::kHtpasswd) {
    y << "auth:\n  htpasswd:\n    realm: copycat-harness\n    path: " << quoted(dir_ + "/htpasswd")
      << "\n";
  } else if (options_.auth == RegistryAuth::kToken) {
    const TokenAuthConfig& t = *options_.token;
    y << "auth:\n  token:\n    realm: " << quoted(t.realm) << "\n    service: " << quoted(t.service)
      << "\n    issuer: " << quoted(t.issuer)
      << "\n    rootcertbundle: " << quoted(t.root_cert_bundle) << "\n";
  }
  return writeFile(configFile(), y.str());
}

Status RegistryProcess::launch() {
  CommandOptions co;
  co.unset_prefixes = {"REGISTRY_"};  // env vars override distribution's config file
  // Each attempt appends to the same files; the mark skips what came before.
  std::error_code ec;
  log_mark_ = fs::exists(accessLogFile()) ? fs::file_size(accessLogFile(), ec) : 0;
  ASSIGN_OR_RETURN(child_, ChildProcess::spawn({options_.binary, "serve", configFile()}, co,
                                               accessLogFile(), logFile()));
  Status ready = waitReady();
  if (!ready) {
    child_.terminate();
    return ready;
  }
  RETURN_IF_ERROR(syncAccessLog());
  log_mark_ = fs::file_size(accessLogFile(), ec);
  return ok();
}

Status RegistryProcess::waitReady() {
  auto deadline = SteadyClock::now() + options_.start_timeout;
  auto client = probeClient(baseUrl(), caCertFile());
  while (SteadyClock::now() < deadline) {
    if (!child_.running()) {
      return fail(ErrorCode::kUnavailable, "registry exited with code " +
                                               std::to_string(child_.exitCode()) + ": " +
                                               readTail(logFile(), 600));
    }
    if (auto res = client->Get("/v2/"); res) {
      return ok();
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return fail(ErrorCode::kUnavailable,
              "registry did not answer /v2/ in time: " + readTail(logFile(), 600));
}

void RegistryProcess::stop() { child_.terminate(); }

Status RegistryProcess::restart() {
  if (child_.running()) {
    return ok();
  }
  return launch();
}

bool RegistryProcess::running() { return child_.running(); }

std::string RegistryProcess::host() const { return "127.0.0.1:" + std::to_string(port_); }

std::string RegistryProcess::baseUrl() const {
  return std::string(options_.tls ? "https://" : "http://") + host();
}

std::string RegistryProcess::caCertFile() const {
  return certs_ ? certs_->caCertFile() : std::string();
}

std::string RegistryProcess::certDir() const { return certs_ ? dir_ + "/certs.d" : ""; }

std::string RegistryProcess::readAccessLogFrom(uint64_t offset) const {
  std::ifstream in(accessLogFile(), std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status RegistryProcess::syncAccessLog() {
  std::string marker = kMarkerPrefix + std::string("sync/") + std::to_string(++sync_counter_);
  auto client = probeClient(baseUrl(), caCertFile());
  if (!client->Get(marker)) {
    return fail(ErrorCode::kUnavailable, "registry did not answer the access log marker");
  }
  auto deadline = SteadyClock::now() + kSyncTimeout;
  while (SteadyClock::now() < deadline) {
    if (readAccessLogFrom(log_mark_).find(" " + marker + " ") != std::string::npos) {
      return ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return fail(ErrorCode::kDeadlineExceeded, "access log marker not written");
}

std::vector<AccessLogEntry> RegistryProcess::accessLog() {
  (void)syncAccessLog();  // on failure: what was written so far
  std::vector<AccessLogEntry> out;
  for (auto& e : parseAccessLog(readAccessLogFrom(log_mark_))) {
    if (e.target.rfind(kMarkerPrefix, 0) != 0) {
      out.push_back(std::move(e));
    }
  }
  return out;
}

size_t RegistryProcess::countRequests(const std::string& method, const std::string& path_regex) {
  std::regex re(path_regex);
  size_t n = 0;
  for (const auto& e : accessLog()) {
    if ((method.empty() || e.method == method) && std::regex_search(e.path(), re)) {
      ++n;
    }
  }
  return n;
}

void RegistryProcess::clearAccessLog() {
  (void)syncAccessLog();
  std::error_code ec;
  log_mark_ = fs::file_size(accessLogFile(), ec);
}

}  // namespace copycat::testing
