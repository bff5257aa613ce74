// The CPU start: on an engine that runs on the CPU, the app's first start uses a size and step count
// that answer within seconds (SDXL at 1024x1024 / 30 steps takes minutes there), and says why.
#pragma once

#include <optional>
#include <string>

#include "core/pipeline/request.h"
#include "ui/generation/generation_engine.h"

namespace poseforge::ui {

// 4 steps at 256x256: about 4 s for the demo models on two busy cores with OpenBLAS (384x384: 9 s).
constexpr int kCpuStartSide = 256;
constexpr int kCpuStartSteps = 4;

// True when the engine's device is the CPU ("CPU" for the demo engine, "cpu, float32" for SDXL).
bool engine_runs_on_cpu(const EngineInfo& info);

struct CpuStart {
  pipeline::Request request;  // `request` with the CPU start's size and steps
  std::string reason;         // one line for the status bar and the log
};

// The CPU start for `request` when the engine runs on the CPU and the request is larger or longer;
// nullopt otherwise (a GPU engine, or a request already as small).
std::optional<CpuStart> cpu_start(const pipeline::Request& request, const EngineInfo& info);

}  // namespace poseforge::ui
