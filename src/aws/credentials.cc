#include "aws/credentials.h"

#include <ctime>
#include <ostream>

namespace copycat::aws {

std::string maskAccessKeyId(std::string_view access_key_id) {
  // Real ids are 16-128 characters; below 12 the visible ends would reveal most of it.
  constexpr size_t kMinLengthToShowEnds = 12;
  if (access_key_id.size() < kMinLengthToShowEnds) {
    return std::string(access_key_id.empty() ? "" : "****");
  }
  std::string out(access_key_id.substr(0, 4));
  out += "...";
  out += access_key_id.substr(access_key_id.size() - 4);
  return out;
}

std::string formatRfc3339(std::chrono::system_clock::time_point time) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return std::string(buf, n);
}

std::string Credentials::describe() const {
  std::string out = "source=" + (source.empty() ? std::string("unknown") : source);
  out += " access_key_id=" + maskAccessKeyId(access_key_id);
  out += hasSessionToken() ? " session_token=yes" : " session_token=no";
  if (expiration) {
    out += " expiration=" + formatRfc3339(*expiration);
  }
  return out;
}

void PrintTo(const Credentials& credentials, std::ostream* out) {
  *out << "Credentials{" << credentials.describe() << "}";
}

Result<Credentials> StaticCredentialsProvider::resolve() {
  if (!credentials_.hasKeys()) {
    return fail(ErrorCode::kInvalidArgument, "static credentials have no access key id or secret");
  }
  return credentials_;
}

}  // namespace copycat::aws
