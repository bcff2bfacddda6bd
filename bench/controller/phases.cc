#include "phases.h"

#include <algorithm>
#include <map>
#include <thread>

#include "bench_cluster.h"
#include "support/image_fixture_client.h"

namespace copycat::bench {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kSyncPoll{50};
constexpr milliseconds kPutPoll{2};
constexpr milliseconds kCachePoll{5};

std::string targetOf(const testing::RegistryProcess& target, const BenchImage& image) {
  return target.host() + "/" + image.repository + ":" + image.tag;
}

// lastPush per image target, of those copycat reports as mirrored.
Result<std::map<std::string, WallTime>> mirroredTargets(CopycatProcess& copycat) {
  ASSIGN_OR_RETURN(std::vector<MirroredTarget> entries, copycat.mirrored());
  std::map<std::string, WallTime> out;
  for (auto& e : entries) {
    out.emplace(std::move(e.target), e.last_push);
  }
  return out;
}

void fillTimelineFigures(const RegistryPair& registries, SyncResult* result, WallTime started) {
  for (const auto& r : registries.timeline()) {
    const double start = secondsBetween(started, r.start);
    if (result->first_request_s < 0 || start < result->first_request_s) {
      result->first_request_s = start;
    }
  }
  for (const auto& r :
       readRequestTimeline(registries.target->logFile(), registries.target_offset)) {
    if (r.method == "PUT" && r.status == 201 && r.uri.find("/manifests/") != std::string::npos) {
      result->last_put_s = std::max(result->last_put_s, secondsBetween(started, r.end));
    }
  }
}

}  // namespace

double secondsBetween(WallTime from, WallTime to) {
  return std::chrono::duration<double>(to - from).count();
}

void RegistryPair::mark() {
  source->clearAccessLog();
  target->clearAccessLog();
  source_offset = fileSize(source->logFile());
  target_offset = fileSize(target->logFile());
}

std::vector<TimedRequest> RegistryPair::timeline() const {
  auto out = readRequestTimeline(source->logFile(), source_offset);
  auto more = readRequestTimeline(target->logFile(), target_offset);
  out.insert(out.end(), more.begin(), more.end());
  std::sort(out.begin(), out.end(),
            [](const TimedRequest& a, const TimedRequest& b) { return a.start < b.start; });
  return out;
}

Result<SyncResult> waitForInitialSync(CopycatProcess& copycat, RegistryPair& registries,
                                      const std::vector<BenchImage>& images,
                                      std::chrono::seconds timeout) {
  SyncResult result;
  const WallTime started = copycat.startedAt();
  const auto deadline = SteadyClock::now() + timeout;
  std::map<std::string, WallTime> done;
  while (SteadyClock::now() < deadline) {
    if (!copycat.running()) {
      return fail(ErrorCode::kUnavailable, "copycat exited during the initial sync");
    }
    if (result.ready_s < 0 && copycat.ready()) {
      result.ready_s = secondsBetween(started, std::chrono::system_clock::now());
    }
    if (auto mirrored = mirroredTargets(copycat)) {
      done = std::move(*mirrored);
    }
    result.mirrored = static_cast<int>(std::count_if(images.begin(), images.end(), [&](auto& i) {
      return done.contains(targetOf(*registries.target, i));
    }));
    if (result.mirrored == static_cast<int>(images.size())) {
      break;
    }
    std::this_thread::sleep_for(kSyncPoll);
  }
  result.proc = copycat.sample();
  if (result.mirrored != static_cast<int>(images.size())) {
    return fail(ErrorCode::kDeadlineExceeded, "only " + std::to_string(result.mirrored) + " of " +
                                                  std::to_string(images.size()) +
                                                  " images mirrored in time");
  }
  for (const auto& image : images) {
    result.all_mirrored_s = std::max(
        result.all_mirrored_s, secondsBetween(started, done[targetOf(*registries.target, image)]));
  }
  result.source = summarize(registries.source->accessLog());
  result.target = summarize(registries.target->accessLog());
  fillTimelineFigures(registries, &result, started);
  return result;
}

