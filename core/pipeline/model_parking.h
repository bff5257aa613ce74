// What each memory mode parks (ModelSet::load's ParkPlan) and minimal memory's model swap.
#pragma once

#include "core/pipeline/memory_mode.h"
#include "core/pipeline/model_set.h"
#include "core/pipeline/step_graph.h"

namespace poseforge::pipeline {

// Balanced: the encoders; low: and the ControlNet; minimal: and the UNet.
ParkPlan park_plan(MemoryMode mode);

// Minimal memory: before the ControlNet runs the UNet leaves the GPU and the ControlNet comes, before
// the UNet runs the other way round (each a host-to-device copy of that model's weights).
ModelSwap one_model_at_a_time(ModelSet& models);

// Parks the ControlNet and/or the UNet when it goes out of scope, errors dropped (low and minimal
// memory after a run, also a failed one).
class ParkDenoisersOnExit {
 public:
  ParkDenoisersOnExit(ModelSet& models, bool controlnet, bool unet) : models_(models), controlnet_(controlnet), unet_(unet) {}
  ~ParkDenoisersOnExit();
  ParkDenoisersOnExit(const ParkDenoisersOnExit&) = delete;
  ParkDenoisersOnExit& operator=(const ParkDenoisersOnExit&) = delete;

 private:
  ModelSet& models_;
  bool controlnet_, unet_;
};

}  // namespace poseforge::pipeline
