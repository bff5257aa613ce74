// Sigma-space sampler helpers: discrete sigma schedule, x0 coefficients, initial noise scale.
#include "core/diffusion/samplers/sigma_space.h"

#include <algorithm>
#include <cmath>

#include "core/diffusion/samplers/schedule.h"
#include "core/error.h"

namespace poseforge::samplers {

DiscreteSigmas discrete_sigmas(const io::SchedulerConfig& config, int64_t steps) {
  DiscreteSigmas out;
  const std::vector<double> train = train_sigmas(alphas_cumprod(config));
  out.log_train_sigmas = log_sigmas(train);
  out.timesteps = spaced_timesteps(config, steps);
  out.sigmas = interp_sigmas(out.timesteps, train);
  if (sigma_family(config) != SigmaFamily::Spaced) {
    out.sigmas = family_sigmas(config, out.sigmas.front(), out.sigmas.back(), steps);
    out.timesteps.clear();
    for (double s : out.sigmas) out.timesteps.push_back(sigma_to_t(s, out.log_train_sigmas));
  }
  return out;
}

X0Coefs x0_coefs(const std::string& prediction_type, float sigma) {
  if (prediction_type == "epsilon") return {1.0f, -sigma};
  if (prediction_type == "v_prediction") {
    const float s2 = sigma * sigma + 1.0f;
    return {1.0f / s2, -sigma / std::sqrt(s2)};
  }
  if (prediction_type == "sample") return {0.0f, 1.0f};
  throw Error("scheduler config: prediction_type '{}' is not supported", prediction_type);
}

float input_divisor(float sigma) { return std::sqrt(sigma * sigma + 1.0f); }

double sigma_init_noise(const io::SchedulerConfig& config, const std::vector<double>& sigmas) {
  const auto max_sigma = static_cast<float>(*std::max_element(sigmas.begin(), sigmas.end()));
  if (config.timestep_spacing == "linspace" || config.timestep_spacing == "trailing") return max_sigma;
  return std::sqrt(max_sigma * max_sigma + 1.0f);
}

torch::Tensor device_table(const std::vector<float>& values, int64_t cols, torch::Device device) {
  return float_table(values, cols).to(device);
}

torch::Tensor predicted_x0(const torch::Tensor& row, const torch::Tensor& x, const torch::Tensor& model_output) {
  return row[0] * x + row[1] * model_output;
}

}  // namespace poseforge::samplers
