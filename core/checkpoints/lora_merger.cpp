// LoraMerger: resolve every layer, then restore, then write W0 + the summed deltas into each weight.
#include "core/checkpoints/lora_merger.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "core/checkpoints/lora_file.h"
#include "core/error.h"
#include "core/io/tensor_map.h"

namespace poseforge::checkpoints {
namespace {

struct Delta {
  const LoraTarget* target;
  torch::Tensor sum;  // float32 on the weight's device
};

// up @ down as the weight's shape (conv LoRAs: up [out, r, 1, 1] @ down [r, in, kh, kw] -> [out, in, kh, kw]).
torch::Tensor layer_delta(const LoraLayer& layer, const torch::Tensor& weight, const std::filesystem::path& file) {
  const auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(weight.device());
  const torch::Tensor up = layer.up.to(opts).flatten(1), down = layer.down.to(opts).flatten(1);
  if (up.size(1) != down.size(0) || up.size(0) * down.size(1) != weight.numel() || up.size(0) != weight.size(0)) {
    throw Error(
        "LoRA '{}': layer '{}': up {} @ down {} does not make the weight's shape {} (a LoRA for another model?)",
        file.string(), layer.name, io::format_shape(layer.up.sizes()), io::format_shape(layer.down.sizes()),
        io::format_shape(weight.sizes()));
  }
  return up.matmul(down).reshape(weight.sizes());
}

}  // namespace

bool LoraMerger::apply(const std::vector<LoraChoice>& loras, const LoraTargets& targets) {
  if (loras == current_) return false;
  torch::NoGradGuard no_grad;
  // 1. read and resolve everything before touching a weight
  std::map<std::string, Delta> deltas;
  for (const auto& choice : loras) {
    const LoraFile file = LoraFile::load(choice.path);
    std::vector<std::string> unknown;
    for (const auto& layer : file.layers) {
      const LoraTarget* target = targets.find(layer.name);
      if (!target) {
        unknown.push_back(layer.name);
        continue;
      }
      const torch::Tensor d =
          layer_delta(layer, target->weight, choice.path) * (choice.weight * layer.alpha / layer.rank());
      auto [it, fresh] = deltas.try_emplace(target->component + "/" + target->parameter, Delta{target, d});
      if (!fresh) it->second.sum = it->second.sum + d;
    }
    if (!unknown.empty()) {
      const bool sd15 = unknown.front().rfind("lora_te_", 0) == 0;
      std::string names;
      for (std::size_t i = 0; i < unknown.size() && i < 6; ++i) names += (i ? ", " : "") + unknown[i];
      if (unknown.size() > 6) names += fmt::format(", ... ({} more)", unknown.size() - 6);
      throw Error("LoRA '{}': {} of its {} layers match no layer of this SDXL model{}: {}", choice.path.string(),
                  unknown.size(), file.layers.size(),
                  sd15 ? " (lora_te_* is an SD1.x LoRA's single text encoder; expected an SDXL LoRA)"
                       : " (a LoRA for another base model?)",
                  names);
    }
  }
  // 2. originals back, then W0 + deltas
  restore();
  for (auto& [key, delta] : deltas) {
    torch::Tensor w = delta.target->weight;  // shares the parameter's storage
    Saved saved{w, w.detach().to(torch::kCPU, /*non_blocking=*/false, /*copy=*/true)};
    w.copy_(saved.original.to(w.device(), torch::kFloat32) + delta.sum);
    saved_.emplace(key, std::move(saved));
  }
  current_ = loras;
  spdlog::info("LoRAs: {} file(s) merged into {} weights", loras.size(), deltas.size());
  return true;
}

void LoraMerger::restore() {
  torch::NoGradGuard no_grad;
  for (auto& [_, s] : saved_) s.weight.copy_(s.original);
  saved_.clear();
  current_.clear();
}

}  // namespace poseforge::checkpoints
