// ControlNet config from the base UNet's config and the file's shapes.
#include "core/checkpoints/controlnet_file.h"

#include <set>

#include <fmt/format.h>

#include "core/checkpoints/sdxl_checks.h"
#include "core/diffusion/layers.h"
#include "core/diffusion/model_loading.h"
#include "core/error.h"
#include "core/io/json_config.h"
#include "core/io/state_dict.h"
#include "core/io/tensor_map.h"
#include "core/pipeline/model_paths.h"

namespace poseforge::checkpoints {
namespace fs = std::filesystem;
namespace {

// Distinct values of the number after `prefix` in the keys ("down_blocks.1.resnets." -> {0, 1}).
std::set<int> indices_after(const io::TensorMap& t, const std::string& prefix) {
  std::set<int> out;
  for (auto it = t.lower_bound(prefix); it != t.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    try {
      out.insert(std::stoi(it->first.substr(prefix.size())));
    } catch (const std::exception&) {
    }
  }
  return out;
}

diffusion::ControlNetConfig derive_config(const io::TensorMap& t, const diffusion::UNetConfig& base,
                                          const std::string& file) {
  if (!t.empty() && t.begin()->first.rfind("control_model.", 0) == 0) {
    throw Error(
        "ControlNet '{}' is in the ldm layout (control_model.*); expected diffusers keys (down_blocks.*, "
        "controlnet_down_blocks.*): use the diffusers release of this ControlNet",
        file);
  }
  if (!t.count("add_embedding.linear_1.weight")) {
    throw Error(
        "ControlNet '{}' has no add_embedding.linear_1.weight (SDXL's added time/text embedding): an SD1.x/SD2.x "
        "ControlNet; expected an SDXL ControlNet",
        file);
  }
  diffusion::ControlNetConfig c;
  c.unet = base;
  const std::size_t blocks = base.down_block_types.size();
  if (indices_after(t, "down_blocks.").size() != blocks) {
    throw Error("ControlNet '{}' has {} down blocks, the UNet has {}: it was made for another UNet", file,
                indices_after(t, "down_blocks.").size(), blocks);
  }
  for (std::size_t i = 0; i < blocks; ++i) {
    const auto resnets = indices_after(t, fmt::format("down_blocks.{}.resnets.", i));
    if (!resnets.empty()) c.unet.layers_per_block[i] = static_cast<std::int64_t>(resnets.size());
    const auto depth = indices_after(t, fmt::format("down_blocks.{}.attentions.0.transformer_blocks.", i));
    if (!depth.empty()) c.unet.transformer_layers_per_block[i] = static_cast<std::int64_t>(depth.size());
    const std::string to_k = fmt::format("down_blocks.{}.attentions.0.transformer_blocks.0.attn2.to_k.weight", i);
    if (auto it = t.find(to_k); it != t.end() && it->second.size(1) != base.cross_attention_dim[i]) {
      throw Error("ControlNet '{}': '{}' is {} wide, the UNet's text context is {}{}", file, to_k, it->second.size(1),
                  base.cross_attention_dim[i], it->second.size(1) == 768 ? " (768: an SD1.x ControlNet)" : "");
    }
  }
  // conditioning embedding: conv_in [c0, channels, 3, 3], then blocks.(2i+1) [c(i+1), c(i), 3, 3]
  const std::string emb = "controlnet_cond_embedding.";
  auto conv_in = t.find(emb + "conv_in.weight");
  if (conv_in == t.end() || conv_in->second.dim() != 4) {
    throw Error("ControlNet '{}' has no {}conv_in.weight [C, channels, 3, 3]", file, emb);
  }
  c.conditioning_channels = conv_in->second.size(1);
  c.conditioning_embedding_out_channels = {conv_in->second.size(0)};
  for (int i = 1;; i += 2) {
    auto it = t.find(fmt::format("{}blocks.{}.weight", emb, i));
    if (it == t.end()) break;
    c.conditioning_embedding_out_channels.push_back(it->second.size(0));
  }
  return c;
}

}  // namespace

diffusion::ControlNetModel load_controlnet_any(const fs::path& path, const diffusion::UNetConfig& base,
                                               torch::Device device, torch::Dtype dtype) {
  std::error_code ec;
  fs::path file = path;
  if (fs::is_directory(path, ec)) {
    if (fs::exists(path / "config.json", ec)) {
      check_sdxl_controlnet_config(io::JsonConfig::load(path / "config.json"));
      return diffusion::load_controlnet(path, device, dtype);
    }
    file = pipeline::find_weights(path, {"diffusion_pytorch_model", "model"});
    if (file.empty()) throw Error("ControlNet folder '{}' has neither config.json nor weights", path.string());
  }
  try {
    const io::TensorMap tensors = io::load_tensors(file);
    diffusion::ControlNetModel model(derive_config(tensors, base, file.string()));
    diffusion::materialize(*model, device, dtype);
    io::load_state_dict(*model, tensors, {true, file.string() + " (config derived from the UNet's)"});
    model->eval();
    return model;
  } catch (...) {
    rethrow_with_context(fmt::format("loading ControlNet '{}'", file.string()));
  }
}

}  // namespace poseforge::checkpoints
