// ParkedWeights: a model's weights waiting in pinned host memory while the GPU needs the room.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

namespace poseforge::pipeline {

// park() points every parameter and buffer of the added modules at a pinned host copy, releasing their
// GPU memory (to the caching allocator); unpark() uploads them again, asynchronously on the current
// stream (kernels queued after it see the weights). A host copy is taken on the first park and
// refreshed only for tensors changed on the GPU since the last upload (a LoRA merged while the weights
// were there): after the first time, parking costs no copy and unparking one host-to-device copy at
// pinned speed. Weights changed while parked (merged on the host) are uploaded as they are. Tensors on
// the CPU when added, and everything in a libtorch without CUDA, are never parked. The host copies of one
// park() share one pinned allocation (cudaHostAlloc), not one allocator block each: the caching host
// allocator rounds every block up to a power of two and pins them one at a time.
class ParkedWeights {
 public:
  ParkedWeights() = default;
  explicit ParkedWeights(const std::vector<torch::nn::Module*>& modules) { add(modules); }

  void add(const std::vector<torch::nn::Module*>& modules);  // parked with the others from the next park()
  bool empty() const { return entries_.empty(); }
  bool parked() const { return parked_; }
  void park();
  void unpark();
  std::int64_t bytes() const;  // what parking frees on the GPU

 private:
  struct Entry {
    torch::Tensor tensor;       // the module's own parameter or buffer (shares its TensorImpl)
    torch::Device device;       // where it lives when not parked
    torch::Tensor host;         // pinned copy, once parked
    std::int64_t version = -1;  // tensor._version() after its last upload (-1: never uploaded by us)
  };
  std::vector<Entry> entries_;
  bool parked_ = false;
};

}  // namespace poseforge::pipeline
