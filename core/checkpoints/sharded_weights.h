// Sharded weights: `<name>.safetensors.index.json` ({"weight_map": {tensor: shard file}}) read as one TensorMap.
#pragma once

#include <filesystem>

#include "core/io/tensor_map.h"

namespace poseforge::checkpoints {

// True when the file name ends with ".index.json".
bool is_shard_index(const std::filesystem::path& path);

// Every tensor the index names, each read from its shard (beside the index; safetensors or torch
// checkpoints). Errors name the index: not JSON, no weight_map, a missing shard, a tensor the index
// lists that its shard lacks, a shard tensor the index does not list.
io::TensorMap load_sharded_weights(const std::filesystem::path& index);

}  // namespace poseforge::checkpoints
