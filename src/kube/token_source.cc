#include "kube/token_source.h"

#include "base/log.h"
#include "base/strings.h"
#include "kube/exec_credential.h"

namespace copycat::kube {

FileTokenSource::FileTokenSource(std::string path, Clock& clock, Options options)
    : path_(std::move(path)), clock_(clock), options_(options) {}

Result<std::string> FileTokenSource::token() {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<FileFingerprint> fp = fingerprint(path_);
  const bool expired = clock_.now() - read_at_ >= options_.max_age;
  if (!force_ && !token_.empty() && fp == fingerprint_ && !expired) {
    return token_;
  }
  return reload(fp);
}

Result<std::string> FileTokenSource::reload(const std::optional<FileFingerprint>& fp) {
  auto text = readFile(path_, "token file");
  Result<std::string> fresh = text ? Result<std::string>(std::string(strings::trim(*text)))
                                   : Result<std::string>(fail(text.error()));
  if (fresh && fresh->empty()) {
    fresh = fail(ErrorCode::kUnauthenticated, "token file \"" + path_ + "\" is empty");
  }
  // Remember what was looked at so a broken file is not re-read on every request.
  fingerprint_ = fp;
  read_at_ = clock_.now();
  force_ = false;
  ++reads_;
  if (fresh) {
    token_ = std::move(*fresh);
    return token_;
  }
  if (token_.empty()) {
    force_ = true;  // nothing usable yet: try again next time
    return fail(fresh.error());
  }
  LOG_WARN("kube", "token file re-read failed, keeping the previous token",
           {{"error", fresh.error().message}});
  return token_;
}

void FileTokenSource::invalidate(std::string_view rejected) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!rejected.empty() && rejected != token_) {
    return;
  }
  force_ = true;
}

int FileTokenSource::readCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reads_;
}

Result<std::shared_ptr<TokenSource>> makeTokenSource(const ClusterConfig& config, Clock& clock) {
  if (config.exec) {
    ExecClusterInfo cluster{config.server, config.ca_pem, config.tls_server_name,
                            config.insecure_skip_tls_verify, config.proxy_url};
    return std::shared_ptr<TokenSource>(
        std::make_shared<ExecCredentialProvider>(*config.exec, std::move(cluster), clock));
  }
  if (!config.token_file.empty()) {
    return std::shared_ptr<TokenSource>(
        std::make_shared<FileTokenSource>(config.token_file, clock));
  }
  if (!config.token.empty()) {
    return std::shared_ptr<TokenSource>(std::make_shared<StaticTokenSource>(config.token));
  }
  return std::shared_ptr<TokenSource>();
}

}  // namespace copycat::kube
