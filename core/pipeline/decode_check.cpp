// The checked final decode: NaN latents refused, a NaN picture decoded again in float32 once.
#include "core/pipeline/decode_check.h"

#include <limits>

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/pipeline/fault_hooks.h"

namespace poseforge::pipeline {
namespace {

const char* dtype_label(torch::Dtype dtype) {
  switch (dtype) {
    case torch::kFloat16: return "float16";
    case torch::kBFloat16: return "bfloat16";
    default: return "float32";
  }
}

bool all_finite(const torch::Tensor& t) {
  return torch::isfinite(t).all().item<bool>();
}

torch::Tensor poisoned(const torch::Tensor& t) {
  return torch::full_like(t, std::numeric_limits<float>::quiet_NaN());
}

// Runs the VAE in float32 for its lifetime, then back in the dtype it had (also when decoding throws).
class Float32Vae {
 public:
  explicit Float32Vae(ModelSet& models) : models_(models), previous_(models.vae_dtype) {
    if (previous_ == torch::kFloat32) return;
    models_.vae->to(torch::kFloat32);
    models_.vae_dtype = torch::kFloat32;
  }
  ~Float32Vae() {
    if (previous_ == torch::kFloat32) return;
    models_.vae->to(previous_);
    models_.vae_dtype = previous_;
  }
  Float32Vae(const Float32Vae&) = delete;
  Float32Vae& operator=(const Float32Vae&) = delete;

 private:
  ModelSet& models_;
  torch::Dtype previous_;
};

}  // namespace

torch::Tensor checked_decode(ModelSet& models, const torch::Tensor& latents, torch::Tensor image,
                             const DecodeFn& decode, int sample, std::vector<std::string>& notes) {
  const FaultHooks& hooks = fault_hooks();
  torch::Tensor z = latents;
  if (hooks.poison_latents && hooks.poison_latents()) z = poisoned(latents);
  if (!all_finite(z)) {
    throw Error(
        "sample {}: the denoising produced NaN or infinite latents (the UNet/ControlNet overflowed in {}); "
        "nothing was saved. Run again in float32 or bfloat16 (--dtype / Settings > Precision), or with a lower "
        "guidance scale",
        sample + 1, dtype_label(models.dtype));
  }
  if (hooks.poison_decode && hooks.poison_decode(0)) image = poisoned(image);
  if (all_finite(image)) return image.cpu();

  // A float16 VAE overflows on some latents (SDXL's original VAE does): decode once more in float32.
  const torch::Dtype first = models.vae_dtype;
  {
    const Float32Vae upcast(models);
    image = decode(z);
  }
  if (hooks.poison_decode && hooks.poison_decode(1)) image = poisoned(image);
  if (!all_finite(image)) {
    throw Error(
        "sample {}: the VAE decoded a picture with NaN or infinite values, in {} and again in float32; "
        "nothing was saved (is the VAE's weights file damaged?)",
        sample + 1, dtype_label(first));
  }
  notes.push_back(
      fmt::format("sample {}: the {} VAE decode gave NaN (a black picture); it was decoded again in "
                  "float32",
                  sample + 1, dtype_label(first)));
  return image.cpu();
}

}  // namespace poseforge::pipeline
