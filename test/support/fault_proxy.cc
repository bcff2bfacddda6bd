#include "support/fault_proxy.h"

#include <algorithm>
#include <cerrno>

#include <sys/socket.h>
#include <unistd.h>

#include "base/strings.h"
#include "support/fault_proxy_wire.h"

namespace copycat::testing {
namespace {

constexpr const char* kRedirectPrefix = "/_redirect/";
constexpr auto kSettleTimeout = std::chrono::seconds(5);

bool wantsClose(const wire::Head& head) {
  return strings::toLower(head.get("Connection")).find("close") != std::string::npos;
}

bool expectsContinue(const wire::Head& head) {
  return strings::toLower(head.get("Expect")) == "100-continue";
}

}  // namespace

Result<std::unique_ptr<FaultProxy>> FaultProxy::start(Options options) {
  if (options.upstream_port <= 0) {
    return fail(ErrorCode::kInvalidArgument, "fault proxy needs an upstream port");
  }
  std::unique_ptr<FaultProxy> proxy(new FaultProxy(std::move(options)));
  const std::string& rh = proxy->options_.redirect_host;
  std::string redirect_ip = rh == "localhost" ? "127.0.0.1" : rh;
  proxy->listen_fd_ = wire::listenOn("127.0.0.1", &proxy->port_);
  proxy->redirect_fd_ = wire::listenOn(redirect_ip, &proxy->redirect_port_);
  if (proxy->listen_fd_ < 0 || proxy->redirect_fd_ < 0) {
    return fail(ErrorCode::kInternal, "fault proxy cannot listen (redirect host " + rh + ")");
  }
  FaultProxy* self = proxy.get();
  proxy->accept_thread_ = std::thread([self] { self->acceptLoop(self->listen_fd_, false); });
  proxy->redirect_thread_ = std::thread([self] { self->acceptLoop(self->redirect_fd_, true); });
  return proxy;
}

FaultProxy::~FaultProxy() {
  stop();
  for (int fd : {listen_fd_, redirect_fd_}) {
    if (fd >= 0) {
      close(fd);
    }
  }
}

std::string FaultProxy::host() const { return "127.0.0.1:" + std::to_string(port_); }
std::string FaultProxy::baseUrl() const { return "http://" + host(); }
std::string FaultProxy::redirectBaseUrl() const {
  return "http://" + options_.redirect_host + ":" + std::to_string(redirect_port_);
}

void FaultProxy::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (int fd : active_fds_) {
      shutdown(fd, SHUT_RDWR);
    }
  }
  stop_cv_.notify_all();
  for (int fd : {listen_fd_, redirect_fd_}) {
    if (fd >= 0) {
      shutdown(fd, SHUT_RDWR);  // wakes accept()
    }
  }
  for (std::thread* t : {&accept_thread_, &redirect_thread_}) {
    if (t->joinable()) {
      t->join();
    }
  }
  std::list<Worker> workers;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);
  }
  for (auto& w : workers) {
    w.thread.join();
  }
}

void FaultProxy::acceptLoop(int listen_fd, bool redirect_listener) {
  while (true) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    std::lock_guard lock(mu_);
    if (stopping_) {
      if (fd >= 0) {
        close(fd);
      }
      return;
    }
    if (fd < 0) {
      continue;  // EINTR, ECONNABORTED: keep accepting
    }
    workers_.remove_if([](Worker& w) {
      if (!w.done->load()) {
        return false;
      }
      w.thread.join();
      return true;
    });
    int connection = ++connection_counter_;
    proxy_connections_ += redirect_listener ? 0 : 1;
    active_fds_.insert(fd);
    auto done = std::make_shared<std::atomic<bool>>(false);
    workers_.push_back({std::thread([this, fd, connection, redirect_listener, done] {
                          serveConnection(fd, connection, redirect_listener);
                          done->store(true);
                        }),
                        done});
  }
}

void FaultProxy::track(int fd, bool add) {
  std::lock_guard lock(mu_);
  if (!add) {
    active_fds_.erase(fd);
    return;
  }
  active_fds_.insert(fd);
  if (stopping_) {
    shutdown(fd, SHUT_RDWR);
  }
}

