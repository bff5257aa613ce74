// CLIP transformer encoder (transformers' CLIPEncoder): shared by the text and the vision models.
#pragma once

#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include "core/diffusion/layers.h"

namespace poseforge::layers {

struct ClipEncoderOptions {
  std::int64_t hidden_size = 0;
  std::int64_t intermediate_size = 0;
  std::int64_t num_heads = 0;
  std::int64_t num_layers = 0;
  std::string hidden_act = "quick_gelu";  // quick_gelu | gelu | gelu_new | gelu_pytorch_tanh (checked by the configs)
  double layer_norm_eps = 1e-5;
  bool causal = false;  // the text model masks future tokens
};

// The options of a transformers CLIP text or vision config (both name these fields alike).
template <typename ClipConfig>
ClipEncoderOptions clip_encoder_options(const ClipConfig& c, bool causal) {
  ClipEncoderOptions o;
  o.hidden_size = c.hidden_size;
  o.intermediate_size = c.intermediate_size;
  o.num_heads = c.num_attention_heads;
  o.num_layers = c.num_hidden_layers;
  o.hidden_act = c.hidden_act;
  o.layer_norm_eps = c.layer_norm_eps;
  o.causal = causal;
  return o;
}

// Self-attention with biased q/k/v/out projections (checkpoint names), scale head_dim^-0.5.
class ClipAttentionImpl : public torch::nn::Module {
 public:
  ClipAttentionImpl(std::int64_t hidden_size, std::int64_t num_heads, bool causal);
  // x: [B, S, D] -> [B, S, D]
  torch::Tensor forward(const torch::Tensor& x);

  // Uninitialised until loaded (diffusion::Linear): a bigG text encoder builds in no time.
  diffusion::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};

 private:
  std::int64_t heads_;
  bool causal_;
};
TORCH_MODULE(ClipAttention);

class ClipMlpImpl : public torch::nn::Module {
 public:
  ClipMlpImpl(std::int64_t hidden_size, std::int64_t intermediate_size, std::string hidden_act);
  torch::Tensor forward(const torch::Tensor& x);

  diffusion::Linear fc1{nullptr}, fc2{nullptr};

 private:
  std::string act_;
};
TORCH_MODULE(ClipMlp);

// Pre-norm residual block: x + attn(ln1(x)), then h + mlp(ln2(h)).
class ClipEncoderLayerImpl : public torch::nn::Module {
 public:
  explicit ClipEncoderLayerImpl(const ClipEncoderOptions& options);
  torch::Tensor forward(const torch::Tensor& x);

  ClipAttention self_attn{nullptr};
  torch::nn::LayerNorm layer_norm1{nullptr};
  ClipMlp mlp{nullptr};
  torch::nn::LayerNorm layer_norm2{nullptr};
};
TORCH_MODULE(ClipEncoderLayer);

// "encoder.layers.N...". forward returns every hidden state: the input, then each layer's output.
class ClipEncoderImpl : public torch::nn::Module {
 public:
  explicit ClipEncoderImpl(const ClipEncoderOptions& options);
  std::vector<torch::Tensor> forward(const torch::Tensor& x);

  torch::nn::ModuleList layers{nullptr};

 private:
  std::vector<ClipEncoderLayer> typed_layers_;
};
TORCH_MODULE(ClipEncoder);

}  // namespace poseforge::layers
