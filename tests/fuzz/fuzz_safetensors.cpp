// Fuzz harness: a safetensors file (8-byte length, JSON header, data), then its write/read round trip.
#include <cstring>

#include <torch/torch.h>

#include "core/error.h"
#include "core/io/safetensors.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/harnesses.h"

namespace {

using namespace poseforge;

bool same_bytes(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.scalar_type() != b.scalar_type() || a.sizes() != b.sizes()) return false;
  const auto ca = a.contiguous(), cb = b.contiguous();
  const auto bytes = static_cast<std::size_t>(ca.numel()) * ca.element_size();
  return bytes == 0 || std::memcmp(ca.data_ptr(), cb.data_ptr(), bytes) == 0;
}

}  // namespace

int fuzz_safetensors(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::write_scratch("in.safetensors", data, size);
  io::TensorMap tensors;
  std::map<std::string, std::string> metadata;
  try {
    io::SafetensorsFile file(path);
    for (const auto& name : file.names()) {
      const auto& e = file.entry(name);
      const auto t = file.tensor(name);
      fuzz::check(static_cast<std::uint64_t>(t.numel()) * t.element_size() == e.end - e.begin,
                  "tensor '" + name + "' does not span its data_offsets");
    }
    tensors = file.tensors();
    fuzz::note("safetensors: " + std::to_string(tensors.size()) + " tensors");
    metadata = file.metadata();
  } catch (const Error& e) {
    fuzz::note(e.what());
    return 0;
  }
  // What was read must write and read back unchanged.
  const auto copy = fuzz::scratch_dir() / "copy.safetensors";
  try {
    io::write_safetensors(copy, tensors, metadata);
  } catch (const Error& e) {
    fuzz::finding(std::string("a file that reads does not write back: ") + e.what());
  }
  io::SafetensorsFile again(copy);
  fuzz::check(again.metadata() == metadata, "metadata changed in the round trip");
  const auto back = again.tensors();
  fuzz::check(back.size() == tensors.size(), "tensor count changed in the round trip");
  for (const auto& [name, t] : tensors) {
    fuzz::check(back.count(name) == 1 && same_bytes(back.at(name), t),
                "tensor '" + name + "' changed in the round trip");
  }
  return 0;
}
