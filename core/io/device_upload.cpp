// DeviceUpload: pinned double-buffered host-to-device copies (CUDA builds), plain copy_ otherwise.
#include "core/io/device_upload.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include "core/error.h"

#if defined(POSEFORGE_CUDA)
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

namespace poseforge::io {

#if defined(POSEFORGE_CUDA)
namespace {

constexpr std::size_t kBufferBytes = std::size_t{64} << 20;  // each of the two staging buffers
constexpr std::int64_t kCopyGrain = std::int64_t{4} << 20;   // bytes one thread copies at least

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw Error("uploading weights to the GPU: {} failed: {}", what, cudaGetErrorString(status));
}

// memcpy over the intra-op threads (reading a mapped file is bound by page faults and memory bandwidth).
void host_copy(std::uint8_t* dst, const std::uint8_t* src, std::size_t n) {
  at::parallel_for(0, static_cast<std::int64_t>(n), kCopyGrain, [&](std::int64_t begin, std::int64_t end) {
    std::memcpy(dst + begin, src + begin, static_cast<std::size_t>(end - begin));
  });
}

}  // namespace

struct DeviceUpload::Staging {
  struct Piece {
    void* dst;
    std::size_t offset, bytes;
  };
  explicit Staging(const torch::Device& device)
      : device(device), stream(c10::cuda::getStreamFromPool(/*isHighPriority=*/false, device.index())) {
    const auto pinned = torch::TensorOptions().dtype(torch::kUInt8).pinned_memory(true);
    for (int i = 0; i < 2; ++i) {
      buffers[i] = torch::empty({static_cast<std::int64_t>(kBufferBytes)}, pinned);
      check(cudaEventCreateWithFlags(&events[i], cudaEventDisableTiming), "cudaEventCreate");
    }
  }
  ~Staging() {
    for (auto& e : events) cudaEventDestroy(e);
  }
  std::uint8_t* fill_pointer() { return static_cast<std::uint8_t*>(buffers[current].data_ptr()) + filled; }
  // Uploads what the current buffer holds, then waits until the other one is free to fill.
  void flush() {
    if (pieces.empty()) return;
    auto* base = static_cast<std::uint8_t*>(buffers[current].data_ptr());
    for (const auto& p : pieces)
      check(cudaMemcpyAsync(p.dst, base + p.offset, p.bytes, cudaMemcpyHostToDevice, stream.stream()), "cudaMemcpyAsync");
    check(cudaEventRecord(events[current], stream.stream()), "cudaEventRecord");
    pieces.clear();
    filled = 0;
    current ^= 1;
    check(cudaEventSynchronize(events[current]), "cudaEventSynchronize");  // its last upload has landed
  }
  void finish() {
    flush();
    check(cudaStreamSynchronize(stream.stream()), "cudaStreamSynchronize");
  }
  torch::Device device;
  c10::cuda::CUDAStream stream;
  torch::Tensor buffers[2];
  cudaEvent_t events[2] = {nullptr, nullptr};
  int current = 0;
  std::size_t filled = 0;
  std::vector<Piece> pieces;
};
#else
struct DeviceUpload::Staging {};
#endif

DeviceUpload::DeviceUpload() = default;

DeviceUpload::~DeviceUpload() {
  try {
    finish();
  } catch (const std::exception&) {
  }
}

void DeviceUpload::copy(torch::Tensor& target, const torch::Tensor& source) {
#if defined(POSEFORGE_CUDA)
  if (target.is_cuda() && target.is_contiguous() && source.device().is_cpu() && target.numel() > 0) {
    if (staging_ && staging_->device != target.device()) finish(), staging_.reset();
    if (!staging_) staging_ = std::make_unique<Staging>(target.device());
    auto& s = *staging_;
    torch::Tensor host = source;
    if (host.scalar_type() != target.scalar_type() || !host.is_contiguous())
      host = source.to(target.scalar_type()).contiguous();
    const auto* src = static_cast<const std::uint8_t*>(host.data_ptr());
    auto* dst = static_cast<std::uint8_t*>(target.data_ptr());
    const std::size_t bytes = target.numel() * target.element_size();
    for (std::size_t done = 0; done < bytes;) {
      if (s.filled == kBufferBytes) s.flush();
      const std::size_t n = std::min(kBufferBytes - s.filled, bytes - done);
      host_copy(s.fill_pointer(), src + done, n);
      s.pieces.push_back({dst + done, s.filled, n});
      s.filled += n;
      done += n;
    }
    return;
  }
#endif
  target.copy_(source);
}

void DeviceUpload::finish() {
#if defined(POSEFORGE_CUDA)
  if (!staging_) return;
  staging_->finish();
#endif
}

}  // namespace poseforge::io
