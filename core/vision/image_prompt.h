// Image prompts -> IP-Adapter image embeddings and tokens for classifier-free guidance (diffusers' way).
#pragma once

#include <filesystem>
#include <vector>

#include <torch/types.h>

#include "core/io/image.h"
#include "core/vision/clip_image_processor.h"
#include "core/vision/clip_vision_model.h"
#include "core/vision/ip_adapter.h"

namespace poseforge::vision {

struct ImagePrompt {
  io::Image image;
  double weight = 1.0;  // relative; the weights of a list are normalised to sum to 1
};

// The CLIP image encoder with its preprocessing. Not thread-safe (one forward at a time).
class ImagePromptEncoder {
 public:
  ImagePromptEncoder(ClipVisionModelWithProjection encoder, ClipImageProcessor processor);
  // An image_encoder folder (config.json, model.safetensors or pytorch_model.bin, and
  // preprocessor_config.json when present; transformers' CLIPImageProcessor defaults otherwise).
  static ImagePromptEncoder load(const std::filesystem::path& folder, torch::Device device = torch::kCPU,
                                 torch::ScalarType dtype = torch::kFloat32);

  // (negative, positive) embeddings stacked as diffusers' prepare_ip_adapter_image_embeds gives them
  // for one adapter and one image per prompt: basic (hidden_states = false) [2, 1, projection_dim],
  // image_embeds with zeros as the negative; Plus (hidden_states = true) [2, 1, 1 + patches, hidden],
  // hidden_states[-2] with those of an all-zero pixel_values as the negative. Several prompts: the
  // positive is the weighted average of their embeddings (one prompt of any weight gives exactly its
  // own). In the encoder's dtype/device. `negative` (a negative image prompt, may be null or empty):
  // its own embeddings (basic) / hidden states (Plus) on the negative side instead of zeros / the zero
  // image's. Throws Error for no prompts, negative/non-finite weights or a zero weight sum, and for
  // unusable images.
  torch::Tensor embeds_cfg(const std::vector<ImagePrompt>& prompts, bool hidden_states,
                           const io::Image* negative = nullptr);

  // adapter.project(embeds_cfg(prompts, adapter.uses_hidden_states(), negative)): tokens [2, num_tokens,
  // token_dim] (negative, positive) for the UNet's image cross-attention. Throws Error when the
  // adapter was trained for another encoder width.
  torch::Tensor image_tokens_cfg(const std::vector<ImagePrompt>& prompts, const IpAdapter& adapter,
                                 const io::Image* negative = nullptr);

  const ClipVisionModelWithProjection& encoder() const { return encoder_; }
  const ClipImageProcessor& processor() const { return processor_; }

 private:
  // image_embeds [B, E] or hidden_states[-2] [B, S, D] of pixel_values [B, 3, H, W].
  torch::Tensor encode(const torch::Tensor& pixel_values, bool hidden_states);

  ClipVisionModelWithProjection encoder_;
  ClipImageProcessor processor_;
};

}  // namespace poseforge::vision
