// Loading diffusers model folders: weights file lookup and the strict, direct-to-device copy.
#include "core/diffusion/model_loading.h"

#include <torch/torch.h>

#include "core/diffusion/layers.h"
#include "core/io/safetensors.h"
#include "core/io/state_dict.h"

namespace poseforge::diffusion {

std::filesystem::path find_diffusers_weights(const std::filesystem::path& folder) {
  for (const char* name : {"diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors",
                           "diffusion_pytorch_model.safetensors.index.json",
                           "diffusion_pytorch_model.fp16.safetensors.index.json"}) {
    if (std::filesystem::is_regular_file(folder / name)) return folder / name;
  }
  throw Error("model folder '{}': no diffusion_pytorch_model.safetensors (or .fp16.safetensors, or a sharded *.safetensors.index.json)",
              folder.string());
}

void load_diffusers_weights(torch::nn::Module& module, const std::filesystem::path& weights, torch::Device device,
                            torch::Dtype dtype) {
  materialize(module, device, dtype);  // no copy of the uninitialised parameters
  io::LoadOptions options;
  options.source = weights.string();
  io::load_state_dict(module, io::load_tensors(weights), options);  // mapped safetensors, or the shards of an index
}

void use_channels_last(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters()) {
    if (p.dim() == 4) p.set_data(p.contiguous(torch::MemoryFormat::ChannelsLast));
  }
}

}  // namespace poseforge::diffusion
