// GroupNorm (+ SiLU) and GEGLU: our CUDA kernels where they apply, libtorch's operations otherwise.
#include "core/layers/fused_ops.h"

#include <atomic>
#include <cstdint>

#include <torch/torch.h>

#include "core/error.h"

#ifdef POSEFORGE_FUSED_KERNELS
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "core/layers/fused_kernels.h"
#endif

namespace poseforge::layers {
namespace {

std::atomic<bool> fused_on{true};

#ifdef POSEFORGE_FUSED_KERNELS
bool kernel_dtype(const torch::Tensor& x, kernels::Dtype& dtype) {
  switch (x.scalar_type()) {
    case torch::kFloat32: dtype = kernels::Dtype::kFloat32; return true;
    case torch::kFloat16: dtype = kernels::Dtype::kFloat16; return true;
    case torch::kBFloat16: dtype = kernels::Dtype::kBFloat16; return true;
    default: return false;
  }
}

bool use_kernels(const torch::Tensor& x, kernels::Dtype& dtype) {
  return fused_on.load(std::memory_order_relaxed) && x.is_cuda() && x.numel() > 0 && kernel_dtype(x, dtype);
}

void check_launch(const char* error, const char* kernel) {
  if (error) throw Error("CUDA kernel {} failed: {}", kernel, error);
}

void* current_stream(const torch::Tensor& x) {
  return c10::cuda::getCurrentCUDAStream(x.device().index()).stream();
}

std::uintptr_t address(const torch::Tensor& t) { return reinterpret_cast<std::uintptr_t>(t.data_ptr()); }

// norm's weight / bias as x's dtype on x's device (the models keep them so: no copy then).
torch::Tensor like_x(const torch::Tensor& p, const torch::Tensor& x) {
  return p.defined() ? p.to(x.device(), x.scalar_type()).contiguous() : p;
}
#endif

}  // namespace

torch::Tensor group_norm(const torch::Tensor& x, const torch::nn::GroupNormImpl& norm, bool silu) {
  const auto& o = norm.options;
#ifdef POSEFORGE_FUSED_KERNELS
  kernels::Dtype dtype;
  if (x.dim() >= 3 && use_kernels(x, dtype)) {
    if (x.size(1) != o.num_channels() || o.num_channels() % o.num_groups() != 0) {
      throw Error("group norm of {} groups over {} channels: input has {} channels", o.num_groups(),
                  o.num_channels(), x.size(1));
    }
    const bool nhwc = !x.is_contiguous() && x.dim() == 4 && x.is_contiguous(torch::MemoryFormat::ChannelsLast);
    const auto in = nhwc || x.is_contiguous() ? x : x.contiguous();
    auto y = nhwc ? torch::empty_like(in, torch::MemoryFormat::ChannelsLast) : torch::empty_like(in);
    const auto weight = like_x(norm.weight, in), bias = like_x(norm.bias, in);
    c10::cuda::CUDAGuard guard(in.device());
    kernels::GroupNormArgs a;
    a.x = in.data_ptr();
    a.y = y.data_ptr();
    a.weight = weight.defined() ? weight.data_ptr() : nullptr;
    a.bias = bias.defined() ? bias.data_ptr() : nullptr;
    a.dtype = dtype;
    a.n = in.size(0);
    a.c = in.size(1);
    a.hw = in.numel() / (a.n * a.c);
    a.groups = o.num_groups();
    a.eps = o.eps();
    a.channels_last = nhwc;
    a.silu = silu;
    a.vector = kernels::group_norm_vector(a, address(in), address(y));
    auto workspace = torch::empty({kernels::group_norm_workspace(a)}, in.options().dtype(torch::kFloat32));
    check_launch(kernels::group_norm(a, workspace.data_ptr<float>(), current_stream(in)), "group_norm");
    return y;
  }
#endif
  auto y = torch::group_norm(x, o.num_groups(), norm.weight, norm.bias, o.eps());
  return silu ? torch::silu(y) : y;
}

torch::Tensor geglu(const torch::Tensor& x) {
  if (x.size(-1) % 2 != 0) throw Error("GEGLU input's last dimension {} is odd", x.size(-1));
#ifdef POSEFORGE_FUSED_KERNELS
  kernels::Dtype dtype;
  if (use_kernels(x, dtype)) {
    const auto in = x.contiguous();
    const auto inner = in.size(-1) / 2, rows = in.numel() / in.size(-1);
    auto sizes = in.sizes().vec();
    sizes.back() = inner;
    auto y = torch::empty(sizes, in.options());
    const int vector = kernels::vector_width(dtype, inner, address(in), address(y));
    c10::cuda::CUDAGuard guard(in.device());
    check_launch(kernels::geglu(in.data_ptr(), y.data_ptr(), dtype, rows, inner, vector, current_stream(in)), "geglu");
    return y;
  }
#endif
  const auto parts = x.chunk(2, -1);  // hidden, gate
  return parts[0] * torch::gelu(parts[1]);
}

bool fused_kernels_built() {
#ifdef POSEFORGE_FUSED_KERNELS
  return true;
#else
  return false;
#endif
}

void use_fused_kernels(bool on) { fused_on.store(on, std::memory_order_relaxed); }

bool fused_kernels_on() { return fused_kernels_built() && fused_on.load(std::memory_order_relaxed); }

}  // namespace poseforge::layers
