// Value-typed HTTP request and response seen by the server's handlers, so handlers know nothing
// of cpp-httplib and can be called directly in tests.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace copycat::server {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;       // "GET", "POST", ...
  std::string path;         // decoded path without the query
  HeaderList query;         // decoded query parameters, in the order received
  HeaderList headers;       // header names as received
  std::string body;         // bounded by HttpServer::Options::max_body_bytes
  std::string remote_addr;  // peer IP, for logs

  // First value of a query parameter (Go's url.Values.Get), or nullopt when absent.
  [[nodiscard]] std::optional<std::string> queryValue(std::string_view key) const;
  [[nodiscard]] std::vector<std::string> queryValues(std::string_view key) const;
  [[nodiscard]] bool hasQuery(std::string_view key) const;
  // First value of a header, compared case-insensitively.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  HeaderList headers;  // extra headers (Allow, WWW-Authenticate, ...)

  // Replaces any header of the same name (case-insensitive).
  void setHeader(std::string name, std::string value);
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

inline constexpr std::string_view kTextContentType = "text/plain; charset=utf-8";
inline constexpr std::string_view kJsonContentType = "application/json";

// A plain-text error as Go's http.Error writes it: text/plain; charset=utf-8,
// X-Content-Type-Options: nosniff, and the message followed by a newline.
HttpResponse textResponse(int status, std::string_view message);
// A JSON body as Go's json.Encoder writes it: application/json and a trailing newline. Invalid
// UTF-8 in strings is replaced rather than thrown on. Keys keep their insertion order, as the
// fields of a Go struct do.
HttpResponse jsonResponse(int status, const nlohmann::ordered_json& body);

}  // namespace copycat::server
