// Sharded weights: the index's weight_map, each shard loaded once.
#include "core/checkpoints/sharded_weights.h"

#include <map>
#include <set>

#include "core/error.h"
#include "core/io/json_config.h"

namespace poseforge::checkpoints {

bool is_shard_index(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  const std::string suffix = ".index.json";
  return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

io::TensorMap load_sharded_weights(const std::filesystem::path& index) {
  const auto config = io::JsonConfig::load(index);
  if (!config.has("weight_map") || !config.json().at("weight_map").is_object()) {
    config.fail("weight_map", "is missing or not an object {tensor name: shard file}");
  }
  std::map<std::string, std::set<std::string>> by_shard;  // shard file -> tensor names
  for (const auto& [name, shard] : config.json().at("weight_map").items()) {
    if (!shard.is_string()) config.fail("weight_map", "entry '" + name + "' is not a file name");
    by_shard[shard.get<std::string>()].insert(name);
  }
  if (by_shard.empty()) config.fail("weight_map", "is empty");
  io::TensorMap out;
  for (const auto& [shard, names] : by_shard) {
    const auto path = index.parent_path() / shard;
    if (!std::filesystem::exists(path)) {
      throw Error("sharded weights '{}': shard '{}' is missing ({} tensors are in it)", index.string(), path.string(),
                  names.size());
    }
    io::TensorMap tensors = io::load_tensors(path);
    for (const auto& name : names) {
      auto it = tensors.find(name);
      if (it == tensors.end()) {
        throw Error("sharded weights '{}': tensor '{}' is not in its shard '{}'", index.string(), name, path.string());
      }
      out.emplace(name, it->second);
    }
    for (const auto& [name, _] : tensors) {
      if (!names.count(name)) {
        throw Error("sharded weights '{}': shard '{}' holds tensor '{}' that the index does not list", index.string(),
                    path.string(), name);
      }
    }
  }
  return out;
}

}  // namespace poseforge::checkpoints
