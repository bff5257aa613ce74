// Regional image-prompt masks: a black/white picture -> a 0/1 mask at the output size (diffusers'
// IPAdapterMaskProcessor.preprocess) -> one mask per attention grid (IPAdapterMaskProcessor.downsample).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include <torch/types.h>

#include "core/diffusion/unet_config.h"
#include "core/io/image.h"

namespace poseforge::diffusion {

// `image` (grey, RGB or RGBA; white = where the prompt acts) -> [1, height, width] float32 of 0 and 1
// on the CPU: grey (ITU-R 601-2 luma, as Pillow's convert("L")), resized to width x height (Pillow's
// bicubic where diffusers uses Lanczos: the two differ only on edge pixels, which binarising decides),
// / 255, then >= 0.5 -> 1, else 0. Throws Error for an empty image or a non-positive size.
torch::Tensor preprocess_ip_mask(const io::Image& image, int width, int height);

// diffusers' IPAdapterMaskProcessor.downsample for a mask [N, H, W] and a layer of `num_queries`
// tokens: grid h = int(sqrt(queries / (W / H))) (+1 when it does not divide the queries), w = queries / h,
// bicubic resize (align_corners false), flattened, zero-padded or cut to `num_queries` when the aspect
// ratio differs -> [N, num_queries, 1] (broadcast over the attention's width). Throws Error when the
// mask is not [N, H, W] or the grid would be empty.
torch::Tensor downsample_ip_mask(const torch::Tensor& mask, std::int64_t num_queries);

// The query counts (h * w) of the UNet's attention grids for latents of latent_h x latent_w: the
// latent size, then each down block's downsampler (3x3, stride 2, the config's padding) in turn.
std::vector<std::int64_t> attention_query_counts(const UNetConfig& config, std::int64_t latent_h,
                                                 std::int64_t latent_w);

// downsample_ip_mask for each of `query_counts`, moved to `options` (the model's device and dtype).
std::vector<std::pair<std::int64_t, torch::Tensor>> ip_masks_per_grid(const torch::Tensor& mask,
                                                                      const std::vector<std::int64_t>& query_counts,
                                                                      const torch::TensorOptions& options);

}  // namespace poseforge::diffusion
