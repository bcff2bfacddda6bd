// The controller's view of the copy engine. The controller depends only on this interface; the
// composition root adapts the registry copier (and the ECR target) to it.
#pragma once

#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "base/result.h"
#include "image/platform.h"
#include "image/reference.h"
#include "policy/target_naming.h"

namespace copycat::controller {

// One copy: source → target.
struct MirrorJob {
  image::Reference source = {};  // a tag, or a digest (pinned / digest-only)
  // What to push: under target.tag when set, else under target.digest (byte-identical copy).
  policy::TargetName target = {};
  // Copy only these platforms of an index, as a new index holding exactly them (never a
  // single-platform manifest in place of an index). Empty = the whole index, byte-identical.
  std::vector<image::Platform> platforms = {};
  bool allow_different_digest_repush = true;  // replace a target tag holding another digest
  // Also tag the pushed manifest with this tag ("sha256-<hex>"), so that garbage collection and
  // "untagged" lifecycle rules keep a digest-only backup. "" = none.
  std::string anchor_tag = {};
  bool dry_run = false;           // read, never write
  bool dry_pull = false;          // not even read the source (implies dry_run)
  std::string reconcile_id = {};  // for the executor's own logs
};

struct MirrorResult {
  std::string target_digest = {};  // what the target reference points to now (or would)
  std::string source_digest = {};
  int64_t blobs_copied = 0;
  int64_t blobs_skipped = 0;  // already at the target
  int64_t blobs_mounted = 0;  // cross-repository mounts
  int64_t bytes_copied = 0;
  std::chrono::milliseconds duration{0};
  bool already_present = false;                     // the target was up to date; nothing written
  std::vector<std::string> missing_platforms = {};  // requested but absent from the index
};

// Which registry a failure came from, for upstream's pull/push error counters.
enum class FailedSide { kUnknown, kSource, kTarget };

struct MirrorError {
  Error error;  // isRetryable() drives retries; kCancelled when the stop token fired
  FailedSide side = FailedSide::kUnknown;
};

using MirrorOutcome = tl::expected<MirrorResult, MirrorError>;

enum class VerifyStatus { kPresent, kMissing, kDifferent };

struct VerifyResult {
  VerifyStatus status = VerifyStatus::kPresent;
  std::string actual_digest = {};  // set for kPresent and kDifferent
};

// Implementations are thread-safe: several workers call them at once.
class MirrorExecutor {
 public:
  virtual ~MirrorExecutor() = default;

  // Copies job.source to job.target. Blocks until done or `stop` fires; when it fires the
  // copy ends with kCancelled and never leaves a partial manifest (blobs may remain).
  virtual MirrorOutcome mirror(const MirrorJob& job, std::stop_token stop) = 0;

  // Checks with HEAD requests only whether `target` (its tag, else its digest) still points to
  // `expected_digest`. Errors: the registry could not be asked (transient or auth).
  virtual Result<VerifyResult> verify(const image::Reference& target,
                                      std::string_view expected_digest, std::stop_token stop) = 0;
};

}  // namespace copycat::controller
