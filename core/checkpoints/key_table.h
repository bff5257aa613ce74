// KeyTable: one format's module-path renames (ours -> the file's), and the TensorMap a module loads from it.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <torch/nn/module.h>

#include "core/io/tensor_map.h"

namespace poseforge::checkpoints {

class KeyTable {
 public:
  // Renames of the last module name(s) inside a prefix ("norm1" -> "in_layers.0"); names absent stay.
  using Suffixes = std::map<std::string, std::string>;

  // `ours` and `theirs` are module prefixes ending in '.' ("down_blocks.1.resnets.0." -> "input_blocks.4.0.").
  void add(std::string ours, std::string theirs, const Suffixes* suffixes = nullptr);

  // The file's name for our key ("down_blocks.1.resnets.0.norm1.weight" -> "input_blocks.4.0.in_layers.0.weight"),
  // by the longest matching prefix; the key itself when no prefix matches.
  std::string theirs(const std::string& ours) const;

 private:
  struct Entry {
    std::string ours, theirs;
    const Suffixes* suffixes;
  };
  std::vector<Entry> entries_;
};

// The tensors `module` loads, keyed by its own names: file[name_of(key)] for each parameter and buffer key
// found there, `fix(key, tensor)` applied (a reshape, say). File tensors nothing asked for are kept
// under "<file> <name>", so the strict loader lists them as unexpected; keys not found stay missing.
io::TensorMap rename_for_module(torch::nn::Module& module, const io::TensorMap& file,
                                const std::function<std::string(const std::string&)>& name_of,
                                const std::function<torch::Tensor(const std::string&, const torch::Tensor&)>& fix = {});

}  // namespace poseforge::checkpoints
