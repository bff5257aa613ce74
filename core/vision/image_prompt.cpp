// Image prompt encoding: preprocessing, CLIP vision, CFG negatives and the weighted average of images.
#include "core/vision/image_prompt.h"

#include <cmath>
#include <utility>

#include <torch/torch.h>

#include "core/error.h"
#include "core/vision/processor_fit.h"

namespace poseforge::vision {

ImagePromptEncoder::ImagePromptEncoder(ClipVisionModelWithProjection encoder, ClipImageProcessor processor)
    : encoder_(std::move(encoder)), processor_(std::move(processor)) {}

ImagePromptEncoder ImagePromptEncoder::load(const std::filesystem::path& folder, torch::Device device,
                                            torch::ScalarType dtype) {
  auto model = load_clip_vision_model(folder, device, dtype);
  const auto preprocessor = folder / "preprocessor_config.json";
  // No preprocessor_config.json (h94's models/image_encoder): CLIP's defaults sized to this encoder.
  io::ImageProcessorConfig config = default_processor_config(model->config());
  if (std::filesystem::exists(preprocessor)) {
    config = io::ImageProcessorConfig::load(preprocessor);
    check_processor_fits(config, model->config(), preprocessor.string());
  }
  return ImagePromptEncoder(std::move(model), ClipImageProcessor(config));
}

torch::Tensor ImagePromptEncoder::encode(const torch::Tensor& pixel_values, bool hidden_states) {
  torch::NoGradGuard no_grad;
  const auto out = encoder_->forward(pixel_values);
  return hidden_states ? out.penultimate_hidden_state() : out.image_embeds;
}

torch::Tensor ImagePromptEncoder::embeds_cfg(const std::vector<ImagePrompt>& prompts, bool hidden_states,
                                             const io::Image* negative_image) {
  // 1. weights, normalised to sum to 1
  if (prompts.empty()) throw Error("image prompt: no images given");
  double total = 0.0;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const double w = prompts[i].weight;
    if (!std::isfinite(w) || w < 0.0) throw Error("image prompt {}: weight {} must be finite and >= 0", i + 1, w);
    total += w;
  }
  if (!(total > 0.0)) throw Error("image prompt: the weights sum to 0; give at least one image a positive weight");
  // 2. pixel_values: [N, 3, H, W] in the encoder's dtype/device
  std::vector<torch::Tensor> pixels;
  pixels.reserve(prompts.size());
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    try {
      pixels.push_back(processor_.preprocess(prompts[i].image));
    } catch (...) {
      rethrow_with_context("image prompt " + std::to_string(i + 1));
    }
  }
  const auto& weight = encoder_->vision_model->embeddings->patch_embedding->weight;
  const auto batch = torch::cat(pixels, 0).to(weight.options());
  // 3. positive: weighted average over images: [1, ...]
  const auto embeds = encode(batch, hidden_states);
  torch::Tensor positive;
  for (std::size_t i = 0; i < prompts.size(); ++i) {
    const auto term = embeds.narrow(0, static_cast<int64_t>(i), 1) * (prompts[i].weight / total);
    positive = positive.defined() ? positive + term : term;
  }
  // 4. negative: the negative image prompt's own embeddings, else zeros (basic) or the encoder's states
  //    of an all-zero image (Plus)
  torch::Tensor negative;
  if (negative_image && !negative_image->empty()) {
    torch::Tensor pixels;
    try {
      pixels = processor_.preprocess(*negative_image);
    } catch (...) {
      rethrow_with_context("negative image prompt");
    }
    negative = encode(pixels.to(weight.options()), hidden_states);
  } else {
    negative = hidden_states ? encode(torch::zeros_like(batch.narrow(0, 0, 1)), true) : torch::zeros_like(positive);
  }
  // 5. [2, 1, ...]: one image slot per adapter, negative first
  return torch::stack({negative, positive}, 0);
}

torch::Tensor ImagePromptEncoder::image_tokens_cfg(const std::vector<ImagePrompt>& prompts, const IpAdapter& adapter,
                                                   const io::Image* negative) {
  const auto& config = encoder_->config();
  const int width = adapter.uses_hidden_states() ? config.hidden_size : config.projection_dim;
  if (width != adapter.embed_dim()) {
    throw Error(
        "{} '{}' expects {}-wide image {} but the image encoder gives {}: pair it with the image "
        "encoder it was trained with",
        variant_name(adapter.variant()), adapter.source(), adapter.embed_dim(),
        adapter.uses_hidden_states() ? "hidden states" : "embeddings", width);
  }
  torch::NoGradGuard no_grad;
  return adapter.project(embeds_cfg(prompts, adapter.uses_hidden_states(), negative));
}

}  // namespace poseforge::vision
