// Fault injection for tests: failures a GPU run can meet (out of memory mid-loop, NaN latents, a NaN
// decode) injected into the engine on the CPU. Process-wide; empty (the default) costs one check a call.
#pragma once

#include <cstdint>
#include <functional>

namespace poseforge::pipeline {

struct FaultHooks {
  // Called before each model call of the denoising loop (0-based over a sample); may throw, e.g.
  // throw_simulated_cuda_oom() (stage_error.h).
  std::function<void(std::int64_t call)> before_model_call;
  // Called inside each ControlNet + UNet call (denoise_call), also while a CUDA graph captures it
  // (`capturing`); may throw (an out of memory in the middle of a capture).
  std::function<void(bool capturing)> inside_model_call;
  // After the loop of a sample: true replaces the latents with NaN (a float16 overflow in the UNet).
  std::function<bool()> poison_latents;
  // After a VAE decode (attempt 0, then 1 for the float32 re-decode): true replaces the picture with NaN.
  std::function<bool(int attempt)> poison_decode;

  bool empty() const { return !before_model_call && !inside_model_call && !poison_latents && !poison_decode; }
};

// The hooks the engine consults. Set them only while no generation runs (tests: ScopedFaultHooks).
FaultHooks& fault_hooks();

// Installs hooks for its lifetime, then clears them.
class ScopedFaultHooks {
 public:
  explicit ScopedFaultHooks(FaultHooks hooks) { fault_hooks() = std::move(hooks); }
  ~ScopedFaultHooks() { fault_hooks() = {}; }
  ScopedFaultHooks(const ScopedFaultHooks&) = delete;
  ScopedFaultHooks& operator=(const ScopedFaultHooks&) = delete;
};

}  // namespace poseforge::pipeline
