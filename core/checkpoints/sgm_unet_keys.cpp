// SGM UNet key table: input_blocks.N.{0 resnet, 1 attention} per down layer, .0.op downsamplers,
// middle_block.{0,1,2}, output_blocks.N.{0,1,1|2 upsampler}, time_embed / label_emb / out.
#include "core/checkpoints/sgm_unet_keys.h"

#include <fmt/format.h>

namespace poseforge::checkpoints {
namespace {

const KeyTable::Suffixes kResnet = {{"norm1", "in_layers.0"},          {"conv1", "in_layers.2"},
                                    {"time_emb_proj", "emb_layers.1"}, {"norm2", "out_layers.0"},
                                    {"conv2", "out_layers.3"},         {"conv_shortcut", "skip_connection"}};

bool has_attention(const std::string& block_type) {
  return block_type.rfind("CrossAttn", 0) == 0;
}

}  // namespace

KeyTable sgm_unet_table(const diffusion::UNetConfig& c, bool with_up_blocks) {
  KeyTable t;
  t.add("time_embedding.linear_1.", "time_embed.0.");
  t.add("time_embedding.linear_2.", "time_embed.2.");
  t.add("add_embedding.linear_1.", "label_emb.0.0.");
  t.add("add_embedding.linear_2.", "label_emb.0.2.");
  t.add("conv_in.", "input_blocks.0.0.");
  t.add("conv_norm_out.", "out.0.");
  t.add("conv_out.", "out.2.");
  // 1. down: one input block per resnet (+ its attention), then one for the downsampler
  const std::size_t blocks = c.down_block_types.size();
  int n = 1;
  for (std::size_t i = 0; i < blocks; ++i) {
    for (std::int64_t j = 0; j < c.layers_per_block[i]; ++j, ++n) {
      t.add(fmt::format("down_blocks.{}.resnets.{}.", i, j), fmt::format("input_blocks.{}.0.", n), &kResnet);
      if (has_attention(c.down_block_types[i])) {
        t.add(fmt::format("down_blocks.{}.attentions.{}.", i, j), fmt::format("input_blocks.{}.1.", n));
      }
    }
    if (i + 1 < blocks)
      t.add(fmt::format("down_blocks.{}.downsamplers.0.conv.", i), fmt::format("input_blocks.{}.0.op.", n++));
  }
  // 2. mid
  t.add("mid_block.resnets.0.", "middle_block.0.", &kResnet);
  t.add("mid_block.attentions.0.", "middle_block.1.");
  t.add("mid_block.resnets.1.", "middle_block.2.", &kResnet);
  if (!with_up_blocks) return t;
  // 3. up: layers_per_block + 1 output blocks per up block (reversed), the upsampler in the last one
  n = 0;
  for (std::size_t i = 0; i < c.up_block_types.size(); ++i) {
    const std::int64_t layers = c.layers_per_block[blocks - 1 - i] + 1;
    const bool attention = has_attention(c.up_block_types[i]);
    for (std::int64_t j = 0; j < layers; ++j, ++n) {
      t.add(fmt::format("up_blocks.{}.resnets.{}.", i, j), fmt::format("output_blocks.{}.0.", n), &kResnet);
      if (attention) t.add(fmt::format("up_blocks.{}.attentions.{}.", i, j), fmt::format("output_blocks.{}.1.", n));
      if (j + 1 == layers && i + 1 < c.up_block_types.size()) {
        t.add(fmt::format("up_blocks.{}.upsamplers.0.conv.", i),
              fmt::format("output_blocks.{}.{}.conv.", n, attention ? 2 : 1));
      }
    }
  }
  return t;
}

}  // namespace poseforge::checkpoints
