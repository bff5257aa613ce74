// Attention kernel choice through ATen's global context (priority order + per-kernel switches).
#include "core/layers/attention_backend.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/version.h>

#include "core/error.h"

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 5)
#define POSEFORGE_SDP_CHOICE 1
#endif

namespace poseforge::layers {
namespace {

#if defined(POSEFORGE_SDP_CHOICE)
struct Kernel {
  const char* name;
  at::SDPBackend backend;
};
constexpr Kernel kKernels[] = {{"flash", at::SDPBackend::flash_attention},
                               {"efficient", at::SDPBackend::efficient_attention},
                               {"cudnn", at::SDPBackend::cudnn_attention},
                               {"math", at::SDPBackend::math}};

at::SDPBackend backend_of(const std::string& name) {  // a checked name other than "auto"
  for (const auto& k : kKernels) {
    if (name == k.name) return k.backend;
  }
  return at::SDPBackend::math;
}

bool order_changed = false;  // a choice other than "auto" was applied in this process

// libtorch's own order, before any choice changed it. libtorch settles it on the first attention call
// (putting cuDNN first on Hopper and Blackwell with a recent cuDNN), so one tiny call runs first.
const std::array<at::SDPBackend, at::num_sdp_backends>& default_order() {
  static const auto order = [] {
    if (at::globalContext().hasCUDA()) {
      const auto q = at::zeros({1, 1, 8, 64}, at::TensorOptions().dtype(at::kHalf).device(at::kCUDA));
      (void)at::scaled_dot_product_attention(q, q, q);
    }
    return at::globalContext().sDPPriorityOrder();
  }();
  return order;
}

void put_first(const std::string& name) {
  const at::SDPBackend chosen = backend_of(name);
  auto& ctx = at::globalContext();
  switch (chosen) {
    case at::SDPBackend::flash_attention: ctx.setSDPUseFlash(true); break;
    case at::SDPBackend::efficient_attention: ctx.setSDPUseMemEfficient(true); break;
    case at::SDPBackend::cudnn_attention: ctx.setSDPUseCuDNN(true); break;
    default: ctx.setSDPUseMath(true); break;
  }
  std::vector<std::int64_t> order{static_cast<std::int64_t>(chosen)};
  for (const auto b : default_order()) {
    if (b != chosen) order.push_back(static_cast<std::int64_t>(b));
  }
  ctx.setSDPPriorityOrder(order);
  order_changed = true;
}
#endif

}  // namespace

std::vector<std::string> attention_backend_names() { return {"auto", "flash", "efficient", "cudnn", "math"}; }

void check_attention_backend(const std::string& name, bool choice_needed) {
  const auto names = attention_backend_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    throw Error("attention kernel '{}' is not valid ({})", name, fmt::join(names, ", "));
  }
#if !defined(POSEFORGE_SDP_CHOICE)
  if (name != "auto" && choice_needed) {
    throw Error("attention kernel '{}': choosing one needs libtorch 2.5 or newer (this build has {})", name,
                TORCH_VERSION);
  }
#else
  (void)choice_needed;
#endif
}

void apply_attention_backend(const std::string& name) {
  check_attention_backend(name);
#if defined(POSEFORGE_SDP_CHOICE)
  if (name != "auto") return put_first(name);
  if (!order_changed) return;  // libtorch's own choice, untouched
  std::vector<std::int64_t> order;
  for (const auto b : default_order()) order.push_back(static_cast<std::int64_t>(b));
  at::globalContext().setSDPPriorityOrder(order);
  order_changed = false;
#endif
}

std::string preferred_attention_backend() {
#if defined(POSEFORGE_SDP_CHOICE)
  (void)default_order();  // libtorch's order settled (see there)
  const at::SDPBackend first = at::globalContext().sDPPriorityOrder().front();
  for (const auto& k : kKernels) {
    if (k.backend == first) return k.name;
  }
  return "other";
#else
  return "sdpa unavailable";
#endif
}

}  // namespace poseforge::layers
