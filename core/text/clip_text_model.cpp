// CLIP text transformer (transformers' CLIPTextModel / CLIPTextModelWithProjection) in libtorch.
#include "core/text/clip_text_model.h"

#include <cmath>
#include <limits>

#include <torch/torch.h>

#include "core/error.h"
#include "core/io/json_config.h"
#include "core/io/state_dict.h"
#include "core/io/tensor_map.h"

namespace poseforge::text {

namespace nn = torch::nn;
using torch::Tensor;

ClipTextEmbeddingsImpl::ClipTextEmbeddingsImpl(const ClipTextConfig& c) {
  token_embedding = register_module("token_embedding", nn::Embedding(c.vocab_size, c.hidden_size));
  position_embedding = register_module("position_embedding", nn::Embedding(c.max_position_embeddings, c.hidden_size));
}

Tensor ClipTextEmbeddingsImpl::forward(const Tensor& input_ids) {
  const auto s = input_ids.size(1);
  const Tensor positions = torch::arange(s, torch::TensorOptions().dtype(torch::kLong).device(input_ids.device()));
  return token_embedding(input_ids) + position_embedding(positions).unsqueeze(0);
}

ClipTextTransformerImpl::ClipTextTransformerImpl(const ClipTextConfig& c) {
  embeddings = register_module("embeddings", ClipTextEmbeddings(c));
  encoder = register_module("encoder", layers::ClipEncoder(layers::clip_encoder_options(c, /*causal=*/true)));
  final_layer_norm =
      register_module("final_layer_norm", nn::LayerNorm(nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
}

ClipTextModelImpl::ClipTextModelImpl(const ClipTextConfig& config) : config_(config) {
  text_model = register_module("text_model", ClipTextTransformer(config));
  if (config.with_projection) {
    text_projection = register_module(
        "text_projection", diffusion::Linear(config.hidden_size, config.projection_dim, /*bias=*/false));
  }
}

ClipTextOutput ClipTextModelImpl::forward(const Tensor& input_ids) {
  if (input_ids.dim() != 2 || input_ids.size(1) > config_.max_position_embeddings) {
    throw Error("CLIP text model: input_ids must be [batch, <= {}], got {}", config_.max_position_embeddings,
                io::format_shape(input_ids.sizes()));
  }
  const auto device = text_model->final_layer_norm->weight.device();
  const Tensor ids = input_ids.to(device, torch::kLong);
  ClipTextOutput out;
  // 1. embeddings: [B, S, D]
  // 2. encoder layers (causal): the embeddings, then each layer's output
  out.hidden_states = text_model->encoder(text_model->embeddings(ids));
  out.last_hidden_state = text_model->final_layer_norm(out.hidden_states.back());
  // 3. pooled at the first EOS (legacy configs with eos_token_id 2: at the largest id), no host sync
  const Tensor eos_pos =
      config_.eos_token_id == 2 ? ids.argmax(-1) : (ids == config_.eos_token_id).to(torch::kInt).argmax(-1);
  const Tensor rows = torch::arange(ids.size(0), torch::TensorOptions().dtype(torch::kLong).device(device));
  out.pooled = out.last_hidden_state.index({rows, eos_pos});
  // 4. projection: [B, P]
  if (text_projection) out.text_embeds = text_projection(out.pooled);
  return out;
}

// The one key table for CLIP text checkpoints: transformers may save CLIPTextModel without the
// "text_model." prefix, and older checkpoints carry the embeddings.position_ids buffer (an arange).
io::TensorMap clip_text_keys(const io::TensorMap& file) {
  io::TensorMap out;
  for (const auto& [name, tensor] : file) {
    if (name.size() >= 23 && name.compare(name.size() - 23, 23, "embeddings.position_ids") == 0) continue;
    const bool known_prefix = name.rfind("text_model.", 0) == 0 || name.rfind("text_projection.", 0) == 0;
    out.emplace(known_prefix ? name : "text_model." + name, tensor);
  }
  return out;
}


ClipTextModel load_clip_text_model(const std::filesystem::path& folder, torch::Device device, torch::ScalarType dtype) {
  const auto config = ClipTextConfig::from_json(io::JsonConfig::load(folder / "config.json"));
  std::filesystem::path weights;
  for (const char* name :
       {"model.safetensors", "model.fp16.safetensors", "model.safetensors.index.json", "pytorch_model.bin",
        "pytorch_model.fp16.bin"}) {
    if (std::filesystem::exists(folder / name)) {
      weights = folder / name;
      break;
    }
  }
  if (weights.empty()) {
    throw Error("text encoder folder '{}': no weights (model.safetensors, model.fp16.safetensors or pytorch_model.bin)",
                folder.string());
  }
  ClipTextModel model(config);
  diffusion::materialize(*model, device, dtype);  // no copy of the uninitialised weights
  io::load_state_dict(*model, clip_text_keys(io::load_tensors(weights)), {true, weights.string()});
  model->eval();
  return model;
}

}  // namespace poseforge::text
