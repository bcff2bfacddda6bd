#include "image/media_types.h"

#include <initializer_list>

#include "base/strings.h"

namespace copycat::image::media_types {
namespace {

// The essence of a media type: text before ';', trimmed.
std::string_view essence(std::string_view media_type) {
  return strings::trim(media_type.substr(0, media_type.find(';')));
}

bool isOneOf(std::string_view media_type, std::initializer_list<std::string_view> candidates) {
  std::string_view bare = essence(media_type);
  for (std::string_view candidate : candidates) {
    if (strings::equalsIgnoreCase(bare, candidate)) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool isIndexMediaType(std::string_view media_type) {
  return isOneOf(media_type, {kOciIndex, kDockerManifestList});
}

bool isManifestMediaType(std::string_view media_type) {
  return isOneOf(media_type, {kOciManifest, kDockerManifestSchema2, kDockerManifestSchema1,
                              kDockerManifestSchema1Signed});
}

bool isSchema1MediaType(std::string_view media_type) {
  return isOneOf(media_type, {kDockerManifestSchema1, kDockerManifestSchema1Signed});
}

}  // namespace copycat::image::media_types
