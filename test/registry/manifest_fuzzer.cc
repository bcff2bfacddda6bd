// Fuzz target for registry/ body parsers: parseManifest (without and with a Content-Type),
// filterIndex, verifyManifestDigest and OCI error bodies. Properties: no crash; a parsed index
// filters to a valid index whose children are exactly the kept descriptors and whose digest is
// its sha256; filtering is idempotent; bytes always verify against their own sha256.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "image/digest.h"
#include "image/media_types.h"
#include "registry/manifest.h"
#include "registry/registry_error.h"

namespace {

namespace registry = copycat::registry;
using copycat::ErrorCode;
using copycat::Result;

void check(bool ok, const char* property, std::string_view input) {
  if (!ok) {
    std::fprintf(stderr, "manifest_fuzzer: %s violated for input of %zu bytes: \"%.*s\"\n",
                 property, input.size(), static_cast<int>(std::min<size_t>(input.size(), 400)),
                 input.data());
    std::abort();
  }
}

void checkFilter(std::string_view input) {
  Result<registry::FilteredIndex> filtered = registry::filterIndex(input, {});
  if (!filtered) {
    ErrorCode code = filtered.error().code;
    check(code == ErrorCode::kNotFound || code == ErrorCode::kInvalidArgument,
          "filterIndex fails only with NotFound or InvalidArgument", input);
    return;
  }
  check(filtered->digest == copycat::image::Digest::ofSha256(filtered->bytes).str(),
        "filtered digest is sha256 of its bytes", input);
  Result<registry::ParsedManifest> reparsed =
      registry::parseManifest(filtered->bytes, filtered->media_type);
  check(reparsed.has_value() && reparsed->isIndex(), "filtered output is an index", input);
  check(reparsed->index().manifests == filtered->manifests, "filtered children are the kept ones",
        input);
  Result<registry::FilteredIndex> twice =
      registry::filterIndex(filtered->bytes, {}, filtered->media_type);
  check(twice.has_value() && twice->bytes == filtered->bytes && twice->all_kept,
        "filtering is idempotent", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  namespace media_types = copycat::image::media_types;

  Result<registry::ParsedManifest> parsed = registry::parseManifest(input);
  if (parsed && parsed->isIndex()) checkFilter(input);
  for (std::string_view ct : {media_types::kOciIndex, media_types::kDockerManifestSchema2,
                              media_types::kDockerManifestSchema1Signed}) {
    (void)registry::parseManifest(input, ct);
  }
  check(registry::verifyManifestDigest(input, copycat::image::Digest::ofSha256(input).str())
            .has_value(),
        "bytes verify against their own digest", input);

  (void)registry::parseErrorBody(input);
  copycat::Error error = registry::registryError(registry::ErrorResponse{404, input, input},
                                                 std::chrono::system_clock::from_time_t(0));
  check(!error.message.empty(), "error message present", input);
  return 0;
}
