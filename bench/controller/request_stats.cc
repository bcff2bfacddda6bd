#include "request_stats.h"

#include <algorithm>

#include "registry_timeline.h"

namespace copycat::bench {
namespace {

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

void classifyBlob(const testing::AccessLogEntry& e, RequestStats* s) {
  const std::string path = e.path();
  if (contains(path, "/blobs/uploads/")) {
    if (e.method == "POST" && contains(e.target, "mount=")) {
      (e.status == 201 ? s->mount_ok : s->mount_miss)++;
    } else if (e.method == "POST") {
      ++s->upload_post;
    } else if (e.method == "PATCH") {
      ++s->upload_patch;
    } else if (e.method == "PUT" && e.status == 201) {
      ++s->upload_put;
    } else {
      ++s->other;
    }
  } else if (e.method == "HEAD") {
    ++s->blob_head;
  } else if (e.method == "GET") {
    ++s->blob_get;
    s->blob_get_bytes += e.bytes;
  } else {
    ++s->other;
  }
}

void classify(const testing::AccessLogEntry& e, RequestStats* s) {
  const std::string path = e.path();
  if (path == "/v2/" || path == "/v2") {
    ++s->pings;
  } else if (contains(path, "/manifests/")) {
    if (e.method == "HEAD") {
      ++s->manifest_head;
    } else if (e.method == "GET") {
      ++s->manifest_get;
    } else if (e.method == "PUT") {
      ++s->manifest_put;
    } else {
      ++s->other;
    }
  } else if (contains(path, "/blobs/")) {
    classifyBlob(e, s);
  } else {
    ++s->other;
  }
  const bool probe = (e.method == "HEAD" || e.method == "GET") && e.status == 404;
  if (e.status >= 500) {
    ++s->server_errors;
  } else if (e.status >= 400 && !probe) {
    ++s->client_errors;
  }
}

}  // namespace

RequestStats summarize(const std::vector<testing::AccessLogEntry>& entries) {
  RequestStats s;
  std::map<std::string, size_t> manifest_puts;
  for (const auto& e : entries) {
    ++s.total;
    classify(e, &s);
    const std::string repo = repositoryOfPath(e.path());
    if (!repo.empty()) {
      ++s.per_repository[repo];
      if (e.method == "PUT" && contains(e.path(), "/manifests/")) {
        ++manifest_puts[repo];
      }
    }
  }
  s.repositories = s.per_repository.size();
  for (const auto& [repo, n] : manifest_puts) {
    s.max_manifest_puts_per_repository = std::max(s.max_manifest_puts_per_repository, n);
  }
  return s;
}

}  // namespace copycat::bench
