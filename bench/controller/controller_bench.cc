// controller_bench: the real `copycat run` against a cluster of 2,000 workloads on 200 images
// (shared base layers) in FakeApiServer, mirroring between two local docker-registry
// processes: time from start to all mirrored, registry requests per image, peak RSS, then the
// event -> copy-start latency of new Deployments created one at a time. The peer, measured in
// the same run: `skopeo copy --all` of the same images one after another into a fresh registry.
// Prints a report (README.md explains every figure); run.sh builds and runs it.
//
//   controller_bench --copycat PATH [--images 200] [--workloads 2000] [--namespaces 20]
//                    [--new 100] [--base-kib 1024,512,256] [--unique-kib 16] [--workers N]
//                    [--no-skopeo] [--timeout 600] [--out DIR] [--keep]
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "base/result.h"
#include "bench_cluster.h"
#include "bench_images.h"
#include "copycat_log.h"
#include "copycat_process.h"
#include "phases.h"
#include "report.h"
#include "skopeo_peer.h"
#include "support/fake_api_objects.h"
#include "support/fake_api_server.h"
#include "support/harness_process.h"
#include "support/image_fixture.h"
#include "support/image_fixture_client.h"
#include "support/listen_backlog.h"
#include "support/registry_harness.h"

namespace copycat::bench {
namespace {

namespace fs = std::filesystem;
using testing::RegistryProcess;

struct Flags {
  std::string copycat{};
  int images = 200;
  int workloads = 2000;
  int namespaces = 20;
  int new_deployments = 100;
  std::vector<uint64_t> base_kib{1024, 512, 256};
  uint64_t unique_kib = 16;
  int workers = 0;
  bool skopeo = true;
  int timeout_s = 600;
  std::string out{};
  bool keep = false;
};

void note(const std::string& text) { std::cerr << "== " << text << std::endl; }

std::string firstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string loadAverage() {
  const std::string line = firstLine("/proc/loadavg");
  size_t end = 0;
  for (int i = 0; i < 3 && end != std::string::npos; ++i) {
    end = line.find(' ', end + 1);
  }
  return line.substr(0, end);
}

// Peak RSS of `copycat --help`: the floor of shared libraries and runtime.
long idleRssKib(const std::string& copycat, const std::string& dir) {
  const std::string file = dir + "/idle.time";
  auto run = testing::runCommand({"/usr/bin/time", "-f", "%M", "-o", file, copycat, "--help"});
  return run ? std::atol(firstLine(file).c_str()) : -1;
}

std::string tail(const std::string& path, size_t lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) {
    all.push_back(line);
  }
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    out += "  " + all[i] + "\n";
  }
  return out;
}

struct ImageSets {
  std::vector<BenchImage> initial;
  std::vector<BenchImage> fresh;  // one per new Deployment
};

Result<ImageSets> pushImages(const Flags& f, RegistryProcess& source, ImageSetSpec* spec) {
  ASSIGN_OR_RETURN(auto fixture, testing::ImageFixture::create(/*seed=*/42));
  testing::RegistryHttpClient client(testing::RegistryEndpoint::of(source));
  spec->registry_host = source.host();
  spec->count = f.images;
  spec->base_kib = f.base_kib;
  spec->unique_kib = f.unique_kib;
  ImageSets sets;
  ASSIGN_OR_RETURN(sets.initial, pushImageSet(*fixture, client, *spec));
  ImageSetSpec fresh = *spec;
  fresh.name_prefix = "new";
  fresh.count = f.new_deployments;
  ASSIGN_OR_RETURN(sets.fresh, pushImageSet(*fixture, client, fresh));
  return sets;
}

std::map<std::string, uint64_t> apiRequests(const testing::FakeApiServer& api) {
  std::map<std::string, uint64_t> out;
  for (const auto& resource : testing::fakeapi::allResources()) {
    for (const char* verb : {"list", "watch", "get", "create", "update", "delete", "PATCH"}) {
      if (uint64_t n = api.requestCount(verb, resource.name); n > 0) {
        out[std::string(verb) + " " + std::string(resource.name)] = n;
      }
    }
  }
  return out;
}

