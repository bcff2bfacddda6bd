// Test helpers: read fixtures from test/workload/testdata and test/data.
#pragma once

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace copycat::workload::testing {

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot open test file " + path);
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string fixturePath(const std::string& name) {
  return std::string(COPYCAT_SOURCE_DIR) + "/test/workload/testdata/" + name;
}

inline std::string fixture(const std::string& name) { return readFile(fixturePath(name)); }

}  // namespace copycat::workload::testing
