// LoraMerger: LoRAs merged into the loaded weights in place (W0 + weight * alpha / rank * up @ down, in float32 on the
// weights' device), undone bit-exactly from the kept originals of the touched layers; no checkpoint reload.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <torch/types.h>

#include "core/checkpoints/lora_targets.h"

namespace poseforge::checkpoints {

struct LoraChoice {
  std::filesystem::path path;
  double weight = 1.0;
  bool operator==(const LoraChoice& o) const { return path == o.path && weight == o.weight; }
};

class LoraMerger {
 public:
  // Makes every touched weight W0 + sum over `loras` of weight * alpha / rank * up @ down (W0: the original).
  // Returns false (nothing done) when `loras` equals the current list. Every file is read and resolved
  // against `targets` first: a layer name of no weight here (an SD1.5 LoRA, another model's) or an up @ down
  // of another shape is an Error naming the file and keys, and the weights stay as they were.
  bool apply(const std::vector<LoraChoice>& loras, const LoraTargets& targets);
  // Every touched weight back to its original, bit for bit (copied in place: captured graphs stay valid).
  void restore();
  const std::vector<LoraChoice>& current() const { return current_; }

 private:
  struct Saved {
    torch::Tensor weight;    // the parameter
    torch::Tensor original;  // its values before any merge, on the CPU
  };
  std::map<std::string, Saved> saved_;  // component/parameter
  std::vector<LoraChoice> current_;
};

}  // namespace poseforge::checkpoints
