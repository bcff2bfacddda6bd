// The state of one copyImage() call, shared by the copy steps (internal to the registry
// module; see image_copier.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "image/reference.h"
#include "registry/blob_copier.h"
#include "registry/call_context.h"
#include "registry/copy_options.h"
#include "registry/manifest.h"
#include "registry/registry_client.h"

namespace copycat::registry {

// Written by one thread per step; the counters are atomic because blob and manifest steps
// run on worker threads. Lives for one copy.
struct CopyJob {
  CopyJob(const image::Reference& source_ref, const image::Reference& target_ref,
          const CopyOptions& copy_options)
      : src(source_ref), dst(target_ref), options(copy_options) {}

  const image::Reference& src;
  const image::Reference& dst;
  const CopyOptions& options;
  RegistryClient* source = nullptr;
  RegistryClient* target = nullptr;
  RequestStats stats;
  CallContext source_ctx;
  CallContext target_ctx;
  Clock::Steady::time_point started{};
  bool dry_run = false;  // dry_run or dry_pull

  std::string source_digest;                 // "" until known
  std::optional<std::string> target_digest;  // set when the target reference exists
  std::optional<ManifestContent> root;       // the source root, once fetched
  // What is pushed under the target reference: the root, or its platform-filtered index.
  std::string push_bytes;
  std::string push_media_type;
  std::string push_digest;
  std::vector<Descriptor> children;  // index children to copy (filtered)
  // Child manifests per depth (levels[0] = children of the root); pushed deepest first.
  std::vector<std::vector<ManifestContent>> levels;
  std::vector<BlobRef> blobs;  // unique blobs of every manifest copied
  std::vector<std::string> missing_platforms;

  std::atomic<int64_t> blobs_copied{0};
  std::atomic<int64_t> blobs_skipped{0};
  std::atomic<int64_t> blobs_mounted{0};
  std::atomic<int64_t> bytes_copied{0};
  std::atomic<int64_t> manifests_pushed{0};
};

}  // namespace copycat::registry