// The tail of copycat's log next to an error, for the operator.
Error withLog(const Error& error, const CopycatProcess& copycat) {
  return Error{error.code, error.message + "\nlast lines of " + copycat.stderrFile() + ":\n" +
                               tail(copycat.stderrFile(), 30)};
}

void attachReconcileStarts(const CopycatLogScan& log, const std::string& target_host,
                           const std::vector<BenchImage>& images, LatencyResult* latency) {
  for (size_t i = 0; i < latency->samples.size() && i < images.size(); ++i) {
    const std::string target = target_host + "/" + images[i].repository + ":" + images[i].tag;
    if (auto it = log.reconcile_started.find(target); it != log.reconcile_started.end()) {
      latency->samples[i].reconcile_started = it->second;
    }
  }
}

Status measureCopycat(const Flags& f, const std::string& dir, testing::FakeApiServer& api,
                      RegistryPair& pair, const ImageSets& sets, BenchResults* r) {
  CopycatOptions options;
  options.binary = f.copycat;
  options.work_dir = dir;
  options.api_url = api.url();
  options.api_token = "bench-token";
  options.source_host = pair.source->host();
  options.target_host = pair.target->host();
  options.max_concurrent_reconciles = f.workers;
  pair.mark();
  note("starting copycat run; waiting until " + std::to_string(f.images) + " images are mirrored");
  ASSIGN_OR_RETURN(auto copycat, CopycatProcess::start(options));
  auto sync = waitForInitialSync(*copycat, pair, sets.initial, std::chrono::seconds(f.timeout_s));
  if (!sync) {
    return fail(withLog(sync.error(), *copycat));
  }
  r->sync = *sync;
  note("creating " + std::to_string(sets.fresh.size()) + " Deployments one at a time");
  auto latency =
      measureLatency(*copycat, api, pair, sets.fresh, f.namespaces, std::chrono::seconds(60));
  if (!latency) {
    return fail(withLog(latency.error(), *copycat));
  }
  r->latency = *latency;
  r->metrics = copycat->metricsText().value_or("");
  r->exit_code = copycat->stop(std::chrono::seconds(30));
  r->log = scanCopycatLog(copycat->stderrFile());
  attachReconcileStarts(r->log, pair.target->host(), sets.fresh, &r->latency);
  r->mismatches = verifyTarget(*pair.target, sets.initial);
  for (auto& m : verifyTarget(*pair.target, sets.fresh)) {
    r->mismatches.push_back(std::move(m));
  }
  r->api_requests = apiRequests(api);
  return ok();
}

Status measurePeer(RegistryProcess& source, const std::vector<BenchImage>& images,
                   const std::string& dir, BenchResults* r) {
  note("skopeo copy --all of " + std::to_string(images.size()) + " images into a fresh registry");
  ASSIGN_OR_RETURN(auto target, RegistryProcess::start(RegistryProcess::anonymous()));
  source.clearAccessLog();
  ASSIGN_OR_RETURN(PeerResult peer, runSkopeoLoop(images, source.host(), target->host(), dir));
  r->peer = std::move(peer);
  r->peer_source = summarize(source.accessLog());
  r->peer_target = summarize(target->accessLog());
  r->peer_mismatches = verifyTarget(*target, images);
  return ok();
}

Result<std::unique_ptr<testing::FakeApiServer>> startCluster(const Flags& f,
                                                             const std::vector<BenchImage>& images,
                                                             BenchResults* r) {
  testing::FakeApiServer::Options options;
  options.history_limit = 100'000;
  options.threads = 64;  // every open watch and kept-alive connection holds one
  auto api = std::make_unique<testing::FakeApiServer>(options);
  RETURN_IF_ERROR(api->start());
  testing::deepenListenBacklog(api->port());
  api->setRequiredToken("bench-token");
  ASSIGN_OR_RETURN(r->cluster, loadCluster(*api, ClusterSpec{f.workloads, f.namespaces}, images));
  r->namespaces = f.namespaces;
  return api;
}

