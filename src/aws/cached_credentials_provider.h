// Caches another provider's credentials and refreshes them ahead of expiry.
#pragma once

#include <chrono>
#include <memory>

#include "aws/credentials.h"
#include "base/clock.h"
#include "base/refreshing_value.h"

namespace copycat::aws {

// Returns the cached credentials until `refresh_before_expiry` before they expire (never, for
// credentials without expiration), then asks the wrapped provider again.
//
// Thread-safe (base/refreshing_value.h). At most one refresh runs at a time, and no lock is held
// while it runs. While it runs, other callers get the cached credentials if those have not expired
// yet, and otherwise wait for the refresh and share its result (credentials or error). When a
// refresh fails while the cached credentials are still valid, those are returned (and a warning is
// logged). Credentials that arrive with less lifetime than the refresh window are refreshed again
// halfway through what is left, so a short-lived source is not called on every resolve().
//
// Owns `inner`; does not own `clock`, which must outlive this object.
class CachedCredentialsProvider final : public CredentialsProvider {
 public:
  struct Options {
    std::chrono::seconds refresh_before_expiry{5 * 60};  // the AWS SDKs' default window
  };

  CachedCredentialsProvider(std::unique_ptr<CredentialsProvider> inner, const Clock& clock,
                            Options options);
  CachedCredentialsProvider(std::unique_ptr<CredentialsProvider> inner, const Clock& clock)
      : CachedCredentialsProvider(std::move(inner), clock, Options{}) {}

  [[nodiscard]] Result<Credentials> resolve() override;
  [[nodiscard]] std::string name() const override { return inner_->name(); }

  // Forgets the cached credentials, so the next resolve() refreshes (e.g. after AWS answered
  // ExpiredToken).
  void invalidate();

 private:
  const std::unique_ptr<CredentialsProvider> inner_;
  RefreshingValue<Credentials> value_;
};

}  // namespace copycat::aws
