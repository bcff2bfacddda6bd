// repoPrefix templates: the path placed between the target registry and the mapped source path.
//
// Placeholders (replaced literally wherever they occur, like Go's strings.Replacer in the
// original; none is a prefix of another):
//   $namespace       namespace of the workload or pod that references the image
//   $podname         name of the owning workload (Deployment, CronJob, ...; the pod's own name
//                    only for stand-alone pods), never a generated pod name
//   $container_name  name of the container (or image volume) that uses the image
//   $arch            architecture being mirrored ("amd64"), "" when mirroring all platforms
//   $registry        the source registry host; Docker Hub is "docker.io" and a port separator
//                    ':' becomes '-' ("localhost:5000" -> "localhost-5000")
// After expansion the prefix is split on '/', each segment is trimmed of blanks and empty
// segments are dropped: "$namespace/$arch" with no arch gives "ns".
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace copycat::policy {

struct PrefixValues {
  std::string_view namespace_name = {};
  std::string_view workload_name = {};
  std::string_view container_name = {};
  std::string_view arch = {};
  std::string_view registry = {};  // the source registry as parsed; normalised by expandRepoPrefix
};

// Expands `tmpl` as described above. Unknown "$words" are kept literally (as the original
// does); validateRepoPrefix reports them at startup.
std::string expandRepoPrefix(std::string_view tmpl, const PrefixValues& values);

// Returns kInvalidArgument when a '$' in `tmpl` does not start a known placeholder, naming it:
// "repoPrefix: unknown placeholder \"$nmespace\" (known: $namespace, $podname, ...)".
[[nodiscard]] Status validateRepoPrefix(std::string_view tmpl);

// The value $registry expands to for a source registry host (see above).
std::string registryPlaceholderValue(std::string_view registry);

}  // namespace copycat::policy
