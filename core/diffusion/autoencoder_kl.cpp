// AutoencoderKL: encode, decode, tiled decode with blended seams, loading.
#include "core/diffusion/autoencoder_kl.h"

#include <algorithm>

#include <torch/torch.h>

#include "core/diffusion/model_loading.h"
#include "core/diffusion/resnet_block.h"
#include "core/diffusion/unet_trunk.h"
#include "core/error.h"
#include "core/io/tensor_map.h"

namespace poseforge::diffusion {
namespace {

// Tile starts along one axis of length `size`: every `stride`, the last one flush with the end.
std::vector<std::int64_t> tile_starts(std::int64_t size, std::int64_t tile, std::int64_t stride) {
  std::vector<std::int64_t> starts;
  for (std::int64_t s = 0;; s += stride) {
    if (s + tile >= size) {
      starts.push_back(std::max<std::int64_t>(size - tile, 0));
      break;
    }
    starts.push_back(s);
  }
  return starts;
}

// Blend weights along one axis of a tile: linear ramps over `ramp` pixels on sides that meet
// another tile, 1 elsewhere (never 0, so every pixel keeps a positive total weight).
torch::Tensor ramp_weights(std::int64_t length, std::int64_t ramp, bool ramp_start, bool ramp_end) {
  auto w = torch::ones({length});
  auto up = torch::arange(1, ramp + 1, torch::kFloat32) / static_cast<double>(ramp + 1);
  if (ramp_start) w.narrow(0, 0, ramp).copy_(up);
  if (ramp_end) w.narrow(0, length - ramp, ramp).mul_(up.flip({0}));
  return w;
}

}  // namespace

AutoencoderKLImpl::AutoencoderKLImpl(AutoencoderKLConfig config) : config_(std::move(config)) {
  const auto& c = config_;
  const auto z = c.latent_channels;
  VaeCoderOptions enc{
      c.in_channels, 2 * z, c.block_out_channels, c.layers_per_block, c.norm_num_groups, c.mid_block_add_attention};
  VaeCoderOptions dec{
      z, c.out_channels, c.block_out_channels, c.layers_per_block, c.norm_num_groups, c.mid_block_add_attention};
  encoder_ = register_module("encoder", VaeEncoder(enc));
  decoder_ = register_module("decoder", VaeDecoder(dec));
  if (c.use_quant_conv) quant_conv_ = register_module("quant_conv", Conv2d(2 * z, 2 * z, 1));
  if (c.use_post_quant_conv) post_quant_conv_ = register_module("post_quant_conv", Conv2d(z, z, 1));
}

LatentPosterior AutoencoderKLImpl::encode(const torch::Tensor& image) {
  const auto f = config_.downscale_factor();
  if (image.dim() != 4 || image.size(1) != config_.in_channels || image.size(2) % f || image.size(3) % f) {
    throw Error("VAE encode: image has shape {}, expected [B, {}, H, W] with H, W multiples of {}",
                io::format_shape(image.sizes()), config_.in_channels, f);
  }
  auto moments = encoder_(image.to(encoder_->parameters().front().scalar_type()));  // [B, 2z, h, w]
  if (quant_conv_) moments = quant_conv_(moments);
  auto parts = moments.chunk(2, 1);
  return {parts[0], parts[1].clamp(-30.0, 20.0)};
}

torch::Tensor AutoencoderKLImpl::decode(const torch::Tensor& latents) {
  if (latents.dim() != 4 || latents.size(1) != config_.latent_channels) {
    throw Error("VAE decode: latents have shape {}, expected [B, {}, h, w]", io::format_shape(latents.sizes()),
                config_.latent_channels);
  }
  auto z = latents.to(decoder_->parameters().front().scalar_type());
  if (post_quant_conv_) z = post_quant_conv_(z);
  return decoder_(z);
}

torch::Tensor AutoencoderKLImpl::decode_tiled(const torch::Tensor& latents, const TileOptions& tiles) {
  if (tiles.tile <= 0 || tiles.overlap < 0 || tiles.overlap >= tiles.tile) {
    throw Error("VAE tiled decode: tile {} and overlap {} must satisfy 0 <= overlap < tile", tiles.tile, tiles.overlap);
  }
  const auto h = latents.size(2), w = latents.size(3);
  if (h <= tiles.tile && w <= tiles.tile) return decode(latents).to(torch::kFloat32);
  const auto f = config_.downscale_factor();
  const auto stride = tiles.tile - tiles.overlap;
  const auto ys = tile_starts(h, tiles.tile, stride), xs = tile_starts(w, tiles.tile, stride);
  const auto f32 = latents.options().dtype(torch::kFloat32);
  auto sum = torch::zeros({latents.size(0), config_.out_channels, h * f, w * f}, f32);
  auto weight = torch::zeros({1, 1, h * f, w * f}, f32);
  for (std::size_t i = 0; i < ys.size(); ++i) {
    const auto th = std::min(tiles.tile, h);
    auto wy = ramp_weights(th * f, tiles.overlap * f, i > 0, i + 1 < ys.size());
    for (std::size_t j = 0; j < xs.size(); ++j) {
      const auto tw = std::min(tiles.tile, w);
      auto wx = ramp_weights(tw * f, tiles.overlap * f, j > 0, j + 1 < xs.size());
      // Decode the tile with up to `context` latent pixels of surroundings, then crop them away.
      const auto y0 = std::max<std::int64_t>(ys[i] - tiles.context, 0),
                 x0 = std::max<std::int64_t>(xs[j] - tiles.context, 0);
      const auto y1 = std::min(ys[i] + th + tiles.context, h), x1 = std::min(xs[j] + tw + tiles.context, w);
      auto tile = decode(latents.narrow(2, y0, y1 - y0).narrow(3, x0, x1 - x0))
                      .narrow(2, (ys[i] - y0) * f, th * f)
                      .narrow(3, (xs[j] - x0) * f, tw * f)
                      .to(torch::kFloat32);
      auto wmap = (wy.unsqueeze(1) * wx.unsqueeze(0)).to(latents.device()).view({1, 1, th * f, tw * f});
      sum.narrow(2, ys[i] * f, th * f).narrow(3, xs[j] * f, tw * f).add_(tile * wmap);
      weight.narrow(2, ys[i] * f, th * f).narrow(3, xs[j] * f, tw * f).add_(wmap);
    }
  }
  return sum / weight;
}

torch::Tensor AutoencoderKLImpl::scale_latents(const torch::Tensor& z) const {
  return (config_.shift_factor ? z - *config_.shift_factor : z) * config_.scaling_factor;
}

torch::Tensor AutoencoderKLImpl::unscale_latents(const torch::Tensor& latents) const {
  auto z = latents / config_.scaling_factor;
  return config_.shift_factor ? z + *config_.shift_factor : z;
}

torch::Dtype vae_dtype(const AutoencoderKLConfig& config, torch::Dtype requested) {
  return config.force_upcast && requested == torch::kFloat16 ? torch::kFloat32 : requested;
}

AutoencoderKL load_autoencoder_kl(const std::filesystem::path& folder, torch::Device device, torch::Dtype dtype) {
  return load_diffusers_model<AutoencoderKL, AutoencoderKLConfig>(
      folder, "VAE", device, [&](const AutoencoderKLConfig& config) { return vae_dtype(config, dtype); });
}

}  // namespace poseforge::diffusion
