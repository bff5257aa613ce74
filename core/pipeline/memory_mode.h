// MemoryMode: which models stay on the GPU between uses (EngineOptions::memory), chosen by the GPU's size.
#pragma once

#include <cstdint>
#include <string>

namespace poseforge::pipeline {

enum class MemoryMode {
  Resident,  // every model on the GPU
  Balanced,  // text and image encoders in pinned host memory between encodes
  Low,       // Balanced + the ControlNet off the GPU between runs, no CUDA graphs, a tiled VAE decode
  Minimal,   // Low + the UNet off the GPU while the ControlNet runs: one model on the GPU at a time
};

struct MemoryChoice {
  MemoryMode mode = MemoryMode::Resident;
  std::string reason;  // "auto: 16.0 GiB GPU (balanced from 11 GiB)", "asked for", ...
};

// `name`: "auto", "resident", "balanced", "low" or "minimal" (Error naming the value otherwise); `low_vram`
// forces "low" (unless "minimal" is asked for). Auto: resident from 20 GiB of GPU memory, balanced from
// 14 GiB, low from 11 GiB, else minimal; on the CPU (cuda false) every mode is resident: nothing moves.
MemoryChoice choose_memory_mode(const std::string& name, bool low_vram, bool cuda, std::int64_t gpu_bytes);

const char* memory_mode_name(MemoryMode mode);

}  // namespace poseforge::pipeline
