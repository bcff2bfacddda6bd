// The leader-election lock on a coordination.k8s.io/v1 Lease (client-go resourcelock.LeaseLock):
// the election record lives in the Lease's spec (holderIdentity, leaseDurationSeconds,
// acquireTime, renewTime, leaseTransitions) and every write is a PUT carrying the
// resourceVersion last read, so concurrent writers are serialised by the API server's
// optimistic concurrency ("API Concepts" → "Resource versions"): the loser gets 409 Conflict.
#pragma once

#include <optional>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/result.h"
#include "kube/api_client.h"

namespace copycat::kube {

// metav1.MicroTime: RFC 3339 in UTC with exactly six fractional digits
// ("2024-05-01T10:00:00.123456Z"); the sub-microsecond part is truncated.
std::string formatMicroTime(Clock::Wall::time_point time);
// metav1.Time: RFC 3339 in UTC with whole seconds ("2024-05-01T10:00:00Z").
std::string formatTime(Clock::Wall::time_point time);

// client-go resourcelock.LeaderElectionRecord. Times have microsecond precision, as stored.
struct LeaderElectionRecord {
  std::string holder_identity;  // "" when nobody holds the lease (released)
  int lease_duration_seconds = 0;
  std::optional<Clock::Wall::time_point> acquire_time;
  std::optional<Clock::Wall::time_point> renew_time;
  int leader_transitions = 0;

  friend bool operator==(const LeaderElectionRecord&, const LeaderElectionRecord&) = default;
};

// The Lease spec fields of `record` (times as MicroTime, absent ones as null).
nlohmann::json leaseSpecJson(const LeaderElectionRecord& record);
// Reads the record from a Lease object; missing or null fields keep their defaults.
// Errors: kProtocol when a field has the wrong type or a time does not parse.
Result<LeaderElectionRecord> recordFromLease(const nlohmann::json& lease);

// Not thread-safe: one elector thread owns it. Keeps the Lease last read or written so that an
// update carries its resourceVersion and preserves fields it does not manage (labels, ...).
// Does not own `client`, which must outlive it.
class LeaseLock {
 public:
  LeaseLock(ApiClient& client, std::string namespace_name, std::string name);

  // GET. Errors: the API error (kNotFound + http 404 when the Lease does not exist),
  // kProtocol for an unparsable Lease.
  [[nodiscard]] Result<LeaderElectionRecord> get(std::stop_token stop = {});
  // POST a new Lease holding `record`. Errors: the API error (409 AlreadyExists when another
  // candidate created it first → isAlreadyExists).
  [[nodiscard]] Status create(const LeaderElectionRecord& record, std::stop_token stop = {});
  // PUT `record` onto the Lease last seen, with its resourceVersion. Errors: kInternal before
  // any get()/create() succeeded; the API error (409 Conflict when the Lease changed since →
  // isConflict).
  [[nodiscard]] Status update(const LeaderElectionRecord& record, std::stop_token stop = {});

  // "namespace/name", for logs and errors.
  [[nodiscard]] std::string describe() const;
  [[nodiscard]] const std::string& namespaceName() const { return namespace_name_; }
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  // Parses and keeps a Lease the server returned.
  Result<LeaderElectionRecord> remember(const std::string& body);

  ApiClient& client_;
  const std::string namespace_name_;
  const std::string name_;
  std::optional<nlohmann::json> lease_;  // the Lease last read or written
};

}  // namespace copycat::kube
