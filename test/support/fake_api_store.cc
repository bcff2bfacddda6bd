#include "support/fake_api_store.h"

#include <algorithm>

#include "base/clock.h"

namespace copycat::testing::fakeapi {
namespace {

std::string keyOf(const std::string& ns, const std::string& name) {
  return ns.empty() ? name : ns + "/" + name;
}

std::string keyOf(const StoredObject& object) { return keyOf(object.ns, object.name); }

// The key range of one namespace: "ns/" up to "ns0" ('0' follows '/').
std::string rangeBegin(const std::string& ns) { return ns.empty() ? std::string() : ns + "/"; }
std::string rangeEnd(const std::string& ns) { return ns.empty() ? std::string() : ns + "0"; }

bool inRange(const std::string& key, const std::string& lo, const std::string& hi) {
  return key >= lo && (hi.empty() || key < hi);
}

nlohmann::json detailsFor(const ResourceInfo& resource, const std::string& name) {
  nlohmann::json details = {{"name", name}};
  if (!resource.group.empty()) details["group"] = resource.group;
  details["kind"] = resource.name;
  return details;
}

tl::unexpected<ApiError> notFound(const ResourceInfo& resource, const std::string& name) {
  return apiError(404, "NotFound", resource.qualified() + " \"" + name + "\" not found",
                  detailsFor(resource, name));
}

}  // namespace

std::string_view eventTypeName(EventType type) {
  switch (type) {
    case EventType::kAdded:
      return "ADDED";
    case EventType::kModified:
      return "MODIFIED";
    case EventType::kDeleted:
      return "DELETED";
  }
  return "UNKNOWN";
}

uint64_t FakeApiStore::currentRv() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rv_;
}

uint64_t FakeApiStore::floorRv(const ResourceInfo& resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  return floorOf(findState(resource));
}

uint64_t FakeApiStore::floorOf(const ResourceState* st) const {
  return std::max(compacted_rv_, st == nullptr ? 0 : st->floor_rv);
}

size_t FakeApiStore::objectCount(const ResourceInfo& resource) const {
  std::lock_guard<std::mutex> lock(mu_);
  const ResourceState* st = findState(resource);
  return st == nullptr ? 0 : st->objects.size();
}

FakeApiStore::ResourceState& FakeApiStore::state(const ResourceInfo& resource) {
  return resources_[std::string(resource.name)];
}

const FakeApiStore::ResourceState* FakeApiStore::findState(const ResourceInfo& resource) const {
  auto it = resources_.find(resource.name);
  return it == resources_.end() ? nullptr : &it->second;
}

std::string FakeApiStore::newUid() {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "00000000-0000-4000-8000-%012llu",
                static_cast<unsigned long long>(++uid_counter_));
  return buf;
}

void FakeApiStore::record(ResourceState& st, EventType type, ObjectPtr object, ObjectPtr prior) {
  st.history.push_back(HistoryEvent{object->rv, type, std::move(object), std::move(prior)});
  while (st.history.size() > history_limit_) {
    st.floor_rv = st.history.front().rv;
    st.history.pop_front();
  }
}

ApiResult<ObjectPtr> FakeApiStore::write(const ResourceInfo& resource, const ParsedObject& parsed,
                                         const std::string& ns, const std::string& name) {
  ResourceState& st = state(resource);
  const std::string key = keyOf(ns, name);
  auto existing = st.objects.find(key);
  ObjectPtr prior = existing == st.objects.end() ? nullptr : existing->second;
  std::string uid = prior ? prior->uid : newUid();
  std::string created = prior ? prior->creation_timestamp : nowTimestamp();
  auto object =
      std::make_shared<const StoredObject>(makeStored(parsed, ns, name, uid, created, ++rv_));
  st.objects[key] = object;
  if (!prior) {
    ++st.per_namespace[ns];
  }
  record(st, prior ? EventType::kModified : EventType::kAdded, object, prior);
  cv_.notify_all();
  return object;
}

ApiResult<ObjectPtr> FakeApiStore::upsert(const ResourceInfo& resource, std::string_view json) {
  auto parsed = parseObject(json);
  if (!parsed) return tl::unexpected(parsed.error());
  std::string ns;
  if (resource.namespaced) {
    ns = parsed->ns.empty() ? "default" : parsed->ns;
  }
  if (parsed->name.empty()) {
    return apiError(422, "Invalid", "metadata.name: Required value: name is required");
  }
  std::lock_guard<std::mutex> lock(mu_);
  return write(resource, *parsed, ns, parsed->name);
}

