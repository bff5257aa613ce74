// The fuzz harnesses: one function a parser, shared by the libFuzzer executables and the corpus replay test.
#pragma once

#include <cstddef>
#include <cstdint>

// X(name): harness fuzz_<name> in tests/fuzz/fuzz_<name>.cpp, corpus in tests/fuzz/corpus/<name>/.
#define POSEFORGE_FUZZ_HARNESSES(X) \
  X(safetensors)                    \
  X(pickle)                         \
  X(torch_checkpoint)               \
  X(config)                         \
  X(tokenizer)                      \
  X(prompt_weighting)               \
  X(pose_json)                      \
  X(request_json)                   \
  X(png_text)                       \
  X(image)

// Each harness feeds `data` to its parser. A poseforge::Error is the expected answer to bad input and is
// swallowed; anything else (another exception, a crash, a sanitizer report, a broken round trip) is a finding.
// Always returns 0 (libFuzzer's convention).
#define POSEFORGE_DECLARE_FUZZ_HARNESS(name) int fuzz_##name(const std::uint8_t* data, std::size_t size);
POSEFORGE_FUZZ_HARNESSES(POSEFORGE_DECLARE_FUZZ_HARNESS)
#undef POSEFORGE_DECLARE_FUZZ_HARNESS
