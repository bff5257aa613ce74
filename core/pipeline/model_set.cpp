// ModelSet loading: text encoders, UNet (+ IP-Adapter layers), ControlNet, VAE, scheduler, image encoder.
#include "core/pipeline/model_set.h"

#include <optional>

#include <fmt/format.h>

#include "core/checkpoints/controlnet_file.h"
#include "core/checkpoints/sdxl_base_configs.h"
#include "core/checkpoints/sdxl_checks.h"
#include "core/checkpoints/single_file_checkpoint.h"
#include "core/error.h"
#include "core/pipeline/cuda_info.h"

namespace poseforge::pipeline {
namespace {

// Runs `load`, prefixing any error with the component's name and path.
template <typename Fn>
auto load_part(const char* what, const std::filesystem::path& path, Fn&& load) {
  try {
    return load();
  } catch (...) {
    rethrow_with_context(fmt::format("loading {} '{}'", what, path.string()));
  }
}

}  // namespace

ModelSet ModelSet::load(const ModelPaths& paths, torch::Device device, torch::Dtype dtype,
                        torch::Device encoders_device) {
  const SdxlComponents parts = paths.sdxl_parts();
  ModelSet m;
  m.device = device;
  m.dtype = dtype;
  // 1. text encoders, UNet and VAE: from one checkpoint file, or from the diffusers folders
  if (!paths.checkpoint.empty()) {
    auto c = checkpoints::load_sdxl_checkpoint(paths.checkpoint, paths.checkpoint_configs(), device, dtype,
                                               encoders_device, /*load_vae=*/paths.vae_file.empty());
    m.text_encoder = c.text_encoder;
    m.text_encoder_2 = c.text_encoder_2;
    m.unet = c.unet;
    m.vae = c.vae;
  } else {
    m.text_encoder = load_part("text encoder", parts.text_encoder,
                               [&] { return text::load_clip_text_model(parts.text_encoder, encoders_device, dtype); });
    m.text_encoder_2 = load_part("text encoder 2", parts.text_encoder_2, [&] {
      return text::load_clip_text_model(parts.text_encoder_2, encoders_device, dtype);
    });
    load_part("UNet", parts.unet, [&] {
      checkpoints::check_sdxl_unet_config(io::JsonConfig::load(parts.unet / "config.json"),
                                          m.text_encoder_2->config().projection_dim);
      return 0;
    });
    m.unet = diffusion::load_unet(parts.unet, device, dtype);
  }
  if (!paths.vae_file.empty()) {
    m.vae = checkpoints::load_vae_file(paths.vae_file, paths.checkpoint_configs(), device, dtype);
  } else if (m.vae.is_empty()) {
    load_part("VAE", parts.vae, [&] {  // a 16-channel VAE is told from its config, before its weights
      const auto config = diffusion::AutoencoderKLConfig::from_json(io::JsonConfig::load(parts.vae / "config.json"));
      checkpoints::check_vae_latent_channels(config.latent_channels, m.unet->config().in_channels,
                                             (parts.vae / "config.json").string());
      return 0;
    });
    m.vae = diffusion::load_autoencoder_kl(parts.vae, device, dtype);
  }
  checkpoints::check_vae_latent_channels(m.vae->config().latent_channels, m.unet->config().in_channels,
                                         !paths.vae_file.empty()     ? paths.vae_file.string()
                                         : !paths.checkpoint.empty() ? paths.checkpoint.string()
                                                                     : parts.vae.string());
  m.vae_dtype = diffusion::vae_dtype(m.vae->config(), dtype);
  m.prompt_encoder.emplace(load_part("tokenizers", parts.tokenizer, [&] {
    return text::SdxlPromptEncoder(text::ClipTokenizer(parts.tokenizer), m.text_encoder,
                                   text::ClipTokenizer(parts.tokenizer_2), m.text_encoder_2);
  }));
  // 2. ControlNet (a folder, or one file whose config follows the UNet's) and the scheduler config
  m.controlnet = checkpoints::load_controlnet_any(paths.controlnet, m.unet->config(), device, dtype);
  m.scheduler = parts.scheduler_config.empty()
                    ? io::SchedulerConfig::from_json(checkpoints::sdxl_base_config("scheduler"))
                    : load_part("scheduler config", parts.scheduler_config,
                                [&] { return io::SchedulerConfig::load(parts.scheduler_config); });
  // 3. IP-Adapter: image encoder + projection, attention layers attached to the UNet
  if (!paths.ip_adapter.empty()) {
    m.image_encoder.emplace(load_part("image encoder", paths.image_encoder, [&] {
      return vision::ImagePromptEncoder::load(paths.image_encoder, encoders_device, dtype);
    }));
    m.ip_adapter.emplace(load_part("IP-Adapter", paths.ip_adapter,
                                   [&] { return vision::load_ip_adapter(paths.ip_adapter, device, dtype); }));
    load_part("IP-Adapter", paths.ip_adapter, [&] {
      m.unet->set_ip_adapter(m.ip_adapter->attention_weights());  // checks layer count and shapes
      return 0;
    });
  }
  // 4. the TAESD-XL preview decoder (a few MB) when the models folder has one
  if (!paths.taesd.empty()) m.taesd = diffusion::load_tiny_decoder(paths.taesd, device, dtype);
  return m;
}

bool ModelSet::apply_loras(const std::vector<checkpoints::LoraChoice>& choices) {
  if (choices.empty() && loras.current().empty()) return false;
  if (!lora_targets) lora_targets.emplace(*unet, unet->config(), *text_encoder, *text_encoder_2);
  return loras.apply(choices, *lora_targets);
}

void ModelSet::move_encoders(torch::Device target) {
  text_encoder->to(target);
  text_encoder_2->to(target);
  if (image_encoder) {
    auto encoder = image_encoder->encoder();
    encoder->to(target);
  }
  // Off the GPU: hand the freed blocks back, or the caching allocator keeps them reserved for us.
  if (!target.is_cuda() && device.is_cuda()) release_cached_gpu_memory(device);
}

}  // namespace poseforge::pipeline
