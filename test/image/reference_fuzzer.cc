// Fuzz target for image references: no input may crash the parsers, a strict parse is lossless,
// and str() of every parsed reference parses back to the same value.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "image/digest.h"
#include "image/reference.h"

namespace {

void check(bool ok, const char* property, std::string_view input) {
  if (!ok) {
    std::fprintf(stderr, "reference_fuzzer: %s violated for input \"%.*s\"\n", property,
                 static_cast<int>(input.size()), input.data());
    std::abort();
  }
}

using copycat::Result;
using copycat::image::Reference;

void checkRoundTrip(Result<Reference> (*parse)(std::string_view), std::string_view input,
                    const char* property) {
  Result<Reference> first = parse(input);
  if (!first) {
    return;
  }
  Result<Reference> again = parse(first->str());
  check(again.has_value() && *again == *first, property, input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  namespace image = copycat::image;

  Result<Reference> strict = image::parseStrict(input);
  if (strict) {
    check(strict->str() == input, "strict parse is lossless", input);
  }
  checkRoundTrip(image::parseStrict, input, "strict round trip");
  checkRoundTrip(image::parseNormalized, input, "normalized round trip");
  checkRoundTrip(image::parseNormalizedNamed, input, "normalized named round trip");
  checkRoundTrip(image::parseDockerRef, input, "docker ref round trip");

  Result<Reference> canonical = image::parseCanonical(input);
  if (canonical) {
    check(canonical->str() == input, "canonical parse is lossless", input);
  }
  Result<Reference> named = image::withName(input);
  if (named) {
    check(named->tag.empty() && named->digest.empty(), "withName has no tag", input);
  }
  Result<image::Digest> digest = image::Digest::parse(input);
  if (digest) {
    check(digest->str() == input, "digest parse is lossless", input);
  }
  return 0;
}
