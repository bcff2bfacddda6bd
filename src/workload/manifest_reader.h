// Reads Kubernetes manifests from files and directories for `copycat plan -f PATH...`, the way
// `kubectl apply -f PATH -R` would find them, and summarises every object with the same
// extractor the reflectors use.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "workload/workload.h"

namespace copycat::workload {

struct SourcedSummary {
  std::string file;
  size_t document = 0;  // 1-based index of the document in the file
  size_t item = 0;      // 1-based index in a List's items; 0 when the document is the object
  WorkloadSummary summary;
};

struct ReadProblem {
  std::string file;
  size_t document = 0;  // 1-based; 0 when the file itself could not be read
  std::string reason;   // "line 4, column 9: illegal map value", "items[2]: missing kind"
};

struct ReadResult {
  std::vector<SourcedSummary> objects;
  std::vector<ReadProblem> problems;
};

enum class ManifestFormat { kYaml, kJson };

struct ReadOptions {
  // Given to pod-carrying objects without metadata.namespace, as `kubectl apply` does with the
  // context's namespace, which is "default" unless configured otherwise.
  std::string default_namespace = "default";
};

// Reads every path: a file is read whatever its name (".json" as JSON, anything else as YAML,
// which also accepts JSON); a directory is walked recursively in sorted order and only its
// ".yaml", ".yml" and ".json" files are read. YAML files may hold several documents; a "List"
// or "<Kind>List" with "items" is flattened into its items. A document that cannot be read is
// reported in `problems` with its file and index, and the other documents are still read.
// Objects without a kind are problems too (kubectl rejects them). The path "-" reads standard
// input. Thread-safe (each call has its own parser), but "-" consumes std::cin.
ReadResult readManifests(const std::vector<std::string>& paths, const ReadOptions& options = {});

// Reads manifest text already in memory; `file` names it in the result. Thread-safe.
ReadResult readManifestText(std::string_view text, std::string_view file, ManifestFormat format,
                            const ReadOptions& options = {});

}  // namespace copycat::workload
