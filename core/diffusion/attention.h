// Attention (diffusers' Attention: to_q/to_k/to_v/to_out.0) and the IP-Adapter's decoupled cross-attention.
#pragma once

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include "core/diffusion/ip_conditioning.h"
#include "core/diffusion/layers.h"

namespace poseforge::diffusion {

// Multi-head scaled dot-product attention on projected tensors: q [B, Lq, H*D], k/v [B, Lk, H*D] ->
// [B, Lq, H*D]. libtorch >= 2: at::scaled_dot_product_attention (flash / memory-efficient kernels);
// libtorch 1.13: softmax(q k^T / sqrt(D)) v with the softmax in float32.
torch::Tensor multi_head_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                   std::int64_t heads);

// IP-Adapter weights of one cross-attention layer (to_k_ip, to_v_ip: no bias) and its scale, a
// 0-dim buffer on the module's device so it can change between generations (and inside a captured
// graph) without reloading: attend() = scale * attention(q, to_k_ip(tokens), to_v_ip(tokens)) per group.
// `index` is the layer's place in the UNet's cross-attention order (IpTokenGroup::layers / layer_scales).
class IPAdapterAttentionImpl : public torch::nn::Module {
 public:
  // Weights [inner, image_token_dim]; they are copied, keeping their dtype/device until the module moves.
  IPAdapterAttentionImpl(const torch::Tensor& to_k_ip_weight, const torch::Tensor& to_v_ip_weight,
                         std::int64_t index = 0);
  // scale * sum over the groups that reach this layer of group scale * attention(q, group tokens)
  // (* the group's mask at this query count). Undefined when no group reaches the layer. Capturable.
  torch::Tensor attend(const torch::Tensor& q, const IpConditioning& groups, std::int64_t heads);
  std::int64_t index() const { return index_; }
  // Copies `scale` (any 0-dim or 1-element tensor, any device) into the scale buffer.
  void set_scale(const torch::Tensor& scale);
  const torch::Tensor& scale() const { return scale_; }

 private:
  Linear to_k_ip_{nullptr};
  Linear to_v_ip_{nullptr};
  torch::Tensor scale_;
  std::int64_t index_ = 0;
};
TORCH_MODULE(IPAdapterAttention);

struct AttentionOptions {
  std::int64_t query_dim = 0;
  std::int64_t context_dim = 0;  // 0: self-attention (keys/values from the query input)
  std::int64_t heads = 8;
  std::int64_t dim_head = 64;
  bool bias = false;     // bias of to_q/to_k/to_v
  bool out_bias = true;  // bias of to_out.0
};

// to_out.0(attention(to_q(x), to_k(ctx), to_v(ctx)) [+ ip_adapter.attend(q, image_tokens)]).
// The IP-Adapter is an optional submodule ("ip_adapter"); without it the layer costs nothing extra.
class AttentionImpl : public torch::nn::Module {
 public:
  explicit AttentionImpl(const AttentionOptions& options);
  // x: [B, L, query_dim]; context: [B, Lk, context_dim] or undefined for self-attention;
  // image_tokens: [B, T, ip dim], used only when an IP-Adapter is set -> [B, L, query_dim]
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context = {},
                        const torch::Tensor& image_tokens = {});
  // The same with groups of image tokens (IPAdapterAttention::attend); `ip` may be null.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context, const IpConditioning* ip);

  // Installs IP-Adapter weights (moved to this layer's device/dtype). Throws Error on shapes that do
  // not fit this layer (naming them); `layer` names the layer in that message, `index` is its place
  // in the UNet's cross-attention order.
  void set_ip_adapter(const torch::Tensor& to_k_ip_weight, const torch::Tensor& to_v_ip_weight,
                      const std::string& layer, std::int64_t index = 0);
  void clear_ip_adapter();
  IPAdapterAttention ip_adapter() const { return ip_adapter_; }  // null when none
  std::int64_t heads() const { return heads_; }

 protected:
  torch::Tensor attend(const torch::Tensor& x, const torch::Tensor& context, const IpConditioning* ip);

 private:
  std::int64_t heads_;
  Linear to_q_{nullptr};
  Linear to_k_{nullptr};
  Linear to_v_{nullptr};
  torch::nn::ModuleList to_out_;  // [Linear, Dropout]: the key is "to_out.0"
  IPAdapterAttention ip_adapter_{nullptr};
};
TORCH_MODULE(Attention);

}  // namespace poseforge::diffusion
