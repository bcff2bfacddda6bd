// Sending one AWS API request (signed with SigV4, or anonymous) over the HttpClient, the
// bounded retry loop every AWS call uses, and the mapping of AWS error codes to ErrorCode.
// Shared by the STS and ECR clients; pure functions over their arguments, thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "aws/credentials.h"
#include "aws/endpoints.h"
#include "base/backoff.h"
#include "base/result.h"
#include "http/http_client.h"

namespace copycat::aws {

// Waits before a retry. Tests pass a no-op or a recorder; null means std::this_thread::sleep_for.
using Sleeper = std::function<void(std::chrono::milliseconds)>;

// The AWS SDKs' "standard" retry mode: a few attempts with capped exponential backoff, for
// throttling, 5xx and transport errors only.
struct RetryOptions {
  int max_attempts = 4;  // total tries, >= 1
  BackoffPolicy backoff{std::chrono::milliseconds(200), std::chrono::milliseconds(5000), 2.0, 0.2};
  Sleeper sleep{};
};

struct CallOptions {
  std::chrono::milliseconds timeout{10'000};  // per attempt
  RetryOptions retry{};
};

struct AwsRequest {
  std::string method = "POST";
  std::string path = "/";   // appended to the endpoint URL's own path
  http::Headers headers{};  // Host is added from the endpoint
  std::string body{};
};

// Sends `request` to `endpoint`, signed for endpoint.signing_name/signing_region at `now` when
// `credentials` is non-null. Never follows redirects. Any HTTP status is a success here; errors
// are the transport's (see HttpClient::send) or kInvalidArgument when signing fails.
[[nodiscard]] Result<http::Response> sendAwsRequest(http::HttpClient& http,
                                                    const Endpoint& endpoint,
                                                    const AwsRequest& request,
                                                    const Credentials* credentials,
                                                    std::chrono::system_clock::time_point now,
                                                    std::chrono::milliseconds timeout);

// Classifies an AWS error by its code ("ThrottlingException", "AccessDenied", ...) and, for
// codes it does not know, by the HTTP status.
ErrorCode errorCodeForAws(std::string_view remote_code, int http_status);

// An Error for a failed AWS call: "<operation>: <remote_code>: <message>" with http_status and
// remote_code set. `operation` is e.g. "ecr CreateRepository".
Error awsCallError(std::string_view operation, std::string_view remote_code,
                   std::string_view message, int http_status);

// Waits the backoff delay before retry number `retry` (0-based).
void sleepBeforeRetry(const RetryOptions& options, int retry);

// Calls `attempt` until it succeeds, fails with a non-retryable error, or max_attempts ran out
// (then the last error is returned).
template <class T>
Result<T> withRetries(const RetryOptions& options, const std::function<Result<T>()>& attempt) {
  for (int tries = 1;; ++tries) {
    Result<T> result = attempt();
    if (result || !result.error().isRetryable() || tries >= options.max_attempts) {
      return result;
    }
    sleepBeforeRetry(options, tries - 1);
  }
}

}  // namespace copycat::aws
