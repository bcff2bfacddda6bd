#include "report.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <sys/utsname.h>

namespace copycat::bench {
namespace {

double mib(double kib_or_bytes, double unit) { return kib_or_bytes / unit; }

std::string ratio(double a, double b) {
  return a < 0 || b <= 0 ? std::string("-") : fmt::format("{:.2f}", a / b);
}

std::string cpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      return line.substr(line.find(':') + 2);
    }
  }
  return "?";
}

void printSetup(std::ostream& out, const BenchResults& r) {
  utsname uts{};
  uname(&uts);
  fmt::print(out, "machine: {} cores, {}, Linux {}\n", std::thread::hardware_concurrency(),
             cpuModel(), uts.release);
  fmt::print(out, "load average at start: {}; at end: {}\n", r.load_start, r.load_end);
  fmt::print(out, "copycat: {} (maxConcurrentReconciles {})\n", r.copycat_binary,
             r.workers > 0 ? std::to_string(r.workers) : "default");
  std::string kinds;
  for (const auto& [resource, n] : r.cluster.objects) {
    kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", n, resource);
  }
  int workloads = 0;
  for (const auto& [resource, n] : r.cluster.objects) {
    workloads += n;
  }
  fmt::print(out, "cluster: {} workloads ({}) in {} namespaces; {} image uses of {} images\n",
             workloads, kinds, r.namespaces, r.cluster.image_uses, r.image_spec.count);
  std::string base;
  for (auto kib : r.image_spec.base_kib) {
    base += fmt::format("{}{}", base.empty() ? "" : "+", kib);
  }
  fmt::print(out,
             "images: {} base layers ({} KiB) shared by all, one own {} KiB layer each; "
             "{} distinct blobs, {:.1f} MiB; {} blob references, {:.1f} MiB\n",
             r.image_spec.base_kib.size(), base, r.image_spec.unique_kib, r.census.distinct_blobs,
             mib(static_cast<double>(r.census.distinct_bytes), 1 << 20), r.census.referenced_blobs,
             mib(static_cast<double>(r.census.referenced_bytes), 1 << 20));
}

void row(std::ostream& out, const std::string& name, double copycat, double peer,
         const char* format = "{:.2f}") {
  const std::string a = copycat < 0 ? "-" : fmt::format(fmt::runtime(format), copycat);
  const std::string b = peer < 0 ? "-" : fmt::format(fmt::runtime(format), peer);
  fmt::print(out, "  {:<38} {:>12} {:>12} {:>15}\n", name, a, b, ratio(copycat, peer));
}

void printSync(std::ostream& out, const BenchResults& r) {
  const double n = r.image_spec.count;
  const bool has_peer = r.peer.has_value();
  const RequestStats& cs = r.sync.source;
  const RequestStats& ct = r.sync.target;
  const RequestStats& ps = r.peer_source;
  const RequestStats& pt = r.peer_target;
  auto peer = [&](double v) { return has_peer ? v : -1.0; };
  fmt::print(out, "\ninitial sync of {} images{:>23} {:>12} {:>15}\n", r.image_spec.count,
             "copycat run", "skopeo loop", "copycat/skopeo");
  row(out, "wall s (start -> all mirrored)", r.sync.all_mirrored_s,
      peer(r.peer ? r.peer->wall_s : -1));
  row(out, "cpu s", r.sync.proc.cpu_s, peer(r.peer ? r.peer->cpu_s : -1));
  row(out, "peak RSS MiB (skopeo: largest run)",
      mib(static_cast<double>(r.sync.proc.vm_hwm_kib), 1024),
      peer(r.peer ? mib(static_cast<double>(r.peer->max_rss_kib), 1024) : -1), "{:.1f}");
  row(out, "requests per image, source", cs.total / n, peer(ps.total / n));
  row(out, "requests per image, target", ct.total / n, peer(pt.total / n));
  row(out, "requests per image, both", (cs.total + ct.total) / n, peer((ps.total + pt.total) / n));
  row(out, "source blob GETs per image", cs.blob_get / n, peer(ps.blob_get / n));
  row(out, "source blob MiB read", mib(static_cast<double>(cs.blob_get_bytes), 1 << 20),
      peer(mib(static_cast<double>(ps.blob_get_bytes), 1 << 20)), "{:.1f}");
  row(out, "target blobs uploaded (PUT 201)", static_cast<double>(ct.upload_put),
      peer(static_cast<double>(pt.upload_put)), "{:.0f}");
  row(out, "target blobs mounted (POST 201)", static_cast<double>(ct.mount_ok),
      peer(static_cast<double>(pt.mount_ok)), "{:.0f}");
  row(out, "target mounts answered 202 (then PUT)", static_cast<double>(ct.mount_miss),
      peer(static_cast<double>(pt.mount_miss)), "{:.0f}");
  row(out, "target manifest PUTs", static_cast<double>(ct.manifest_put),
      peer(static_cast<double>(pt.manifest_put)), "{:.0f}");
  row(out, "most manifest PUTs to one repository",
      static_cast<double>(ct.max_manifest_puts_per_repository),
      peer(static_cast<double>(pt.max_manifest_puts_per_repository)), "{:.0f}");
  fmt::print(out,
             "  copycat timeline (s from process start): ready {:.2f}, first registry request "
             "{:.2f}, last manifest PUT {:.2f}, last image in cache {:.2f}\n",
             r.sync.ready_s, r.sync.first_request_s, r.sync.last_put_s, r.sync.all_mirrored_s);
}