void FaultProxy::serveConnection(int fd, int connection, bool redirect_listener) {
  wire::Conn client(fd);
  std::unique_ptr<wire::Conn> upstream;
  while (serveOne(client, upstream, connection, redirect_listener)) {
  }
  dropUpstream(upstream);
  track(client.fd(), false);  // before ~Conn closes it (or after a reset closed it)
}

bool FaultProxy::connectUpstream(std::unique_ptr<wire::Conn>& upstream) {
  int fd = wire::connectTo(options_.upstream_ip, options_.upstream_port,
                           options_.upstream_timeout_seconds);
  if (fd < 0) {
    return false;
  }
  track(fd, true);
  upstream = std::make_unique<wire::Conn>(fd);
  return true;
}

void FaultProxy::dropUpstream(std::unique_ptr<wire::Conn>& upstream) {
  if (upstream) {
    track(upstream->fd(), false);
    upstream.reset();
  }
}

std::optional<Fault> FaultProxy::match(const std::string& method, const std::string& path) {
  std::lock_guard lock(mu_);
  std::optional<Fault> chosen;
  for (Rule& rule : rules_) {
    if ((!rule.spec.method.empty() && rule.spec.method != method) ||
        !std::regex_search(path, rule.re)) {
      continue;
    }
    ++rule.seen;
    bool fires = rule.seen > rule.spec.skip &&
                 (rule.spec.times < 0 || rule.seen <= rule.spec.skip + rule.spec.times);
    if (fires && !chosen) {
      chosen = rule.spec.fault;
      ++fired_by_id_[rule.id];
    }
  }
  return chosen;
}

size_t FaultProxy::record(ProxiedRequest request, bool redirected) {
  std::lock_guard lock(mu_);
  auto& list = redirected ? redirected_ : requests_;
  list.push_back(std::move(request));
  return list.size() - 1;
}

void FaultProxy::finish(size_t index, bool redirected, int status, uint64_t bytes) {
  std::lock_guard lock(mu_);
  auto& r = (redirected ? redirected_ : requests_)[index];
  r.status = status;
  r.response_body_bytes = bytes;
}

void FaultProxy::complete(size_t index, bool redirected) {
  {
    std::lock_guard lock(mu_);
    (redirected ? redirected_ : requests_)[index].complete = true;
  }
  settled_cv_.notify_all();
}

void FaultProxy::waitSettled(std::unique_lock<std::mutex>& lock) const {
  auto all_complete = [this] {
    auto done = [](const ProxiedRequest& r) { return r.complete; };
    return std::all_of(requests_.begin() + static_cast<std::ptrdiff_t>(requests_start_),
                       requests_.end(), done) &&
           std::all_of(redirected_.begin() + static_cast<std::ptrdiff_t>(redirected_start_),
                       redirected_.end(), done);
  };
  settled_cv_.wait_for(lock, kSettleTimeout, all_complete);
}

bool FaultProxy::waitDelay(std::chrono::milliseconds delay) {
  std::unique_lock lock(mu_);
  return !stop_cv_.wait_for(lock, delay, [this] { return stopping_; });
}

bool FaultProxy::serveOne(wire::Conn& client, std::unique_ptr<wire::Conn>& upstream, int connection,
                          bool redirect_listener) {
  wire::Head req;
  if (!wire::readHead(client, &req)) {
    return false;
  }
  ProxiedRequest rec{connection, req.method(), req.target(), req.headers, 0, "", 0, false};
  std::optional<Fault> fault;
  if (!redirect_listener) {
    fault = match(rec.method, rec.path());
    rec.fault = fault ? fault->name() : "";
  }
  size_t index = record(std::move(rec), redirect_listener);
  bool keep = redirect_listener ? serveRedirected(client, upstream, req, index)
                                : serveRequest(client, upstream, req, fault, index);
  complete(index, redirect_listener);
  return keep;
}

