// GPU name and allocator cache release: CUDA calls only in a CUDA build (POSEFORGE_CUDA), /proc otherwise.
#include "core/pipeline/cuda_info.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#if defined(POSEFORGE_CUDA)
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace poseforge::pipeline {
namespace {

// "Model:  NVIDIA H100 80GB HBM3" from the driver's per-GPU files, ordered by PCI bus id.
std::string name_from_proc(int index) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path root = "/proc/driver/nvidia/gpus";
  if (!fs::is_directory(root, ec)) return {};
  std::vector<fs::path> gpus;
  for (const auto& e : fs::directory_iterator(root, ec)) gpus.push_back(e.path());
  std::sort(gpus.begin(), gpus.end());
  std::vector<std::string> names;
  for (const auto& gpu : gpus) {
    std::ifstream in(gpu / "information");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("Model:", 0) != 0) continue;
      const auto start = line.find_first_not_of(" \t", 6);
      names.push_back(start == std::string::npos ? std::string() : line.substr(start));
      break;
    }
  }
  if (names.empty()) return {};
  // CUDA_VISIBLE_DEVICES or a fastest-first order may renumber mixed GPUs: name them only when unambiguous.
  const bool all_same = std::all_of(names.begin(), names.end(), [&](const auto& n) { return n == names[0]; });
  const char* order = std::getenv("CUDA_DEVICE_ORDER");
  const bool pci_order = order && std::string(order) == "PCI_BUS_ID" && !std::getenv("CUDA_VISIBLE_DEVICES");
  if (all_same) return names[0];
  if (pci_order && index >= 0 && index < static_cast<int>(names.size())) return names[static_cast<std::size_t>(index)];
  return {};
}

}  // namespace

std::string gpu_name(const torch::Device& device) {
  if (!device.is_cuda()) return {};
  const int index = device.has_index() ? device.index() : 0;
#if defined(POSEFORGE_CUDA)
  try {
    if (const auto* props = at::cuda::getDeviceProperties(index)) return props->name;
  } catch (const std::exception&) {
  }
#endif
  try {
    return name_from_proc(index);
  } catch (const std::exception&) {
    return {};
  }
}

std::int64_t gpu_total_memory(const torch::Device& device) {
#if defined(POSEFORGE_CUDA)
  if (!device.is_cuda()) return 0;
  try {
    if (const auto* props = at::cuda::getDeviceProperties(device.has_index() ? device.index() : 0))
      return static_cast<std::int64_t>(props->totalGlobalMem);
  } catch (const std::exception&) {
  }
#else
  (void)device;
#endif
  return 0;
}

int gpu_compute_major(const torch::Device& device) {
#if defined(POSEFORGE_CUDA)
  if (!device.is_cuda()) return 0;
  try {
    if (const auto* props = at::cuda::getDeviceProperties(device.has_index() ? device.index() : 0))
      return props->major;
  } catch (const std::exception&) {
  }
#else
  (void)device;
#endif
  return 0;
}

bool gpu_has_bfloat16(const torch::Device& device) { return gpu_compute_major(device) >= 8; }

std::string gpu_memory_phase(const torch::Device& device) {
#if defined(POSEFORGE_CUDA)
  if (!device.is_cuda()) return {};
  const int index = device.has_index() ? device.index() : 0;
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(index);
  const std::size_t all = 0;  // StatType::AGGREGATE (its namespace moved between libtorch versions)
  c10::cuda::CUDACachingAllocator::resetPeakStats(index);
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  return fmt::format("peak {:.2f} GiB, now {:.2f} GiB allocated", stats.allocated_bytes[all].peak / kGiB,
                     stats.allocated_bytes[all].current / kGiB);
#else
  (void)device;
  return {};
#endif
}

void release_cached_gpu_memory(const torch::Device& device) {
#if defined(POSEFORGE_CUDA)
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::emptyCache();
#else
  (void)device;
#endif
}

}  // namespace poseforge::pipeline
