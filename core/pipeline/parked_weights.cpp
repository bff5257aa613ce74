// ParkedWeights: pinned host copies of a model's weights, swapped in and out of its tensors.
#include "core/pipeline/parked_weights.h"

#include <memory>

#include <torch/torch.h>

#include "core/error.h"

#if defined(POSEFORGE_CUDA)
#include <cuda_runtime_api.h>
#endif

namespace poseforge::pipeline {

void ParkedWeights::add(const std::vector<torch::nn::Module*>& modules) {
  for (auto* module : modules) {
    for (auto& p : module->parameters(/*recurse=*/true))
      if (p.is_cuda()) entries_.push_back({p, p.device(), {}, -1});
    for (auto& b : module->buffers(/*recurse=*/true))
      if (b.is_cuda()) entries_.push_back({b, b.device(), {}, -1});
  }
}

std::int64_t ParkedWeights::bytes() const {
  std::int64_t n = 0;
  for (const auto& e : entries_) n += e.tensor.numel() * e.tensor.element_size();
  return n;
}

#if defined(POSEFORGE_CUDA)
namespace {

constexpr std::size_t kAlign = 256;

std::size_t aligned(std::size_t n) {
  return (n + kAlign - 1) / kAlign * kAlign;
}

}  // namespace
#endif

void ParkedWeights::park() {
#if defined(POSEFORGE_CUDA)
  torch::NoGradGuard no_grad;
  // Host copies for the tensors parked for the first time: views of one pinned block.
  std::size_t total = 0;
  for (const auto& e : entries_)
    if (e.tensor.is_cuda() && !e.host.defined()) total += aligned(e.tensor.numel() * e.tensor.element_size());
  if (total > 0) {
    void* block = nullptr;
    if (const auto status = cudaHostAlloc(&block, total, cudaHostAllocDefault); status != cudaSuccess) {
      throw Error("parking model weights: cudaHostAlloc of {} bytes of pinned host memory failed: {}", total,
                  cudaGetErrorString(status));
    }
    const std::shared_ptr<void> owner(block, [](void* p) { cudaFreeHost(p); });
    std::size_t offset = 0;
    for (auto& e : entries_) {
      if (!e.tensor.is_cuda() || e.host.defined()) continue;
      // A dense tensor keeps its strides (channels-last convolution weights stay so), anything else is
      // parked contiguous.
      void* data = static_cast<std::uint8_t*>(block) + offset;
      const auto options = torch::TensorOptions().dtype(e.tensor.scalar_type());
      e.host = e.tensor.is_non_overlapping_and_dense()
                   ? torch::from_blob(data, e.tensor.sizes(), e.tensor.strides(), [owner](void*) {}, options)
                   : torch::from_blob(data, e.tensor.sizes(), [owner](void*) {}, options);
      offset += aligned(e.tensor.numel() * e.tensor.element_size());
    }
  }
  for (auto& e : entries_) {
    if (!e.tensor.is_cuda()) continue;  // parked already
    // Copied back only when the GPU copy changed since our upload (or was never ours).
    if (e.version < 0 || e.tensor._version() != e.version) e.host.copy_(e.tensor, /*non_blocking=*/true);
    // The GPU block returns to the allocator now; work queued later on this stream runs after the copy.
    e.tensor.set_data(e.host);
  }
  parked_ = !entries_.empty();
#endif
}

void ParkedWeights::unpark() {
#if defined(POSEFORGE_CUDA)
  torch::NoGradGuard no_grad;
  for (auto& e : entries_) {
    if (e.tensor.is_cuda() || !e.host.defined()) continue;
    e.tensor.set_data(e.host.to(e.device, /*non_blocking=*/true));
    e.version = e.tensor._version();
  }
  parked_ = false;
#endif
}

}  // namespace poseforge::pipeline
