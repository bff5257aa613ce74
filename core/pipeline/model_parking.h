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

// Parks the UNet and the ControlNet when it goes out of scope, errors dropped (minimal memory after a
// run, also a failed one).
class ParkDenoisersOnExit {
 public:
  ParkDenoisersOnExit(ModelSet& models, bool active) : models_(models), active_(active) {}
  ~ParkDenoisersOnExit();
  ParkDenoisersOnExit(const ParkDenoisersOnExit&) = delete;
  ParkDenoisersOnExit& operator=(const ParkDenoisersOnExit&) = delete;

 private:
  ModelSet& models_;
  bool active_;
};

}  // namespace poseforge::pipeline
