// Noise-schedule helpers shared by the samplers: betas / alphas_cumprod, timestep spacing, sigma
// interpolation, Karras sigmas, sigma -> timestep. Precision follows diffusers: torch float32 where it
// uses torch tensors, double where it uses numpy float64.
#pragma once

#include <string>
#include <vector>

#include <torch/types.h>

#include "core/io/scheduler_config.h"

namespace poseforge::samplers {

// alphas_cumprod[T] (float32, CPU) from the beta schedule (linear, scaled_linear, squaredcos_cap_v2
// or trained_betas), with the zero-terminal-SNR rescale when configured.
torch::Tensor alphas_cumprod(const io::SchedulerConfig& config);

// sqrt((1 - ac) / ac) computed in float32, as doubles (ascending in t).
std::vector<double> train_sigmas(const torch::Tensor& alphas_cumprod);
// log of the float32 sigmas, rounded to float32 (numpy's log of a float32 array).
std::vector<double> log_sigmas(const std::vector<double>& sigmas);

// numpy.linspace(start, stop, num) in double.
std::vector<double> linspace(double start, double stop, int64_t num);
// numpy.round (half to even).
double round_half_even(double v);

// Timesteps of the "discrete" samplers (Euler, Heun, LMS, KDPM2, DDIM, PNDM): `steps` values,
// descending, per timestep_spacing (linspace / leading + steps_offset / trailing). linspace is left
// unrounded (float32), as Euler-style samplers keep it; callers that need integers round.
std::vector<double> spaced_timesteps(const io::SchedulerConfig& config, int64_t steps);
// Timesteps of the multistep solvers (DPM-Solver, UniPC): steps + 1 points, last dropped,
// up to `last_timestep` (num_train_timesteps unless lambda_min_clipped cuts it).
std::vector<double> multistep_timesteps(const io::SchedulerConfig& config, int64_t steps, int64_t last_timestep);

// numpy.interp(x, arange(len(fp)), fp).
std::vector<double> interp_sigmas(const std::vector<double>& timesteps, const std::vector<double>& sigmas);
// Karras et al. (2022) sigmas, rho 7, between sigma_max and sigma_min (config raw keys sigma_min /
// sigma_max override when set).
std::vector<double> karras_sigmas(const io::SchedulerConfig& config, double sigma_max, double sigma_min,
                                  int64_t steps);
// Sigmas evenly spaced in log sigma from sigma_max down to sigma_min (diffusers' _convert_to_exponential,
// k-diffusion's get_sigmas_exponential; config raw keys sigma_min / sigma_max override when set).
std::vector<double> exponential_sigmas(const io::SchedulerConfig& config, double sigma_max, double sigma_min,
                                       int64_t steps);
// The sigma family a config asks for: the spaced timesteps' own sigmas, or Karras / exponential sigmas
// (use_karras_sigmas / use_exponential_sigmas). Throws poseforge::Error when both are set.
enum class SigmaFamily { Spaced, Karras, Exponential };
SigmaFamily sigma_family(const io::SchedulerConfig& config);
// The `steps` sigmas of a Karras or exponential config between sigma_max and sigma_min (descending);
// the one schedule function every sampler family calls. Throws for the Spaced family.
std::vector<double> family_sigmas(const io::SchedulerConfig& config, double sigma_max, double sigma_min,
                                  int64_t steps);
// Fractional timestep of a sigma by interpolating in log-sigma space (diffusers' _sigma_to_t).
double sigma_to_t(double sigma, const std::vector<double>& log_sigmas);

// Rounds every element to float32 and back.
std::vector<double> to_float32(std::vector<double> v);
// A float32 CPU tensor of the values.
torch::Tensor float_tensor(const std::vector<double>& v);
// A float32 CPU [rows, cols] tensor from row-major values.
torch::Tensor float_table(const std::vector<float>& values, int64_t cols);

// Reads an optional key of config.raw with a default (the sampler family's default in diffusers).
template <typename T>
T raw_or(const io::SchedulerConfig& config, const std::string& key, const T& fallback) {
  auto it = config.raw.find(key);
  if (it == config.raw.end() || it->is_null()) return fallback;
  return it->template get<T>();
}

// Throws poseforge::Error for raw config options a sampler family does not implement
// (e.g. use_exponential_sigmas: true), naming the key and the sampler.
void reject_unsupported(const io::SchedulerConfig& config, const std::string& sampler,
                        const std::vector<std::string>& bool_keys);

}  // namespace poseforge::samplers
