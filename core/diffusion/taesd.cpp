// TinyDecoder: diffusers' DecoderTiny (AutoencoderTinyBlock = 3 convs + 1x1 skip + ReLU), and its loader.
#include "core/diffusion/taesd.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/diffusion/model_loading.h"
#include "core/error.h"
#include "core/io/state_dict.h"
#include "core/io/tensor_map.h"

namespace poseforge::diffusion {
namespace {

torch::nn::Conv2d conv3(std::int64_t in, std::int64_t out, bool bias = true) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1).bias(bias));
}

// conv.0 / conv.2 / conv.4 with ReLUs between, a 1x1 skip when the widths differ, ReLU after the sum.
class TinyBlockImpl : public torch::nn::Module {
 public:
  TinyBlockImpl(std::int64_t in, std::int64_t out) {
    conv_ = register_module("conv", torch::nn::Sequential(conv3(in, out), torch::nn::ReLU(), conv3(out, out),
                                                          torch::nn::ReLU(), conv3(out, out)));
    if (in != out) {
      skip_ = register_module("skip", torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 1).bias(false)));
    }
  }
  torch::Tensor forward(const torch::Tensor& x) {
    return torch::relu(conv_->forward(x) + (skip_ ? skip_->forward(x) : x));
  }

 private:
  torch::nn::Sequential conv_{nullptr};
  torch::nn::Conv2d skip_{nullptr};
};
TORCH_MODULE(TinyBlock);

// Renumbers the original file's keys "K.rest" by `shift` ("3.conv.0.weight" -> "layers.2.conv.0.weight").
io::TensorMap renumbered(const io::TensorMap& tensors, int shift, const std::filesystem::path& path) {
  io::TensorMap out;
  for (const auto& [name, t] : tensors) {
    const auto dot = name.find('.');
    int index = -1;
    try {
      index = std::stoi(name.substr(0, dot));
    } catch (const std::exception&) {
    }
    if (dot == std::string::npos || index - shift < 0) {
      throw Error(
          "TAESD decoder '{}': key '{}' is not '<layer number>.<name>' (expected the original "
          "taesdxl_decoder layout)",
          path.string(), name);
    }
    out[fmt::format("layers.{}{}", index - shift, name.substr(dot))] = t;
  }
  return out;
}

}  // namespace

TinyDecoderConfig TinyDecoderConfig::from_json(const io::JsonConfig& json) {
  TinyDecoderConfig c;
  c.latent_channels = json.get_or("latent_channels", c.latent_channels);
  c.out_channels = json.get_or("out_channels", c.out_channels);
  c.block_out_channels =
      json.get_or("decoder_block_out_channels", json.get_or("block_out_channels", c.block_out_channels));
  c.num_blocks = json.get_or("num_decoder_blocks", c.num_blocks);
  c.upsampling_scaling_factor = json.get_or("upsampling_scaling_factor", c.upsampling_scaling_factor);
  c.latent_magnitude = json.get_or("latent_magnitude", c.latent_magnitude);
  if (c.block_out_channels.size() != c.num_blocks.size() || c.num_blocks.empty()) {
    throw Error("{}: decoder_block_out_channels has {} entries and num_decoder_blocks {}, expected the same number",
                json.source(), c.block_out_channels.size(), c.num_blocks.size());
  }
  return c;
}

TinyDecoderImpl::TinyDecoderImpl(TinyDecoderConfig config) : config_(std::move(config)) {
  torch::nn::Sequential layers;
  const auto& ch = config_.block_out_channels;
  layers->push_back(conv3(config_.latent_channels, ch[0]));
  layers->push_back(torch::nn::ReLU());
  for (std::size_t i = 0; i < config_.num_blocks.size(); ++i) {
    const bool last = i + 1 == config_.num_blocks.size();
    for (std::int64_t b = 0; b < config_.num_blocks[i]; ++b) layers->push_back(TinyBlock(ch[i], ch[i]));
    if (!last) {
      const double f = static_cast<double>(config_.upsampling_scaling_factor);
      layers->push_back(torch::nn::Upsample(
          torch::nn::UpsampleOptions().scale_factor(std::vector<double>{f, f}).mode(torch::kNearest)));
    }
    layers->push_back(conv3(ch[i], last ? config_.out_channels : ch[i], /*bias=*/last));
  }
  layers_ = register_module("layers", layers);
}

torch::Tensor TinyDecoderImpl::forward(const torch::Tensor& latents) {
  const double m = config_.latent_magnitude;
  return layers_->forward(torch::tanh(latents / m) * m).mul(2).sub(1);
}

TinyDecoder load_tiny_decoder(const std::filesystem::path& path, torch::Device device, torch::Dtype dtype) {
  try {
    std::error_code ec;
    TinyDecoderConfig config;
    io::TensorMap tensors;
    std::filesystem::path source = path;
    if (std::filesystem::is_directory(path, ec)) {
      config = TinyDecoderConfig::from_json(io::JsonConfig::load(path / "config.json"));
      source = find_diffusers_weights(path);
      tensors = io::sub_map(io::load_tensors(source), "decoder.");
      if (tensors.empty()) throw Error("{} holds no 'decoder.' tensors (expected an AutoencoderTiny)", source.string());
    } else {
      const auto raw = io::load_tensors(path);
      // madebyollin's own files number from 1 (layer 0 is the parameterless clamp); diffusers-derived ones from 0.
      const int shift = raw.count("0.weight") ? 0 : 1;
      tensors = renumbered(raw, shift, path);
    }
    TinyDecoder decoder(config);
    io::LoadOptions options;
    options.source = source.string();
    io::load_state_dict(*decoder, tensors, options);
    decoder->to(device, dtype);
    decoder->eval();
    return decoder;
  } catch (...) {
    rethrow_with_context(fmt::format("loading the TAESD decoder '{}'", path.string()));
  }
}

}  // namespace poseforge::diffusion
