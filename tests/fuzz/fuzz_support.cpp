// Scratch files and invariant checks for the fuzz harnesses.
#include "tests/fuzz/fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <system_error>

#include <unistd.h>

#include "core/pipeline/demo_models.h"
#include "core/text/clip_tokenizer.h"

namespace poseforge::fuzz {

namespace fs = std::filesystem;

const fs::path& scratch_dir() {
  static const fs::path dir = [] {
    std::error_code ec;
    fs::path base = fs::temp_directory_path(ec);
    if (ec) base = "/tmp";
    fs::path d = base / ("poseforge-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(d);
    std::atexit([] {
      std::error_code ignored;
      fs::remove_all(scratch_dir(), ignored);
    });
    return d;
  }();
  return dir;
}

fs::path write_scratch(const std::string& name, const std::uint8_t* data, std::size_t size) {
  return write_scratch(name, std::string_view(reinterpret_cast<const char*>(data), size));
}

fs::path write_scratch(const std::string& name, std::string_view text) {
  const fs::path path = scratch_dir() / name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) finding("cannot write scratch file " + path.string());
  return path;
}

namespace {

struct DemoTokenizer {
  std::int64_t ids = 0;
  text::ClipTokenizer tokenizer;
};

const DemoTokenizer& demo() {
  static const DemoTokenizer d = [] {
    const fs::path folder = scratch_dir() / "demo_tokenizer";
    const std::int64_t ids = pipeline::write_demo_tokenizer(folder, "<|endoftext|>");
    return DemoTokenizer{ids, text::ClipTokenizer(folder)};
  }();
  return d;
}

}  // namespace

const text::ClipTokenizer& demo_tokenizer() {
  return demo().tokenizer;
}
std::int64_t demo_tokenizer_ids() {
  return demo().ids;
}

void note(const std::string& what) {
  static const bool verbose = std::getenv("POSEFORGE_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "poseforge fuzz: %s\n", what.c_str());
}

void finding(const std::string& what) {
  std::fprintf(stderr, "poseforge fuzz finding: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace poseforge::fuzz
