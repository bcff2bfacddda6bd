// Reads files of test/data for the registry tests.
#pragma once

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace copycat::registry::testing {

inline std::string readTestData(const std::string& relative) {
  std::ifstream in(std::string(COPYCAT_TEST_DATA_DIR) + "/" + relative, std::ios::binary);
  if (!in) throw std::runtime_error("missing test data " + relative);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string readManifestFixture(const std::string& file) {
  return readTestData("conformance/manifests/" + file);
}

}  // namespace copycat::registry::testing
