// FakeApiServer: lifecycle, routing, auth, fault hooks, single-object verbs and the C++ API.
// LIST is in fake_api_list.cc and WATCH in fake_api_watch.cc.
#include "support/fake_api_server.h"

#include "support/fake_api_server_internal.h"

namespace copycat::testing {

using fakeapi::ApiError;
using fakeapi::apiError;
using fakeapi::ObjectPtr;
using fakeapi::ResourceInfo;

namespace fakeapi {

std::optional<RouteParts> parseRoute(const std::string& path) {
  std::vector<std::string> seg;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    if (slash > start) seg.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  std::string group, version;
  size_t rest = 0;
  if (seg.size() >= 2 && seg[0] == "api") {
    version = seg[1];
    rest = 2;
  } else if (seg.size() >= 3 && seg[0] == "apis") {
    group = seg[1];
    version = seg[2];
    rest = 3;
  } else {
    return std::nullopt;
  }
  std::vector<std::string> r(seg.begin() + static_cast<long>(rest), seg.end());
  RouteParts out;
  if (r.size() == 2 && r[0] == "namespaces") {
    r = {"namespaces", r[1]};  // GET /api/v1/namespaces/{name}
  } else if (r.size() >= 3 && r[0] == "namespaces") {
    out.ns = r[1];
    r.erase(r.begin(), r.begin() + 2);
    out.namespaced_path = true;
  }
  if (r.empty() || r.size() > 2) return std::nullopt;
  out.resource = findResource(r[0]);
  if (r.size() == 2) out.name = r[1];
  if (out.resource == nullptr || out.resource->group != group || out.resource->version != version) {
    return std::nullopt;
  }
  // /api/v1/namespaces/x/nodes and /api/v1/pods/x do not exist; /api/v1/pods lists everywhere.
  if (out.namespaced_path && !out.resource->namespaced) return std::nullopt;
  if (!out.namespaced_path && out.resource->namespaced && !out.name.empty()) return std::nullopt;
  return out;
}

void writeError(httplib::Response& res, const ApiError& error) {
  res.status = error.code;
  if (error.retry_after_seconds >= 0) {
    res.set_header("Retry-After", std::to_string(error.retry_after_seconds));
  }
  res.set_content(statusJson(error), "application/json");
}

bool parseBoolParam(const std::string& value) {
  return value == "1" || value == "t" || value == "T" || value == "true" || value == "True" ||
         value == "TRUE";
}

}  // namespace fakeapi

namespace {

// The Status a fault injection answers with, per HTTP status.
ApiError faultError(int status, int retry_after) {
  ApiError e;
  e.code = status;
  e.retry_after_seconds = retry_after;
  switch (status) {
    case 429:
      e.reason = "TooManyRequests";
      e.message = "the server has received too many requests and has asked us to try again later";
      if (retry_after >= 0) e.details = {{"retryAfterSeconds", retry_after}};
      break;
    case 500:
      e.reason = "InternalError";
      e.message = "Internal error occurred: injected fault";
      e.details = {{"causes", {{{"message", "injected fault"}}}}};
      break;
    case 503:
      e.reason = "ServiceUnavailable";
      e.message = "the server is currently unable to handle the request";
      break;
    default:
      e.reason = "InternalError";
      e.message = "injected fault (HTTP " + std::to_string(status) + ")";
  }
  return e;
}

Error toError(const ApiError& e) {
  ErrorCode code = e.code == 404 ? ErrorCode::kNotFound : ErrorCode::kInvalidArgument;
  return Error{code, e.message};
}

}  // namespace

FakeApiServer::FakeApiServer(Options options)
    : options_(std::move(options)),
      store_(options_.history_limit),
      http_(TestHttpServer::Options{options_.tls, 1}),
      bookmark_interval_ms_(options_.bookmark_interval.count()) {
  httplib::Server& raw = http_.raw();
  const int threads = options_.threads;
  raw.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
  raw.Get(R"(/.*)", handler);
  raw.Post(R"(/.*)", handler);
  raw.Put(R"(/.*)", handler);
  raw.Delete(R"(/.*)", handler);
  raw.Patch(R"(/.*)", handler);
}

FakeApiServer::~FakeApiServer() { stop(); }

Status FakeApiServer::start() { return http_.start(); }

void FakeApiServer::stop() {
  stopping_ = true;
  store_.notifyAll();
  http_.stop();
}

void FakeApiServer::handle(const httplib::Request& req, httplib::Response& res) {
  if (req.path == "/version") {
    res.set_content(R"({"major":"1","minor":"30","gitVersion":"v1.30.0-fake"})",
                    "application/json");
    return;
  }
  auto parts = fakeapi::parseRoute(req.path);
  if (!parts) {
    fakeapi::writeError(
        res, ApiError{404, "NotFound", "the server could not find the requested resource",
                      nlohmann::json::object(), -1});
    return;
  }
  const Route route{parts->resource, parts->ns, parts->name};
  const bool collection = route.name.empty();
  std::string verb;
  if (req.method == "GET") {
    verb = !collection ? "get"
                       : (fakeapi::parseBoolParam(req.get_param_value("watch")) ? "watch" : "list");
  } else if (req.method == "POST" && collection &&
             (!route.ns.empty() || !route.resource->namespaced)) {
    verb = "create";
  } else if (req.method == "PUT" && !collection) {
    verb = "update";
  } else if (req.method == "DELETE" && !collection) {
    verb = "delete";
  }
  countRequest(verb.empty() ? req.method : verb, route.resource->name);
  if (verb.empty()) {
    fakeapi::writeError(res, ApiError{405, "MethodNotAllowed",
                                      "the server does not allow this method on the requested "
                                      "resource",
                                      nlohmann::json::object(), -1});
    return;
  }
  if (!admit(req, res, route, verb)) return;
  if ((verb == "list" || verb == "watch") &&
      (req.has_param("labelSelector") || req.has_param("fieldSelector"))) {
    // Refused rather than ignored, so a test never passes on a superset by accident.
    return fakeapi::writeError(res, ApiError{400, "BadRequest",
                                             "FakeApiServer does not support label or field "
                                             "selectors",
                                             nullptr, -1});
  }
  if (verb == "list") return serveList(req, res, route);
  if (verb == "watch") return serveWatch(req, res, route);
  if (verb == "get") return serveGet(res, route);
  serveWrite(req, res, route);
}

bool FakeApiServer::admit(const httplib::Request& req, httplib::Response& res, const Route& route,
                          const std::string& verb) {
  const ResourceInfo& r = *route.resource;
  std::optional<ApiError> error;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (required_token_ && req.get_header_value("Authorization") != "Bearer " + *required_token_) {
      error = ApiError{401, "Unauthorized", "Unauthorized", nullptr, -1};
    } else if (forbidden_.count(verb + " " + std::string(r.name)) != 0 ||
               forbidden_.count("* " + std::string(r.name)) != 0) {
      std::string scope = route.ns.empty() ? std::string("at the cluster scope")
                                           : "in the namespace \"" + route.ns + "\"";
      nlohmann::json details = {{"kind", r.name}};
      if (!route.name.empty()) details["name"] = route.name;
      if (!r.group.empty()) details["group"] = r.group;
      error = ApiError{403, "Forbidden",
                       r.qualified() + (route.name.empty() ? "" : " \"" + route.name + "\"") +
                           " is forbidden: User \"system:serviceaccount:default:fake\" cannot " +
                           verb + " resource \"" + std::string(r.name) + "\" in API group \"" +
                           std::string(r.group) + "\" " + scope,
                       details, -1};
    } else if (verb == "list" && fail_lists_ > 0) {
      --fail_lists_;
      error = faultError(fail_status_, fail_retry_after_);
    }
  }
  if (error) {
    fakeapi::writeError(res, *error);
    return false;
  }
  return true;
}

