// AWS credentials and the provider interface every credential source implements.
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace copycat::aws {

// One set of AWS credentials. The secret and the session token are never printed: describe() and
// PrintTo() (used by GoogleTest) show only a masked access key id and where the keys came from.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  // When the keys stop working (STS, container and IMDS credentials); none for static keys.
  std::optional<std::chrono::system_clock::time_point> expiration;
  std::string source;  // "environment", "shared config profile dev", ...

  [[nodiscard]] bool hasKeys() const {
    return !access_key_id.empty() && !secret_access_key.empty();
  }
  [[nodiscard]] bool hasSessionToken() const { return !session_token.empty(); }
  // True when `now` is at or past the expiration.
  [[nodiscard]] bool isExpired(std::chrono::system_clock::time_point now) const {
    return expiration.has_value() && now >= *expiration;
  }
  // "source=environment access_key_id=AKID...MPLE session_token=yes
  // expiration=2015-08-30T12:36:00Z"
  [[nodiscard]] std::string describe() const;
};

// Keeps the first four and last four characters of an access key id ("AKIA...WXYZ"), or masks it
// entirely when it is too short for that to hide anything.
std::string maskAccessKeyId(std::string_view access_key_id);

// RFC 3339 UTC with seconds ("2015-08-30T12:36:00Z").
std::string formatRfc3339(std::chrono::system_clock::time_point time);

// GoogleTest printer: prints describe(), so failing assertions never show secrets.
void PrintTo(const Credentials& credentials, std::ostream* out);

// A source of credentials (environment, shared config file, STS, ...).
// Implementations are thread-safe: resolve() may be called from several threads at once.
class CredentialsProvider {
 public:
  virtual ~CredentialsProvider() = default;

  // Returns credentials, or an error whose message says why this source has none. kNotFound means
  // "not configured here" (a chain moves on); other codes mean configured but broken.
  [[nodiscard]] virtual Result<Credentials> resolve() = 0;
  // Short lower-case name used in logs and chain errors ("environment", "shared config").
  [[nodiscard]] virtual std::string name() const = 0;
};

// Returns fixed credentials. Thread-safe.
class StaticCredentialsProvider final : public CredentialsProvider {
 public:
  explicit StaticCredentialsProvider(Credentials credentials)
      : credentials_(std::move(credentials)) {}
  [[nodiscard]] Result<Credentials> resolve() override;
  [[nodiscard]] std::string name() const override { return "static"; }

 private:
  const Credentials credentials_;
};

}  // namespace copycat::aws