std::string mix(const RequestStats& s) {
  return fmt::format(
      "{} total: ping {}, manifest HEAD {} GET {} PUT {}, blob HEAD {} GET {}, upload POST {} "
      "PATCH {} PUT {}, mount 201 {} 202 {}, other {}, 4xx {}, 5xx {}",
      s.total, s.pings, s.manifest_head, s.manifest_get, s.manifest_put, s.blob_head, s.blob_get,
      s.upload_post, s.upload_patch, s.upload_put, s.mount_ok, s.mount_miss, s.other,
      s.client_errors, s.server_errors);
}

void printMix(std::ostream& out, const BenchResults& r) {
  fmt::print(out, "\nrequest mix, initial sync\n");
  fmt::print(out, "  copycat source: {}\n", mix(r.sync.source));
  fmt::print(out, "  copycat target: {}\n", mix(r.sync.target));
  if (r.peer) {
    fmt::print(out, "  skopeo  source: {}\n", mix(r.peer_source));
    fmt::print(out, "  skopeo  target: {}\n", mix(r.peer_target));
  }
}

}  // namespace

std::string metricSamples(const std::string& text, const std::string& name) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    end = end == std::string::npos ? text.size() : end;
    const std::string_view line(text.data() + pos, end - pos);
    if (line.rfind(name, 0) == 0 && line.size() > name.size() &&
        (line[name.size()] == ' ' || line[name.size()] == '{')) {
      out += " " + std::string(line.substr(name.size()));
    }
    pos = end + 1;
  }
  return out;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) {
    return -1;
  }
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

namespace {

using OptionalTime = std::optional<WallTime>;

std::vector<double> latenciesMs(const LatencyResult& l, OptionalTime LatencySample::*field) {
  std::vector<double> out;
  for (const auto& s : l.samples) {
    if ((s.*field).has_value()) {
      out.push_back(1000 * secondsBetween(s.event, *(s.*field)));
    }
  }
  return out;
}

void latencyRow(std::ostream& out, const std::string& name, const std::vector<double>& v) {
  fmt::print(out, "  {:<44} {:>4} {:>8.1f} {:>8.1f} {:>8.1f} {:>8.1f} {:>8.1f}\n", name, v.size(),
             percentile(v, 0), percentile(v, 50), percentile(v, 90), percentile(v, 99),
             percentile(v, 100));
}

void printLatency(std::ostream& out, const BenchResults& r) {
  const LatencyResult& l = r.latency;
  const auto n = static_cast<double>(l.samples.size());
  if (l.samples.empty()) {
    return;
  }
  fmt::print(out, "\nnew Deployments, one at a time, each with a new image (ms)\n");
  fmt::print(out, "  {:<44} {:>4} {:>8} {:>8} {:>8} {:>8} {:>8}\n", "", "n", "min", "p50", "p90",
             "p99", "max");
  const auto copy_start = latenciesMs(l, &LatencySample::first_request);
  const auto mirrored = latenciesMs(l, &LatencySample::mirrored);
  latencyRow(out, "event -> copy start (first registry request)", copy_start);
  latencyRow(out, "event -> reconcile start (copycat's log, +-2)",
             latenciesMs(l, &LatencySample::reconcile_started));
  latencyRow(out, "event -> mirrored (lastPush)", mirrored);
  fmt::print(out, "  timeouts: {}; requests per new image: source {:.2f}, target {:.2f}\n",
             l.timeouts, l.source.total / n, l.target.total / n);
  fmt::print(out, "  target: {} blobs uploaded, {} mounted, {} mounts answered 202\n",
             l.target.upload_put, l.target.mount_ok, l.target.mount_miss);
  if (r.peer && !r.peer->per_image_s.empty()) {
    const double peer_p50 = 1000 * percentile(r.peer->per_image_s, 50);
    fmt::print(out,
               "  event -> mirrored p50 / one skopeo copy p50 ({:.1f} ms): {}  (a cron mirror adds "
               "its period on top)\n",
               peer_p50, ratio(percentile(mirrored, 50), peer_p50));
  }
  const auto& a = l.proc_before;
  const auto& b = l.proc_after;
  fmt::print(out,
             "  copycat RSS before {:.1f} MiB, after {:.1f} MiB ({:+.1f} KiB per new image); "
             "peak {:.1f} MiB; cpu {:.2f} s ({:.1f} ms per new image); threads {} -> {}\n",
             a.vm_rss_kib / 1024.0, b.vm_rss_kib / 1024.0,
             static_cast<double>(b.vm_rss_kib - a.vm_rss_kib) / n, b.vm_hwm_kib / 1024.0,
             b.cpu_s - a.cpu_s, 1000 * (b.cpu_s - a.cpu_s) / n, a.threads, b.threads);
}

}  // namespace

