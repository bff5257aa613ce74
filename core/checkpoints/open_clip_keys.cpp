// OpenCLIP -> transformers text-encoder keys: the fixed names, the per-layer table, q/k/v split.
#include "core/checkpoints/open_clip_keys.h"

#include <map>

#include <torch/torch.h>

#include "core/error.h"

namespace poseforge::checkpoints {
namespace {

const std::map<std::string, std::string> kFixed = {
    {"token_embedding.weight", "text_model.embeddings.token_embedding.weight"},
    {"positional_embedding", "text_model.embeddings.position_embedding.weight"},
    {"ln_final.weight", "text_model.final_layer_norm.weight"},
    {"ln_final.bias", "text_model.final_layer_norm.bias"},
};
// Inside transformer.resblocks.N. -> text_model.encoder.layers.N.
const std::map<std::string, std::string> kLayer = {
    {"ln_1.", "layer_norm1."}, {"ln_2.", "layer_norm2."},   {"attn.out_proj.", "self_attn.out_proj."},
    {"mlp.c_fc.", "mlp.fc1."}, {"mlp.c_proj.", "mlp.fc2."},
};

}  // namespace

io::TensorMap open_clip_to_transformers(const io::TensorMap& open_clip, const std::string& source) {
  io::TensorMap out;
  const std::string blocks = "transformer.resblocks.";
  for (const auto& [name, tensor] : open_clip) {
    if (auto it = kFixed.find(name); it != kFixed.end()) {
      out.emplace(it->second, tensor);
      continue;
    }
    if (name == "text_projection") {
      out.emplace("text_projection.weight", tensor.t().contiguous());  // x @ P == x @ W^T with W = P^T
      continue;
    }
    if (name.rfind(blocks, 0) != 0) {
      if (name != "logit_scale") out.emplace(name, tensor);  // unknown: reported as unexpected
      continue;
    }
    const auto dot = name.find('.', blocks.size());
    const std::string layer = "text_model.encoder.layers." + name.substr(blocks.size(), dot - blocks.size()) + ".";
    const std::string rest = name.substr(dot + 1);
    if (rest == "attn.in_proj_weight" || rest == "attn.in_proj_bias") {
      if (tensor.size(0) % 3 != 0) {
        throw Error("{}: '{}' has {} rows, expected 3 x hidden size (fused q, k, v)", source, name, tensor.size(0));
      }
      const auto qkv = tensor.chunk(3, 0);
      const std::string what = rest == "attn.in_proj_weight" ? "weight" : "bias";
      const char* projections[] = {"q_proj", "k_proj", "v_proj"};
      for (int i = 0; i < 3; ++i) out.emplace(layer + "self_attn." + projections[i] + "." + what, qkv[i]);
      continue;
    }
    bool mapped = false;
    for (const auto& [theirs, ours] : kLayer) {
      if (rest.rfind(theirs, 0) == 0) {
        out.emplace(layer + ours + rest.substr(theirs.size()), tensor);
        mapped = true;
        break;
      }
    }
    if (!mapped) out.emplace(name, tensor);
  }
  return out;
}

}  // namespace poseforge::checkpoints