ApiResult<ObjectPtr> FakeApiStore::create(const ResourceInfo& resource, const std::string& ns,
                                          std::string_view json) {
  auto parsed = parseObject(json);
  if (!parsed) return tl::unexpected(parsed.error());
  if (parsed->has_namespace && !parsed->ns.empty() && parsed->ns != ns && resource.namespaced) {
    return apiError(400, "BadRequest",
                    "the namespace of the provided object does not match the namespace sent on "
                    "the request");
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::string name = parsed->name;
  if (name.empty() && !parsed->generate_name.empty()) {
    // The API server appends 5 random characters; a counter keeps tests deterministic.
    char suffix[8];
    std::snprintf(suffix, sizeof(suffix), "%05llu",
                  static_cast<unsigned long long>(++uid_counter_ % 100000));
    name = parsed->generate_name + suffix;
  }
  if (name.empty()) {
    return apiError(422, "Invalid",
                    std::string(resource.kind) +
                        " \"\" is invalid: metadata.name: Required value: name or generateName "
                        "is required",
                    {{"kind", resource.kind}});
  }
  if (state(resource).objects.count(keyOf(ns, name)) != 0) {
    return apiError(409, "AlreadyExists", resource.qualified() + " \"" + name + "\" already exists",
                    detailsFor(resource, name));
  }
  return write(resource, *parsed, ns, name);
}

ApiResult<ObjectPtr> FakeApiStore::update(const ResourceInfo& resource, const std::string& ns,
                                          const std::string& name, std::string_view json) {
  auto parsed = parseObject(json);
  if (!parsed) return tl::unexpected(parsed.error());
  if (!parsed->name.empty() && parsed->name != name) {
    return apiError(400, "BadRequest",
                    "the name of the object (" + parsed->name +
                        ") does not match the name on the URL (" + name + ")");
  }
  std::lock_guard<std::mutex> lock(mu_);
  ResourceState& st = state(resource);
  auto existing = st.objects.find(keyOf(ns, name));
  if (existing == st.objects.end()) {
    return notFound(resource, name);
  }
  // Optimistic concurrency: a stale resourceVersion loses (API concepts, "Resource versions").
  if (parsed->resource_version && !parsed->resource_version->empty() &&
      *parsed->resource_version != std::to_string(existing->second->rv)) {
    return apiError(409, "Conflict",
                    "Operation cannot be fulfilled on " + resource.qualified() + " \"" + name +
                        "\": the object has been modified; please apply your changes to the "
                        "latest version and try again",
                    detailsFor(resource, name));
  }
  return write(resource, *parsed, ns, name);
}

ApiResult<ObjectPtr> FakeApiStore::remove(const ResourceInfo& resource, const std::string& ns,
                                          const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  ResourceState& st = state(resource);
  auto existing = st.objects.find(keyOf(ns, name));
  if (existing == st.objects.end()) {
    return notFound(resource, name);
  }
  ObjectPtr prior = existing->second;
  ObjectPtr deleted = withResourceVersion(*prior, ++rv_);
  st.objects.erase(existing);
  if (--st.per_namespace[ns] == 0) {
    st.per_namespace.erase(ns);
  }
  record(st, EventType::kDeleted, deleted, prior);
  cv_.notify_all();
  return deleted;
}

ApiResult<ObjectPtr> FakeApiStore::get(const ResourceInfo& resource, const std::string& ns,
                                       const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  const ResourceState* st = findState(resource);
  if (st != nullptr) {
    auto it = st->objects.find(keyOf(ns, name));
    if (it != st->objects.end()) {
      return it->second;
    }
  }
  return notFound(resource, name);
}

std::vector<ObjectPtr> FakeApiStore::snapshot(const ResourceInfo& resource, const std::string& ns,
                                              uint64_t* rv) const {
  std::lock_guard<std::mutex> lock(mu_);
  *rv = rv_;
  std::vector<ObjectPtr> out;
  const ResourceState* st = findState(resource);
  if (st == nullptr) {
    return out;
  }
  const std::string lo = rangeBegin(ns), hi = rangeEnd(ns);
  auto end = hi.empty() ? st->objects.end() : st->objects.lower_bound(hi);
  for (auto it = st->objects.lower_bound(lo); it != end; ++it) {
    out.push_back(it->second);
  }
  return out;
}

bool FakeApiStore::waitForRv(uint64_t rv, std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_until(lock, deadline, [&] { return rv_ >= rv; });
}

void FakeApiStore::notifyAll() const {
  { std::lock_guard<std::mutex> lock(mu_); }
  cv_.notify_all();
}

void FakeApiStore::compact() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [name, st] : resources_) {
      st.history.clear();
    }
    compacted_rv_ = rv_;
  }
  cv_.notify_all();
}

