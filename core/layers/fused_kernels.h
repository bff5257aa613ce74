// Our own CUDA kernels for what libtorch runs as several passes over memory (docs/performance.md: where a
// step's time goes). Plain C++ interface (no torch headers): core/layers/fused_kernels.cu is compiled by
// nvcc without libtorch, core/layers/fused_ops.cpp checks the tensors and calls these. Built only with a
// CUDA libtorch and a CUDA compiler (POSEFORGE_FUSED_KERNELS).
#pragma once

#include <cstdint>

namespace poseforge::layers::kernels {

enum class Dtype { kFloat32, kFloat16, kBFloat16 };

// GroupNorm of x with N samples, C channels and HW positions, stored [N, C, HW] (NCHW) or, with
// `channels_last`, [N, HW, C] (NHWC); y in the same layout and dtype. y = (x - mean) * rstd * weight + bias
// per (sample, group), then y * sigmoid(y) with `silu`. weight and bias: C values of x's dtype, or null
// (1 and 0). Statistics in float32 (shifted sums per thread, combined as Welford partials), as libtorch's.
struct GroupNormArgs {
  const void* x = nullptr;
  void* y = nullptr;
  const void* weight = nullptr;
  const void* bias = nullptr;
  Dtype dtype = Dtype::kFloat32;
  std::int64_t n = 0, c = 0, hw = 0, groups = 0;
  double eps = 1e-5;
  bool channels_last = false, silu = false;
  int vector = 1;  // elements a thread loads at once (1, 2, 4 or 8; group_norm_vector() picks it)
};

// The widest load (elements, at most 16 bytes) that divides `run` (the contiguous elements a vector may not
// cross) and to which both addresses are aligned.
int vector_width(Dtype dtype, std::int64_t run, std::uintptr_t x_address, std::uintptr_t y_address);

// vector_width for a's layout: the run is a channel's positions (NCHW) or a group's channels (NHWC).
int group_norm_vector(const GroupNormArgs& a, std::uintptr_t x_address, std::uintptr_t y_address);

// Floats of device workspace group_norm needs (partial statistics and the per-channel scale and shift).
std::int64_t group_norm_workspace(const GroupNormArgs& a);

// Runs on `stream` (a cudaStream_t) of the current device. Returns null, or the CUDA error's text.
const char* group_norm(const GroupNormArgs& a, float* workspace, void* stream);

// GEGLU (diffusers' feed-forward): x [rows, 2 * inner] -> y [rows, inner], y = x[:, :inner] *
// gelu(x[:, inner:]) with the exact (erf) GELU, in float32 inside. `vector`: vector_width(dtype, inner, x, y).
const char* geglu(const void* x, void* y, Dtype dtype, std::int64_t rows, std::int64_t inner, int vector,
                  void* stream);

}  // namespace poseforge::layers::kernels
