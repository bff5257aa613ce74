// Helpers for the fuzz harnesses: scratch files for parsers that read paths, invariant checks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace poseforge::text {
class ClipTokenizer;
}

namespace poseforge::fuzz {

// A per-process scratch folder (removed at exit), created on first use.
const std::filesystem::path& scratch_dir();
// Writes `size` bytes to scratch_dir()/name (replacing it) and returns the path.
std::filesystem::path write_scratch(const std::string& name, const std::uint8_t* data, std::size_t size);
std::filesystem::path write_scratch(const std::string& name, std::string_view text);

// The demo models' CLIP tokenizer (every byte a token, a few merges), written to scratch_dir() once.
const text::ClipTokenizer& demo_tokenizer();
// How many ids the demo tokenizer has (0 to this - 1: the rows its text encoder's embedding would have).
std::int64_t demo_tokenizer_ids();

// With POSEFORGE_FUZZ_VERBOSE set, prints what a harness accepted (to check that seeds parse); else nothing.
void note(const std::string& what);

// A broken invariant: prints `what` and aborts, so libFuzzer (and the replay test) reports the input.
[[noreturn]] void finding(const std::string& what);
inline void check(bool ok, const std::string& what) {
  if (!ok) finding(what);
}

}  // namespace poseforge::fuzz
