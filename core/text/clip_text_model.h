// CLIP text transformer (transformers' CLIPTextModel / CLIPTextModelWithProjection) in libtorch.
#pragma once

#include <filesystem>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "core/io/tensor_map.h"
#include "core/layers/clip_encoder.h"
#include "core/text/clip_text_config.h"

namespace poseforge::text {

// Parameter names below are transformers' checkpoint keys (text_model.encoder.layers.N.self_attn...).

class ClipTextEmbeddingsImpl : public torch::nn::Module {
 public:
  explicit ClipTextEmbeddingsImpl(const ClipTextConfig& config);
  // ids: [B, S] integer -> [B, S, D] token + position embeddings.
  torch::Tensor forward(const torch::Tensor& input_ids);

  torch::nn::Embedding token_embedding{nullptr}, position_embedding{nullptr};
};
TORCH_MODULE(ClipTextEmbeddings);

class ClipTextTransformerImpl : public torch::nn::Module {
 public:
  explicit ClipTextTransformerImpl(const ClipTextConfig& config);
  ClipTextEmbeddings embeddings{nullptr};
  layers::ClipEncoder encoder{nullptr};  // causal
  torch::nn::LayerNorm final_layer_norm{nullptr};
};
TORCH_MODULE(ClipTextTransformer);

struct ClipTextOutput {
  torch::Tensor last_hidden_state;           // [B, S, D], after final_layer_norm
  std::vector<torch::Tensor> hidden_states;  // num_layers + 1 tensors [B, S, D]: embeddings, then each layer
  torch::Tensor pooled;                      // [B, D] last_hidden_state at the EOS token (pooler_output)
  torch::Tensor text_embeds;                 // [B, P] text_projection(pooled); undefined without projection
  // hidden_states[-2], what SDXL conditions on.
  const torch::Tensor& penultimate() const { return hidden_states[hidden_states.size() - 2]; }
};

// The whole model. forward is capturable (no host sync; the EOS position is found with tensor ops)
// and runs in the parameters' dtype on their device.
class ClipTextModelImpl : public torch::nn::Module {
 public:
  explicit ClipTextModelImpl(const ClipTextConfig& config);
  // input_ids: [B, S] integer ids, S <= max_position_embeddings (Error otherwise), any device.
  ClipTextOutput forward(const torch::Tensor& input_ids);
  const ClipTextConfig& config() const { return config_; }

  ClipTextTransformer text_model{nullptr};
  diffusion::Linear text_projection{nullptr};  // only with config.with_projection

 private:
  ClipTextConfig config_;
};
TORCH_MODULE(ClipTextModel);

// The transformers CLIP text keys as our module's: "text_model." added where a checkpoint was saved
// without it, the embeddings.position_ids buffer (an arange) dropped.
io::TensorMap clip_text_keys(const io::TensorMap& file);

// Loads a transformers text-encoder folder: config.json + model.safetensors (or model.fp16.safetensors,
// pytorch_model.bin) onto `device` in `dtype`. Checkpoints saved without the "text_model." prefix and
// older ones with the embeddings.position_ids buffer are accepted (the only key table, here).
// Throws Error naming the folder/file for a missing or malformed config or weights.
ClipTextModel load_clip_text_model(const std::filesystem::path& folder, torch::Device device = torch::kCPU,
                                   torch::ScalarType dtype = torch::kFloat32);

}  // namespace poseforge::text
