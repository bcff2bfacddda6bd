// Fuzzes the two parsers fed by untrusted input: the JSON extractor (API server bytes) and the
// manifest reader (YAML split + yaml-cpp + conversion + List flattening).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "workload/image_uses.h"
#include "workload/manifest_reader.h"
#include "workload/summary_extractor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  static copycat::workload::SummaryExtractor extractor;
  auto summary = extractor.extract(input, "Pod");
  if (summary) {
    (void)copycat::workload::imageUses(*summary);
  }
  auto yaml = copycat::workload::readManifestText(input, "fuzz.yaml",
                                                  copycat::workload::ManifestFormat::kYaml);
  for (const auto& object : yaml.objects) {
    (void)copycat::workload::imageUses(object.summary);
  }
  (void)copycat::workload::readManifestText(input, "fuzz.json",
                                            copycat::workload::ManifestFormat::kJson);
  return 0;
}
