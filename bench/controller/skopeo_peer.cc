#include "skopeo_peer.h"

#include <algorithm>
#include <chrono>
#include <fstream>

#include "support/harness_process.h"

namespace copycat::bench {
namespace {

struct TimeOutput {
  double user_s = 0;
  double sys_s = 0;
  long rss_kib = 0;
};

// GNU time's -f "%U %S %M" line; the file holds only that line unless the command was killed.
TimeOutput readTimeFile(const std::string& path) {
  TimeOutput t;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    TimeOutput parsed;
    if (std::sscanf(line.c_str(), "%lf %lf %ld", &parsed.user_s, &parsed.sys_s, &parsed.rss_kib) ==
        3) {
      t = parsed;
    }
  }
  return t;
}

std::vector<std::string> copyCommand(const std::string& time_file, const std::string& src,
                                     const std::string& dst) {
  return {"/usr/bin/time",
          "-f",
          "%U %S %M",
          "-o",
          time_file,
          "skopeo",
          "--insecure-policy",
          "copy",
          "--all",
          "--quiet",
          "--src-tls-verify=false",
          "--dest-tls-verify=false",
          "--src-no-creds",
          "--dest-no-creds",
          "docker://" + src,
          "docker://" + dst};
}

}  // namespace

Result<PeerResult> runSkopeoLoop(const std::vector<BenchImage>& images,
                                 const std::string& source_host, const std::string& target_host,
                                 const std::string& work_dir) {
  for (const char* program : {"skopeo", "/usr/bin/time"}) {
    if (testing::findProgram(program).empty()) {
      return fail(ErrorCode::kNotFound, std::string(program) + " not found");
    }
  }
  PeerResult result;
  const std::string time_file = work_dir + "/skopeo.time";
  testing::CommandOptions options;
  options.timeout = std::chrono::minutes(2);
  const auto loop_start = std::chrono::steady_clock::now();
  for (const auto& image : images) {
    const std::string ref = image.repository + ":" + image.tag;
    const auto start = std::chrono::steady_clock::now();
    auto run = testing::runCommand(
        copyCommand(time_file, source_host + "/" + ref, target_host + "/" + ref), options);
    result.per_image_s.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    if (!run || run->exit_code != 0) {
      if (result.failures++ == 0) {
        result.first_failure = ref + ": " + (run ? run->err : run.error().message);
      }
      continue;
    }
    const TimeOutput t = readTimeFile(time_file);
    result.cpu_s += t.user_s + t.sys_s;
    result.max_rss_kib = std::max(result.max_rss_kib, t.rss_kib);
  }
  result.wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - loop_start).count();
  return result;
}

}  // namespace copycat::bench