void FakeApiServer::serveGet(httplib::Response& res, const Route& route) {
  auto object = store_.get(*route.resource, route.ns, route.name);
  if (!object) return fakeapi::writeError(res, object.error());
  res.set_content(fakeapi::wireJson(**object, *route.resource), "application/json");
}

void FakeApiServer::serveWrite(const httplib::Request& req, httplib::Response& res,
                               const Route& route) {
  const ResourceInfo& r = *route.resource;
  fakeapi::ApiResult<ObjectPtr> result;
  if (req.method == "POST") {
    result = store_.create(r, route.ns, req.body);
  } else if (req.method == "PUT") {
    result = store_.update(r, route.ns, route.name, req.body);
  } else {
    result = store_.remove(r, route.ns, route.name);
  }
  if (!result) return fakeapi::writeError(res, result.error());
  res.status = req.method == "POST" ? 201 : 200;
  res.set_content(fakeapi::wireJson(**result, r), "application/json");
}

void FakeApiServer::countRequest(const std::string& verb, std::string_view resource) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++counts_[verb + " " + std::string(resource)];
  }
  changed_.notify_all();
}

Result<std::string> FakeApiServer::upsert(std::string_view resource, std::string_view json) {
  const ResourceInfo* r = fakeapi::findResource(resource);
  if (r == nullptr) {
    return fail(ErrorCode::kInvalidArgument, "unknown resource " + std::string(resource));
  }
  auto stored = store_.upsert(*r, json);
  if (!stored) return fail(toError(stored.error()));
  return std::to_string((*stored)->rv);
}

