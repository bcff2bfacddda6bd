#include "workload/summary_extractor.h"

#include <array>

#include "workload/json_walk.h"
#include "workload/pod_spec_reader.h"

namespace copycat::workload {
namespace {

using detail::Object;
using detail::Path;
using detail::PodSpecParts;
using detail::PodStatusParts;
using detail::Value;

constexpr std::array<Kind, 8> kBuiltinKinds{Kind::kPod,       Kind::kDeployment, Kind::kStatefulSet,
                                            Kind::kDaemonSet, Kind::kReplicaSet, Kind::kJob,
                                            Kind::kCronJob,   Kind::kNode};

// The object's "kind" is matched exactly (API kinds are case-sensitive), unlike parseKind().
Kind kindFromName(std::string_view name) {
  for (Kind kind : kBuiltinKinds) {
    if (name == kindName(kind)) {
      return kind;
    }
  }
  return Kind::kOther;
}

// A CRD may reuse a built-in kind name in its own group ("Deployment" in example.com/v1), so
// when apiVersion is known its group must match. Deployments, DaemonSets and ReplicaSets were
// also served by extensions/v1beta1 before Kubernetes 1.16.
Kind classify(std::string_view kind_name, std::string_view api_version) {
  Kind kind = kindFromName(kind_name);
  if (kind == Kind::kOther || api_version.empty()) {
    return kind;
  }
  size_t slash = api_version.find('/');
  std::string_view group = slash == std::string_view::npos ? "" : api_version.substr(0, slash);
  if (group == apiGroup(kind)) {
    return kind;
  }
  bool legacy = group == "extensions" && (kind == Kind::kDeployment || kind == Kind::kDaemonSet ||
                                          kind == Kind::kReplicaSet);
  return legacy ? kind : Kind::kOther;
}

// Where a kind keeps its pod spec.
enum class SpecPath { kNone, kPodSpec, kTemplate, kJobTemplate };

SpecPath specPath(Kind kind) {
  switch (kind) {
    case Kind::kPod:
      return SpecPath::kPodSpec;
    case Kind::kDeployment:
    case Kind::kStatefulSet:
    case Kind::kDaemonSet:
    case Kind::kReplicaSet:
    case Kind::kJob:
      return SpecPath::kTemplate;
    case Kind::kCronJob:
      return SpecPath::kJobTemplate;
    case Kind::kNode:
    case Kind::kOther:
      return SpecPath::kNone;
  }
  return SpecPath::kNone;
}

std::string_view firstNonEmpty(std::string_view a, std::string_view b, std::string_view c) {
  return !a.empty() ? a : (!b.empty() ? b : c);
}

// Node platform sources, most authoritative first: the kubelet's status.nodeInfo, then the
// well-known labels kubernetes.io/{os,arch}, then their deprecated beta.kubernetes.io/ forms.
struct NodeParts {
  std::string_view info_os, info_arch, label_os, label_arch, beta_os, beta_arch;
};

// One pass over an object. Until "kind" has been read, every candidate location is read
// (fields are in any order); once it is known, only the relevant subtrees are.
class ObjectReader {
 public:
  Status read(Object& object, const Path& root);
  WorkloadSummary finish(std::string_view default_kind);

 private:
  [[nodiscard]] bool wants(Kind kind) const { return !kind_seen_ || known_kind_ == kind; }
  [[nodiscard]] bool wantsSpec(SpecPath where) const {
    return !kind_seen_ || specPath(known_kind_) == where;
  }
  Status readMetadata(Object& metadata, const Path& path);
  Status readOwner(Object& owner, const Path& path);
  Status readLabels(Object& labels, const Path& path);
  Status readSpec(Object& spec, const Path& path);
  Status readTemplate(Value& value, const Path& path, PodSpecParts& out);
  Status readJobTemplate(Value& value, const Path& path);
  Status readStatus(Object& status, const Path& path);

