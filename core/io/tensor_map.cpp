// TensorMap helpers and the format-sniffing load_tensors().
#include "core/io/tensor_map.h"

#include <fmt/format.h>

#include "core/checkpoints/sharded_weights.h"
#include "core/error.h"
#include "core/io/lfs_pointer.h"
#include "core/io/safetensors.h"
#include "core/io/torch_checkpoint.h"

namespace poseforge::io {

std::string format_shape(c10::IntArrayRef shape) {
  return fmt::format("[{}]", fmt::join(shape.begin(), shape.end(), ", "));
}

TensorMap load_tensors(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error("weights file '{}' does not exist", path.string());
  if (std::filesystem::is_directory(path, ec)) {
    throw Error("'{}' is a directory, expected a weights file (.safetensors, .bin, .pth)", path.string());
  }
  check_not_lfs_pointer(path, "a weights file (.safetensors, .bin, .pth, .ckpt)");
  if (checkpoints::is_shard_index(path)) return checkpoints::load_sharded_weights(path);
  if (looks_like_safetensors(path)) return SafetensorsFile(path).tensors();
  if (looks_like_torch_checkpoint(path)) return load_torch_checkpoint(path);
  if (path.extension() == ".safetensors") return SafetensorsFile(path).tensors();  // precise error
  if (std::filesystem::file_size(path, ec) == 0) throw Error("weights file '{}' is empty (0 bytes)", path.string());
  throw Error("'{}' is neither a safetensors file nor a torch checkpoint", path.string());
}

TensorMap sub_map(const TensorMap& tensors, const std::string& prefix) {
  TensorMap out;
  for (auto it = tensors.lower_bound(prefix); it != tensors.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    out.emplace(it->first.substr(prefix.size()), it->second);
  }
  return out;
}

}  // namespace poseforge::io
