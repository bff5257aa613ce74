// choose_memory_mode: the memory mode asked for, or the one the GPU's size calls for.
#include "core/pipeline/memory_mode.h"

#include <fmt/format.h>

#include "core/error.h"

namespace poseforge::pipeline {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
// GiB of GPU memory (what the driver reports: a "16 GB" card has 15.6-16) for SDXL + ControlNet +
// IP-Adapter at 1024x1024, with room for the CUDA context and the allocator's slack.
constexpr double kResidentFrom = 20.0;  // every model: 11.5 GiB of weights, a decode of 2-5 GiB
constexpr double kBalancedFrom = 14.0;  // without the encoders: 8.8 GiB of weights
constexpr double kLowFrom = 11.0;       // UNet + ControlNet + IP-Adapter during the denoising: 7.8 GiB

}  // namespace

const char* memory_mode_name(MemoryMode mode) {
  switch (mode) {
    case MemoryMode::Balanced: return "balanced";
    case MemoryMode::Low: return "low";
    case MemoryMode::Minimal: return "minimal";
    default: return "resident";
  }
}

MemoryChoice choose_memory_mode(const std::string& name, bool low_vram, bool cuda, std::int64_t gpu_bytes) {
  MemoryChoice out;
  if (name == "resident") {
    out.mode = MemoryMode::Resident;
  } else if (name == "balanced") {
    out.mode = MemoryMode::Balanced;
  } else if (name == "low") {
    out.mode = MemoryMode::Low;
  } else if (name == "minimal") {
    out.mode = MemoryMode::Minimal;
  } else if (name != "auto") {
    throw Error("memory mode '{}' is not valid (auto, resident, balanced, low, minimal)", name);
  }
  out.reason = "asked for";
  if (low_vram && out.mode != MemoryMode::Low && out.mode != MemoryMode::Minimal) {
    out.mode = MemoryMode::Low;
    out.reason = "low-VRAM mode is on";
  } else if (name == "auto" && !low_vram) {
    const double gib = static_cast<double>(gpu_bytes) / kGiB;
    out.mode = gib >= kResidentFrom   ? MemoryMode::Resident
               : gib >= kBalancedFrom ? MemoryMode::Balanced
               : gib >= kLowFrom      ? MemoryMode::Low
                                      : MemoryMode::Minimal;
    out.reason = gpu_bytes > 0 ? fmt::format("auto: a {:.1f} GiB GPU (resident from {:.0f} GiB, balanced from {:.0f}, "
                                             "low from {:.0f}, else minimal)",
                                             gib, kResidentFrom, kBalancedFrom, kLowFrom)
                               : "auto: the GPU's size is not known";
    if (gpu_bytes <= 0) out.mode = MemoryMode::Resident;
  }
  if (!cuda) {
    out.mode = MemoryMode::Resident;
    out.reason = "the CPU: nothing moves";
  }
  return out;
}

}  // namespace poseforge::pipeline
