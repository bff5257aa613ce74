// ModelPaths: where each downloaded model lives, found in a models root by convention and checked
// up front, with messages that say what is missing and what to download.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace poseforge::pipeline {

// The SDXL components one by one, for layouts other than a diffusers SDXL folder (the test fixtures,
// a UNet or VAE swapped in). Empty fields come from ModelPaths::sdxl.
struct SdxlComponents {
  std::filesystem::path unet, vae;                      // diffusers model folders
  std::filesystem::path text_encoder, text_encoder_2;   // transformers folders
  std::filesystem::path tokenizer, tokenizer_2;         // vocab.json + merges.txt
  std::filesystem::path scheduler_config;               // the scheduler_config.json file

  // <root>/unet, <root>/vae, ..., <root>/scheduler/scheduler_config.json.
  static SdxlComponents diffusers(const std::filesystem::path& root);
  // Fields of `overrides` that are set replace ours.
  void apply(const SdxlComponents& overrides);
};

struct ModelPaths {
  std::filesystem::path sdxl;           // diffusers folder: model_index.json, unet/, vae/, text_encoder(_2)/, tokenizer(_2)/, scheduler/
  std::filesystem::path controlnet;     // diffusers ControlNet folder: config.json + weights
  std::filesystem::path ip_adapter;     // h94 file: ip-adapter*_sdxl*.safetensors / .bin
  std::filesystem::path image_encoder;  // transformers CLIPVisionModelWithProjection folder
  std::filesystem::path openpose;       // body_pose_model.pth (or a .safetensors conversion)
  SdxlComponents sdxl_components;       // per-component overrides of `sdxl` (usually all empty)
  std::filesystem::path taesd;          // optional TAESD-XL decoder for step previews (find_taesd)
  // Single-file checkpoints (core/checkpoints): the file replaces the UNet, VAE and both text encoders of `sdxl`;
  // tokenizers and scheduler come from checkpoint_configs() where it has them, else from `sdxl`.
  std::filesystem::path checkpoint;         // sd_xl_base_1.0.safetensors, a fine-tune (.safetensors / .ckpt)
  std::filesystem::path checkpoint_config;  // a diffusers-layout config folder for it (unet/config.json, ...)
  std::filesystem::path vae_file;           // a VAE as one file (sdxl_vae.safetensors), replacing the model's own
  std::filesystem::path checkpoints_dir;    // <models>/checkpoints: names given to --checkpoint are looked up here
  std::filesystem::path loras_dir;          // <models>/loras: LoRA names (and <lora:name:w> prompt tags) are looked up here
  std::filesystem::path vae_dir;            // <models>/vae: VAE names are looked up here

  // checkpoint_config, else the folder named like the checkpoint beside it (checkpoints/x/ for
  // checkpoints/x.safetensors) when it exists; empty: the shipped SDXL base configs.
  std::filesystem::path checkpoint_configs() const;

  // The SDXL components: sdxl_components where set, else the diffusers layout under `sdxl`.
  SdxlComponents sdxl_parts() const;

  // The conventional layout under `root` (see models/README.md); fields left empty where nothing
  // is found. The image encoder follows the adapter: ViT-H adapters (names with "vit-h") use
  // <h94>/models/image_encoder, the others <h94>/sdxl_models/image_encoder (ViT-bigG).
  static ModelPaths discover(const std::filesystem::path& root);

  // Fields of `overrides` that are set replace ours.
  void apply(const ModelPaths& overrides);

  // One message per missing or incomplete part, naming the path checked, the files expected and
  // what to download. `need_ip_adapter` / `need_openpose`: whether this run needs those parts.
  std::vector<std::string> problems(bool need_ip_adapter = true, bool need_openpose = true) const;
  // Throws poseforge::Error with all problems() when there are any.
  void validate(bool need_ip_adapter = true, bool need_openpose = true) const;
};

// File written at the root of a demo model set (make-demo-models); its presence marks the set.
constexpr const char* kDemoModelsMarker = "POSEFORGE_DEMO_MODELS";

// True when `paths` come from a demo model set (the marker beside the SDXL folder or any other part).
bool is_demo_model_set(const ModelPaths& paths);

// $POSEFORGE_MODELS, else <user data dir>/models.
std::filesystem::path default_models_root();

// The weights file of a diffusers/transformers component folder: `<stem>.safetensors`, then
// `<stem>.fp16.safetensors`, then `<stem>.bin` for each stem given (e.g. "diffusion_pytorch_model",
// "model"). Empty when none exists.
std::filesystem::path find_weights(const std::filesystem::path& folder, const std::vector<std::string>& stems);

}  // namespace poseforge::pipeline
