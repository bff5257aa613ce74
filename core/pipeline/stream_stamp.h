// StreamStamp: a point in a device stream's queued work, known to be reached (and when) without a host
// wait; the loop orders its preview stream and paces itself by these. CUDA: an event with timing; CPU: the
// host clock (work there is done when it is queued).
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include <c10/core/Stream.h>
#include <torch/types.h>

namespace poseforge::pipeline {

class StreamStamp {
 public:
  StreamStamp() = default;  // empty: reached, no time

  // Marks the work queued so far on `device`'s current stream (CPU: now).
  static StreamStamp record(const torch::Device& device);
  // The same on `stream` (a CUDA stream; for a CPU stream, now).
  static StreamStamp record(const c10::Stream& stream);

  bool empty() const { return !cuda_ && !host_; }
  // Whether the device got here (an event query: never waits). Empty and CPU stamps: true.
  bool reached() const;
  // Makes `stream` wait for this point before its later work, on the device, with no host wait (CUDA:
  // cudaStreamWaitEvent); nothing for the CPU or an empty stamp.
  void block(const c10::Stream& stream) const;
  // Seconds from `earlier` to this point, both reached and of the same device; 0 when either is empty.
  double seconds_since(const StreamStamp& earlier) const;

 private:
  struct CudaEvent;  // defined only in a CUDA build (POSEFORGE_CUDA)
  std::shared_ptr<CudaEvent> cuda_;
  std::optional<std::chrono::steady_clock::time_point> host_;
};

// The stream a device's previews run on beside the denoising (CUDA: one stream of libtorch's pool, the
// same for the process's lifetime, so the caching allocator keeps one set of preview blocks rather than
// one per pool stream); absent for the CPU, where everything runs in order on the calling thread.
std::optional<c10::Stream> preview_stream(const torch::Device& device);

}  // namespace poseforge::pipeline
