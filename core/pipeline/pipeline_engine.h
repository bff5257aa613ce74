// PipelineEngine: the Pipeline's tensor-level implementation (models, caches, the denoising loop),
// exposed for parity tests and tools that need the float image or every step's latents.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "core/pipeline/memory_mode.h"
#include "core/pipeline/model_set.h"
#include "core/pipeline/pipeline.h"

namespace poseforge::pipeline {

class StepGraphs;

// What run() produced, before 8-bit quantisation.
struct EngineOutput {
  torch::Tensor images;              // [samples, H, W, 3] float32 in [0, 1] on the CPU
  std::vector<std::int64_t> seeds;   // per sample
  std::vector<double> step_seconds;  // per sampler step of the last sample
  std::vector<double> sigmas;        // per model call (the sampler's schedule)
  // The batch size of each UNet / ControlNet call of the last sample (LoopResult's).
  std::vector<std::int64_t> unet_batches, controlnet_batches;
  // Per sample, the latents after each model call's sampler step (float32, CPU); only with keep_step_latents.
  std::vector<std::vector<torch::Tensor>> step_latents;
  std::vector<std::string> notes;  // what the run recovered from, per sample (LoopResult::notes)
};

class PipelineEngine {
 public:
  // Validates `paths` (not OpenPose; the IP-Adapter parts when paths.ip_adapter is set), chooses the
  // device and dtype. Throws Error listing every problem.
  PipelineEngine(ModelPaths paths, EngineOptions options);

  void load();  // no-op when loaded
  bool loaded() const { return models_.has_value(); }
  ModelSet& models();  // loads on first use
  const ModelPaths& paths() const { return paths_; }
  torch::Device device() const { return device_; }
  torch::Dtype dtype() const { return dtype_; }
  // "cuda:0 NVIDIA H100 80GB HBM3, float16, memory resident" (GPU name when known; the memory mode on CUDA)
  std::string device_description() const;
  const MemoryChoice& memory() const { return memory_; }  // the memory mode in use and why
  // The live previews of later runs (Pipeline::set_previews); Error for an interval below 0 or a budget
  // outside [0, 1]. The measured preview costs are kept.
  void set_previews(const PreviewOptions& previews);
  const PreviewOptions& previews() const { return options_.previews; }

  // Every problem of `request` with these `inputs` (request ranges, sampler name, control image, image
  // prompts without an adapter, initial_latents size), without loading or running any model.
  std::vector<std::string> problems(const Request& request, const Inputs& inputs) const;

  // Cached per (prompt, negative, options): on the device in the model dtype. An empty negative is
  // absent (zeros, as diffusers' SDXL does for negative_prompt=None).
  const text::SdxlPromptEmbeddings& prompt_embeddings(const std::string& prompt, const std::string& negative);
  // Cached per (images, relative weights, negative image; the last few sets): IP-Adapter tokens
  // [2, T, D] (negative, positive) of the prompts' weighted mean; `negative` (may be empty) replaces
  // the zeros on the negative side. Types, start/end and masks do not enter. Error without an adapter.
  torch::Tensor image_tokens(const std::vector<Inputs::ImagePrompt>& prompts, const io::Image& negative = {});
  // Cached per (image, size): [1, 3, height, width] in [0, 1], on the device in the model dtype.
  torch::Tensor control_tensor(const io::Image& image, int width, int height);

  // One generation (Pipeline::generate's semantics; request.seed -1 is resolved here). Each stage's
  // libtorch failures become an Error naming the stage and its models (stage_error.h); out of memory an
  // OutOfMemory, after which the loaded models stay usable (the CUDA cache is emptied). Samples run
  // one after another. Seeds: sample s uses seed + s. Start latents: a CPU torch::Generator seeded with
  // that seed draws [1, C, H/f, W/f] float32 standard normals, moved to the device; the same generator
  // then feeds the sampler's noise (ancestral/SDE samplers), as diffusers shares one generator.
  EngineOutput run(const Request& request, const Inputs& inputs, const ProgressFn& progress = {},
                   const std::atomic<bool>* cancel = nullptr, bool keep_step_latents = false);

 private:
  EngineOutput run_stages(const Request& request, const Inputs& inputs, const ProgressFn& progress,
                          const std::atomic<bool>* cancel, bool keep_step_latents);

  struct Caches;
  StepGraphs* graphs();  // the kept graphs when options_.cuda_graphs and the device allow them
  ModelPaths paths_;
  EngineOptions options_;
  torch::Device device_ = torch::kCPU;
  torch::Dtype dtype_ = torch::kFloat32;
  MemoryChoice memory_;
  std::optional<ModelSet> models_;
  std::shared_ptr<Caches> caches_;
};

}  // namespace poseforge::pipeline
