// park_plan and the minimal-memory swap of ControlNet and UNet.
#include "core/pipeline/model_parking.h"

namespace poseforge::pipeline {

ParkPlan park_plan(MemoryMode mode) {
  ParkPlan plan;
  plan.encoders = mode != MemoryMode::Resident;
  plan.controlnet = mode == MemoryMode::Low || mode == MemoryMode::Minimal;
  plan.unet = mode == MemoryMode::Minimal;
  return plan;
}

ModelSwap one_model_at_a_time(ModelSet& m) {
  ModelSwap swap;
  // Send away first, then bring: the freed blocks take the arriving weights.
  swap.before_controlnet = [&m] {
    m.move_unet(torch::kCPU);
    m.move_controlnet(m.device);
  };
  swap.before_unet = [&m] {
    m.move_controlnet(torch::kCPU);
    m.move_unet(m.device);
  };
  return swap;
}

ParkDenoisersOnExit::~ParkDenoisersOnExit() {
  try {
    if (unet_) models_.move_unet(torch::kCPU);
    if (controlnet_) models_.move_controlnet(torch::kCPU);
  } catch (const std::exception&) {
    // parking only fails without pinned host memory; the next run's upload reports that
  }
}

}  // namespace poseforge::pipeline
