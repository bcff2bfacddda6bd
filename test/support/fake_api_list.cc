// FakeApiServer LIST: resourceVersion / resourceVersionMatch semantics and limit/continue
// pagination, following "API Concepts" → "Resource versions" → "Semantics for get and list".
#include <memory>

#include "base/clock.h"
#include "support/fake_api_server_internal.h"

namespace copycat::testing {

using fakeapi::ApiError;
using fakeapi::apiError;
using fakeapi::ApiResult;

namespace {

constexpr const char* kExpiredContinue =
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this "
    "response to retrieve the remainder of the results. Continuing with the provided token "
    "results in an inconsistent list - objects that were created, modified, or deleted between "
    "the time the first chunk was returned and now may show up in the list.";

std::optional<uint64_t> parseUnsigned(const std::string& text) {
  if (text.empty() || text.size() > 19 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoull(text);
}

tl::unexpected<ApiError> invalidListOptions(const std::string& message) {
  return apiError(422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: " + message,
                  {{"kind", "ListOptions"}, {"group", "meta.k8s.io"}});
}

// The chunks of a list response, written without concatenating every item into one string.
struct ListBody {
  std::string head;
  std::vector<fakeapi::ObjectPtr> items;
  size_t next = 0;
  bool head_written = false;

  size_t length() const {
    size_t n = head.size() + 2;  // "]}"
    for (const auto& item : items) n += item->json.size();
    return n + (items.empty() ? 0 : items.size() - 1);
  }
};

}  // namespace

ApiResult<uint64_t> FakeApiServer::waitUntilFresh(uint64_t rv) const {
  auto deadline = SystemClock::instance().now() + options_.too_large_rv_wait;
  if (store_.currentRv() >= rv || store_.waitForRv(rv, deadline)) {
    return rv;
  }
  return apiError(
      504, "Timeout",
      "Timeout: Too large resource version: " + std::to_string(rv) +
          ", current: " + std::to_string(store_.currentRv()),
      {{"causes",
        {{{"reason", "ResourceVersionTooLarge"}, {"message", "Too large resource version"}}}},
       {"retryAfterSeconds", 1}});
}

ApiResult<fakeapi::ListPage> FakeApiServer::listPage(const Route& route, const ListParams& params) {
  fakeapi::ListQuery query;
  query.limit = params.limit;
  if (params.cont) {
    const fakeapi::ContinueToken& token = *params.cont;
    fakeapi::ContinueToken fresh{-1, token.start, token.emitted, continue_epoch_.load()};
    auto expired = apiError(
        410, "Expired",
        std::string(kExpiredContinue) + " Continue token: " + fakeapi::encodeContinue(fresh));
    if (token.epoch != continue_epoch_.load()) return expired;
    query.snapshot_rv = token.rv < 0 ? 0 : static_cast<uint64_t>(token.rv);
    query.start = token.start;
    query.emitted = token.emitted;
    auto page = store_.list(*route.resource, route.ns, query);
    if (!page && page.error().code == 410) return expired;
    return page;
  }
  if (!params.rv.empty() && params.rv != "0") {
    auto rv = parseUnsigned(params.rv);
    if (!rv) {
      return apiError(400, "BadRequest", "invalid resource version \"" + params.rv + "\"");
    }
    // Exact: resourceVersionMatch=Exact, or the legacy "limit with a resourceVersion" case.
    bool exact = params.match == "Exact" || (params.match.empty() && params.limit > 0);
    auto fresh = waitUntilFresh(*rv);
    if (!fresh) return tl::unexpected(fresh.error());
    query.snapshot_rv = exact ? *rv : 0;
  }
  return store_.list(*route.resource, route.ns, query);
}

namespace {

// Checks the query parameters that do not need the store ("API Concepts", ListOptions).
std::optional<ApiError> checkListParams(const std::string& limit, const std::string& rv,
                                        const std::string& match, const std::string& cont) {
  std::optional<ApiResult<int>> bad;
  if (!limit.empty() && !parseUnsigned(limit)) {
    bad = apiError(400, "BadRequest", "invalid limit \"" + limit + "\"");
  } else if (!match.empty() && match != "Exact" && match != "NotOlderThan") {
    bad = invalidListOptions("resourceVersionMatch: Unsupported value: \"" + match +
                             "\": supported values: \"Exact\", \"NotOlderThan\", \"\"");
  } else if (!match.empty() && rv.empty()) {
    bad = invalidListOptions(
        "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
        "resourceVersion is provided");
  } else if (match == "Exact" && rv == "0") {
    bad = invalidListOptions(
        "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for "
        "resourceVersion \"0\"");
  } else if (!cont.empty() && !rv.empty()) {
    bad = apiError(400, "BadRequest",
                   "specifying resource version is not allowed when using continue");
  }
  if (bad) return bad->error();
  return std::nullopt;
}

// Streams the list body in chunks of items: the items are never joined into one string.
void setListBody(httplib::Response& res, std::shared_ptr<ListBody> body) {
  const size_t length = body->length();
  res.set_content_provider(length, "application/json",
                           [body](size_t /*offset*/, size_t /*length*/, httplib::DataSink& sink) {
                             std::string chunk;
                             if (!body->head_written) {
                               chunk = body->head;
                               body->head_written = true;
                             }
                             while (body->next < body->items.size() && chunk.size() < (256 << 10)) {
                               if (body->next > 0) chunk += ',';
                               chunk += body->items[body->next++]->json;
                             }
                             if (body->next == body->items.size()) chunk += "]}";
                             return sink.write(chunk.data(), chunk.size());
                           });
}

}  // namespace

void FakeApiServer::serveList(const httplib::Request& req, httplib::Response& res,
                              const Route& route) {
  ListParams params;
  params.rv = req.get_param_value("resourceVersion");
  params.match = req.get_param_value("resourceVersionMatch");
  const std::string limit = req.get_param_value("limit");
  const std::string cont = req.get_param_value("continue");
  if (auto bad = checkListParams(limit, params.rv, params.match, cont)) {
    return fakeapi::writeError(res, *bad);
  }
  params.limit = limit.empty() ? 0 : static_cast<size_t>(*parseUnsigned(limit));
  if (!cont.empty()) {
    params.cont = fakeapi::decodeContinue(cont);
    if (!params.cont) {
      return fakeapi::writeError(
          res,
          ApiError{400, "BadRequest", "continue key is not valid: malformed token", nullptr, -1});
    }
  }
  auto page = listPage(route, params);
  if (!page) return fakeapi::writeError(res, page.error());

  nlohmann::ordered_json meta;
  meta["resourceVersion"] = std::to_string(page->rv);
  if (!page->next_start.empty()) {
    const uint64_t emitted = (params.cont ? params.cont->emitted : 0) + page->items.size();
    meta["continue"] = fakeapi::encodeContinue(
        {static_cast<int64_t>(page->rv), page->next_start, emitted, continue_epoch_.load()});
    meta["remainingItemCount"] = page->remaining;
  }
  auto body = std::make_shared<ListBody>();
  const fakeapi::ResourceInfo& r = *route.resource;
  body->head = "{\"kind\":\"" + r.listKind() + "\",\"apiVersion\":\"" + r.apiVersion() +
               "\",\"metadata\":" + meta.dump() + ",\"items\":[";
  body->items = std::move(page->items);
  setListBody(res, std::move(body));
}

}  // namespace copycat::testing
