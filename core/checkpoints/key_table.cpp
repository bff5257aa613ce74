// KeyTable lookups and the rename of a file's tensors onto a module's names.
#include "core/checkpoints/key_table.h"

#include <algorithm>
#include <set>

#include <torch/torch.h>

namespace poseforge::checkpoints {

void KeyTable::add(std::string ours, std::string theirs, const Suffixes* suffixes) {
  entries_.push_back({std::move(ours), std::move(theirs), suffixes});
}

std::string KeyTable::theirs(const std::string& ours) const {
  const Entry* best = nullptr;
  for (const auto& e : entries_) {
    if (ours.compare(0, e.ours.size(), e.ours) == 0 && (!best || e.ours.size() > best->ours.size())) best = &e;
  }
  if (!best) return ours;
  std::string rest = ours.substr(best->ours.size());
  if (best->suffixes) {
    const auto dot = rest.rfind('.');
    const std::string module = dot == std::string::npos ? rest : rest.substr(0, dot);
    for (const auto& [mine, file] : *best->suffixes) {  // the module's last name(s): "0.conv_shortcut"
      const std::size_t at = module.size() - std::min(module.size(), mine.size());
      if (module.compare(at, std::string::npos, mine) == 0 && (at == 0 || module[at - 1] == '.')) {
        rest = module.substr(0, at) + file + (dot == std::string::npos ? "" : rest.substr(dot));
        break;
      }
    }
  }
  return best->theirs + rest;
}

io::TensorMap rename_for_module(torch::nn::Module& module, const io::TensorMap& file,
                                const std::function<std::string(const std::string&)>& name_of,
                                const std::function<torch::Tensor(const std::string&, const torch::Tensor&)>& fix) {
  io::TensorMap out;
  std::set<std::string> used;
  auto take = [&](const std::string& key) {
    const std::string name = name_of(key);
    auto it = file.find(name);
    if (it == file.end()) return;
    out.emplace(key, fix ? fix(key, it->second) : it->second);
    used.insert(name);
  };
  for (const auto& item : module.named_parameters(/*recurse=*/true)) take(item.key());
  for (const auto& item : module.named_buffers(/*recurse=*/true)) take(item.key());
  for (const auto& [name, tensor] : file) {
    if (!used.count(name)) out.emplace("<file> " + name, tensor);
  }
  return out;
}

}  // namespace poseforge::checkpoints
