// TAESD's tiny decoder (diffusers AutoencoderTiny's decoder; madebyollin/taesdxl): latents to a picture
// in a few small convolutions, for readable step previews at almost no cost.
#pragma once

#include <filesystem>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>

#include "core/io/json_config.h"

namespace poseforge::diffusion {

struct TinyDecoderConfig {
  std::int64_t latent_channels = 4;
  std::int64_t out_channels = 3;
  std::vector<std::int64_t> block_out_channels = {64, 64, 64, 64};  // decoder_block_out_channels
  std::vector<std::int64_t> num_blocks = {3, 3, 3, 1};              // num_decoder_blocks
  std::int64_t upsampling_scaling_factor = 2;
  double latent_magnitude = 3.0;  // tanh(x / m) * m clamps the latents first
  // AutoencoderTiny's config.json; missing keys keep the TAESD-XL values above (the original files have none).
  static TinyDecoderConfig from_json(const io::JsonConfig& json);
};

// Parameters named as diffusers' `decoder.layers.K...` without the `decoder.` prefix ("layers.0.weight").
class TinyDecoderImpl : public torch::nn::Module {
 public:
  explicit TinyDecoderImpl(TinyDecoderConfig config);
  // latents [B, latent_channels, h, w] (the UNet's scaled latents) -> [B, out_channels, 8h, 8w] in about
  // [-1, 1], as AutoencoderTiny.decode. No host sync.
  torch::Tensor forward(const torch::Tensor& latents);
  const TinyDecoderConfig& config() const { return config_; }

 private:
  TinyDecoderConfig config_;
  torch::nn::Sequential layers_{nullptr};
};
TORCH_MODULE(TinyDecoder);

// Loads a TAESD decoder from the madebyollin/taesdxl diffusers folder (config.json +
// diffusion_pytorch_model[.fp16].safetensors, `decoder.layers.K` keys), or from the original single file
// (taesdxl_decoder.safetensors / .pth: keys `K...`, numbered from 0, or from 1 as in madebyollin's own
// files, whose layer 0 is the clamp). Error naming the file and the keys that do not fit.
TinyDecoder load_tiny_decoder(const std::filesystem::path& path, torch::Device device, torch::Dtype dtype);

}  // namespace poseforge::diffusion