namespace {

void printChecks(std::ostream& out, const BenchResults& r) {
  fmt::print(out, "\nchecks\n");
  const size_t images = static_cast<size_t>(r.image_spec.count) + r.latency.samples.size();
  fmt::print(out, "  copycat target serves the source digest: {}/{}\n",
             images - r.mismatches.size(), images);
  for (const auto& m : r.mismatches) {
    fmt::print(out, "    MISMATCH {}\n", m);
  }
  if (r.peer) {
    fmt::print(out, "  skopeo target serves the source digest: {}/{}; skopeo failures: {}\n",
               r.image_spec.count - static_cast<int>(r.peer_mismatches.size()), r.image_spec.count,
               r.peer->failures);
    if (!r.peer->first_failure.empty()) {
      fmt::print(out, "    first failure: {}\n", r.peer->first_failure);
    }
  }
  int max_per_target = 0;
  int lines = 0;
  for (const auto& [target, n] : r.log.mirrored) {
    max_per_target = std::max(max_per_target, n);
    lines += n;
  }
  std::string results;
  for (const auto& [result, n] : r.log.results) {
    results += fmt::format(" {}={}", result, n);
  }
  fmt::print(out, "  copycat \"image mirrored\" lines: {} for {} targets (max {} per target);{}\n",
             lines, r.log.mirrored.size(), max_per_target, results);
  fmt::print(out, "  copycat log: {} lines, {} not JSON; warnings/errors: {}\n", r.log.lines,
             r.log.unparsed, r.log.problems.empty() ? "none" : "");
  for (const auto& [problem, n] : r.log.problems) {
    fmt::print(out, "    {} x{}\n", problem, n);
  }
  fmt::print(out,
             "  copycat exit code after SIGTERM: {}; idle peak RSS (copycat --help) {:.1f} MiB\n",
             r.exit_code, r.idle_rss_kib / 1024.0);
  fmt::print(out, "  copycat metrics at the end:\n");
  for (const char* name :
       {"k8s_copycat_images_mirrored_total", "k8s_copycat_images_failed_total",
        "k8s_copycat_blobs_total", "k8s_copycat_bytes_copied_total",
        "k8s_copycat_workqueue_adds_total", "k8s_copycat_workqueue_retries_total",
        "k8s_copycat_watch_restarts_total", "k8s_copycat_relists_total"}) {
    const auto samples = metricSamples(r.metrics, name);
    fmt::print(out, "    {}{}{}\n", name, samples.empty() ? " -" : "", samples);
  }
  std::string api;
  for (const auto& [what, n] : r.api_requests) {
    api += fmt::format("{}{} {}", api.empty() ? "" : ", ", what, n);
  }
  fmt::print(out, "  API server requests: {}\n", api);
}

}  // namespace

void printReport(std::ostream& out, const BenchResults& r) {
  fmt::print(out, "controller bench\n");
  printSetup(out, r);
  printSync(out, r);
  printMix(out, r);
  printLatency(out, r);
  printChecks(out, r);
}

void writeLatencyTsv(std::ostream& out, const LatencyResult& latency) {
  out << "repository\tcopy_start_ms\treconcile_start_ms\tmirrored_ms\n";
  auto ms = [](const LatencySample& s, const std::optional<WallTime>& t) {
    return t ? fmt::format("{:.3f}", 1000 * secondsBetween(s.event, *t)) : std::string("-");
  };
  for (const auto& s : latency.samples) {
    out << s.repository << '\t' << ms(s, s.first_request) << '\t' << ms(s, s.reconcile_started)
        << '\t' << ms(s, s.mirrored) << '\n';
  }
}

}  // namespace copycat::bench
