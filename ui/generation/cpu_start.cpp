// cpu_start: the smaller first request on a CPU engine, with the reason shown to the user.
#include "ui/generation/cpu_start.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace poseforge::ui {

bool engine_runs_on_cpu(const EngineInfo& info) {
  std::string device = info.device.substr(0, 3);
  std::transform(device.begin(), device.end(), device.begin(), [](unsigned char c) { return std::tolower(c); });
  return device == "cpu";
}

std::optional<CpuStart> cpu_start(const pipeline::Request& request, const EngineInfo& info) {
  if (!engine_runs_on_cpu(info)) return std::nullopt;
  const bool larger = request.width > kCpuStartSide || request.height > kCpuStartSide;
  if (!larger && request.steps <= kCpuStartSteps) return std::nullopt;
  CpuStart out{request, ""};
  out.request.width = std::min(request.width, kCpuStartSide);
  out.request.height = std::min(request.height, kCpuStartSide);
  out.request.steps = std::min(request.steps, kCpuStartSteps);
  out.reason = fmt::format(
      "On the CPU: {}x{}, {} steps answer within seconds ({}x{}, {} steps take minutes); raise them in Parameters "
      "or use a GPU build",
      out.request.width, out.request.height, out.request.steps, request.width, request.height, request.steps);
  return out;
}

}  // namespace poseforge::ui