Result<std::string> FakeApiServer::remove(std::string_view resource, std::string_view ns,
                                          std::string_view name) {
  const ResourceInfo* r = fakeapi::findResource(resource);
  if (r == nullptr) {
    return fail(ErrorCode::kInvalidArgument, "unknown resource " + std::string(resource));
  }
  auto removed = store_.remove(*r, r->namespaced ? std::string(ns) : "", std::string(name));
  if (!removed) return fail(toError(removed.error()));
  return std::to_string((*removed)->rv);
}

std::optional<std::string> FakeApiServer::get(std::string_view resource, std::string_view ns,
                                              std::string_view name) const {
  const ResourceInfo* r = fakeapi::findResource(resource);
  if (r == nullptr) return std::nullopt;
  auto object = store_.get(*r, r->namespaced ? std::string(ns) : "", std::string(name));
  if (!object) return std::nullopt;
  return (*object)->json;
}

std::string FakeApiServer::resourceVersion() const { return std::to_string(store_.currentRv()); }

size_t FakeApiServer::objectCount(std::string_view resource) const {
  const ResourceInfo* r = fakeapi::findResource(resource);
  return r == nullptr ? 0 : store_.objectCount(*r);
}

void FakeApiServer::compactHistory() { store_.compact(); }

void FakeApiServer::setRequiredToken(std::optional<std::string> token) {
  std::lock_guard<std::mutex> lock(mu_);
  required_token_ = std::move(token);
}

void FakeApiServer::setForbidden(std::string_view resource, std::string_view verb, bool forbidden) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string key = std::string(verb) + " " + std::string(resource);
  if (forbidden) {
    forbidden_.insert(key);
  } else {
    forbidden_.erase(key);
  }
}

void FakeApiServer::failNextLists(int count, int status, int retry_after_seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_lists_ = count;
  fail_status_ = status;
  fail_retry_after_ = retry_after_seconds;
}

void FakeApiServer::closeAllWatches() {
  ++close_epoch_;
  store_.notifyAll();
}

void FakeApiServer::injectWatchError(int code, std::string reason, std::string message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    watch_error_ =
        "{\"type\":\"ERROR\",\"object\":" +
        fakeapi::statusJson(ApiError{code, std::move(reason), std::move(message), nullptr, -1}) +
        "}\n";
  }
  ++error_epoch_;
  store_.notifyAll();
}

void FakeApiServer::setWatchDropAfter(int events, bool abrupt) {
  std::lock_guard<std::mutex> lock(mu_);
  drop_after_ = events;
  drop_abrupt_ = abrupt;
}

void FakeApiServer::expireContinueTokens() { ++continue_epoch_; }

void FakeApiServer::setBookmarkInterval(std::chrono::milliseconds interval) {
  bookmark_interval_ms_ = interval.count();
  store_.notifyAll();
}

uint64_t FakeApiServer::requestCount(std::string_view verb, std::string_view resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = counts_.find(std::string(verb) + " " + std::string(resource));
  return it == counts_.end() ? 0 : it->second;
}

size_t FakeApiServer::openWatchCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return open_watches_;
}

bool FakeApiServer::waitForOpenWatches(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return open_watches_ == count; });
}

bool FakeApiServer::waitForRequestCount(std::string_view verb, std::string_view resource,
                                        uint64_t count, std::chrono::milliseconds timeout) const {
  const std::string key = std::string(verb) + " " + std::string(resource);
  std::unique_lock<std::mutex> lock(mu_);
  return changed_.wait_for(lock, timeout, [&] {
    auto it = counts_.find(key);
    return it != counts_.end() && it->second >= count;
  });
}

void FakeApiServer::watchOpened() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++open_watches_;
  }
  changed_.notify_all();
}

void FakeApiServer::watchClosed() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --open_watches_;
  }
  changed_.notify_all();
}

}  // namespace copycat::testing
