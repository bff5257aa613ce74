// The checked final decode of a sample: NaN/inf latents are an Error (the denoising diverged); a NaN or
// inf picture (a float16 VAE overflow) is decoded again in float32, once, with a note saying so.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <torch/types.h>

#include "core/pipeline/model_set.h"

namespace poseforge::pipeline {

using DecodeFn = std::function<torch::Tensor(const torch::Tensor& latents)>;

// `latents` [1, C, h, w]; `image` the picture `decode` already made of them ([1, H, W, 3] in [0, 1],
// on the device; decode reads models.vae_dtype). Returns the picture on the CPU. When it is not finite,
// the VAE decodes again in float32 (moved there and back when it runs in float16/bfloat16) and
// `notes` gets a line saying so; still not finite: Error. Sample `sample` (0-based) names the sample.
torch::Tensor checked_decode(ModelSet& models, const torch::Tensor& latents, torch::Tensor image,
                             const DecodeFn& decode, int sample, std::vector<std::string>& notes);

}  // namespace poseforge::pipeline
