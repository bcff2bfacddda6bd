#include "server/http_message.h"

#include "base/strings.h"

namespace copycat::server {
namespace {

std::optional<std::string> firstMatch(const HeaderList& list, std::string_view key,
                                      bool ignore_case) {
  for (const auto& [name, value] : list) {
    if (ignore_case ? strings::equalsIgnoreCase(name, key) : name == key) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> HttpRequest::queryValue(std::string_view key) const {
  return firstMatch(query, key, false);
}

std::vector<std::string> HttpRequest::queryValues(std::string_view key) const {
  std::vector<std::string> values;
  for (const auto& [name, value] : query) {
    if (name == key) {
      values.push_back(value);
    }
  }
  return values;
}

bool HttpRequest::hasQuery(std::string_view key) const {
  return firstMatch(query, key, false).has_value();
}

std::optional<std::string> HttpRequest::header(std::string_view name) const {
  return firstMatch(headers, name, true);
}

void HttpResponse::setHeader(std::string name, std::string value) {
  std::erase_if(headers,
                [&](const auto& entry) { return strings::equalsIgnoreCase(entry.first, name); });
  headers.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  return firstMatch(headers, name, true);
}

HttpResponse textResponse(int status, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.content_type = std::string(kTextContentType);
  response.body = std::string(message) + "\n";
  response.setHeader("X-Content-Type-Options", "nosniff");
  return response;
}

HttpResponse jsonResponse(int status, const nlohmann::ordered_json& body) {
  HttpResponse response;
  response.status = status;
  response.content_type = std::string(kJsonContentType);
  response.body =
      body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  return response;
}

}  // namespace copycat::server
