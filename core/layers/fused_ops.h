// GroupNorm (+ SiLU) and GEGLU as one kernel each on CUDA (core/layers/fused_kernels.cu), libtorch's own
// operations elsewhere, bit for bit what the models ran before. The CUDA GroupNorm keeps a channels-last
// input channels-last (libtorch's makes it contiguous first), so the UNet can stay in cuDNN's NHWC layout.
#pragma once

#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

namespace poseforge::layers {

// norm(x), then SiLU with `silu`: x [N, C, *], contiguous or 4-d channels-last; the result has x's layout.
torch::Tensor group_norm(const torch::Tensor& x, const torch::nn::GroupNormImpl& norm, bool silu = false);

// diffusers' GEGLU: x [..., 2 * inner] -> x[..., :inner] * gelu(x[..., inner:]) (exact GELU).
torch::Tensor geglu(const torch::Tensor& x);

// Whether this build has the CUDA kernels (a CUDA libtorch and a CUDA compiler at build time).
bool fused_kernels_built();

// Process-wide switch (on by default): off, CUDA runs libtorch's operations too (for comparison).
void use_fused_kernels(bool on);
bool fused_kernels_on();

}  // namespace poseforge::layers
