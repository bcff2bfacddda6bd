// Fault factories and ProxiedRequest accessors for FaultProxy.
#include "base/strings.h"
#include "support/fault_proxy.h"

namespace copycat::testing {
namespace {

// OCI distribution-spec error body ("Error Codes").
std::string ociError(const std::string& code, const std::string& message) {
  return R"({"errors":[{"code":")" + code + R"(","message":")" + message + R"(","detail":null}]})";
}

}  // namespace

Fault Fault::respond(int status, HeaderPairs headers, std::string body) {
  Fault f;
  f.kind = Kind::kRespond;
  f.status = status;
  f.headers = std::move(headers);
  f.body = std::move(body);
  return f;
}

Fault Fault::tooManyRequests(int retry_after_seconds) {
  return respond(
      429,
      {{"Retry-After", std::to_string(retry_after_seconds)}, {"Content-Type", "application/json"}},
      ociError("TOOMANYREQUESTS", "too many requests (injected)"));
}

Fault Fault::serverError(int status) {
  return respond(status, {{"Content-Type", "application/json"}},
                 ociError(status == 500 ? "UNKNOWN" : "UNAVAILABLE", "injected server error"));
}

Fault Fault::resetAfterBodyBytes(uint64_t bytes) {
  Fault f;
  f.kind = Kind::kResetAfterBytes;
  f.bytes = bytes;
  return f;
}

Fault Fault::corruptBody(uint64_t offset) {
  Fault f;
  f.kind = Kind::kCorruptBody;
  f.bytes = offset;
  return f;
}

Fault Fault::redirect() {
  Fault f;
  f.kind = Kind::kRedirect;
  f.status = 307;
  return f;
}

Fault Fault::delayed(std::chrono::milliseconds delay) {
  Fault f;
  f.kind = Kind::kDelay;
  f.delay = delay;
  return f;
}

std::string Fault::name() const {
  switch (kind) {
    case Kind::kRespond:
      return "respond-" + std::to_string(status);
    case Kind::kResetAfterBytes:
      return "reset-after-" + std::to_string(bytes);
    case Kind::kCorruptBody:
      return "corrupt-at-" + std::to_string(bytes);
    case Kind::kRedirect:
      return "redirect";
    case Kind::kDelay:
      return "delay-" + std::to_string(delay.count()) + "ms";
  }
  return "unknown";
}

std::string ProxiedRequest::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strings::equalsIgnoreCase(k, name)) {
      return v;
    }
  }
  return {};
}

bool ProxiedRequest::hasHeader(const std::string& name) const {
  for (const auto& h : headers) {
    if (strings::equalsIgnoreCase(h.first, name)) {
      return true;
    }
  }
  return false;
}

}  // namespace copycat::testing
