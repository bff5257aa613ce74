// LoraTargets: the name index, built once per loaded model set.
#include "core/checkpoints/lora_targets.h"

#include <algorithm>

#include "core/checkpoints/sgm_unet_keys.h"

namespace poseforge::checkpoints {
namespace {

std::string underscored(std::string s) {
  std::replace(s.begin(), s.end(), '.', '_');
  return s;
}

const std::string kWeight = ".weight";

// Calls fn(parameter name, module path) for every 2-d (Linear) and 4-d (Conv2d) ".weight".
template <typename Fn>
void for_each_layer_weight(torch::nn::Module& module, Fn&& fn) {
  for (auto& item : module.named_parameters(/*recurse=*/true)) {
    const std::string& key = item.key();
    const auto dim = item.value().dim();
    if ((dim != 2 && dim != 4) || key.size() <= kWeight.size() ||
        key.compare(key.size() - kWeight.size(), kWeight.size(), kWeight) != 0) {
      continue;
    }
    fn(key, key.substr(0, key.size() - kWeight.size()), item.value());
  }
}

}  // namespace

LoraTargets::LoraTargets(torch::nn::Module& unet, const diffusion::UNetConfig& unet_config,
                         torch::nn::Module& text_encoder, torch::nn::Module& text_encoder_2) {
  const KeyTable sgm = sgm_unet_table(unet_config);
  for_each_layer_weight(unet, [&](const std::string& key, const std::string& path, const torch::Tensor& w) {
    const LoraTarget target{"unet", key, w};
    const std::string sgm_path = sgm.theirs(key);
    for (const std::string& name : {"lora_unet_" + underscored(path), "unet." + path,
                                    "lora_unet_" + underscored(sgm_path.substr(0, sgm_path.size() - kWeight.size()))}) {
      by_name_.emplace(name, target);
    }
  });
  const std::pair<const char*, torch::nn::Module*> encoders[] = {{"1", &text_encoder}, {"2", &text_encoder_2}};
  for (const auto& [index, encoder] : encoders) {
    const std::string component = index == std::string("1") ? "text_encoder" : "text_encoder_2";
    for_each_layer_weight(*encoder, [&](const std::string& key, const std::string& path, const torch::Tensor& w) {
      const LoraTarget target{component, key, w};
      const std::string prefix = "text_model.";
      const std::string inner = path.rfind(prefix, 0) == 0 ? path.substr(prefix.size()) : path;
      for (const std::string& p : {path, inner}) {
        by_name_.emplace(std::string("lora_te") + index + "_" + underscored(p), target);
        by_name_.emplace(component + "." + p, target);
      }
    });
  }
}

const LoraTarget* LoraTargets::find(const std::string& layer_name) const {
  auto it = by_name_.find(layer_name);
  return it == by_name_.end() ? nullptr : &it->second;
}

}  // namespace poseforge::checkpoints