  WorkloadSummary summary_;
  std::string_view kind_;
  std::string_view api_version_;
  bool kind_seen_ = false;
  Kind known_kind_ = Kind::kOther;
  PodSpecParts pod_spec_;       // Pod: spec
  PodSpecParts template_spec_;  // workloads: spec.template.spec
  PodSpecParts job_spec_;       // CronJob: spec.jobTemplate.spec.template.spec
  PodStatusParts pod_status_;
  NodeParts node_;
};

Status ObjectReader::read(Object& object, const Path& root) {
  return detail::forEachField(
      object, root, [&](std::string_view key, Value& value, const Path& path) -> Status {
        if (key == "kind") {
          RETURN_IF_ERROR(detail::readText(value, path, kind_));
          kind_seen_ = !kind_.empty();
          known_kind_ = classify(kind_, api_version_);
          return ok();
        }
        if (key == "apiVersion") {
          return detail::readText(value, path, api_version_);
        }
        if (key == "metadata") {
          return detail::withObject(value, path,
                                    [&](Object& o, const Path& p) { return readMetadata(o, p); });
        }
        if (key == "spec") {
          return detail::withObject(value, path,
                                    [&](Object& o, const Path& p) { return readSpec(o, p); });
        }
        if (key == "status" && (wants(Kind::kPod) || wants(Kind::kNode))) {
          return detail::withObject(value, path,
                                    [&](Object& o, const Path& p) { return readStatus(o, p); });
        }
        return ok();
      });
}

Status ObjectReader::readMetadata(Object& metadata, const Path& path) {
  return detail::forEachField(
      metadata, path, [&](std::string_view key, Value& value, const Path& field) -> Status {
        if (key == "namespace") {
          return detail::assignText(value, field, summary_.namespace_name);
        }
        if (key == "name") {
          return detail::assignText(value, field, summary_.name);
        }
        if (key == "uid") {
          return detail::assignText(value, field, summary_.uid);
        }
        if (key == "resourceVersion") {
          return detail::assignText(value, field, summary_.resource_version);
        }
        if (key == "generation") {
          return detail::readInt(value, field, summary_.generation);
        }
        if (key == "ownerReferences") {
          summary_.owners.clear();
          return detail::forEachObjectElement(
              value, field, [&](Object& owner, const Path& p) { return readOwner(owner, p); });
        }
        if (key == "labels" && wants(Kind::kNode)) {
          return detail::withObject(value, field,
                                    [&](Object& o, const Path& p) { return readLabels(o, p); });
        }
        return ok();
      });
}

Status ObjectReader::readOwner(Object& owner, const Path& path) {
  OwnerRef ref;
  RETURN_IF_ERROR(detail::forEachField(
      owner, path, [&](std::string_view key, Value& value, const Path& field) -> Status {
        if (key == "kind") {
          return detail::assignText(value, field, ref.kind);
        }
        if (key == "name") {
          return detail::assignText(value, field, ref.name);
        }
        if (key == "uid") {
          return detail::assignText(value, field, ref.uid);
        }
        if (key == "controller") {
          return detail::readBool(value, field, ref.controller);
        }
        return ok();
      }));
  summary_.owners.push_back(std::move(ref));
  return ok();
}

Status ObjectReader::readLabels(Object& labels, const Path& path) {
  return detail::forEachField(
      labels, path, [&](std::string_view key, Value& value, const Path& field) -> Status {
        std::string_view* target = nullptr;
        if (key == "kubernetes.io/os") {
          target = &node_.label_os;
        } else if (key == "kubernetes.io/arch") {
          target = &node_.label_arch;
        } else if (key == "beta.kubernetes.io/os") {
          target = &node_.beta_os;
        } else if (key == "beta.kubernetes.io/arch") {
          target = &node_.beta_arch;
        }
        return target != nullptr ? detail::readText(value, field, *target) : ok();
      });
}

// One pass serves a Pod's spec and a workload's spec.template alike while the kind is unknown:
// PodSpec and the workload specs share no image-relevant field names.
Status ObjectReader::readSpec(Object& spec, const Path& path) {
  const bool pod = wantsSpec(SpecPath::kPodSpec);
  const bool pod_template = wantsSpec(SpecPath::kTemplate);
  const bool job_template = wantsSpec(SpecPath::kJobTemplate);
  if (!pod && !pod_template && !job_template) {
    return ok();  // a kind without a pod spec: simdjson skips the whole subtree
  }
  return detail::forEachField(
      spec, path, [&](std::string_view key, Value& value, const Path& field) -> Status {
        if (key == "template") {
          return pod_template ? readTemplate(value, field, template_spec_) : ok();
        }
        if (key == "jobTemplate") {
          return job_template ? readJobTemplate(value, field) : ok();
        }
        return pod ? detail::readPodSpecField(key, value, field, pod_spec_) : ok();
      });
}

// A CronJob's JobTemplateSpec: {metadata, spec: JobSpec{template: PodTemplateSpec}}.
Status ObjectReader::readJobTemplate(Value& value, const Path& path) {
  return detail::withObject(value, path, [&](Object& job_template, const Path& p) {
    return detail::forEachField(
        job_template, p, [&](std::string_view key, Value& v, const Path& field) -> Status {
          if (key != "spec") {
            return ok();
          }
          return detail::withObject(v, field, [&](Object& job_spec, const Path& sp) {
            return detail::forEachField(
                job_spec, sp, [&](std::string_view k, Value& tv, const Path& tp) -> Status {
                  return k == "template" ? readTemplate(tv, tp, job_spec_) : ok();
                });
          });
        });
  });
}

// A PodTemplateSpec: {metadata, spec}; only spec matters.
Status ObjectReader::readTemplate(Value& value, const Path& path, PodSpecParts& out) {
  return detail::withObject(value, path, [&](Object& pod_template, const Path& p) {
    return detail::forEachField(
        pod_template, p, [&](std::string_view key, Value& v, const Path& field) -> Status {
          if (key != "spec") {
            return ok();
          }
          return detail::withObject(v, field, [&](Object& spec, const Path& sp) {
            return detail::readPodSpec(spec, sp, out);
          });
        });
  });
}

Status ObjectReader::readStatus(Object& status, const Path& path) {
  return detail::forEachField(
      status, path, [&](std::string_view key, Value& value, const Path& field) -> Status {
        if (key == "nodeInfo") {
          if (!wants(Kind::kNode)) {
            return ok();
          }
          return detail::withObject(value, field, [&](Object& info, const Path& p) {
            return detail::forEachField(
                info, p, [&](std::string_view k, Value& v, const Path& ip) -> Status {
                  if (k == "operatingSystem") {
                    return detail::readText(v, ip, node_.info_os);
                  }
                  return k == "architecture" ? detail::readText(v, ip, node_.info_arch) : ok();
                });
          });
        }
        return wants(Kind::kPod) ? detail::readPodStatusField(key, value, field, pod_status_)
                                 : ok();
      });
}

WorkloadSummary ObjectReader::finish(std::string_view default_kind) {
  std::string_view kind_name = kind_seen_ ? kind_ : default_kind;
  summary_.kind_name.assign(kind_name);
  summary_.kind = classify(kind_name, api_version_);
  switch (specPath(summary_.kind)) {
    case SpecPath::kPodSpec:
      summary_.images = pod_spec_.takeImages();
      summary_.node_name = std::move(pod_spec_.node_name);
      summary_.phase = std::move(pod_status_.phase);
      detail::applyImageIds(pod_status_.image_ids, summary_.images);
      break;
    case SpecPath::kTemplate:
      summary_.images = template_spec_.takeImages();
      break;
    case SpecPath::kJobTemplate:
      summary_.images = job_spec_.takeImages();
      break;
    case SpecPath::kNone:
      break;
  }
  if (summary_.kind == Kind::kNode) {
    // No Kubernetes-wide label carries a CPU variant (arm/v7 vs v6); it stays empty.
    summary_.node_os = firstNonEmpty(node_.info_os, node_.label_os, node_.beta_os);
    summary_.node_arch = firstNonEmpty(node_.info_arch, node_.label_arch, node_.beta_arch);
  }
  return std::move(summary_);
}

}  // namespace

Result<WorkloadSummary> extractSummary(simdjson::ondemand::object& object,
                                       std::string_view default_kind) {
  ObjectReader reader;
  Path root;
  RETURN_IF_ERROR(reader.read(object, root));
  return reader.finish(default_kind);
}

Result<WorkloadSummary> extractSummary(simdjson::ondemand::value& value,
                                       std::string_view default_kind) {
  Object object;
  RETURN_IF_ERROR(detail::asObject(value, Path{}, object));
  return extractSummary(object, default_kind);
}

Result<WorkloadSummary> SummaryExtractor::extract(simdjson::padded_string_view json,
                                                  std::string_view default_kind) {
  Path root;
  simdjson::ondemand::document doc;
  if (auto err = parser_.iterate(json).get(doc)) {
    return fail(detail::jsonError(root, err));
  }
  simdjson::ondemand::json_type type;
  if (auto err = doc.type().get(type)) {
    return fail(detail::jsonError(root, err));
  }
  if (type != simdjson::ondemand::json_type::object) {
    return fail(detail::typeError(root, "an object", type));
  }
  simdjson::ondemand::object object;
  if (auto err = doc.get_object().get(object)) {
    return fail(detail::jsonError(root, err));
  }
  ASSIGN_OR_RETURN(WorkloadSummary summary, extractSummary(object, default_kind));
  // On-Demand stops at the end of the root object; anything after it is malformed input.
  if (!doc.current_location().error()) {
    return fail(ErrorCode::kInvalidArgument, "invalid json (content after the object)");
  }
  return summary;
}

Result<WorkloadSummary> SummaryExtractor::extract(const simdjson::padded_string& json,
                                                  std::string_view default_kind) {
  return extract(static_cast<simdjson::padded_string_view>(json), default_kind);
}

Result<WorkloadSummary> SummaryExtractor::extract(std::string_view json,
                                                  std::string_view default_kind) {
  padded_.assign(json);
  padded_.resize(json.size() + simdjson::SIMDJSON_PADDING);  // keeps capacity across calls
  return extract(simdjson::padded_string_view(padded_.data(), json.size(), padded_.size()),
                 default_kind);
}

}  // namespace copycat::workload
