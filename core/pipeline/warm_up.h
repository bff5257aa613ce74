// Warm-up at load time: one short generation of a typical request through the engine's own run, so the
// user's first generation pays no one-time GPU costs (cuBLAS/cuDNN handles and heuristics, kernel
// loading, the step graph of that size, the preview decoder, pinned read-back buffers).
#pragma once

#include "core/pipeline/pipeline.h"

namespace poseforge::pipeline {

struct WarmUpRun {
  Request request;
  Inputs inputs;
};

// side x side, 2 steps with CFG, the ControlNet acting, one image prompt when `with_image_prompt` (the
// same step-graph shape as a user's run with one image prompt), a short prompt and negative.
WarmUpRun warm_up_run(int side, bool with_image_prompt);

}  // namespace poseforge::pipeline
