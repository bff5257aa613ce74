// Single-file SDXL checkpoints: split by prefix, rename each part through its format's table, one strict copy.
#include "core/checkpoints/single_file_checkpoint.h"

#include <fmt/format.h>

#include "core/checkpoints/open_clip_keys.h"
#include "core/checkpoints/sdxl_base_configs.h"
#include "core/checkpoints/sdxl_checks.h"
#include "core/checkpoints/sgm_unet_keys.h"
#include "core/checkpoints/sgm_vae_keys.h"
#include "core/diffusion/layers.h"
#include "core/error.h"
#include "core/io/state_dict.h"

namespace poseforge::checkpoints {
namespace fs = std::filesystem;
namespace {

// torch.save({"state_dict": ...}) flattens to "state_dict.<key>": strip it when every key has it.
io::TensorMap without_state_dict_nesting(io::TensorMap tensors) {
  const std::string prefix = "state_dict.";
  for (const auto& [name, _] : tensors) {
    if (name.compare(0, prefix.size(), prefix) != 0) return tensors;
  }
  return io::sub_map(tensors, prefix);
}

// Puts `model` on device/dtype and copies `tensors` (already in its names) in, strictly.
template <typename Model>
Model load_into(Model model, const io::TensorMap& tensors, const std::string& source, torch::Device device,
                torch::Dtype dtype) {
  diffusion::materialize(*model, device, dtype);
  io::load_state_dict(*model, tensors, {true, source});
  model->eval();
  return model;
}

diffusion::AutoencoderKL build_ldm_vae(const io::TensorMap& ldm, const fs::path& config_root, const std::string& source,
                                       torch::Device device, torch::Dtype dtype) {
  const auto config = diffusion::AutoencoderKLConfig::from_json(component_config(config_root, "vae"));
  diffusion::AutoencoderKL vae(config);
  const KeyTable table = ldm_vae_table(config);
  const auto tensors = rename_for_module(
      *vae, ldm, [&](const std::string& key) { return table.theirs(key); }, ldm_vae_tensor);
  return load_into(vae, tensors, source, device, diffusion::vae_dtype(config, dtype));
}

}  // namespace

io::JsonConfig component_config(const fs::path& config_root, const std::string& component) {
  const fs::path file = config_root / component / "config.json";
  std::error_code ec;
  if (!config_root.empty() && fs::exists(file, ec)) return io::JsonConfig::load(file);
  return sdxl_base_config(component);
}

SdxlCheckpoint load_sdxl_checkpoint(const fs::path& file, const fs::path& config_root, torch::Device device,
                                    torch::Dtype dtype, torch::Device encoders_device, bool load_vae) {
  try {
    const io::TensorMap all = without_state_dict_nesting(io::load_tensors(file));
    check_sdxl_checkpoint_keys(all, file);
    const std::string hint = config_root.empty() ? " (the shipped SDXL base configs were used)"
                                                 : fmt::format(" (configs from '{}')", config_root.string());
    SdxlCheckpoint out;
    // 1. UNet: model.diffusion_model.* through the SGM table built from the config's block counts
    const auto unet_config = diffusion::UNetConfig::from_json(component_config(config_root, "unet"));
    {
      diffusion::UNet2DConditionModel unet(unet_config);
      const KeyTable table = sgm_unet_table(unet_config);
      const auto tensors = rename_for_module(*unet, io::sub_map(all, "model.diffusion_model."),
                                             [&](const std::string& key) { return table.theirs(key); });
      out.unet = load_into(unet, tensors, "UNet model.diffusion_model.*" + hint, device, dtype);
    }
    // 2. VAE: first_stage_model.* (ldm layout)
    if (load_vae) {
      const auto ldm = io::sub_map(all, "first_stage_model.");
      if (ldm.empty()) {
        throw Error("the checkpoint has no VAE (no first_stage_model.* keys): choose a VAE file (--vae)");
      }
      out.vae = build_ldm_vae(ldm, config_root, "VAE first_stage_model.*" + hint, device, dtype);
      check_vae_latent_channels(out.vae->config().latent_channels, unet_config.in_channels, file.string());
    }
    // 3. text encoders: CLIP-L in transformers names, OpenCLIP bigG converted
    const auto te1_config = text::ClipTextConfig::from_json(component_config(config_root, "text_encoder"));
    out.text_encoder = load_into(text::ClipTextModel(te1_config),
                                 text::clip_text_keys(io::sub_map(all, "conditioner.embedders.0.transformer.")),
                                 "text encoder conditioner.embedders.0.*" + hint, encoders_device, dtype);
    const std::string bigg = "text encoder 2 conditioner.embedders.1.model.*" + hint;
    const auto te2_config = text::ClipTextConfig::from_json(component_config(config_root, "text_encoder_2"));
    out.text_encoder_2 = load_into(text::ClipTextModel(te2_config),
                                   open_clip_to_transformers(io::sub_map(all, "conditioner.embedders.1.model."), bigg),
                                   bigg, encoders_device, dtype);
    return out;
  } catch (...) {
    rethrow_with_context(fmt::format("loading checkpoint '{}'", file.string()));
  }
}

diffusion::AutoencoderKL load_vae_file(const fs::path& file, const fs::path& config_root, torch::Device device,
                                       torch::Dtype dtype) {
  try {
    io::TensorMap tensors = without_state_dict_nesting(io::load_tensors(file));
    if (tensors.count("first_stage_model.encoder.conv_in.weight")) tensors = io::sub_map(tensors, "first_stage_model.");
    const auto config = diffusion::AutoencoderKLConfig::from_json(component_config(config_root, "vae"));
    if (auto it = tensors.find("encoder.conv_out.weight"); it != tensors.end()) {  // 2 x latent channels (mean, logvar)
      check_vae_latent_channels(it->second.size(0) / 2, config.latent_channels, file.string());
    }
    if (tensors.count("encoder.down_blocks.0.resnets.0.conv1.weight")) {  // diffusers names: no table
      return load_into(diffusion::AutoencoderKL(config), tensors, file.string(), device,
                       diffusion::vae_dtype(config, dtype));
    }
    return build_ldm_vae(tensors, config_root, file.string(), device, dtype);
  } catch (...) {
    rethrow_with_context(fmt::format("loading VAE file '{}'", file.string()));
  }
}

}  // namespace poseforge::checkpoints
