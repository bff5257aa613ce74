// DeviceUpload: many host tensors copied into tensors on a CUDA device through pinned staging buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include <torch/types.h>

namespace poseforge::io {

// Loading weights: a plain `cuda_tensor.copy_(mapped_cpu_tensor)` per tensor is a synchronous copy
// from pageable memory (the driver stages it through its own small buffer, one tensor at a time).
// This fills two pinned buffers in turn (the host copy split over the intra-op threads) and uploads
// each with one asynchronous copy per tensor on its own stream while the other buffer fills. dtype
// conversions happen on the host, before staging. Targets that are not contiguous CUDA tensors (and
// every target in a libtorch without CUDA) get a plain copy_. finish() (or the destructor) waits for
// every queued copy; a target must stay alive until then (a source is staged before copy() returns).
class DeviceUpload {
 public:
  DeviceUpload();
  ~DeviceUpload();  // finish(), errors dropped: call finish() to see them
  DeviceUpload(const DeviceUpload&) = delete;
  DeviceUpload& operator=(const DeviceUpload&) = delete;

  // Queues target <- source (same shape; the source on the CPU, any dtype). Throws Error on a CUDA failure.
  void copy(torch::Tensor& target, const torch::Tensor& source);
  void finish();  // waits until every queued copy has landed; Error on a CUDA failure

 private:
  struct Staging;
  std::unique_ptr<Staging> staging_;  // created on the first CUDA target
};

}  // namespace poseforge::io
