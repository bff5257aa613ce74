// Multi-head attention (maths in core/layers/attention_math) and the IP-Adapter's decoupled cross-attention.
#include "core/diffusion/attention.h"

#include <cmath>

#include <torch/torch.h>

#include "core/error.h"
#include "core/layers/attention_math.h"
#include "core/io/tensor_map.h"

namespace poseforge::diffusion {

torch::Tensor multi_head_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                   std::int64_t heads) {
  const auto batch = q.size(0);
  const auto inner = q.size(2);
  const auto dim_head = inner / heads;
  // [B, L, H*D] -> [B, H, L, D]
  auto split = [&](const torch::Tensor& t) { return t.view({batch, t.size(1), heads, dim_head}).transpose(1, 2); };
  const auto qh = split(q), kh = split(k), vh = split(v);
  const auto out = layers::scaled_dot_product_attention(qh, kh, vh);  // [B, H, Lq, D]
  return out.transpose(1, 2).reshape({batch, q.size(1), inner});  // [B, Lq, H*D]
}

IPAdapterAttentionImpl::IPAdapterAttentionImpl(const torch::Tensor& to_k_ip_weight,
                                               const torch::Tensor& to_v_ip_weight, std::int64_t index)
    : index_(index) {
  auto make = [](const torch::Tensor& w) {
    Linear linear(w.size(1), w.size(0), /*bias=*/false);
    linear->to(w.device(), w.scalar_type());
    torch::NoGradGuard no_grad;
    linear->weight.copy_(w);
    return linear;
  };
  to_k_ip_ = register_module("to_k_ip", make(to_k_ip_weight));
  to_v_ip_ = register_module("to_v_ip", make(to_v_ip_weight));
  scale_ = register_buffer("scale", torch::ones({}, to_k_ip_weight.options()));
}

torch::Tensor IPAdapterAttentionImpl::attend(const torch::Tensor& q, const IpConditioning& groups,
                                             std::int64_t heads) {
  torch::Tensor sum;
  const auto queries = q.size(1);
  for (const auto& group : groups) {
    if (!group.layers.empty()) {
      if (static_cast<std::int64_t>(group.layers.size()) <= index_) {
        throw Error("IP-Adapter layer {}: the image tokens name only {} layers", index_, group.layers.size());
      }
      if (!group.layers[static_cast<std::size_t>(index_)]) continue;
    }
    auto h = multi_head_attention(q, to_k_ip_(group.tokens), to_v_ip_(group.tokens), heads);  // [B, Lq, inner]
    if (!group.masks.empty()) {
      const torch::Tensor* mask = nullptr;
      for (const auto& [count, m] : group.masks) {
        if (count == queries) mask = &m;
      }
      if (!mask) throw Error("IP-Adapter layer {}: the image prompt mask has no grid of {} tokens", index_, queries);
      h = h * *mask;
    }
    if (group.layer_scales.defined()) h = h * group.layer_scales[index_];
    sum = sum.defined() ? sum + h : h;
  }
  return sum.defined() ? sum * scale_ : sum;
}

void IPAdapterAttentionImpl::set_scale(const torch::Tensor& scale) {
  if (scale.numel() != 1)
    throw Error("IP-Adapter scale must be one value, got shape {}", io::format_shape(scale.sizes()));
  torch::NoGradGuard no_grad;
  scale_.copy_(scale.reshape({}));
}

AttentionImpl::AttentionImpl(const AttentionOptions& o) : heads_(o.heads) {
  const auto inner = o.heads * o.dim_head;
  const auto context_dim = o.context_dim > 0 ? o.context_dim : o.query_dim;
  to_q_ = register_module("to_q", Linear(o.query_dim, inner, o.bias));
  to_k_ = register_module("to_k", Linear(context_dim, inner, o.bias));
  to_v_ = register_module("to_v", Linear(context_dim, inner, o.bias));
  to_out_ =
      register_module("to_out", torch::nn::ModuleList(Linear(inner, o.query_dim, o.out_bias), torch::nn::Dropout(0.0)));
}

torch::Tensor AttentionImpl::attend(const torch::Tensor& x, const torch::Tensor& context, const IpConditioning* ip) {
  const auto& kv_input = context.defined() ? context : x;
  auto q = to_q_(x);  // [B, L, inner]
  auto out = multi_head_attention(q, to_k_(kv_input), to_v_(kv_input), heads_);
  // Decoupled cross-attention: same query, the image tokens' own keys/values, added before to_out.
  if (ip_adapter_ && ip && !ip->empty()) {
    const auto image = ip_adapter_->attend(q, *ip, heads_);
    if (image.defined()) out = out + image;
  }
  return to_out_[0]->as<Linear>()->forward(out);
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& context,
                                     const torch::Tensor& image_tokens) {
  if (!image_tokens.defined()) return attend(x, context, nullptr);
  const IpConditioning one{{image_tokens, {}, {}, {}}};
  return attend(x, context, &one);
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& context, const IpConditioning* ip) {
  return attend(x, context, ip);
}

void AttentionImpl::set_ip_adapter(const torch::Tensor& to_k_ip_weight, const torch::Tensor& to_v_ip_weight,
                                   const std::string& layer, std::int64_t index) {
  const auto inner = to_q_->weight.size(0);
  for (const auto* w : {&to_k_ip_weight, &to_v_ip_weight}) {
    if (w->dim() != 2 || w->size(0) != inner || !w->sizes().equals(to_k_ip_weight.sizes())) {
      throw Error("IP-Adapter layer {}: to_k_ip/to_v_ip weights {} and {} do not fit: expected [{}, tokens dim] each",
                  layer, io::format_shape(to_k_ip_weight.sizes()), io::format_shape(to_v_ip_weight.sizes()), inner);
    }
  }
  const auto& ref = to_q_->weight;
  clear_ip_adapter();
  ip_adapter_ = register_module("ip_adapter", IPAdapterAttention(to_k_ip_weight.to(ref.device(), ref.scalar_type()),
                                                                 to_v_ip_weight.to(ref.device(), ref.scalar_type()),
                                                                 index));
}

void AttentionImpl::clear_ip_adapter() {
  if (!ip_adapter_) return;
  unregister_module("ip_adapter");
  ip_adapter_ = nullptr;
}

}  // namespace poseforge::diffusion
