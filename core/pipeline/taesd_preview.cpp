// find_taesd and taesd_preview_bytes.
#include "core/pipeline/taesd_preview.h"

#include <torch/torch.h>

#include "core/pipeline/image_tensor.h"

namespace poseforge::pipeline {

std::filesystem::path find_taesd(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const fs::path& dir : {root / "taesdxl", root / "madebyollin" / "taesdxl"}) {
    if (fs::is_regular_file(dir / "config.json", ec)) return dir;
  }
  for (const fs::path& dir : {root, root / "taesd", root / "vae_approx"}) {
    for (const char* name : {"taesdxl_decoder.safetensors", "taesdxl_decoder.pth"}) {
      if (fs::is_regular_file(dir / name, ec)) return dir / name;
    }
  }
  return {};
}

torch::Tensor taesd_preview_bytes(diffusion::TinyDecoder& decoder, const torch::Tensor& latents) {
  torch::NoGradGuard no_grad;
  const auto dtype = decoder->parameters().front().scalar_type();
  return unit_hwc_to_bytes(decoded_to_unit_hwc_on_device(decoder->forward(latents.to(dtype)))[0]);
}

}  // namespace poseforge::pipeline
