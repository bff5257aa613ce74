// Regional image-prompt masks: preprocessing at the output size and diffusers' per-grid downsampling.
#include "core/diffusion/ip_mask.h"

#include <cmath>

#include <torch/torch.h>

#include "core/error.h"
#include "core/io/tensor_map.h"
#include "core/vision/bicubic_resample.h"

namespace poseforge::diffusion {
namespace F = torch::nn::functional;

torch::Tensor preprocess_ip_mask(const io::Image& image, int width, int height) {
  if (image.empty() || image.width <= 0 || image.height <= 0) throw Error("image prompt mask: the image is empty");
  if (width <= 0 || height <= 0) throw Error("image prompt mask: size {} x {} must be positive", width, height);
  // 1. grey: L = (R * 299 + G * 587 + B * 114) / 1000, rounded as Pillow's convert("L") does
  io::Image grey;
  grey.width = image.width;
  grey.height = image.height;
  grey.channels = 1;
  grey.pixels.resize(static_cast<std::size_t>(image.width) * image.height);
  const int c = image.channels;
  for (std::size_t i = 0; i < grey.pixels.size(); ++i) {
    const std::uint8_t* p = image.pixels.data() + i * static_cast<std::size_t>(c);
    grey.pixels[i] =
        c < 3 ? p[0] : static_cast<std::uint8_t>((p[0] * 19595 + p[1] * 38470 + p[2] * 7471 + 0x8000) >> 16);
  }
  // 2. output size, 3. binarise at half intensity
  if (grey.width != width || grey.height != height) {
    grey = vision::resize_bicubic(grey, width, height, vision::ImageBackend::Pillow);
  }
  const auto t = torch::from_blob(grey.pixels.data(), {1, height, width}, torch::kUInt8).to(torch::kFloat32) / 255.0;
  return (t >= 0.5).to(torch::kFloat32);
}

torch::Tensor downsample_ip_mask(const torch::Tensor& mask, std::int64_t num_queries) {
  if (mask.dim() != 3 || mask.size(1) <= 0 || mask.size(2) <= 0) {
    throw Error("image prompt mask has shape {}, expected [N, H, W]", io::format_shape(mask.sizes()));
  }
  const double ratio = static_cast<double>(mask.size(2)) / static_cast<double>(mask.size(1));
  std::int64_t mask_h = static_cast<std::int64_t>(std::sqrt(static_cast<double>(num_queries) / ratio));
  if (mask_h <= 0 || num_queries <= 0) {
    throw Error("image prompt mask {} cannot be fitted to an attention grid of {} tokens",
                io::format_shape(mask.sizes()), num_queries);
  }
  mask_h += (num_queries % mask_h) != 0 ? 1 : 0;
  const std::int64_t mask_w = num_queries / mask_h;
  if (mask_w <= 0) {
    throw Error("image prompt mask {} cannot be fitted to an attention grid of {} tokens",
                io::format_shape(mask.sizes()), num_queries);
  }
  // [N, H, W] -> [1, N, h, w] (bicubic) -> [N, h*w]
  auto down = F::interpolate(mask.to(torch::kFloat32).unsqueeze(0), F::InterpolateFuncOptions()
                                                                        .size(std::vector<std::int64_t>{mask_h, mask_w})
                                                                        .mode(torch::kBicubic)
                                                                        .align_corners(false))
                  .squeeze(0)
                  .reshape({mask.size(0), mask_h * mask_w});
  // another aspect ratio than the output's: pad with zeros or drop the last tokens, as diffusers does
  if (mask_h * mask_w < num_queries) down = F::pad(down, F::PadFuncOptions({0, num_queries - mask_h * mask_w}));
  if (mask_h * mask_w > num_queries) down = down.narrow(1, 0, num_queries);
  return down.unsqueeze(-1);  // [N, queries, 1]
}

std::vector<std::int64_t> attention_query_counts(const UNetConfig& config, std::int64_t latent_h,
                                                 std::int64_t latent_w) {
  std::vector<std::int64_t> out;
  std::int64_t h = latent_h, w = latent_w;
  const std::int64_t p = config.downsample_padding;
  for (std::size_t level = 0; level < config.block_out_channels.size(); ++level) {
    out.push_back(h * w);
    // Downsample2D: padding 0 pads one row/column at the end first
    const std::int64_t total_pad = p == 0 ? 1 : 2 * p;
    h = (h + total_pad - 3) / 2 + 1;
    w = (w + total_pad - 3) / 2 + 1;
  }
  return out;
}

std::vector<std::pair<std::int64_t, torch::Tensor>> ip_masks_per_grid(const torch::Tensor& mask,
                                                                      const std::vector<std::int64_t>& query_counts,
                                                                      const torch::TensorOptions& options) {
  std::vector<std::pair<std::int64_t, torch::Tensor>> out;
  for (const auto queries : query_counts) {
    bool seen = false;
    for (const auto& [q, t] : out) seen = seen || q == queries;
    if (!seen) out.emplace_back(queries, downsample_ip_mask(mask, queries).to(options));
  }
  return out;
}

}  // namespace poseforge::diffusion
