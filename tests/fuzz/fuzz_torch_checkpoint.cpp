// Fuzz harness: a torch checkpoint file (zip archive through libtorch's reader, or a legacy pickle stream).
#include <torch/torch.h>

#include "core/error.h"
#include "core/io/tensor_map.h"
#include "core/io/torch_checkpoint.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/harnesses.h"

int fuzz_torch_checkpoint(const std::uint8_t* data, std::size_t size) {
  using namespace poseforge;
  const auto path = fuzz::write_scratch("in.pth", data, size);
  try {
    const auto tensors = io::load_torch_checkpoint(path);
    fuzz::check(!tensors.empty(), "a checkpoint read with no tensors");
    double sum = 0;
    for (const auto& [name, t] : tensors) {
      fuzz::check(t.defined(), "undefined tensor '" + name + "'");
      if (t.numel() > 0 && t.is_floating_point()) sum += t.to(torch::kFloat64).sum().item<double>();
    }
    fuzz::note("checkpoint: " + std::to_string(tensors.size()) + " tensors, sum " + std::to_string(sum));
    // load_tensors sniffs the format the same way.
    fuzz::check(io::load_tensors(path).size() == tensors.size(), "load_tensors disagrees with load_torch_checkpoint");
  } catch (const Error& e) {
    fuzz::note(e.what());
  }
  return 0;
}
