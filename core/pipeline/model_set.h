// ModelSet: every model one generation needs, loaded from a ModelPaths onto one device and dtype.
#pragma once

#include <optional>
#include <string>

#include <torch/types.h>

#include "core/checkpoints/lora_merger.h"
#include "core/checkpoints/lora_targets.h"
#include "core/diffusion/autoencoder_kl.h"
#include "core/diffusion/controlnet.h"
#include "core/diffusion/taesd.h"
#include "core/diffusion/unet_2d_condition.h"
#include "core/io/scheduler_config.h"
#include "core/pipeline/model_paths.h"
#include "core/pipeline/parked_weights.h"
#include "core/text/clip_text_model.h"
#include "core/text/sdxl_prompt_encoder.h"
#include "core/vision/image_prompt.h"
#include "core/vision/ip_adapter.h"

namespace poseforge::pipeline {

// Which models go to pinned host memory as soon as they are loaded (so a small GPU never holds them all).
struct ParkPlan {
  bool encoders = false;    // text and image encoders
  bool controlnet = false;
  bool unet = false;
};

// Loaded once, kept between generations. Modules are in eval mode; the caller runs them under
// NoGradGuard. Not thread-safe: one generation at a time.
struct ModelSet {
  torch::Device device = torch::kCPU;
  torch::Dtype dtype = torch::kFloat32;      // UNet, ControlNet, encoders
  torch::Dtype vae_dtype = torch::kFloat32;  // dtype, or float32 where the VAE config says force_upcast

  // The text encoders are kept apart too, so low-VRAM mode can move them (the prompt encoder shares them).
  text::ClipTextModel text_encoder{nullptr}, text_encoder_2{nullptr};
  std::optional<text::SdxlPromptEncoder> prompt_encoder;
  diffusion::UNet2DConditionModel unet{nullptr};  // with the IP-Adapter's layers when one is loaded
  diffusion::ControlNetModel controlnet{nullptr};
  diffusion::AutoencoderKL vae{nullptr};
  io::SchedulerConfig scheduler;
  std::optional<vision::ImagePromptEncoder> image_encoder;  // only with an IP-Adapter
  std::optional<vision::IpAdapter> ip_adapter;
  std::optional<diffusion::TinyDecoder> taesd;  // TAESD-XL step previews, when paths.taesd is set
  // LoRAs merged into the UNet and text encoders (their names indexed on first use).
  checkpoints::LoraMerger loras;
  std::optional<checkpoints::LoraTargets> lora_targets;
  ParkedWeights parked_encoders, parked_controlnet, parked_unet;  // filled on their first park

  // Loads everything `paths` names (the IP-Adapter and its image encoder only when paths.ip_adapter is
  // set; OpenPose is not the engine's) onto `device`, parking what `park` names right after each
  // component (a single-file checkpoint: after the whole file). Throws Error naming the component and
  // file that failed.
  // `channels_last`: the UNet's and ControlNet's convolution weights NHWC (EngineOptions::channels_last),
  // made so as each loads, before any of them is parked (the parked host copies keep the layout).
  static ModelSet load(const ModelPaths& paths, torch::Device device, torch::Dtype dtype, const ParkPlan& park = {},
                       bool channels_last = false);

  // The text and image encoders (not the IP-Adapter's projection, which is small) parked in pinned
  // host memory (`target` the CPU) or back on `device` (ParkedWeights). A no-op off CUDA.
  void move_encoders(torch::Device target);
  // The ControlNet and the UNet (with its IP-Adapter layers) likewise (low and minimal memory modes).
  void move_controlnet(torch::Device target);
  void move_unet(torch::Device target);
  // Makes `choices` the merged LoRAs (LoraMerger::apply); true when weights changed (text embeddings made
  // before are stale then). Throws Error naming the file and keys that do not fit; the weights stay as they were.
  bool apply_loras(const std::vector<checkpoints::LoraChoice>& choices);
  bool has_ip_adapter() const { return ip_adapter.has_value(); }
};

}  // namespace poseforge::pipeline
