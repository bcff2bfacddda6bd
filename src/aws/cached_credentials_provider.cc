#include "aws/cached_credentials_provider.h"

#include "base/log.h"

namespace copycat::aws {

CachedCredentialsProvider::CachedCredentialsProvider(std::unique_ptr<CredentialsProvider> inner,
                                                     const Clock& clock, Options options)
    : inner_(std::move(inner)),
      value_("credentials provider", clock, options.refresh_before_expiry,
             [](const Credentials& credentials) { return credentials.expiration; }) {}

Result<Credentials> CachedCredentialsProvider::resolve() {
  return value_.get(
      [this] { return inner_->resolve(); },
      [this](const Result<Credentials>& fresh, bool served_cached) {
        if (fresh) {
          LOG_DEBUG("aws", "credentials refreshed",
                    {{"provider", inner_->name()}, {"credentials", fresh->describe()}});
        } else if (served_cached) {
          LOG_WARN("aws",
                   "credentials refresh failed, using cached credentials until they "
                   "expire",
                   {{"provider", inner_->name()}, {"error", fresh.error().describe()}});
        }
      });
}

void CachedCredentialsProvider::invalidate() { value_.invalidate(); }

}  // namespace copycat::aws
