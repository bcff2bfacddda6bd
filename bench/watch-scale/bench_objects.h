// Realistic Kubernetes objects for the watch-scale benchmark: pods of 4-8 KB as a real API
// server serves them (labels, annotations, managedFields, env, probes, volumes, five
// containers, statuses with imageIDs), plus their Deployments, ReplicaSets, namespaces and
// nodes.
#pragma once

#include <string>

namespace copycat::bench {

struct ClusterShape {
  int pods = 10000;
  int pods_per_deployment = 5;
  int namespaces = 20;
  int nodes = 40;  // every fourth one arm64
  int containers = 5;
};

// Index-based names: deployment d lives in namespace d % namespaces.
std::string namespaceName(const ClusterShape& shape, int deployment);
std::string deploymentName(int deployment);

std::string namespaceJson(const std::string& name);
std::string nodeJson(int node);
std::string deploymentJson(const ClusterShape& shape, int deployment);
std::string replicaSetJson(const ClusterShape& shape, int deployment);
// `revision` changes the status (restart counts, timestamps): a status-only update.
std::string podJson(const ClusterShape& shape, int pod, int revision);

}  // namespace copycat::bench
