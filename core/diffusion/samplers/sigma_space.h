// Helpers of the sigma-space (k-diffusion style) samplers: Euler, Heun, LMS, DPM2. Their schedule of
// sigmas, x0 prediction by prediction_type, the initial noise scale.
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>

#include "core/io/scheduler_config.h"

namespace poseforge::samplers {

// Timesteps (per step, descending) and their sigmas before the final sigma is appended, as
// diffusers' Euler/Heun/LMS/KDPM2 set_timesteps compute them (Karras or exponential sigmas when
// configured, their timesteps then fractional).
struct DiscreteSigmas {
  std::vector<double> timesteps;
  std::vector<double> sigmas;
  std::vector<double> log_train_sigmas;
};
DiscreteSigmas discrete_sigmas(const io::SchedulerConfig& config, int64_t steps);

// x0 = skip * x + out * model_output at noise level sigma: epsilon (1, -sigma), v_prediction
// (1 / (sigma^2 + 1), -sigma / sqrt(sigma^2 + 1)), sample (0, 1). Float32 as diffusers.
struct X0Coefs {
  float skip;
  float out;
};
X0Coefs x0_coefs(const std::string& prediction_type, float sigma);

// The predicted clean sample of a call: x0 = skip * x + out * model_output, with the call's row of
// a device_table holding (skip, out, ...) in its first two columns.
torch::Tensor predicted_x0(const torch::Tensor& row, const torch::Tensor& x, const torch::Tensor& model_output);

// sqrt(sigma^2 + 1) in float32: the model-input divisor.
float input_divisor(float sigma);
// init_noise_sigma of the sigma-space samplers: max sigma, or sqrt(max^2 + 1) for leading spacing.
double sigma_init_noise(const io::SchedulerConfig& config, const std::vector<double>& sigmas);

// The per-call scalars of a family as one float32 table [calls, cols] on `device` (read in step
// as table[call][col]: views, no host sync).
torch::Tensor device_table(const std::vector<float>& values, int64_t cols, torch::Device device);

}  // namespace poseforge::samplers
