// CLIP encoder layers: attention, MLP, pre-norm residual blocks.
#include "core/layers/clip_encoder.h"

#include <utility>

#include <torch/torch.h>

#include "core/layers/attention_math.h"

namespace poseforge::layers {

namespace tnn = torch::nn;
using torch::Tensor;

ClipAttentionImpl::ClipAttentionImpl(std::int64_t hidden_size, std::int64_t num_heads, bool causal)
    : heads_(num_heads), causal_(causal) {
  q_proj = register_module("q_proj", diffusion::Linear(hidden_size, hidden_size));
  k_proj = register_module("k_proj", diffusion::Linear(hidden_size, hidden_size));
  v_proj = register_module("v_proj", diffusion::Linear(hidden_size, hidden_size));
  out_proj = register_module("out_proj", diffusion::Linear(hidden_size, hidden_size));
}

Tensor ClipAttentionImpl::forward(const Tensor& x) {
  const auto b = x.size(0), s = x.size(1), d = x.size(2), hd = d / heads_;
  // 1. projections, split heads: [B, H, S, hd]
  auto split = [&](const Tensor& t) { return t.view({b, s, heads_, hd}).transpose(1, 2); };
  const Tensor q = split(q_proj(x)), k = split(k_proj(x)), v = split(v_proj(x));
  // 2. attention: [B, H, S, hd]
  const Tensor out = scaled_dot_product_attention(q, k, v, causal_);
  // 3. merge heads and project: [B, S, D]
  return out_proj(out.transpose(1, 2).reshape({b, s, d}));
}

ClipMlpImpl::ClipMlpImpl(std::int64_t hidden_size, std::int64_t intermediate_size, std::string hidden_act)
    : act_(std::move(hidden_act)) {
  fc1 = register_module("fc1", diffusion::Linear(hidden_size, intermediate_size));
  fc2 = register_module("fc2", diffusion::Linear(intermediate_size, hidden_size));
}

Tensor ClipMlpImpl::forward(const Tensor& x) {
  Tensor h = fc1(x);
  if (act_ == "quick_gelu") {
    h = h * torch::sigmoid(1.702 * h);
  } else if (act_ == "gelu") {
    h = torch::gelu(h);
  } else {  // gelu_new, gelu_pytorch_tanh
    h = torch::gelu(h, "tanh");
  }
  return fc2(h);
}

ClipEncoderLayerImpl::ClipEncoderLayerImpl(const ClipEncoderOptions& o) {
  const auto ln = tnn::LayerNormOptions({o.hidden_size}).eps(o.layer_norm_eps);
  self_attn = register_module("self_attn", ClipAttention(o.hidden_size, o.num_heads, o.causal));
  layer_norm1 = register_module("layer_norm1", tnn::LayerNorm(ln));
  mlp = register_module("mlp", ClipMlp(o.hidden_size, o.intermediate_size, o.hidden_act));
  layer_norm2 = register_module("layer_norm2", tnn::LayerNorm(ln));
}

Tensor ClipEncoderLayerImpl::forward(const Tensor& x) {
  Tensor h = x + self_attn(layer_norm1(x));
  return h + mlp(layer_norm2(h));
}

ClipEncoderImpl::ClipEncoderImpl(const ClipEncoderOptions& o) {
  layers = register_module("layers", tnn::ModuleList());
  for (std::int64_t i = 0; i < o.num_layers; ++i) {
    typed_layers_.emplace_back(o);
    layers->push_back(typed_layers_.back());
  }
}

std::vector<Tensor> ClipEncoderImpl::forward(const Tensor& x) {
  std::vector<Tensor> states;
  states.reserve(typed_layers_.size() + 1);
  states.push_back(x);
  for (auto& layer : typed_layers_) states.push_back(layer(states.back()));
  return states;
}

}  // namespace poseforge::layers
