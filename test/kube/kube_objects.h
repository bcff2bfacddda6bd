// Kubernetes object JSON for the list/watch tests, plus recording handlers/sinks and a bounded
// polling wait.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "kube/discovery.h"
#include "kube/reflector.h"
#include "support/wait_until.h"

namespace copycat::kube::testing {

using copycat::testing::waitUntil;

using nlohmann::json;

struct Owner {
  std::string kind;
  std::string name;
  std::string uid;
};

inline json ownerRefs(const std::vector<Owner>& owners) {
  json refs = json::array();
  for (const auto& o : owners) {
    refs.push_back({{"apiVersion", o.kind == "ReplicaSet" || o.kind == "Deployment" ||
                                           o.kind == "StatefulSet" || o.kind == "DaemonSet"
                                       ? "apps/v1"
                                       : "batch/v1"},
                    {"kind", o.kind},
                    {"name", o.name},
                    {"uid", o.uid},
                    {"controller", true},
                    {"blockOwnerDeletion", true}});
  }
  return refs;
}

inline json containers(const std::vector<std::string>& images) {
  json out = json::array();
  for (size_t i = 0; i < images.size(); ++i) {
    out.push_back({{"name", "c" + std::to_string(i)}, {"image", images[i]}});
  }
  return out;
}

struct PodSpec {
  std::string ns = "default";
  std::string name;
  std::vector<std::string> images = {"nginx:1.25"};
  std::string phase = "Running";
  std::vector<Owner> owners = {};
  std::string node = "";
  std::vector<std::string> image_ids = {};  // per container, "" = not reported
  std::string uid = "";
};

inline std::string podJson(const PodSpec& p) {
  json meta = {{"name", p.name}, {"namespace", p.ns}};
  if (!p.uid.empty()) meta["uid"] = p.uid;
  if (!p.owners.empty()) meta["ownerReferences"] = ownerRefs(p.owners);
  json spec = {{"containers", containers(p.images)}};
  if (!p.node.empty()) spec["nodeName"] = p.node;
  json statuses = json::array();
  for (size_t i = 0; i < p.image_ids.size(); ++i) {
    statuses.push_back({{"name", "c" + std::to_string(i)},
                        {"image", p.images[i]},
                        {"imageID", p.image_ids[i]},
                        {"ready", true}});
  }
  json status = {{"phase", p.phase}, {"containerStatuses", statuses}};
  return json{{"metadata", meta}, {"spec", spec}, {"status", status}}.dump();
}

// A workload with a pod template (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job) or a
// CronJob's job template.
inline std::string workloadJson(const std::string& kind, const std::string& ns,
                                const std::string& name, const std::vector<std::string>& images,
                                int64_t generation = 1, const std::vector<Owner>& owners = {},
                                const std::string& uid = "", int64_t observed = 0) {
  json meta = {{"name", name}, {"namespace", ns}, {"generation", generation}};
  if (!uid.empty()) meta["uid"] = uid;
  if (!owners.empty()) meta["ownerReferences"] = ownerRefs(owners);
  json pod_template = {{"spec", {{"containers", containers(images)}}}};
  json spec = kind == "CronJob" ? json{{"schedule", "* * * * *"},
                                       {"jobTemplate", {{"spec", {{"template", pod_template}}}}}}
                                : json{{"replicas", 1}, {"template", pod_template}};
  const std::string api_version = kind == "Job" || kind == "CronJob" ? "batch/v1" : "apps/v1";
  return json{{"apiVersion", api_version},
              {"kind", kind},
              {"metadata", meta},
              {"spec", spec},
              {"status", {{"observedGeneration", observed}}}}
      .dump();
}

inline std::string namespaceJson(const std::string& name) {
  return json{{"metadata", {{"name", name}}}, {"status", {{"phase", "Active"}}}}.dump();
}

inline std::string nodeJson(const std::string& name, const std::string& os,
                            const std::string& arch) {
  return json{
      {"metadata",
       {{"name", name}, {"labels", {{"kubernetes.io/os", os}, {"kubernetes.io/arch", arch}}}}},
      {"status", {{"nodeInfo", {{"operatingSystem", os}, {"architecture", arch}}}}}}
      .dump();
}

// Gives `path` a fixed mtime, so a rewrite of equal size is invisible to stat(2).
inline void setMtime(const std::string& path, time_t seconds) {
  struct timespec times[2] = {{seconds, 0}, {seconds, 0}};
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

// Records reflector events. Thread-safe.
class RecordingHandler : public EventHandler {
 public:
  struct Record {
    EventType type;
    workload::WorkloadSummary object;
  };

  void onEvent(EventType type, const workload::WorkloadSummary& object,
               const workload::WorkloadSummary* /*previous*/) override {
    std::function<void(const Record&)> hook;
    {
      std::lock_guard<std::mutex> lock(mu_);
      events_.push_back({type, object});
      hook = hook_;
    }
    if (hook) hook({type, object});
  }
  void onSynced(workload::Kind kind) override {
    std::lock_guard<std::mutex> lock(mu_);
    synced_.push_back(kind);
  }

  std::vector<Record> events() const {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  size_t count(EventType type, const std::string& name = "") const {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (const auto& e : events_) {
      if (e.type == type && (name.empty() || e.object.name == name)) ++n;
    }
    return n;
  }
  size_t syncCount() const {
    std::lock_guard<std::mutex> lock(mu_);
    return synced_.size();
  }
  void setHook(std::function<void(const Record&)> hook) {
    std::lock_guard<std::mutex> lock(mu_);
    hook_ = std::move(hook);
  }

 private:
  mutable std::mutex mu_;
  std::vector<Record> events_;
  std::vector<workload::Kind> synced_;
  std::function<void(const Record&)> hook_;
};

// Records discovery output. Thread-safe.
class RecordingSink : public DemandSink {
 public:
  void onDemand(const ImageDemand& demand) override {
    std::lock_guard<std::mutex> lock(mu_);
    demands_.push_back(demand);
  }
  void onForget(const WorkloadRef& ref) override {
    std::lock_guard<std::mutex> lock(mu_);
    forgets_.push_back(ref);
  }
  void onSynced(workload::Kind kind) override {
    std::lock_guard<std::mutex> lock(mu_);
    synced_.push_back(kind);
  }

  void onSkipped(std::string_view reason, size_t image_uses) override {
    std::lock_guard<std::mutex> lock(mu_);
    skips_.emplace_back(std::string(reason), image_uses);
  }

  std::vector<ImageDemand> demands() const {
    std::lock_guard<std::mutex> lock(mu_);
    return demands_;
  }
  std::vector<WorkloadRef> forgets() const {
    std::lock_guard<std::mutex> lock(mu_);
    return forgets_;
  }
  std::vector<workload::Kind> synced() const {
    std::lock_guard<std::mutex> lock(mu_);
    return synced_;
  }
  std::vector<std::pair<std::string, size_t>> skips() const {
    std::lock_guard<std::mutex> lock(mu_);
    return skips_;
  }
  // Demands attributed to "Kind/ns/name".
  std::vector<ImageDemand> demandsFor(const std::string& ref) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<ImageDemand> out;
    for (const auto& d : demands_) {
      if (d.owner().str() == ref) out.push_back(d);
    }
    return out;
  }
  bool hasForget(const std::string& ref) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& f : forgets_) {
      if (f.str() == ref) return true;
    }
    return false;
  }

 private:
  mutable std::mutex mu_;
  std::vector<ImageDemand> demands_;
  std::vector<WorkloadRef> forgets_;
  std::vector<workload::Kind> synced_;
  std::vector<std::pair<std::string, size_t>> skips_;
};

}  // namespace copycat::kube::testing
