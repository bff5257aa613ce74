// CLIP vision transformer: patch + class embeddings, encoder, pooled projection; folder loader.
#include "core/vision/clip_vision_model.h"

#include <torch/nn/modules/container/modulelist.h>

#include "core/error.h"
#include "core/io/state_dict.h"
#include "core/io/tensor_map.h"

namespace poseforge::vision {

ClipVisionEmbeddingsImpl::ClipVisionEmbeddingsImpl(const ClipVisionConfig& c) {
  class_embedding = register_parameter("class_embedding", torch::zeros({c.hidden_size}));
  patch_embedding = register_module(
      "patch_embedding",
      torch::nn::Conv2d(
          torch::nn::Conv2dOptions(c.num_channels, c.hidden_size, c.patch_size).stride(c.patch_size).bias(false)));
  position_embedding = register_module("position_embedding", torch::nn::Embedding(c.num_patches() + 1, c.hidden_size));
}

torch::Tensor ClipVisionEmbeddingsImpl::forward(const torch::Tensor& pixel_values) {
  const auto& weight = patch_embedding->weight;
  // 1. patches: [B, C, H, W] -> [B, D, H/p, W/p] -> [B, patches, D]
  const auto patches = patch_embedding->forward(pixel_values.to(weight.options())).flatten(2).transpose(1, 2);
  // 2. class token first: [B, 1 + patches, D]
  const auto cls = class_embedding.view({1, 1, -1}).expand({patches.size(0), 1, patches.size(2)});
  // 3. learned positions
  return torch::cat({cls, patches}, 1) + position_embedding->weight.unsqueeze(0);
}

ClipVisionTransformerImpl::ClipVisionTransformerImpl(const ClipVisionConfig& c) {
  const auto norm = torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps);
  embeddings = register_module("embeddings", ClipVisionEmbeddings(c));
  pre_layrnorm = register_module("pre_layrnorm", torch::nn::LayerNorm(norm));
  encoder = register_module("encoder", layers::ClipEncoder(layers::clip_encoder_options(c, /*causal=*/false)));
  post_layernorm = register_module("post_layernorm", torch::nn::LayerNorm(norm));
}

ClipVisionModelWithProjectionImpl::ClipVisionModelWithProjectionImpl(const ClipVisionConfig& c) : config_(c) {
  vision_model = register_module("vision_model", ClipVisionTransformer(c));
  visual_projection = register_module(
      "visual_projection", diffusion::Linear(c.hidden_size, c.projection_dim, /*bias=*/false));
}

ClipVisionOutput ClipVisionModelWithProjectionImpl::forward(const torch::Tensor& pixel_values) {
  auto& vm = *vision_model;
  ClipVisionOutput out;
  // 1. embeddings + pre-layernorm: x: [B, 1 + patches, D]
  const auto x = vm.pre_layrnorm->forward(vm.embeddings->forward(pixel_values));
  // 2. encoder, keeping every layer's output
  out.hidden_states = vm.encoder->forward(x);
  out.last_hidden_state = out.hidden_states.back();
  // 3. pooled class token -> post-layernorm -> projection: [B, projection_dim]
  const auto pooled = vm.post_layernorm->forward(out.last_hidden_state.select(1, 0));
  out.image_embeds = visual_projection->forward(pooled);
  return out;
}

ClipVisionModelWithProjection load_clip_vision_model(const std::filesystem::path& folder, torch::Device device,
                                                     torch::ScalarType dtype) {
  try {
    const auto config = ClipVisionConfig::load(folder / "config.json");
    auto weights = folder / "model.safetensors";
    if (!std::filesystem::exists(weights) && std::filesystem::exists(folder / "pytorch_model.bin")) {
      weights = folder / "pytorch_model.bin";
    }
    ClipVisionModelWithProjection model(config);
    diffusion::materialize(*model, device, dtype);  // no copy of the uninitialised weights
    io::load_state_dict(*model, io::load_tensors(weights), {true, weights.string()});
    model->eval();
    return model;
  } catch (...) {
    rethrow_with_context("loading image encoder '" + folder.string() + "'");
  }
}

}  // namespace poseforge::vision
