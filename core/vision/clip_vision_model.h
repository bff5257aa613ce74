// CLIP vision transformer with projection (transformers' CLIPVisionModelWithProjection) and its loader.
#pragma once

#include <filesystem>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "core/layers/clip_encoder.h"
#include "core/vision/clip_vision_config.h"

namespace poseforge::vision {

struct ClipVisionOutput {
  torch::Tensor image_embeds;                // [B, projection_dim]: visual_projection(post_layernorm(cls))
  torch::Tensor last_hidden_state;           // [B, 1 + patches, D] (no post-layernorm, as transformers)
  std::vector<torch::Tensor> hidden_states;  // num_hidden_layers + 1 entries: embeddings, then each layer
  // hidden_states[-2]: what IP-Adapter Plus uses.
  const torch::Tensor& penultimate_hidden_state() const { return hidden_states[hidden_states.size() - 2]; }
};

struct ClipVisionEmbeddingsImpl : torch::nn::Module {
  explicit ClipVisionEmbeddingsImpl(const ClipVisionConfig& config);
  // pixel_values: [B, C, image_size, image_size] -> [B, 1 + patches, D]
  torch::Tensor forward(const torch::Tensor& pixel_values);

  torch::Tensor class_embedding;  // [D]
  torch::nn::Conv2d patch_embedding{nullptr};
  torch::nn::Embedding position_embedding{nullptr};
};
TORCH_MODULE(ClipVisionEmbeddings);

// "vision_model": embeddings, pre_layrnorm (transformers' spelling), encoder, post_layernorm.
struct ClipVisionTransformerImpl : torch::nn::Module {
  explicit ClipVisionTransformerImpl(const ClipVisionConfig& config);

  ClipVisionEmbeddings embeddings{nullptr};
  torch::nn::LayerNorm pre_layrnorm{nullptr};
  layers::ClipEncoder encoder{nullptr};
  torch::nn::LayerNorm post_layernorm{nullptr};
};
TORCH_MODULE(ClipVisionTransformer);

struct ClipVisionModelWithProjectionImpl : torch::nn::Module {
  explicit ClipVisionModelWithProjectionImpl(const ClipVisionConfig& config);

  // pixel_values: [B, C, H, W] of any float dtype/device (cast to the parameters'). Capturable.
  ClipVisionOutput forward(const torch::Tensor& pixel_values);

  const ClipVisionConfig& config() const { return config_; }

  ClipVisionTransformer vision_model{nullptr};
  diffusion::Linear visual_projection{nullptr};

 private:
  ClipVisionConfig config_;
};
TORCH_MODULE(ClipVisionModelWithProjection);

// Loads a transformers folder: config.json + model.safetensors (or pytorch_model.bin), strict, onto
// `device` in `dtype`. Throws Error naming the folder/file for a missing file, bad config or weights.
ClipVisionModelWithProjection load_clip_vision_model(const std::filesystem::path& folder,
                                                     torch::Device device = torch::kCPU,
                                                     torch::ScalarType dtype = torch::kFloat32);

}  // namespace poseforge::vision
