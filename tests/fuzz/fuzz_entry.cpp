// libFuzzer entry point of one harness (POSEFORGE_FUZZ_HARNESS names it; tests/fuzz/CMakeLists.txt).
#include "tests/fuzz/harnesses.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return POSEFORGE_FUZZ_HARNESS(data, size);
}
