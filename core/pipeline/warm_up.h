// Warm-up at load time: every model runs once on dummy inputs of a typical request (and the denoising
// call is captured as a CUDA graph), so the user's first generation pays no one-time GPU costs
// (cuBLAS/cuDNN handles and heuristics, kernel loading, graph capture).
#pragma once

#include "core/pipeline/memory_mode.h"
#include "core/pipeline/model_set.h"

namespace poseforge::pipeline {

class StepGraphs;

// Runs the text encoders, the image encoder (with an IP-Adapter), one CFG denoising call with the
// ControlNet (through `graphs` when given) and a VAE decode at side x side, then waits for the device.
// Each model is where `mode` keeps it while it runs (and parked after, as after a run); low and
// minimal memory decode in tiles.
void warm_up(ModelSet& models, StepGraphs* graphs, int side, MemoryMode mode = MemoryMode::Resident);

}  // namespace poseforge::pipeline
