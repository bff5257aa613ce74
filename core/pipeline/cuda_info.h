// CUDA details the pipeline reports or manages without needing a CUDA libtorch to build: the GPU's
// name and releasing the caching allocator's unused memory.
#pragma once

#include <cstdint>
#include <string>

#include <torch/types.h>

namespace poseforge::pipeline {

// The name of the GPU behind `device` (e.g. "NVIDIA H100 80GB HBM3"); empty for the CPU or when it
// cannot be found. With a CUDA libtorch (POSEFORGE_CUDA) it asks the CUDA runtime; otherwise it reads
// /proc/driver/nvidia/gpus/*/information (PCI order, used when all GPUs are the same model or
// CUDA_DEVICE_ORDER=PCI_BUS_ID). Never throws.
std::string gpu_name(const torch::Device& device);

// Total memory of the GPU behind `device` in bytes; 0 for the CPU or a libtorch without CUDA.
std::int64_t gpu_total_memory(const torch::Device& device);
// The major compute capability of the GPU behind `device` (9 for Hopper); 0 for the CPU or when unknown.
int gpu_compute_major(const torch::Device& device);
// Whether the GPU computes in bfloat16 natively (compute capability 8.0 and later); false for the CPU.
bool gpu_has_bfloat16(const torch::Device& device);

// "peak 12.31 GiB, now 8.02 GiB allocated": the caching allocator's peak since the last call (which it
// then resets) and what is allocated now; empty for the CPU or a libtorch without CUDA.
std::string gpu_memory_phase(const torch::Device& device);

// Returns the CUDA caching allocator's cached, unused blocks to the driver (after moving models off
// the GPU); a no-op for the CPU or a libtorch without CUDA.
void release_cached_gpu_memory(const torch::Device& device);

}  // namespace poseforge::pipeline