namespace {

// Waits until the target answered the manifest PUT of `repository`, then until copycat
// reports it mirrored; fills `sample->mirrored`.
void awaitMirrored(CopycatProcess& copycat, TimelineTail& target_log, const std::string& target,
                   const std::string& repository, SteadyClock::time_point deadline,
                   LatencySample* sample) {
  const std::string manifests = "/v2/" + repository + "/manifests/";
  bool put = false;
  while (!put && SteadyClock::now() < deadline) {
    for (const auto& r : target_log.poll()) {
      put |= r.method == "PUT" && r.status == 201 && r.uri.rfind(manifests, 0) == 0;
    }
    if (!put) {
      std::this_thread::sleep_for(kPutPoll);
    }
  }
  while (put && SteadyClock::now() < deadline) {
    if (auto mirrored = mirroredTargets(copycat); mirrored && mirrored->contains(target)) {
      sample->mirrored = mirrored->at(target);
      return;
    }
    std::this_thread::sleep_for(kCachePoll);
  }
}

// The first request at either registry at or after each sample's event (samples run one at a
// time, so every request in [event, next event) belongs to that sample).
void attributeRequests(const std::vector<TimedRequest>& timeline,
                       std::vector<LatencySample>* samples) {
  for (size_t i = 0; i < samples->size(); ++i) {
    LatencySample& s = (*samples)[i];
    const bool has_next = i + 1 < samples->size();
    for (const auto& r : timeline) {
      if (r.start >= s.event && (!has_next || r.start < (*samples)[i + 1].event)) {
        s.first_request = r.start;
        break;
      }
    }
  }
}

}  // namespace

Result<LatencyResult> measureLatency(CopycatProcess& copycat, testing::FakeApiServer& api,
                                     RegistryPair& registries,
                                     const std::vector<BenchImage>& images, int namespaces,
                                     std::chrono::seconds timeout_each) {
  LatencyResult result;
  registries.mark();
  result.proc_before = copycat.sample();
  TimelineTail target_log(registries.target->logFile(), registries.target_offset);
  for (size_t k = 0; k < images.size(); ++k) {
    const BenchImage& image = images[k];
    LatencySample sample;
    sample.repository = image.repository;
    const std::string ns = namespaceName(static_cast<int>(k) % namespaces);
    const std::string object = deploymentJson(ns, "latency-" + std::to_string(k), image.reference);
    sample.event = std::chrono::system_clock::now();
    if (auto stored = api.upsert("deployments", object); !stored) {
      return fail(stored.error().code, "storing the Deployment: " + stored.error().message);
    }
    awaitMirrored(copycat, target_log, targetOf(*registries.target, image), image.repository,
                  SteadyClock::now() + timeout_each, &sample);
    result.timeouts += sample.mirrored ? 0 : 1;
    result.samples.push_back(std::move(sample));
    if (!copycat.running()) {
      return fail(ErrorCode::kUnavailable, "copycat exited during the latency phase");
    }
  }
  result.proc_after = copycat.sample();
  result.source = summarize(registries.source->accessLog());
  result.target = summarize(registries.target->accessLog());
  attributeRequests(registries.timeline(), &result.samples);
  return result;
}

std::vector<std::string> verifyTarget(testing::RegistryProcess& target,
                                      const std::vector<BenchImage>& images) {
  testing::RegistryHttpClient client(testing::RegistryEndpoint::of(target));
  std::vector<std::string> mismatches;
  for (const auto& image : images) {
    auto got = client.getManifest(image.repository, image.tag, /*head=*/true);
    if (!got || got->status != 200 || got->digest_header != image.digest) {
      mismatches.push_back(
          image.repository + ": " +
          (got ? std::to_string(got->status) + " " + got->digest_header : got.error().message));
    }
  }
  return mismatches;
}

}  // namespace copycat::bench
