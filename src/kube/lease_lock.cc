#include "kube/lease_lock.h"

#include <cstdio>
#include <ctime>

#include "kube/exec_credential.h"

namespace copycat::kube {
namespace {

constexpr const char* kManagedFields[] = {"holderIdentity", "leaseDurationSeconds", "acquireTime",
                                          "renewTime", "leaseTransitions"};

// "2024-05-01T10:00:00" (UTC) plus the sub-second part in microseconds.
std::string formatSeconds(Clock::Wall::time_point time, int64_t* micros) {
  using std::chrono::duration_cast;
  auto since_epoch = duration_cast<std::chrono::microseconds>(time.time_since_epoch());
  auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  *micros = (since_epoch - seconds).count();
  std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
  return buffer;
}

tl::unexpected<Error> wrongType(const char* field) {
  return fail(ErrorCode::kProtocol, std::string("lease spec.") + field + " has an unexpected type");
}

// Reads an optional integer field; null or absent leaves `out` alone.
Status readInt(const nlohmann::json& spec, const char* field, int* out) {
  auto it = spec.find(field);
  if (it == spec.end() || it->is_null()) {
    return ok();
  }
  if (!it->is_number_integer()) {
    return wrongType(field);
  }
  *out = it->get<int>();
  return ok();
}

Status readTime(const nlohmann::json& spec, const char* field,
                std::optional<Clock::Wall::time_point>* out) {
  auto it = spec.find(field);
  if (it == spec.end() || it->is_null()) {
    return ok();
  }
  if (!it->is_string()) {
    return wrongType(field);
  }
  auto parsed = parseRfc3339(it->get<std::string>());
  if (!parsed) {
    return fail(ErrorCode::kProtocol,
                std::string("lease spec.") + field + ": " + parsed.error().message);
  }
  *out = *parsed;
  return ok();
}

}  // namespace

std::string formatMicroTime(Clock::Wall::time_point time) {
  int64_t micros = 0;
  std::string text = formatSeconds(time, &micros);
  char fraction[16];
  std::snprintf(fraction, sizeof(fraction), ".%06lldZ", static_cast<long long>(micros));
  return text + fraction;
}

std::string formatTime(Clock::Wall::time_point time) {
  int64_t micros = 0;
  return formatSeconds(time, &micros) + "Z";
}

nlohmann::json leaseSpecJson(const LeaderElectionRecord& record) {
  nlohmann::json spec = nlohmann::json::object();
  spec["holderIdentity"] = record.holder_identity;
  spec["leaseDurationSeconds"] = record.lease_duration_seconds;
  if (record.acquire_time) {
    spec["acquireTime"] = formatMicroTime(*record.acquire_time);
  }
  if (record.renew_time) {
    spec["renewTime"] = formatMicroTime(*record.renew_time);
  }
  spec["leaseTransitions"] = record.leader_transitions;
  return spec;
}

Result<LeaderElectionRecord> recordFromLease(const nlohmann::json& lease) {
  LeaderElectionRecord record;
  if (!lease.is_object()) {
    return fail(ErrorCode::kProtocol, "lease is not a JSON object");
  }
  auto spec = lease.find("spec");
  if (spec == lease.end() || spec->is_null()) {
    return record;
  }
  if (!spec->is_object()) {
    return fail(ErrorCode::kProtocol, "lease spec is not an object");
  }
  auto holder = spec->find("holderIdentity");
  if (holder != spec->end() && !holder->is_null()) {
    if (!holder->is_string()) {
      return wrongType("holderIdentity");
    }
    record.holder_identity = holder->get<std::string>();
  }
  RETURN_IF_ERROR(readInt(*spec, "leaseDurationSeconds", &record.lease_duration_seconds));
  RETURN_IF_ERROR(readInt(*spec, "leaseTransitions", &record.leader_transitions));
  RETURN_IF_ERROR(readTime(*spec, "acquireTime", &record.acquire_time));
  RETURN_IF_ERROR(readTime(*spec, "renewTime", &record.renew_time));
  return record;
}

LeaseLock::LeaseLock(ApiClient& client, std::string namespace_name, std::string name)
    : client_(client), namespace_name_(std::move(namespace_name)), name_(std::move(name)) {}

std::string LeaseLock::describe() const { return namespace_name_ + "/" + name_; }

Result<LeaderElectionRecord> LeaseLock::remember(const std::string& body) {
  auto lease = nlohmann::json::parse(body, nullptr, false);
  if (lease.is_discarded() || !lease.is_object()) {
    return fail(ErrorCode::kProtocol, "lease " + describe() + ": response is not a JSON object");
  }
  auto record = recordFromLease(lease);
  if (!record) {
    return fail(record.error().withContext("lease " + describe()));
  }
  lease_ = std::move(lease);
  return record;
}

Result<LeaderElectionRecord> LeaseLock::get(std::stop_token stop) {
  ResourcePath path{"coordination.k8s.io", "v1", "leases", namespace_name_, name_, ""};
  ASSIGN_OR_RETURN(std::string body, client_.get(path, std::move(stop)));
  return remember(body);
}

Status LeaseLock::create(const LeaderElectionRecord& record, std::stop_token stop) {
  nlohmann::json lease = {
      {"apiVersion", "coordination.k8s.io/v1"},
      {"kind", "Lease"},
      {"metadata", {{"name", name_}, {"namespace", namespace_name_}}},
      {"spec", leaseSpecJson(record)},
  };
  ResourcePath collection{"coordination.k8s.io", "v1", "leases", namespace_name_, "", ""};
  ASSIGN_OR_RETURN(std::string body, client_.create(collection, lease.dump(), std::move(stop)));
  RETURN_IF_ERROR(remember(body));
  return ok();
}

Status LeaseLock::update(const LeaderElectionRecord& record, std::stop_token stop) {
  if (!lease_) {
    return fail(ErrorCode::kInternal,
                "lease " + describe() + " not initialized: call get or create first");
  }
  nlohmann::json lease = *lease_;  // keeps metadata.resourceVersion: the write's precondition
  nlohmann::json& spec = lease["spec"];
  if (!spec.is_object()) {
    spec = nlohmann::json::object();
  }
  for (const char* field : kManagedFields) {
    spec.erase(field);
  }
  spec.update(leaseSpecJson(record));
  ResourcePath path{"coordination.k8s.io", "v1", "leases", namespace_name_, name_, ""};
  ASSIGN_OR_RETURN(std::string body, client_.update(path, lease.dump(), std::move(stop)));
  RETURN_IF_ERROR(remember(body));
  return ok();
}

}  // namespace copycat::kube
