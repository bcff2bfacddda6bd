#include "kube/api_status.h"

#include <charconv>
#include <string>

#include <nlohmann/json.hpp>

namespace copycat::kube {

ErrorCode errorCodeForStatus(int code) {
  switch (code) {
    case 400:
    case 405:
    case 422:
      return ErrorCode::kInvalidArgument;
    case 401:
      return ErrorCode::kUnauthenticated;
    case 403:
      return ErrorCode::kPermissionDenied;
    case 404:
    case 410:
      return ErrorCode::kNotFound;
    case 409:
      return ErrorCode::kAlreadyExists;
    case 429:
      return ErrorCode::kRateLimited;
    case 408:
    case 504:
      return ErrorCode::kDeadlineExceeded;
    default:
      return code >= 500 && code < 600 ? ErrorCode::kUnavailable : ErrorCode::kProtocol;
  }
}

namespace {

// Retry-After in delta-seconds (RFC 9110 §10.2.3); the API server never sends an HTTP date.
double parseRetryAfter(const http::Headers& headers) {
  auto value = headers.get("Retry-After");
  if (!value) {
    return -1;
  }
  int seconds = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), seconds);
  if (ec != std::errc() || end != value->data() + value->size() || seconds < 0) {
    return -1;
  }
  return seconds;
}

// Fills `error` from a Status object; false when `json` is not one.
bool applyStatus(const nlohmann::json& json, std::string_view what, Error& error) {
  if (!json.is_object()) {
    return false;
  }
  const auto kind = json.find("kind");
  if (kind == json.end() || !kind->is_string() || kind->get<std::string>() != "Status") {
    return false;
  }
  std::string message = json.contains("message") && json["message"].is_string()
                            ? json["message"].get<std::string>()
                            : std::string();
  if (json.contains("reason") && json["reason"].is_string()) {
    error.remote_code = json["reason"].get<std::string>();
  }
  if (message.empty()) {
    message =
        error.remote_code.empty() ? "HTTP " + std::to_string(error.http_status) : error.remote_code;
  }
  error.message = std::string(what) + ": " + message;
  const auto details = json.find("details");
  if (error.retry_after_seconds < 0 && details != json.end() && details->is_object()) {
    auto retry = details->find("retryAfterSeconds");
    if (retry != details->end() && retry->is_number_integer()) {
      error.retry_after_seconds = retry->get<int>();
    }
  }
  return true;
}

}  // namespace

Error responseError(std::string_view what, int http_status, std::string_view body,
                    const http::Headers& headers) {
  Error error(errorCodeForStatus(http_status),
              std::string(what) + ": HTTP " + std::to_string(http_status));
  error.http_status = http_status;
  error.retry_after_seconds = parseRetryAfter(headers);
  // A body that is not a Status (a proxy's HTML page) is not quoted: it may be large or echo
  // request details.
  applyStatus(nlohmann::json::parse(body, nullptr, false), what, error);
  return error;
}

Error statusObjectError(std::string_view what, std::string_view status_json) {
  nlohmann::json json = nlohmann::json::parse(status_json, nullptr, false);
  int code = 0;
  if (json.is_object() && json.contains("code") && json["code"].is_number_integer()) {
    code = json["code"].get<int>();
  }
  Error error(code != 0 ? errorCodeForStatus(code) : ErrorCode::kProtocol,
              std::string(what) + ": watch error event");
  error.http_status = code;
  if (!applyStatus(json, what, error)) {
    error.message = std::string(what) + ": watch error event without a Status";
  }
  return error;
}

bool isGone(const Error& error) { return error.http_status == 410; }

bool isConflict(const Error& error) {
  return error.http_status == 409 && error.remote_code == "Conflict";
}

bool isAlreadyExists(const Error& error) {
  return error.http_status == 409 && error.remote_code == "AlreadyExists";
}

}  // namespace copycat::kube
