#include "packaging/packaging_files.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>

#include "base/strings.h"

extern char** environ;

namespace copycat::packaging {

std::filesystem::path sourcePath(const std::string& relative) {
  return std::filesystem::path(COPYCAT_SOURCE_DIR) / relative;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<YAML::Node> loadDocuments(const std::filesystem::path& path) {
  std::vector<YAML::Node> documents;
  try {
    for (const auto& doc : YAML::LoadAll(readFile(path))) {
      if (doc && !doc.IsNull()) {
        documents.push_back(doc);
      }
    }
  } catch (const YAML::Exception& e) {
    ADD_FAILURE() << path << " is not valid YAML: " << e.what();
    documents.clear();
  }
  return documents;
}

std::string Object::kind() const { return node["kind"].as<std::string>(""); }
std::string Object::name() const { return node["metadata"]["name"].as<std::string>(""); }
std::string Object::nameSpace() const { return node["metadata"]["namespace"].as<std::string>(""); }

std::vector<Object> loadObjects(const std::filesystem::path& dir,
                                const std::set<std::string>& skip) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto& p = entry.path();
    if (entry.is_regular_file() && p.extension() == ".yaml" &&
        skip.count(p.filename().string()) == 0) {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Object> objects;
  for (const auto& file : files) {
    for (auto& doc : loadDocuments(file)) {
      objects.push_back(Object{file.filename().string(), doc});
    }
  }
  return objects;
}

const Object* findObject(const std::vector<Object>& objects, const std::string& kind,
                         const std::string& name) {
  const Object* found = nullptr;
  int count = 0;
  for (const auto& object : objects) {
    if (object.kind() == kind && (name.empty() || object.name() == name)) {
      found = &object;
      ++count;
    }
  }
  if (count != 1) {
    ADD_FAILURE() << "want exactly one " << kind << (name.empty() ? "" : " " + name) << ", found "
                  << count;
    return nullptr;
  }
  return found;
}

std::vector<std::string> scalarList(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node && node.IsSequence()) {
    for (const auto& item : node) {
      out.push_back(item.as<std::string>(""));
    }
  }
  return out;
}

RuleSet foldRules(const YAML::Node& rules, std::map<std::string, std::set<std::string>>* named) {
  RuleSet folded;
  if (!rules || !rules.IsSequence()) {
    return folded;
  }
  for (const auto& rule : rules) {
    auto names = scalarList(rule["resourceNames"]);
    for (const auto& group : scalarList(rule["apiGroups"])) {
      for (const auto& resource : scalarList(rule["resources"])) {
        std::string key = group + "/" + resource;
        for (const auto& verb : scalarList(rule["verbs"])) {
          folded[key].insert(verb);
        }
        if (named != nullptr && !names.empty()) {
          (*named)[key].insert(names.begin(), names.end());
        }
      }
    }
    for (const auto& url : scalarList(rule["nonResourceURLs"])) {
      folded["nonResourceURL:" + url].insert("*");
    }
  }
  return folded;
}

bool hasPath(const YAML::Node& root, const std::string& dotted) {
  YAML::Node node;
  node.reset(root);
  for (const auto& part : strings::split(dotted, '.')) {
    if (!node.IsMap()) {
      return false;
    }
    const YAML::Node& current = node;
    YAML::Node child = current[part];  // const lookup: never inserts
    if (!child.IsDefined()) {
      return false;
    }
    node.reset(child);
  }
  return true;
}

CommandResult runCommand(const std::vector<std::string>& argv,
                         const std::vector<std::pair<std::string, std::string>>& env) {
  CommandResult result;
  TempDir dir;
  const std::string out_path = (dir.path() / "stdout").string();
  const std::string err_path = (dir.path() / "stderr").string();
  std::vector<std::string> env_text = {"PATH=/usr/local/bin:/usr/bin:/bin"};
  // Keep the sanitizer settings of the test run for an instrumented binary.
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* value = std::getenv(name)) {
      env_text.push_back(std::string(name) + "=" + value);
    }
  }
  for (const auto& [key, value] : env) {
    env_text.push_back(key + "=" + value);
  }
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& e : env_text) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot start " << argv[0] << ": " << std::strerror(rc);
    return result;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = readFile(out_path);
  result.err = readFile(err_path);
  return result;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "copycat-pkg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed: " << std::strerror(errno);
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace copycat::packaging
