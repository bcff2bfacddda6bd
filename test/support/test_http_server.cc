#include "support/test_http_server.h"

#include <chrono>
#include <set>

#include "base/clock.h"

namespace copycat::testing {
namespace {

constexpr auto kStartDeadline = std::chrono::seconds(10);
constexpr size_t kKeepAliveRequests = 1000;  // cpp-httplib's default of 5 would hide reuse bugs

}  // namespace

std::string RecordedRequest::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

bool RecordedRequest::hasHeader(const std::string& name) const {
  return headers.find(name) != headers.end();
}

size_t RecordedRequest::headerCount(const std::string& name) const { return headers.count(name); }

TestHttpServer::TestHttpServer() : TestHttpServer(Options{}) {}

TestHttpServer::TestHttpServer(Options options) : tls_(options.tls.has_value()) {
  if (options.tls) {
    const TlsFiles& files = *options.tls;
    server_ = std::make_unique<httplib::SSLServer>(
        files.cert_file.c_str(), files.key_file.c_str(),
        files.client_ca_file.empty() ? nullptr : files.client_ca_file.c_str());
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  server_->set_keep_alive_max_count(kKeepAliveRequests);
  server_->set_keep_alive_timeout(options.keep_alive_timeout_seconds);
}

TestHttpServer::~TestHttpServer() { stop(); }

TestHttpServer::Handler TestHttpServer::recorded(Handler handler) {
  return [this, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(RecordedRequest{.method = req.method,
                                          .path = req.path,
                                          .target = req.target,
                                          .headers = req.headers,
                                          .body = req.body,
                                          .remote_port = req.remote_port});
    }
    handler(req, res);
  };
}

TestHttpServer& TestHttpServer::get(const std::string& pattern, Handler handler) {
  server_->Get(pattern, recorded(std::move(handler)));
  return *this;
}

TestHttpServer& TestHttpServer::post(const std::string& pattern, Handler handler) {
  server_->Post(pattern, recorded(std::move(handler)));
  return *this;
}

TestHttpServer& TestHttpServer::put(const std::string& pattern, Handler handler) {
  server_->Put(pattern, recorded(std::move(handler)));
  return *this;
}

TestHttpServer& TestHttpServer::patch(const std::string& pattern, Handler handler) {
  server_->Patch(pattern, recorded(std::move(handler)));
  return *this;
}

TestHttpServer& TestHttpServer::del(const std::string& pattern, Handler handler) {
  server_->Delete(pattern, recorded(std::move(handler)));
  return *this;
}

Status TestHttpServer::start() {
  if (!server_->is_valid()) {
    return fail(ErrorCode::kInternal, "test server is invalid (unusable TLS files?)");
  }
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) {
    return fail(ErrorCode::kInternal, "test server cannot bind 127.0.0.1");
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() before the accept loop runs would be lost, so wait for it (bounded).
  const Clock& clock = SystemClock::instance();
  auto deadline = clock.now() + kStartDeadline;
  while (!server_->is_running()) {
    if (clock.now() > deadline) {
      return fail(ErrorCode::kInternal, "test server did not start");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return ok();
}

void TestHttpServer::stop() {
  if (thread_.joinable()) {
    server_->stop();
    thread_.join();
  }
}

std::string TestHttpServer::authority() const { return "127.0.0.1:" + std::to_string(port_); }

std::string TestHttpServer::baseUrl() const {
  return std::string(tls_ ? "https://" : "http://") + authority();
}

std::vector<RecordedRequest> TestHttpServer::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

size_t TestHttpServer::requestCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_.size();
}

size_t TestHttpServer::connectionCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::set<int> ports;
  for (const auto& r : requests_) {
    ports.insert(r.remote_port);
  }
  return ports.size();
}

void TestHttpServer::clearRequests() {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.clear();
}

}  // namespace copycat::testing
