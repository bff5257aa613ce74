// ModelSet loading: text encoders, UNet (+ IP-Adapter layers), ControlNet, VAE, scheduler, image encoder.
#include "core/pipeline/model_set.h"

#include <chrono>
#include <optional>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/checkpoints/controlnet_file.h"
#include "core/checkpoints/sdxl_base_configs.h"
#include "core/checkpoints/sdxl_checks.h"
#include "core/checkpoints/single_file_checkpoint.h"
#include "core/diffusion/model_loading.h"
#include "core/error.h"

namespace poseforge::pipeline {
namespace {

// Runs `check`, prefixing any error with the component's name and path.
template <typename Fn>
auto check_part(const char* what, const std::filesystem::path& path, Fn&& check) {
  try {
    return check();
  } catch (...) {
    rethrow_with_context(fmt::format("loading {} '{}'", what, path.string()));
  }
}

// check_part, logging how long the load took.
template <typename Fn>
auto load_part(const char* what, const std::filesystem::path& path, Fn&& load) {
  const auto start = std::chrono::steady_clock::now();
  auto out = check_part(what, path, std::forward<Fn>(load));
  spdlog::info("loaded {} in {:.2f} s ({})", what,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), path.string());
  return out;
}

}  // namespace

ModelSet ModelSet::load(const ModelPaths& paths, torch::Device device, torch::Dtype dtype, const ParkPlan& park,
                        bool channels_last) {
  const SdxlComponents parts = paths.sdxl_parts();
  ModelSet m;
  m.device = device;
  m.dtype = dtype;
  // 1. text encoders, UNet and VAE: from one checkpoint file, or from the diffusers folders
  if (!paths.checkpoint.empty()) {
    auto c = load_part("checkpoint", paths.checkpoint, [&] {
      return checkpoints::load_sdxl_checkpoint(paths.checkpoint, paths.checkpoint_configs(), device, dtype,
                                               device, /*load_vae=*/paths.vae_file.empty());
    });
    m.text_encoder = c.text_encoder;
    m.text_encoder_2 = c.text_encoder_2;
    m.unet = c.unet;
    m.vae = c.vae;
  } else {
    m.text_encoder = load_part("text encoder", parts.text_encoder,
                               [&] { return text::load_clip_text_model(parts.text_encoder, device, dtype); });
    if (park.encoders) m.move_encoders(torch::kCPU);
    m.text_encoder_2 = load_part("text encoder 2", parts.text_encoder_2, [&] {
      return text::load_clip_text_model(parts.text_encoder_2, device, dtype);
    });
    if (park.encoders) m.move_encoders(torch::kCPU);
    check_part("UNet", parts.unet, [&] {
      checkpoints::check_sdxl_unet_config(io::JsonConfig::load(parts.unet / "config.json"),
                                          m.text_encoder_2->config().projection_dim);
      return 0;
    });
    m.unet = load_part("UNet", parts.unet, [&] { return diffusion::load_unet(parts.unet, device, dtype); });
  }
  if (park.encoders) m.move_encoders(torch::kCPU);  // a single-file checkpoint's encoders
  if (!paths.vae_file.empty()) {
    m.vae = load_part("VAE", paths.vae_file,
                      [&] { return checkpoints::load_vae_file(paths.vae_file, paths.checkpoint_configs(), device, dtype); });
  } else if (m.vae.is_empty()) {
    check_part("VAE", parts.vae, [&] {  // a 16-channel VAE is told from its config, before its weights
      const auto config = diffusion::AutoencoderKLConfig::from_json(io::JsonConfig::load(parts.vae / "config.json"));
      checkpoints::check_vae_latent_channels(config.latent_channels, m.unet->config().in_channels,
                                             (parts.vae / "config.json").string());
      return 0;
    });
    m.vae = load_part("VAE", parts.vae, [&] { return diffusion::load_autoencoder_kl(parts.vae, device, dtype); });
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
  if (channels_last) diffusion::use_channels_last(*m.unet);
  if (park.unet) m.move_unet(torch::kCPU);
  m.controlnet = load_part("ControlNet", paths.controlnet, [&] {
    return checkpoints::load_controlnet_any(paths.controlnet, m.unet->config(), device, dtype);
  });
  if (channels_last) diffusion::use_channels_last(*m.controlnet);
  if (park.controlnet) m.move_controlnet(torch::kCPU);
  m.scheduler = parts.scheduler_config.empty()
                    ? io::SchedulerConfig::from_json(checkpoints::sdxl_base_config("scheduler"))
                    : load_part("scheduler config", parts.scheduler_config,
                                [&] { return io::SchedulerConfig::load(parts.scheduler_config); });
  // 3. IP-Adapter: image encoder + projection, attention layers attached to the UNet
  if (!paths.ip_adapter.empty()) {
    m.image_encoder.emplace(load_part("image encoder", paths.image_encoder, [&] {
      return vision::ImagePromptEncoder::load(paths.image_encoder, device, dtype);
    }));
    if (park.encoders) m.move_encoders(torch::kCPU);
    m.ip_adapter.emplace(load_part("IP-Adapter", paths.ip_adapter,
                                   [&] { return vision::load_ip_adapter(paths.ip_adapter, device, dtype); }));
    if (park.unet) m.move_unet(device);  // the layers are made where the UNet's weights are
    check_part("IP-Adapter", paths.ip_adapter, [&] {
      m.unet->set_ip_adapter(m.ip_adapter->attention_weights());  // checks layer count and shapes
      return 0;
    });
    if (park.unet) m.move_unet(torch::kCPU);  // its IP-Adapter layers join it
  }
  // 4. the TAESD-XL preview decoder (a few MB) when the models folder has one
  if (!paths.taesd.empty())
    m.taesd = load_part("TAESD-XL", paths.taesd, [&] { return diffusion::load_tiny_decoder(paths.taesd, device, dtype); });
  return m;
}

bool ModelSet::apply_loras(const std::vector<checkpoints::LoraChoice>& choices) {
  if (choices.empty() && loras.current().empty()) return false;
  // Merges run where the weights are: parked models come back for it (a host merge of float16
  // weights is slow, or missing in some libtorch builds), and go back after.
  const bool encoders_parked = parked_encoders.parked(), unet_parked = parked_unet.parked();
  if (encoders_parked) move_encoders(device);
  if (unet_parked) move_unet(device);
  if (!lora_targets) lora_targets.emplace(*unet, unet->config(), *text_encoder, *text_encoder_2);
  const bool changed = loras.apply(choices, *lora_targets);
  if (encoders_parked) move_encoders(torch::kCPU);
  if (unet_parked) move_unet(torch::kCPU);
  return changed;
}

namespace {

// Unparks `parked` (target a GPU) or parks it. Parking first adds what was loaded since: while the set
// is parked (or empty), every tensor of `modules` still on the GPU is new to it (add() takes only those).
void move(ParkedWeights& parked, const torch::Device& device, const torch::Device& target,
          const std::vector<torch::nn::Module*>& modules) {
  if (!device.is_cuda()) return;
  if (target.is_cuda()) return parked.unpark();
  if (parked.empty() || parked.parked()) parked.add(modules);
  parked.park();
}

}  // namespace

void ModelSet::move_encoders(torch::Device target) {
  std::vector<torch::nn::Module*> modules;
  if (text_encoder) modules.push_back(text_encoder.get());
  if (text_encoder_2) modules.push_back(text_encoder_2.get());
  auto vision = image_encoder ? image_encoder->encoder() : vision::ClipVisionModelWithProjection(nullptr);
  if (vision) modules.push_back(vision.get());  // the holder shares the encoder's module
  move(parked_encoders, device, target, modules);
}

void ModelSet::move_controlnet(torch::Device target) {
  if (controlnet) move(parked_controlnet, device, target, {controlnet.get()});
}

void ModelSet::move_unet(torch::Device target) {
  if (unet) move(parked_unet, device, target, {unet.get()});
}

}  // namespace poseforge::pipeline
