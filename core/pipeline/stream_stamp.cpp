// StreamStamp (CUDA events with timing in a CUDA build; the host clock otherwise) and preview_stream.
#include "core/pipeline/stream_stamp.h"

#include <map>
#include <mutex>

#include <c10/core/impl/VirtualGuardImpl.h>

#include "core/error.h"

#if defined(POSEFORGE_CUDA)
#include <ATen/cuda/CUDAEvent.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace poseforge::pipeline {

#if defined(POSEFORGE_CUDA)
struct StreamStamp::CudaEvent {
  at::cuda::CUDAEvent event{cudaEventDefault};  // timing on: elapsed_time needs it
};
#else
struct StreamStamp::CudaEvent {};
#endif

StreamStamp StreamStamp::record(const torch::Device& device) {
  if (!device.is_cuda()) return record(c10::Stream(c10::Stream::DEFAULT, torch::kCPU));
  const c10::impl::VirtualGuardImpl guard(device.type());
  return record(guard.getStream(device));
}

StreamStamp StreamStamp::record(const c10::Stream& stream) {
  StreamStamp s;
  if (stream.device_type() != c10::DeviceType::CUDA) {
    s.host_ = std::chrono::steady_clock::now();
    return s;
  }
#if defined(POSEFORGE_CUDA)
  s.cuda_ = std::make_shared<CudaEvent>();
  s.cuda_->event.record(c10::cuda::CUDAStream(stream));
  return s;
#else
  throw Error("a CUDA stream needs a CUDA build of libtorch (this one has none)");
#endif
}

bool StreamStamp::reached() const {
#if defined(POSEFORGE_CUDA)
  if (cuda_) return cuda_->event.query();
#endif
  return true;
}

void StreamStamp::block(const c10::Stream& stream) const {
#if defined(POSEFORGE_CUDA)
  if (cuda_ && stream.device_type() == c10::DeviceType::CUDA) cuda_->event.block(c10::cuda::CUDAStream(stream));
#else
  (void)stream;
#endif
}

double StreamStamp::seconds_since(const StreamStamp& earlier) const {
  if (host_ && earlier.host_) return std::chrono::duration<double>(*host_ - *earlier.host_).count();
#if defined(POSEFORGE_CUDA)
  if (cuda_ && earlier.cuda_) return earlier.cuda_->event.elapsed_time(cuda_->event) / 1000.0;
#endif
  return 0.0;
}

std::optional<c10::Stream> preview_stream(const torch::Device& device) {
  if (!device.is_cuda()) return std::nullopt;
  static std::mutex mutex;
  static std::map<c10::DeviceIndex, c10::Stream> streams;
  const std::lock_guard<std::mutex> lock(mutex);
  auto it = streams.find(device.index());
  if (it == streams.end()) {
    const c10::impl::VirtualGuardImpl guard(device.type());
    it = streams.emplace(device.index(), guard.getStreamFromGlobalPool(device, /*isHighPriority=*/false)).first;
  }
  return it->second;
}

}  // namespace poseforge::pipeline