bool FaultProxy::serveRequest(wire::Conn& client, std::unique_ptr<wire::Conn>& upstream,
                              wire::Head& req, const std::optional<Fault>& fault, size_t index) {
  if (fault && (fault->kind == Fault::Kind::kRespond || fault->kind == Fault::Kind::kRedirect)) {
    return answer(client, req, *fault, index, false, true);
  }
  if (fault && fault->kind == Fault::Kind::kDelay && !waitDelay(fault->delay)) {
    return false;
  }
  return forward(client, upstream, req, fault ? &*fault : nullptr, index, false);
}

bool FaultProxy::serveRedirected(wire::Conn& client, std::unique_ptr<wire::Conn>& upstream,
                                 const wire::Head& req, size_t index) {
  std::string path = req.target().substr(0, req.target().find('?'));
  std::string ticket_id =
      path.rfind(kRedirectPrefix, 0) == 0 ? path.substr(std::string(kRedirectPrefix).size()) : "";
  std::optional<Ticket> ticket;
  {
    std::lock_guard lock(mu_);
    if (auto it = tickets_.find(ticket_id); it != tickets_.end()) {
      ticket = it->second;
    }
  }
  if (!ticket) {
    return answer(client, req, Fault::respond(404, {}, "unknown redirect ticket"), index, true,
                  true);
  }
  // Replay the original request upstream, as a pre-signed storage URL would serve it.
  wire::Head replay;
  replay.start_line = req.method() + " " + ticket->target + " HTTP/1.1";
  replay.headers = ticket->headers;
  replay.remove("Content-Length");
  replay.remove("Transfer-Encoding");
  if (wantsClose(req)) {
    replay.set("Connection", "close");
  }
  return forward(client, upstream, replay, nullptr, index, true);
}

bool FaultProxy::answer(wire::Conn& client, const wire::Head& request, const Fault& fault,
                        size_t index, bool redirected, bool body_pending) {
  // A client waiting for 100 Continue never sends its body: answer and close instead.
  bool close_after = !body_pending || expectsContinue(request) || wantsClose(request);
  if (body_pending && !expectsContinue(request)) {
    auto drained = wire::relayBody(client, nullptr, wire::requestFraming(request));
    if (drained.outcome != wire::RelayResult::Outcome::kDone) {
      return false;
    }
  }
  wire::Head resp;
  resp.start_line =
      "HTTP/1.1 " + std::to_string(fault.status) + " " + wire::reasonPhrase(fault.status);
  resp.headers = fault.headers;
  if (fault.kind == Fault::Kind::kRedirect) {
    std::string ticket;
    {
      std::lock_guard lock(mu_);
      ticket = std::to_string(tickets_.size() + 1);
      tickets_[ticket] = Ticket{request.target(), request.headers};
    }
    resp.set("Location", redirectBaseUrl() + kRedirectPrefix + ticket);
  }
  resp.set("Content-Length", std::to_string(fault.body.size()));
  if (close_after) {
    resp.set("Connection", "close");
  }
  bool sent = client.writeAll(resp.serialize() + fault.body);
  finish(index, redirected, fault.status, fault.body.size());
  return sent && !close_after;
}

bool FaultProxy::forward(wire::Conn& client, std::unique_ptr<wire::Conn>& upstream,
                         wire::Head& request, const Fault* fault, size_t index, bool redirected) {
  bool expect = expectsContinue(request);
  request.remove("Expect");  // the proxy answers 100 Continue itself
  std::string head = request.serialize();
  bool reused = upstream != nullptr;
  bool sent = (upstream || connectUpstream(upstream)) && upstream->writeAll(head);
  if (!sent && reused) {  // a kept-alive upstream connection may have been closed meanwhile
    dropUpstream(upstream);
    sent = connectUpstream(upstream) && upstream->writeAll(head);
  }
  if (!sent) {
    dropUpstream(upstream);
    (void)answer(client, request, Fault::serverError(502), index, redirected, !expect);
    return false;
  }
  if (expect && !client.writeAll("HTTP/1.1 100 Continue\r\n\r\n")) {
    return false;
  }
  auto body = wire::relayBody(client, upstream.get(), wire::requestFraming(request));
  if (body.outcome == wire::RelayResult::Outcome::kReadFailed) {
    return false;  // the client went away mid-request
  }
  // On kWriteFailed the upstream answered early and closed: still relay its answer.
  bool must_close = body.outcome != wire::RelayResult::Outcome::kDone || wantsClose(request);
  wire::Head resp;
  do {
    if (!wire::readHead(*upstream, &resp)) {
      dropUpstream(upstream);
      (void)answer(client, request, Fault::serverError(502), index, redirected, false);
      return false;
    }
    if (resp.status() >= 200 || !client.writeAll(resp.serialize())) {
      break;  // final response (or the client is gone: the write below fails too)
    }
  } while (true);
  return relayResponse(client, upstream, request.method(), resp, fault, index, redirected,
                       must_close);
}

