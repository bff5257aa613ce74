// Replays every file of tests/fuzz/corpus/<harness>/ through its harness (the seeds and every input a
// fuzzer once broke), with the normal compiler: a crash, abort or escaping exception fails the test.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/fuzz/harnesses.h"

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> corpus_files(const std::string& harness) {
  const fs::path dir = fs::path(POSEFORGE_FUZZ_CORPUS) / harness;
  std::vector<fs::path> files;
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

void replay(const std::string& harness, int (*run)(const std::uint8_t*, std::size_t)) {
  const auto files = corpus_files(harness);
  ASSERT_FALSE(files.empty()) << "no corpus files in " << POSEFORGE_FUZZ_CORPUS << "/" << harness;
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    std::ifstream in(file, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_TRUE(in.eof() || in.good()) << "cannot read " << file;
    try {
      run(bytes.data(), bytes.size());
    } catch (const std::exception& e) {
      ADD_FAILURE() << file << ": escaped " << e.what();
    } catch (...) {
      ADD_FAILURE() << file << ": escaped a non-std exception";
    }
  }
}

}  // namespace

#define POSEFORGE_REPLAY_TEST(name) \
  TEST(FuzzReplay, name) {          \
    replay(#name, &fuzz_##name);    \
  }
POSEFORGE_FUZZ_HARNESSES(POSEFORGE_REPLAY_TEST)
#undef POSEFORGE_REPLAY_TEST
