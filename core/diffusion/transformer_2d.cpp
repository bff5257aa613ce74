// Transformer2DModel, BasicTransformerBlock, GEGLU FeedForward.
#include "core/diffusion/transformer_2d.h"

#include <torch/torch.h>

#include "core/layers/fused_ops.h"

namespace poseforge::diffusion {

FeedForwardImpl::FeedForwardImpl(std::int64_t dim, std::int64_t mult) {
  const auto inner = dim * mult;
  // net = [GEGLU(proj), Dropout, Linear]: only net.0.proj and net.2 hold weights.
  auto net = register_module("net", torch::nn::ModuleList());
  auto geglu = std::make_shared<torch::nn::Module>();
  proj_ = geglu->register_module("proj", Linear(dim, inner * 2));
  net->push_back(geglu);
  net->push_back(torch::nn::Dropout(0.0));
  out_ = Linear(inner, dim);
  net->push_back(out_);
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x) {
  return out_(layers::geglu(proj_(x)));  // [B, L, 2 inner] -> hidden * gelu(gate) [B, L, inner]
}

BasicTransformerBlockImpl::BasicTransformerBlockImpl(std::int64_t dim, std::int64_t heads, std::int64_t dim_head,
                                                     std::int64_t context_dim, double norm_eps) {
  auto layer_norm = [&] { return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(norm_eps)); };
  AttentionOptions self{dim, 0, heads, dim_head};
  AttentionOptions cross{dim, context_dim, heads, dim_head};
  norm1_ = register_module("norm1", layer_norm());
  attn1_ = register_module("attn1", Attention(self));
  norm2_ = register_module("norm2", layer_norm());
  attn2_ = register_module("attn2", Attention(cross));
  norm3_ = register_module("norm3", layer_norm());
  ff_ = register_module("ff", FeedForward(dim));
}

torch::Tensor BasicTransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& context,
                                                 const IpConditioning* ip) {
  auto h = attn1_->forward(norm1_(x)) + x;
  h = attn2_->forward(norm2_(h), context, ip) + h;
  return ff_(norm3_(h)) + h;
}

Transformer2DModelImpl::Transformer2DModelImpl(const Transformer2DOptions& o) : linear_(o.use_linear_projection) {
  const auto c = o.channels;
  norm_ = register_module("norm", torch::nn::GroupNorm(torch::nn::GroupNormOptions(o.norm_groups, c).eps(1e-6)));
  if (linear_) {
    proj_in_linear_ = register_module("proj_in", Linear(c, c));
  } else {
    proj_in_conv_ = register_module("proj_in", Conv2d(c, c, 1));
  }
  transformer_blocks_ = register_module("transformer_blocks", torch::nn::ModuleList());
  for (std::int64_t i = 0; i < o.layers; ++i) {
    transformer_blocks_->push_back(BasicTransformerBlock(c, o.heads, c / o.heads, o.context_dim, o.norm_eps));
  }
  if (linear_) {
    proj_out_linear_ = register_module("proj_out", Linear(c, c));
  } else {
    proj_out_conv_ = register_module("proj_out", Conv2d(c, c, 1));
  }
}

torch::Tensor Transformer2DModelImpl::forward(const torch::Tensor& x, const torch::Tensor& context,
                                              const IpConditioning* ip) {
  const auto b = x.size(0), c = x.size(1), height = x.size(2), width = x.size(3);
  // 1. in: [B, C, H, W] -> [B, H*W, C]
  auto h = layers::group_norm(x, *norm_);
  if (linear_) {
    h = proj_in_linear_(h.permute({0, 2, 3, 1}).reshape({b, height * width, c}));
  } else {
    h = proj_in_conv_(h).permute({0, 2, 3, 1}).reshape({b, height * width, c});
  }
  // 2. transformer blocks
  for (const auto& block : *transformer_blocks_) {
    h = block->as<BasicTransformerBlock>()->forward(h, context, ip);
  }
  // 3. out: [B, H*W, C] -> [B, C, H, W], plus the input
  if (linear_) {
    h = proj_out_linear_(h).reshape({b, height, width, c}).permute({0, 3, 1, 2});
  } else {
    h = proj_out_conv_(h.reshape({b, height, width, c}).permute({0, 3, 1, 2}).contiguous());
  }
  return h + x;
}

std::vector<Attention> Transformer2DModelImpl::cross_attentions() const {
  std::vector<Attention> out;
  for (const auto& block : *transformer_blocks_) out.push_back(block->as<BasicTransformerBlock>()->attn2());
  return out;
}

}  // namespace poseforge::diffusion
