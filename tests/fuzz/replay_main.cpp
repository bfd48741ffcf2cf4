// Runs a fuzz target without libFuzzer: every file of the corpus, then a
// fixed-seed batch of mutations of them (bit flips, byte inserts and
// deletions, truncations, splices, repeated runs), so the ctest is the same
// on every run and a crash once found in the corpus stays found.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Bytes = std::vector<std::uint8_t>;

void run(const Bytes& input) {
  // A private copy: an overread past the end shows up under ASan/valgrind.
  std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[input.size() + 1]);
  if (!input.empty())
    std::memcpy(copy.get(), input.data(), input.size());
  LLVMFuzzerTestOneInput(copy.get(), input.size());
}

Bytes mutate(const std::vector<Bytes>& corpus, std::mt19937_64& rng) {
  auto pick = [&](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); };
  Bytes out = corpus[pick(corpus.size())];
  static constexpr std::uint8_t kInteresting[] = {0,   '\n', '\r', ' ', '=',  ',',  '"', '\\',
                                                  '%', '[',  ']',  '-', 0x7f, 0xc3, 0xff};
  int rounds = 1 + static_cast<int>(rng() % 6);
  for (int r = 0; r < rounds; ++r) {
    switch (rng() % 7) {
    case 0: // flip a bit
      if (!out.empty())
        out[pick(out.size())] ^= static_cast<std::uint8_t>(1U << (rng() % 8));
      break;
    case 1: // insert an interesting byte
      out.insert(out.begin() + static_cast<long>(pick(out.size() + 1)),
                 kInteresting[pick(sizeof kInteresting)]);
      break;
    case 2: // delete a range
      if (!out.empty()) {
        auto at = pick(out.size());
        auto len = 1 + pick(std::min<std::size_t>(16, out.size() - at));
        out.erase(out.begin() + static_cast<long>(at), out.begin() + static_cast<long>(at + len));
      }
      break;
    case 3: // truncate
      out.resize(pick(out.size() + 1));
      break;
    case 4: { // splice another input
      const Bytes& other = corpus[pick(corpus.size())];
      if (!other.empty()) {
        auto from = pick(other.size());
        out.insert(out.begin() + static_cast<long>(pick(out.size() + 1)),
                   other.begin() + static_cast<long>(from), other.end());
      }
      break;
    }
    case 5: // duplicate a range (long lines, repeated fields)
      if (!out.empty() && out.size() < 65536) {
        auto at = pick(out.size());
        Bytes chunk(out.begin() + static_cast<long>(at), out.end());
        for (int i = 0; i < 4; ++i)
          out.insert(out.end(), chunk.begin(), chunk.end());
      }
      break;
    default: // overwrite with a random byte
      if (!out.empty())
        out[pick(out.size())] = static_cast<std::uint8_t>(rng());
      break;
    }
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  long mutations = 0;
  std::vector<Bytes> corpus;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--mutations") == 0 && i + 1 < argc) {
      mutations = std::strtol(argv[++i], nullptr, 10);
      continue;
    }
    std::filesystem::path path(argv[i]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::directory_iterator(path))
        if (entry.is_regular_file())
          files.push_back(entry.path());
    } else {
      files.push_back(path);
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      corpus.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "fuzz replay: no corpus files\n");
    return 1;
  }
  for (const auto& input : corpus)
    run(input);
  std::mt19937_64 rng(0x15d0c7a);
  for (long i = 0; i < mutations; ++i)
    run(mutate(corpus, rng));
  std::printf("fuzz replay: %zu corpus inputs, %ld mutations, no crash\n", corpus.size(),
              mutations);
  return 0;
}
