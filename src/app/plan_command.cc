#include "app/plan_command.h"

#include <array>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/config_flags.h"
#include "app/options_mapping.h"
#include "app/version.h"
#include "base/clock.h"
#include "base/log.h"
#include "kube/api_client.h"
#include "kube/cluster_snapshot.h"
#include "kube/kube_config.h"
#include "planner/mirror_planner.h"
#include "workload/image_uses.h"
#include "workload/manifest_reader.h"

namespace copycat::app {
namespace {

struct PlanFlags {
  ConfigFlags config;
  std::vector<std::string> files;  // empty: the live cluster
  std::string kubeconfig;
  std::string context;
  std::string output = "table";
};

// One line of output: an image use and what copycat would do with it.
struct PlanRecord {
  std::string file;     // "" for the live cluster
  size_t document = 0;  // 1-based document in `file`
  workload::ImageUse use;
  planner::Decision decision;
};

nlohmann::json recordJson(const PlanRecord& r) {
  const auto& d = r.decision;
  nlohmann::json j = {
      {"kind", r.use.kind_name},
      {"namespace", r.use.namespace_name},
      {"name", r.use.name},
      {"container", r.use.container},
      {"containerType", workload::containerTypeName(r.use.container_type)},
      {"image", r.use.image},
      {"source", d.source ? d.source->str() : ""},
      {"action", planner::actionName(d.action)},
      {"target", d.target ? d.target->str() : ""},
      {"reason", d.reason},
      {"detail", d.detail},
      {"file", r.file},
      {"document", r.document},
  };
  return j;
}

std::string outcomeColumn(const planner::Decision& d) {
  if (d.action == planner::Action::kMirror) {
    return d.target->str();
  }
  return fmt::format("{}: {} ({})", planner::actionName(d.action), d.reason, d.detail);
}

void printTable(const std::vector<PlanRecord>& records) {
  std::vector<std::array<std::string, 7>> rows;
  rows.push_back({"KIND", "NAMESPACE", "NAME", "CONTAINER", "IMAGE", "SOURCE", "TARGET"});
  for (const auto& r : records) {
    std::string source = r.decision.source ? r.decision.source->str() : "-";
    rows.push_back({r.use.kind_name, r.use.namespace_name, r.use.name, r.use.container, r.use.image,
                    source, outcomeColumn(r.decision)});
  }
  std::array<size_t, 7> width{};
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += i + 1 == row.size() ? row[i] : fmt::format("{:<{}}  ", row[i], width[i]);
    }
    std::cout << line << "\n";
  }
}

// What the cluster runs now: one paginated LIST per kind, attributed exactly as the controller
// attributes watch events (kube::snapshotDemands).
Result<std::vector<kube::ImageDemand>> clusterDemands(const PlanFlags& flags,
                                                      const planner::MirrorPlanner& planner) {
  kube::LoadOptions load;
  load.kubeconfig_path = flags.kubeconfig;
  load.context = flags.context;
  load.user_agent = "copycat/" + std::string(version());
  ASSIGN_OR_RETURN(auto cluster, kube::loadClusterConfig(load));
  ASSIGN_OR_RETURN(auto api, kube::ApiClient::create(cluster, SystemClock::instance()));
  return kube::snapshotDemands(*api, planner.filter(), {}, false);
}

int runPlan(const PlanFlags& flags) {
  auto loaded = loadConfigOrReport(flags.config);
  if (!loaded) {
    return kExitUsage;
  }
  log::setLevel(loaded->config.log_level);
  auto options = plannerOptions(loaded->config);
  auto planner = options.and_then(
      [](const planner::PlannerOptions& o) { return planner::MirrorPlanner::create(o); });
  if (!planner) {
    std::cerr << "copycat: invalid configuration:\n  " << planner.error().message << "\n";
    return kExitUsage;
  }
  std::vector<PlanRecord> records;
  workload::ReadResult read;
  if (flags.files.empty()) {
    auto demands = clusterDemands(flags, *planner);
    if (!demands) {
      std::cerr << "copycat: " << demands.error().message << "\n";
      return kExitFailed;
    }
    for (auto& demand : *demands) {
      auto decision = planner->decide(demand.use);
      records.push_back({"", 0, std::move(demand.use), std::move(decision)});
    }
  } else {
    read = workload::readManifests(flags.files);
    for (const auto& object : read.objects) {
      for (auto& use : workload::imageUses(object.summary)) {
        auto decision = planner->decide(use);
        records.push_back({object.file, object.document, std::move(use), std::move(decision)});
      }
    }
  }
  bool any_invalid = !read.problems.empty();
  for (const auto& r : records) {
    any_invalid = any_invalid || r.decision.action == planner::Action::kInvalid;
  }
  if (flags.output == "json") {
    for (const auto& r : records) {
      std::cout << recordJson(r).dump() << "\n";
    }
  } else {
    printTable(records);
  }
  for (const auto& p : read.problems) {
    std::cerr << fmt::format("copycat: {}: document {}: {}\n", p.file, p.document, p.reason);
  }
  return any_invalid ? kExitFailed : kExitOk;
}

}  // namespace

void addPlanCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<PlanFlags>();
  auto* cmd = app.add_subcommand(
      "plan",
      "Print, for every image the manifests (or the cluster) use, where copycat would mirror it");
  cmd->add_option("-f,--filename", flags->files,
                  "Manifest files or directories (repeatable); without it, the live cluster")
      ->check(CLI::ExistingPath);
  cmd->add_option("--kubeconfig", flags->kubeconfig, "Kubeconfig file (live cluster)");
  cmd->add_option("--context", flags->context, "Kubeconfig context (live cluster)");
  cmd->add_option("-o,--output", flags->output, "Output format")
      ->check(CLI::IsMember({"table", "json"}));
  addConfigFlag(*cmd, flags->config);
  cmd->callback([flags, exit_code] { *exit_code = runPlan(*flags); });
}

}  // namespace copycat::app
