// Registry requests of one phase, classified from a RegistryProcess access-log window
// (distribution API routes: distribution-spec "Pulling", "Pushing", "Content Discovery").
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "support/registry_harness.h"

namespace copycat::bench {

struct RequestStats {
  size_t total = 0;
  size_t pings = 0;  // GET /v2/
  size_t manifest_head = 0;
  size_t manifest_get = 0;
  size_t manifest_put = 0;
  size_t blob_head = 0;
  size_t blob_get = 0;
  uint64_t blob_get_bytes = 0;  // response bytes of blob GETs
  size_t upload_post = 0;       // POST .../blobs/uploads/ without mount=
  size_t mount_ok = 0;          // POST ?mount= answered 201
  size_t mount_miss = 0;        // POST ?mount= answered 202 (an upload session instead)
  size_t upload_patch = 0;
  size_t upload_put = 0;     // PUT .../blobs/uploads/... answered 201: blobs written
  size_t other = 0;          // tags lists, deletes, anything else
  size_t client_errors = 0;  // 4xx other than 404 on HEAD/GET probes
  size_t server_errors = 0;  // 5xx
  size_t repositories = 0;   // distinct repositories touched
  size_t max_manifest_puts_per_repository = 0;
  std::map<std::string, size_t> per_repository{};  // requests per repository
};

[[nodiscard]] RequestStats summarize(const std::vector<testing::AccessLogEntry>& entries);

}  // namespace copycat::bench
