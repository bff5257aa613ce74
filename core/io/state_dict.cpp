// Generic state-dict copy with shape checks and missing/unexpected key reports.
#include "core/io/state_dict.h"

#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "core/error.h"
#include "core/io/device_upload.h"

namespace poseforge::io {
namespace {

std::string list_names(const std::vector<std::string>& names, std::size_t limit = 12) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < limit; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > limit) out += fmt::format(", ... ({} more)", names.size() - limit);
  return out;
}

}  // namespace

LoadReport load_state_dict(torch::nn::Module& module, const TensorMap& tensors, const LoadOptions& options) {
  LoadReport report;
  std::set<std::string> used;
  torch::NoGradGuard no_grad;
  DeviceUpload upload;  // CUDA targets: staged through pinned buffers, asynchronously
  auto copy_into = [&](const std::string& name, torch::Tensor& target) {
    auto it = tensors.find(name);
    if (it == tensors.end()) {
      report.missing.push_back(name);
      return;
    }
    const torch::Tensor& source = it->second;
    if (!source.sizes().equals(target.sizes())) {
      throw Error("tensor '{}' in {}: file has {}, model expects {}", name, options.source,
                  format_shape(source.sizes()), format_shape(target.sizes()));
    }
    try {
      upload.copy(target, source);
    } catch (...) {
      rethrow_with_context(fmt::format("copying tensor '{}' from {}", name, options.source));
    }
    used.insert(name);
    ++report.loaded;
  };
  for (auto& item : module.named_parameters(/*recurse=*/true)) copy_into(item.key(), item.value());
  for (auto& item : module.named_buffers(/*recurse=*/true)) copy_into(item.key(), item.value());
  try {
    upload.finish();
  } catch (...) {
    rethrow_with_context(fmt::format("copying the tensors of {} to the GPU", options.source));
  }
  for (const auto& [name, _] : tensors) {
    if (!used.count(name)) report.unexpected.push_back(name);
  }
  if (options.strict && (!report.missing.empty() || !report.unexpected.empty())) {
    std::string msg = fmt::format("{} does not match the model:", options.source);
    if (!report.missing.empty()) {
      msg += fmt::format(" {} missing key(s): {}.", report.missing.size(), list_names(report.missing));
    }
    if (!report.unexpected.empty()) {
      msg += fmt::format(" {} unexpected key(s): {}.", report.unexpected.size(), list_names(report.unexpected));
    }
    throw Error(msg);
  }
  spdlog::debug("loaded {} tensors from {} ({} missing, {} unexpected)", report.loaded, options.source,
                report.missing.size(), report.unexpected.size());
  return report;
}

}  // namespace poseforge::io
