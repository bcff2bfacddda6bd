#include "copycat_process.h"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "support/registry_harness.h"

namespace copycat::bench {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

long statusKib(const std::string& status, const std::string& key) {
  const size_t at = status.find("\n" + key + ":");
  return at == std::string::npos ? -1 : std::atol(status.c_str() + at + key.size() + 2);
}

std::unique_ptr<httplib::Client> localClient(int port) {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port);
  client->set_connection_timeout(0, 500'000);
  client->set_read_timeout(10, 0);
  return client;
}

}  // namespace

Result<std::unique_ptr<CopycatProcess>> CopycatProcess::start(const CopycatOptions& options) {
  std::unique_ptr<CopycatProcess> process(new CopycatProcess(options));
  ASSIGN_OR_RETURN(process->metrics_port_, testing::pickFreePort());
  ASSIGN_OR_RETURN(process->health_port_, testing::pickFreePort());
  RETURN_IF_ERROR(process->writeFiles());
  process->metrics_ = localClient(process->metrics_port_);
  process->health_ = localClient(process->health_port_);
  const std::string dir = options.work_dir;
  const std::vector<std::string> argv = {options.binary,      "run",      "--kubeconfig",
                                         dir + "/kubeconfig", "--config", dir + "/config.yaml"};
  testing::CommandOptions command;
  command.timeout = std::chrono::milliseconds(0);
  command.unset_prefixes = {"KUBECONFIG"};
  process->started_ = std::chrono::system_clock::now();
  ASSIGN_OR_RETURN(process->child_, testing::ChildProcess::spawn(
                                        argv, command, dir + "/copycat.out", dir + "/copycat.err"));
  return process;
}

CopycatProcess::~CopycatProcess() { child_.terminate(); }

Status CopycatProcess::writeFiles() const {
  const std::string& dir = options_.work_dir;
  std::ofstream kubeconfig(dir + "/kubeconfig");
  kubeconfig << "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: "
             << options_.api_url
             << "\nusers:\n- name: bench\n  user:\n    token: " << options_.api_token
             << "\ncontexts:\n- name: bench\n  context: {cluster: fake, "
             << "user: bench}\ncurrent-context: bench\n";
  std::ofstream config(dir + "/config.yaml");
  config << "targetKind: docker\ndocker:\n  registry: " << options_.target_host
         << "\n  insecure: true\ninsecureRegistries: [\"" << options_.source_host << "\"]\n"
         << "metricsAddr: 127.0.0.1:" << metrics_port_ << "\n"
         << "healthAddr: 127.0.0.1:" << health_port_ << "\n"
         << "leaderElect: false\nlogLevel: info\n";
  if (options_.max_concurrent_reconciles > 0) {
    config << "maxConcurrentReconciles: " << options_.max_concurrent_reconciles << "\n";
  }
  kubeconfig.close();
  config.close();
  return kubeconfig && config ? ok() : fail(ErrorCode::kInternal, "cannot write " + dir);
}

Result<std::vector<MirroredTarget>> CopycatProcess::mirrored() {
  auto res = metrics_->Get("/admin/cache");
  if (!res || res->status != 200) {
    return fail(ErrorCode::kUnavailable, "/admin/cache did not answer 200");
  }
  auto body = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body["entries"].is_array()) {
    return fail(ErrorCode::kInternal, "/admin/cache: unexpected body");
  }
  std::vector<MirroredTarget> out;
  for (const auto& entry : body["entries"]) {
    std::string digest = entry.value("digest", "");
    if (digest.empty()) {
      continue;  // the first push is still in flight
    }
    auto last_push = parseRfc3339(entry.value("lastPush", ""));
    if (!last_push) {
      continue;
    }
    out.push_back({entry.value("target", ""), std::move(digest), *last_push});
  }
  return out;
}

Result<std::string> CopycatProcess::metricsText() {
  auto res = metrics_->Get("/metrics");
  if (!res || res->status != 200) {
    return fail(ErrorCode::kUnavailable, "/metrics did not answer 200");
  }
  return res->body;
}

bool CopycatProcess::ready() {
  auto res = health_->Get("/readyz");
  return res && res->status == 200;
}

ProcSample CopycatProcess::sample() const {
  ProcSample s;
  const std::string proc = "/proc/" + std::to_string(child_.pid());
  const std::string status = "\n" + readFile(proc + "/status");
  s.vm_hwm_kib = statusKib(status, "VmHWM");
  s.vm_rss_kib = statusKib(status, "VmRSS");
  s.threads = static_cast<int>(statusKib(status, "Threads"));
  // /proc/<pid>/stat: fields after the parenthesised comm; utime and stime are fields 14, 15.
  const std::string stat = readFile(proc + "/stat");
  const size_t close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
      if (i >= 14) {
        ticks += std::atof(field.c_str());
      }
    }
    s.cpu_s = ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  return s;
}

int CopycatProcess::stop(std::chrono::milliseconds grace) {
  child_.terminate(grace);
  return child_.exitCode();
}

}  // namespace copycat::bench
