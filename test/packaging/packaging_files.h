// Helpers for the packaging checks: load the repository's YAML files (multi-document) and run
// the copycat binary. Test-only; plain functions, safe to call from any thread.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace copycat::packaging {

// An absolute path inside the source tree ("deploy/kubernetes" -> /.../deploy/kubernetes).
std::filesystem::path sourcePath(const std::string& relative);

std::string readFile(const std::filesystem::path& path);

// Every document of a YAML file; null documents (e.g. after a trailing "---") are dropped.
// Parse errors become a test failure naming the file and are returned as an empty list.
std::vector<YAML::Node> loadDocuments(const std::filesystem::path& path);

// One Kubernetes object, with the file it came from.
struct Object {
  std::string file;
  YAML::Node node;

  std::string kind() const;
  std::string name() const;
  std::string nameSpace() const;
};

// Every object in every *.yaml file of `dir` except those named in `skip`.
std::vector<Object> loadObjects(const std::filesystem::path& dir,
                                const std::set<std::string>& skip);

// The single object of this kind (and name, when not empty); fails the test otherwise.
const Object* findObject(const std::vector<Object>& objects, const std::string& kind,
                         const std::string& name = "");

// A scalar sequence as strings; a missing node gives an empty list.
std::vector<std::string> scalarList(const YAML::Node& node);

// RBAC rules folded into "group/resource" -> verbs, with "*" kept literally so callers can
// reject it. Rules with resourceNames are folded too; `named` collects their names per key.
using RuleSet = std::map<std::string, std::set<std::string>>;
RuleSet foldRules(const YAML::Node& rules, std::map<std::string, std::set<std::string>>* named);

// Looks up a dotted path ("serviceMonitor.enabled") in a map tree; returns whether it exists.
bool hasPath(const YAML::Node& root, const std::string& dotted);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` with exactly `env` as its environment (plus PATH), capturing stdout and stderr.
CommandResult runCommand(const std::vector<std::string>& argv,
                         const std::vector<std::pair<std::string, std::string>>& env);

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace copycat::packaging
