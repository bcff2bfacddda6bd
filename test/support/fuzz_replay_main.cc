// Replays a fuzz corpus under g++ (no libFuzzer): every file in the given directories, then
// kMutationsPerInput deterministic mutations of each (byte flips, truncations, insertions of
// grammar-significant characters), so CI exercises the parser beyond the checked-in inputs.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr int kMutationsPerInput = 200;
constexpr char kInteresting[] = "/:@.-_\"\\,={}[]\n\t \x00\xff";

void runOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::string mutate(std::string s, std::mt19937& rng) {
  int steps = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < steps; ++i) {
    size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 4) {
      case 0:
        if (!s.empty() && pos < s.size()) {
          s[pos] = static_cast<char>(s[pos] ^ (1u << (rng() % 8)));
        }
        break;
      case 1:
        s.resize(pos);
        break;
      case 2:
        s.insert(pos, 1, kInteresting[rng() % (sizeof(kInteresting) - 1)]);
        break;
      default:
        if (!s.empty() && pos < s.size()) {
          s.insert(pos, s.substr(pos, rng() % 16));
        }
        break;
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path root(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_regular_file(root, ec)) {
      std::ifstream in(root, std::ios::binary);
      inputs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      continue;
    }
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root, ec)) {
      if (entry.is_regular_file()) {
        std::ifstream in(entry.path(), std::ios::binary);
        inputs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      }
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "fuzz replay: no corpus inputs found\n");
    return 1;
  }
  std::mt19937 rng(12345);
  size_t runs = 0;
  for (const auto& input : inputs) {
    runOne(input);
    ++runs;
    for (int m = 0; m < kMutationsPerInput; ++m) {
      runOne(mutate(input, rng));
      ++runs;
    }
  }
  std::printf("fuzz replay: %zu corpus inputs, %zu runs, no crash\n", inputs.size(), runs);
  return 0;
}
