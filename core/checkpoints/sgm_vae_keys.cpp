// ldm VAE key table: encoder.down.I.block.J / downsample, mid.block_1 / attn_1 / block_2, decoder.up reversed.
#include "core/checkpoints/sgm_vae_keys.h"

#include <fmt/format.h>
#include <torch/torch.h>

namespace poseforge::checkpoints {
namespace {

const KeyTable::Suffixes kResnet = {{"conv_shortcut", "nin_shortcut"}};
const KeyTable::Suffixes kAttention = {
    {"group_norm", "norm"}, {"to_q", "q"}, {"to_k", "k"}, {"to_v", "v"}, {"to_out.0", "proj_out"}};

}  // namespace

KeyTable ldm_vae_table(const diffusion::AutoencoderKLConfig& c) {
  KeyTable t;
  const std::size_t n = c.block_out_channels.size();
  for (const char* half : {"encoder", "decoder"}) {
    t.add(fmt::format("{}.conv_norm_out.", half), fmt::format("{}.norm_out.", half));
    t.add(fmt::format("{}.mid_block.resnets.0.", half), fmt::format("{}.mid.block_1.", half), &kResnet);
    t.add(fmt::format("{}.mid_block.resnets.1.", half), fmt::format("{}.mid.block_2.", half), &kResnet);
    t.add(fmt::format("{}.mid_block.attentions.0.", half), fmt::format("{}.mid.attn_1.", half), &kAttention);
  }
  for (std::size_t i = 0; i < n; ++i) {
    t.add(fmt::format("encoder.down_blocks.{}.resnets.", i), fmt::format("encoder.down.{}.block.", i), &kResnet);
    t.add(fmt::format("encoder.down_blocks.{}.downsamplers.0.", i), fmt::format("encoder.down.{}.downsample.", i));
    t.add(fmt::format("decoder.up_blocks.{}.resnets.", i), fmt::format("decoder.up.{}.block.", n - 1 - i), &kResnet);
    t.add(fmt::format("decoder.up_blocks.{}.upsamplers.0.", i), fmt::format("decoder.up.{}.upsample.", n - 1 - i));
  }
  return t;
}

torch::Tensor ldm_vae_tensor(const std::string& ours, const torch::Tensor& tensor) {
  const bool attention = ours.find("mid_block.attentions.") != std::string::npos;
  if (attention && tensor.dim() == 4 && tensor.size(2) == 1 && tensor.size(3) == 1) return tensor.flatten(1);
  return tensor;
}

}  // namespace poseforge::checkpoints