bool FaultProxy::relayResponse(wire::Conn& client, std::unique_ptr<wire::Conn>& upstream,
                               const std::string& method, wire::Head& resp, const Fault* fault,
                               size_t index, bool redirected, bool must_close) {
  wire::Tap tap;
  bool reset = fault != nullptr && fault->kind == Fault::Kind::kResetAfterBytes;
  tap.stop_after = reset ? fault->bytes : wire::Tap::kNever;
  if (fault != nullptr && fault->kind == Fault::Kind::kCorruptBody) {
    tap.corrupt_at = fault->bytes;
  }
  auto framing = wire::responseFraming(resp, method);
  must_close = must_close || wantsClose(resp) || framing.kind == wire::Framing::Kind::kUntilClose;
  if (must_close) {
    resp.set("Connection", "close");
  }
  bool head_sent = client.writeAll(resp.serialize());
  auto relayed = head_sent ? wire::relayBody(*upstream, &client, framing, tap)
                           : wire::RelayResult{wire::RelayResult::Outcome::kWriteFailed, 0};
  finish(index, redirected, head_sent ? resp.status() : 0, relayed.payload_bytes);
  if (reset) {  // RST whether the body ended before the limit or not
    track(client.fd(), false);
    client.resetAndClose();
    dropUpstream(upstream);
    return false;
  }
  if (relayed.outcome != wire::RelayResult::Outcome::kDone || must_close) {
    dropUpstream(upstream);
    return false;
  }
  return true;
}

int FaultProxy::addRule(FaultRule rule) {
  std::lock_guard lock(mu_);
  Rule r;
  r.id = next_rule_id_++;
  r.re = std::regex(rule.path_regex);
  r.spec = std::move(rule);
  rules_.push_back(std::move(r));
  return rules_.back().id;
}

void FaultProxy::clearRules() {
  std::lock_guard lock(mu_);
  rules_.clear();
}

int FaultProxy::timesFired(int rule_id) const {
  std::lock_guard lock(mu_);
  auto it = fired_by_id_.find(rule_id);
  return it == fired_by_id_.end() ? 0 : it->second;
}

std::vector<ProxiedRequest> FaultProxy::requests() const {
  std::unique_lock lock(mu_);
  waitSettled(lock);
  return {requests_.begin() + static_cast<std::ptrdiff_t>(requests_start_), requests_.end()};
}

size_t FaultProxy::requestCount() const { return requests().size(); }

size_t FaultProxy::countRequests(const std::string& method, const std::string& path_regex) const {
  std::regex re(path_regex);
  size_t n = 0;
  for (const auto& r : requests()) {
    n += (method.empty() || r.method == method) && std::regex_search(r.path(), re) ? 1 : 0;
  }
  return n;
}

std::vector<ProxiedRequest> FaultProxy::redirectRequests() const {
  std::unique_lock lock(mu_);
  waitSettled(lock);
  return {redirected_.begin() + static_cast<std::ptrdiff_t>(redirected_start_), redirected_.end()};
}

size_t FaultProxy::connectionCount() const {
  std::lock_guard lock(mu_);
  return proxy_connections_;
}

void FaultProxy::clearRequests() {
  std::lock_guard lock(mu_);
  requests_start_ = requests_.size();
  redirected_start_ = redirected_.size();
}

}  // namespace copycat::testing
