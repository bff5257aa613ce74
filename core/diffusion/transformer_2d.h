// Transformer2DModel and BasicTransformerBlock (self-attention, cross-attention, GEGLU feed-forward).
#pragma once

#include <cstdint>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "core/diffusion/attention.h"
#include "core/diffusion/layers.h"

namespace poseforge::diffusion {

// GEGLU feed-forward, keys "net.0.proj" (dim -> 2*inner) and "net.2" (inner -> dim).
class FeedForwardImpl : public torch::nn::Module {
 public:
  FeedForwardImpl(std::int64_t dim, std::int64_t mult = 4);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  Linear proj_{nullptr};  // net.0.proj
  Linear out_{nullptr};   // net.2
};
TORCH_MODULE(FeedForward);

// x = attn1(norm1(x)) + x; x = attn2(norm2(x), context, image tokens) + x; x = ff(norm3(x)) + x.
class BasicTransformerBlockImpl : public torch::nn::Module {
 public:
  BasicTransformerBlockImpl(std::int64_t dim, std::int64_t heads, std::int64_t dim_head, std::int64_t context_dim,
                            double norm_eps);
  // x: [B, L, dim]; context: [B, Lk, context_dim]; ip: IP-Adapter token groups or null
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context, const IpConditioning* ip);
  Attention attn2() const { return attn2_; }

 private:
  torch::nn::LayerNorm norm1_{nullptr};
  Attention attn1_{nullptr};
  torch::nn::LayerNorm norm2_{nullptr};
  Attention attn2_{nullptr};
  torch::nn::LayerNorm norm3_{nullptr};
  FeedForward ff_{nullptr};
};
TORCH_MODULE(BasicTransformerBlock);

struct Transformer2DOptions {
  std::int64_t channels = 0;  // in = out = heads * dim_head
  std::int64_t heads = 8;
  std::int64_t layers = 1;
  std::int64_t context_dim = 0;
  std::int64_t norm_groups = 32;
  double norm_eps = 1e-5;  // of the LayerNorms (the GroupNorm uses 1e-6 as diffusers does)
  bool use_linear_projection = false;
};

// GroupNorm -> proj_in (linear or 1x1 conv) -> transformer_blocks -> proj_out, plus the input.
class Transformer2DModelImpl : public torch::nn::Module {
 public:
  explicit Transformer2DModelImpl(const Transformer2DOptions& options);
  // x: [B, C, H, W] -> [B, C, H, W]
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context, const IpConditioning* ip);
  // The cross-attention layers (attn2) in order.
  std::vector<Attention> cross_attentions() const;

 private:
  bool linear_;
  torch::nn::GroupNorm norm_{nullptr};
  Linear proj_in_linear_{nullptr}, proj_out_linear_{nullptr};
  Conv2d proj_in_conv_{nullptr}, proj_out_conv_{nullptr};
  torch::nn::ModuleList transformer_blocks_;
};
TORCH_MODULE(Transformer2DModel);

}  // namespace poseforge::diffusion