void writeOutputs(const Flags& f, const std::string& dir, const BenchResults& r) {
  if (f.out.empty()) {
    return;
  }
  std::error_code ec;
  fs::create_directories(f.out, ec);
  std::ofstream report(f.out + "/report.txt");
  printReport(report, r);
  std::ofstream latency(f.out + "/latency.tsv");
  writeLatencyTsv(latency, r.latency);
  std::ofstream(f.out + "/metrics.txt") << r.metrics;
  fs::copy_file(dir + "/copycat.err", f.out + "/copycat.log", fs::copy_options::overwrite_existing,
                ec);
}

Status run(const Flags& f, const std::string& dir) {
  BenchResults r;
  r.copycat_binary = f.copycat;
  r.workers = f.workers;
  r.load_start = loadAverage();
  r.idle_rss_kib = idleRssKib(f.copycat, dir);
  ASSIGN_OR_RETURN(auto source, RegistryProcess::start(RegistryProcess::anonymous()));
  ASSIGN_OR_RETURN(auto target, RegistryProcess::start(RegistryProcess::anonymous()));
  note("pushing " + std::to_string(f.images + f.new_deployments) + " images to " + source->host());
  ASSIGN_OR_RETURN(ImageSets sets, pushImages(f, *source, &r.image_spec));
  r.census = blobCensus(sets.initial);
  ASSIGN_OR_RETURN(auto api, startCluster(f, sets.initial, &r));
  RegistryPair pair{source.get(), target.get()};
  RETURN_IF_ERROR(measureCopycat(f, dir, *api, pair, sets, &r));
  api->stop();
  if (f.skopeo) {
    RETURN_IF_ERROR(measurePeer(*source, sets.initial, dir, &r));
  }
  r.load_end = loadAverage();
  printReport(std::cout, r);
  writeOutputs(f, dir, r);
  const bool good = r.mismatches.empty() && r.exit_code == 0 && r.latency.timeouts == 0 &&
                    (!r.peer || (r.peer->failures == 0 && r.peer_mismatches.empty()));
  return good ? ok() : fail(ErrorCode::kInternal, "a check failed: see \"checks\" above");
}

}  // namespace
}  // namespace copycat::bench

int main(int argc, char** argv) {
  copycat::bench::Flags f;
  CLI::App app{"copycat run against 2,000 workloads on 200 images, and a skopeo loop as peer"};
  app.add_option("--copycat", f.copycat, "The copycat binary to measure")->required();
  app.add_option("--images", f.images, "Distinct images of the initial cluster")
      ->check(CLI::Range(1, 10000));
  app.add_option("--workloads", f.workloads, "Workloads referencing them")
      ->check(CLI::Range(1, 100000));
  app.add_option("--namespaces", f.namespaces, "Namespaces")->check(CLI::Range(1, 1000));
  app.add_option("--new", f.new_deployments, "New Deployments timed one at a time (0 = none)")
      ->check(CLI::Range(0, 10000));
  app.add_option("--base-kib", f.base_kib, "Sizes of the shared base layers (KiB, comma-separated)")
      ->delimiter(',');
  app.add_option("--unique-kib", f.unique_kib, "Size of each image's own layer (KiB)");
  app.add_option("--workers", f.workers, "maxConcurrentReconciles (0 = copycat's default)")
      ->check(CLI::Range(0, 64));
  app.add_flag("--skopeo,!--no-skopeo", f.skopeo, "Measure the skopeo loop (default on)");
  app.add_option("--timeout", f.timeout_s, "Seconds allowed for the initial sync");
  app.add_option("--out", f.out, "Directory for report.txt, latency.tsv and copycat.log");
  app.add_flag("--keep", f.keep, "Keep the work directory (configs, copycat's logs)");
  CLI11_PARSE(app, argc, argv);

  namespace fs = std::filesystem;
  std::string dir = (fs::temp_directory_path() / "copycat-controller-bench-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) {
    std::cerr << "controller_bench: cannot create a work directory\n";
    return 1;
  }
  auto status = copycat::bench::run(f, dir);
  if (f.keep || !status) {
    std::cerr << "work directory kept: " << dir << "\n";
  } else {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  if (!status) {
    std::cerr << "controller_bench: " << status.error().message << "\n";
    return 1;
  }
  return 0;
}