ApiResult<ListPage> FakeApiStore::list(const ResourceInfo& resource, const std::string& ns,
                                       const ListQuery& query) const {
  std::lock_guard<std::mutex> lock(mu_);
  ListPage page;
  page.rv = query.snapshot_rv == 0 ? rv_ : query.snapshot_rv;
  const ResourceState* st = findState(resource);
  if (page.rv < floorOf(st)) {
    return apiError(410, "Expired", "The resourceVersion for the provided list is too old.");
  }
  if (st == nullptr) {
    return page;
  }
  const std::string lo = rangeBegin(ns), hi = rangeEnd(ns);
  // Undo the events after the snapshot: the earliest later event's prior state is the state at
  // the snapshot (null: the object did not exist yet).
  std::map<std::string, ObjectPtr> overlay;
  for (auto ev = st->history.rbegin(); ev != st->history.rend() && ev->rv > page.rv; ++ev) {
    std::string key = keyOf(*ev->object);
    if (inRange(key, lo, hi)) {
      overlay[key] = ev->prior;
    }
  }
  int64_t total = static_cast<int64_t>(
      ns.empty() ? st->objects.size()
                 : (st->per_namespace.count(ns) != 0 ? st->per_namespace.at(ns) : 0));
  for (const auto& [key, value] : overlay) {
    total += (value ? 1 : 0) - static_cast<int64_t>(st->objects.count(key));
  }
  const std::string start = std::max(lo, query.start);
  auto live = st->objects.lower_bound(start);
  auto live_end = hi.empty() ? st->objects.end() : st->objects.lower_bound(hi);
  auto over = overlay.lower_bound(start);
  std::string last_key;
  while (live != live_end || over != overlay.end()) {
    const bool take_overlay =
        over != overlay.end() && (live == live_end || over->first <= live->first);
    const std::string& key = take_overlay ? over->first : live->first;
    ObjectPtr value = take_overlay ? over->second : live->second;
    if (take_overlay) {
      if (live != live_end && live->first == over->first) ++live;
      ++over;
    } else {
      ++live;
    }
    if (!value) continue;
    if (query.limit != 0 && page.items.size() == query.limit) {
      page.next_start = last_key + '\0';
      break;
    }
    page.items.push_back(std::move(value));
    last_key = key;
  }
  int64_t remaining = total - static_cast<int64_t>(query.emitted + page.items.size());
  page.remaining = page.next_start.empty() || remaining < 0 ? 0 : static_cast<uint64_t>(remaining);
  return page;
}

WatchBatch FakeApiStore::nextEvents(const ResourceInfo& resource, const std::string& ns,
                                    uint64_t after, size_t max,
                                    std::chrono::steady_clock::time_point deadline,
                                    const std::function<bool()>& interrupt) const {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    WatchBatch batch;
    const ResourceState* st = findState(resource);
    batch.current_rv = rv_;
    batch.floor_rv = floorOf(st);
    if (after < batch.floor_rv) {
      batch.expired = true;
      return batch;
    }
    if (st != nullptr) {
      auto it = std::upper_bound(st->history.begin(), st->history.end(), after,
                                 [](uint64_t rv, const HistoryEvent& ev) { return rv < ev.rv; });
      for (; it != st->history.end(); ++it) {
        if (!ns.empty() && it->object->ns != ns) continue;
        if (batch.events.size() == max) {
          batch.full = true;
          break;
        }
        batch.events.push_back(*it);
      }
    }
    if (!batch.events.empty() || interrupt() || SystemClock::instance().now() >= deadline) {
      return batch;
    }
    cv_.wait_until(lock, deadline);
  }
}

}  // namespace copycat::testing::fakeapi
