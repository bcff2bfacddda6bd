// Extracts a WorkloadSummary from one Kubernetes object's JSON with simdjson On-Demand: one
// forward pass that copies only what image discovery needs and lets simdjson skip everything
// else (managedFields, annotations, env, probes, ...) without copying or allocating.
//
// Fields read (any order; null = absent; unknown fields ignored):
//   kind, apiVersion (to tell built-in kinds from same-named CRDs),
//   metadata.{namespace,name,uid,resourceVersion,generation,ownerReferences[].{kind,name,uid,
//   controller}}, metadata.labels kubernetes.io/{os,arch} (Nodes),
//   the pod spec at: Pod spec; Deployment/StatefulSet/DaemonSet/ReplicaSet/Job
//   spec.template.spec; CronJob spec.jobTemplate.spec.template.spec. From it: containers,
//   initContainers, ephemeralContainers (name, image), volumes[].image.reference, nodeName;
//   Pod status.phase and status.{container,initContainer,ephemeralContainer}Statuses[].imageID
//   (+ volumeMounts[].volumeStatus.image.imageRef for image volumes) matched by name;
//   Node status.nodeInfo.{operatingSystem,architecture}.
#pragma once

#include <string>
#include <string_view>

#include <simdjson.h>

#include "base/result.h"
#include "workload/workload.h"

namespace copycat::workload {

// Reads one object from an On-Demand object positioned at its start (an item of a LIST's
// "items", a WATCH event's "object") and consumes it to its end. `default_kind` names the kind
// when the object has none (LIST items carry no kind/apiVersion); pass "" otherwise.
// Returns kInvalidArgument with the field path ("spec.containers[1].image: expected a string,
// got object") for malformed JSON or a field of the wrong type. On-Demand validates skipped
// subtrees only structurally, so errors inside them may go unnoticed.
[[nodiscard]] Result<WorkloadSummary> extractSummary(simdjson::ondemand::object& object,
                                                     std::string_view default_kind = {});
// As above for a value that must be an object.
[[nodiscard]] Result<WorkloadSummary> extractSummary(simdjson::ondemand::value& value,
                                                     std::string_view default_kind = {});

// Parses whole documents (one object each). Reuse one instance: its parser and scratch buffer
// grow to the largest document seen, so steady-state extraction allocates only for the summary.
// Not thread-safe; use one per thread.
class SummaryExtractor {
 public:
  // Zero-copy: `json` must have simdjson::SIMDJSON_PADDING readable bytes after its end (a
  // simdjson::padded_string, or a caller buffer with spare capacity).
  [[nodiscard]] Result<WorkloadSummary> extract(simdjson::padded_string_view json,
                                                std::string_view default_kind = {});
  [[nodiscard]] Result<WorkloadSummary> extract(const simdjson::padded_string& json,
                                                std::string_view default_kind = {});
  // Copies `json` into an internal padded buffer first.
  [[nodiscard]] Result<WorkloadSummary> extract(std::string_view json,
                                                std::string_view default_kind = {});
  // As above; resolves the ambiguity between the std::string_view and padded_string overloads.
  [[nodiscard]] Result<WorkloadSummary> extract(const std::string& json,
                                                std::string_view default_kind = {}) {
    return extract(std::string_view(json), default_kind);
  }

 private:
  simdjson::ondemand::parser parser_;
  std::string padded_;  // reused copy of unpadded input, with padding
};

}  // namespace copycat::workload
