#include "kube/api_client.h"

#include <algorithm>
#include <utility>

#include "base/log.h"
#include "kube/api_status.h"

#ifndef COPYCAT_VERSION
#define COPYCAT_VERSION "0.0.0"
#endif

namespace copycat::kube {

std::string_view patchContentType(PatchType type) {
  switch (type) {
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
    case PatchType::kJson:
      return "application/json-patch+json";
  }
  return "application/merge-patch+json";
}

std::string defaultUserAgent() { return std::string("copycat/") + COPYCAT_VERSION; }

// One logical request; execute() turns it into HTTP attempts.
struct ApiClient::Call {
  std::string method = "GET";
  std::string target;  // path + query
  std::string body;
  std::string content_type;
  const http::BodySink* sink = nullptr;
  std::chrono::milliseconds timeout{0};
  std::string what;                           // "list pods" for error messages
  std::atomic<uint64_t>* attempts = nullptr;  // per-verb counter, bumped for every attempt
};

namespace {

bool isIdempotent(std::string_view method) {
  return method == "GET" || method == "PUT" || method == "DELETE";
}

// Which answers are worth repeating. A 429 or 503 was not processed by the API server, so even
// a POST may be repeated; other 5xx only for idempotent verbs.
bool isRetryableStatus(std::string_view method, int status) {
  if (status == 429 || status == 503) {
    return true;
  }
  return isIdempotent(method) && (status == 500 || status == 502 || status == 504);
}

}  // namespace

ApiClient::ApiClient(std::shared_ptr<http::HttpClient> http, std::string server,
                     std::shared_ptr<TokenSource> tokens, Clock& clock, Options options)
    : http_(std::move(http)),
      server_(std::move(server)),
      tokens_(std::move(tokens)),
      options_(std::move(options)),
      limiter_(options_.qps, options_.burst, clock) {}

Result<http::Request> ApiClient::buildRequest(const Call& call, std::string* token_used) {
  http::Request request;
  request.method = call.method;
  request.url = server_ + call.target;
  request.headers.set("Accept", "application/json");
  request.headers.set("User-Agent", options_.user_agent);
  if (tokens_) {
    auto token = tokens_->token();
    if (!token) {
      return fail(token.error().withContext(call.what + ": bearer token"));
    }
    *token_used = std::move(*token);
    if (!token_used->empty()) {
      request.headers.set("Authorization", "Bearer " + *token_used);
    }
  }
  if (call.method != "GET" && call.method != "DELETE") {
    request.body = call.body;
    request.headers.set("Content-Type", call.content_type);
  }
  request.max_body_bytes = options_.max_body_bytes;
  request.timeout = call.timeout;
  return request;
}

std::chrono::milliseconds ApiClient::retryDelay(const Error& error, int attempt) const {
  if (error.retry_after_seconds >= 0) {
    auto wanted = std::chrono::milliseconds(static_cast<int64_t>(error.retry_after_seconds * 1000));
    return std::min<std::chrono::milliseconds>(wanted, options_.max_retry_after);
  }
  return backoffDelay(options_.backoff, attempt);
}

Result<http::Response> ApiClient::attempt(const Call& call, std::stop_token stop,
                                          std::string* token, bool* delivered) {
  auto wait = limiter_.reserve();
  if (wait > std::chrono::nanoseconds::zero()) {
    ++throttled_;
  }
  if (!sleepFor(wait, stop)) {
    return fail(ErrorCode::kCancelled, call.what + ": cancelled");
  }
  ASSIGN_OR_RETURN(http::Request request, buildRequest(call, token));
  request.stop = stop;
  if (call.sink != nullptr) {
    request.body_sink = [&call, delivered](std::string_view chunk) {
      *delivered = true;
      return (*call.sink)(chunk);
    };
  }
  ++requests_;
  if (call.attempts != nullptr) {
    ++*call.attempts;
  }
  auto response = http_->send(request);
  if (!response) {
    if (stop.stop_requested() || response.error().code == ErrorCode::kCancelled) {
      return fail(ErrorCode::kCancelled, call.what + ": cancelled");
    }
    return fail(response.error().withContext(call.what));
  }
  return response;
}

Result<http::Response> ApiClient::execute(const Call& call, std::stop_token stop) {
  int retries = 0;
  bool reauthenticated = false;
  while (true) {
    std::string token;
    bool delivered = false;
    auto response = attempt(call, stop, &token, &delivered);
    if (response && response->isSuccess()) {
      return response;
    }
    Error error;
    if (!response) {
      error = std::move(response).error();
      // A stream that started cannot be replayed: the sink already consumed part of it.
      if (error.code == ErrorCode::kCancelled || delivered || !isIdempotent(call.method) ||
          !error.isRetryable()) {
        return fail(std::move(error));
      }
    } else {
      error = responseError(call.what, response->status, response->body, response->headers);
      if (response->status == 401 && tokens_ && !reauthenticated) {
        // The token may have rotated (bound service-account tokens, exec plugins): fetch a
        // fresh one once, as client-go's transport does.
        tokens_->invalidate(token);
        reauthenticated = true;
        ++reauthentications_;
        continue;
      }
      if (!isRetryableStatus(call.method, response->status)) {
        return fail(std::move(error));
      }
    }
    if (retries >= options_.max_retries) {
      return fail(std::move(error));
    }
    const auto delay = retryDelay(error, retries++);
    ++retries_;
    LOG_DEBUG("kube", "request retried",
              {{"what", call.what},
               {"status", error.http_status},
               {"attempt", retries},
               {"delay_ms", delay.count()}});
    if (!sleepFor(delay, stop)) {
      return fail(ErrorCode::kCancelled, call.what + ": cancelled");
    }
  }
}

Result<std::string> ApiClient::bodyCall(std::string method, const ResourcePath& path,
                                        std::string body, std::string content_type,
                                        std::string what, std::stop_token stop) {
  Call call;
  call.method = std::move(method);
  call.target = path.str();
  call.body = std::move(body);
  call.content_type = std::move(content_type);
  call.timeout = options_.request_timeout;
  call.what = std::move(what);
  ASSIGN_OR_RETURN(http::Response response, execute(call, std::move(stop)));
  return std::move(response.body);
}

namespace {

std::string describe(std::string_view verb, const ResourcePath& path) {
  std::string out = std::string(verb) + " " + path.resource;
  if (!path.name.empty()) {
    out += " \"" + path.name + "\"";
  }
  if (!path.namespace_name.empty()) {
    out += " in namespace \"" + path.namespace_name + "\"";
  }
  return out;
}

}  // namespace

Result<std::string> ApiClient::get(const ResourcePath& object, std::stop_token stop) {
  return bodyCall("GET", object, {}, {}, describe("get", object), std::move(stop));
}

Result<std::string> ApiClient::create(const ResourcePath& collection, std::string body,
                                      std::stop_token stop) {
  return bodyCall("POST", collection, std::move(body), "application/json",
                  describe("create", collection), std::move(stop));
}

Result<std::string> ApiClient::update(const ResourcePath& object, std::string body,
                                      std::stop_token stop) {
  return bodyCall("PUT", object, std::move(body), "application/json", describe("update", object),
                  std::move(stop));
}

Result<std::string> ApiClient::patch(const ResourcePath& object, PatchType type, std::string body,
                                     std::stop_token stop) {
  return bodyCall("PATCH", object, std::move(body), std::string(patchContentType(type)),
                  describe("patch", object), std::move(stop));
}

Result<std::string> ApiClient::remove(const ResourcePath& object, std::stop_token stop) {
  return bodyCall("DELETE", object, {}, {}, describe("delete", object), std::move(stop));
}

Status ApiClient::list(const ResourcePath& collection, const ListOptions& options,
                       const http::BodySink& sink, std::stop_token stop) {
  Call call;
  call.target = collection.str() + listQuery(options);
  call.sink = &sink;
  call.timeout = options_.request_timeout;
  call.what = describe("list", collection);
  call.attempts = &lists_;
  ASSIGN_OR_RETURN(http::Response response, execute(call, std::move(stop)));
  (void)response;
  return ok();
}

Status ApiClient::watch(const ResourcePath& collection, const WatchOptions& options,
                        const http::BodySink& sink, std::stop_token stop) {
  Call call;
  call.target = collection.str() + watchQuery(options);
  call.sink = &sink;
  // The server ends the stream at timeoutSeconds; the slack only catches a server that
  // silently stopped talking.
  if (options.timeout_seconds > 0) {
    call.timeout = std::chrono::seconds(options.timeout_seconds) + options_.watch_timeout_slack;
  }
  call.what = describe("watch", collection);
  call.attempts = &watches_;
  ASSIGN_OR_RETURN(http::Response response, execute(call, std::move(stop)));
  (void)response;
  return ok();
}

ApiClientStats ApiClient::stats() const {
  ApiClientStats out;
  out.requests = requests_.load();
  out.lists = lists_.load();
  out.watches = watches_.load();
  out.retries = retries_.load();
  out.reauthentications = reauthentications_.load();
  out.throttled = throttled_.load();
  return out;
}

}  // namespace copycat::kube
