// Helpers shared by the kube tests: a temporary directory and a manual clock.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>

#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"

namespace copycat::kube::testing {

// A fresh directory under $TMPDIR, removed with its content on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kube_test.XXXXXX").string();
    char* made = ::mkdtemp(pattern.data());
    path_ = made != nullptr ? made : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

  // Writes `content` to `name` (creating parent directories) and returns the full path.
  std::string write(const std::string& name, const std::string& content, bool executable = false) {
    std::string full = file(name);
    std::filesystem::create_directories(std::filesystem::path(full).parent_path());
    {
      std::ofstream out(full, std::ios::binary | std::ios::trunc);
      out << content;
    }
    if (executable) {
      ::chmod(full.c_str(), 0755);
    }
    return full;
  }

 private:
  std::string path_;
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  Steady::time_point now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return steady_;
  }
  Wall::time_point wallNow() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return wall_;
  }
  void advance(std::chrono::nanoseconds d) {
    std::lock_guard<std::mutex> lock(mu_);
    steady_ += std::chrono::duration_cast<Steady::duration>(d);
    wall_ += std::chrono::duration_cast<Wall::duration>(d);
  }
  void setWall(Wall::time_point t) {
    std::lock_guard<std::mutex> lock(mu_);
    wall_ = t;
  }

 private:
  mutable std::mutex mu_;
  Steady::time_point steady_{std::chrono::hours(1000)};
  Wall::time_point wall_{std::chrono::sys_days(std::chrono::year(2024) / 5 / 1)};
};

}  // namespace copycat::kube::testing
