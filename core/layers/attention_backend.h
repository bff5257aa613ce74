// The fused attention kernel libtorch's scaled_dot_product_attention prefers on CUDA: process-wide.
#pragma once

#include <string>
#include <vector>

namespace poseforge::layers {

// "auto" (libtorch's own order: cuDNN first on Hopper and Blackwell with cuDNN >= 9.9 in PyTorch 2.11,
// which is also what measured fastest for SDXL on an H200, docs/performance.md), "flash", "efficient"
// (memory-efficient), "cudnn", "math" (unfused). The chosen kernel goes first in libtorch's priority
// order and the others stay enabled after it, so a shape the kernel cannot take still runs. Needs
// libtorch >= 2.5 for anything but "auto".
std::vector<std::string> attention_backend_names();

// Throws Error naming the value and the valid ones; with `choice_needed` (a CUDA device) also for anything
// but "auto" on a libtorch without the choice.
void check_attention_backend(const std::string& name, bool choice_needed = true);

// Applies `name` (checked as above) for every later attention call on CUDA; "auto" gives libtorch's own
// order back when an earlier choice changed it, and otherwise leaves it alone.
void apply_attention_backend(const std::string& name);

// The first kernel of libtorch's current order ("flash", ...), or "sdpa unavailable" before libtorch 2.5.
std::string preferred_attention_backend();

}  // namespace poseforge::layers
