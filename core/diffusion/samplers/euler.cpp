// Euler / Euler ancestral samplers.
#include "core/diffusion/samplers/euler.h"

#include <cmath>

#include <torch/torch.h>

#include "core/diffusion/samplers/schedule.h"
#include "core/diffusion/samplers/sigma_space.h"
#include "core/diffusion/samplers/solver_coefs.h"
#include "core/error.h"

namespace poseforge::samplers {

EulerSampler::EulerSampler(std::string name, io::SchedulerConfig config, bool ancestral)
    : Sampler(std::move(name), std::move(config)), ancestral_(ancestral) {
  reject_unsupported(config_, name_, {"use_beta_sigmas"});
  if (config_.interpolation_type != "linear") {
    throw Error("scheduler config: interpolation_type '{}' is not supported by sampler '{}'",
                config_.interpolation_type, name_);
  }
  if (raw_or<std::string>(config_, "timestep_type", "discrete") != "discrete") {
    throw Error("scheduler config: timestep_type '{}' is not supported by sampler '{}'",
                raw_or<std::string>(config_, "timestep_type", ""), name_);
  }
  if (ancestral_ && config_.prediction_type == "sample") {
    throw Error("scheduler config: prediction_type 'sample' is not supported by sampler '{}'", name_);
  }
}

void EulerSampler::build(int64_t steps, torch::Device device) {
  DiscreteSigmas s = discrete_sigmas(config_, steps);
  std::vector<double> sigmas = s.sigmas;
  sigmas.push_back(ancestral_ ? 0.0 : final_sigma(config_, train_sigmas(alphas_cumprod(config_))));
  sigmas = set_step_schedule(sigmas, to_float32(s.timesteps));
  init_noise_sigma_ = sigma_init_noise(config_, sigmas);

  std::vector<float> table;
  std::vector<double> divisor, a, b;
  for (int64_t i = 0; i < steps; ++i) {
    const auto sigma = static_cast<float>(sigmas[static_cast<size_t>(i)]);
    const auto next = static_cast<float>(sigmas[static_cast<size_t>(i + 1)]);
    const X0Coefs x0 = x0_coefs(config_.prediction_type, sigma);
    float dt = next - sigma, up = 0.0f;
    if (ancestral_) {
      up = std::sqrt(next * next * (sigma * sigma - next * next) / (sigma * sigma));
      const float down = std::sqrt(next * next - up * up);
      dt = down - sigma;
    }
    table.insert(table.end(), {x0.skip, x0.out, sigma, dt, up});
    divisor.push_back(input_divisor(sigma));
    a.push_back(1.0);
    b.push_back(sigma);
  }
  coefs_ = device_table(table, 5, device);
  set_call_coefs(divisor, a, b);
}

torch::Tensor EulerSampler::update(const torch::Tensor& m, int64_t call, const torch::Tensor& x, NoiseSource& noise) {
  const torch::Tensor c = coefs_[call];
  const torch::Tensor x0 = predicted_x0(c, x, m);
  const torch::Tensor derivative = (x - x0) / c[2];
  torch::Tensor prev = x + derivative * c[3];
  if (ancestral_) prev = prev + noise.draw(m) * c[4];
  return prev;
}

}  // namespace poseforge::samplers
