// LCM sampler.
#include "core/diffusion/samplers/lcm.h"

#include <cmath>

#include <torch/torch.h>

#include "core/diffusion/samplers/ddim.h"
#include "core/diffusion/samplers/schedule.h"
#include "core/diffusion/samplers/sigma_space.h"
#include "core/error.h"

namespace poseforge::samplers {

std::vector<double> lcm_grid_timesteps(int64_t t, int64_t original_steps, int64_t steps) {
  if (original_steps < 1 || original_steps > t) {
    throw Error("scheduler config: original_inference_steps {} is invalid (expected 1..{})", original_steps, t);
  }
  if (steps > original_steps) {
    throw Error(
        "sampler 'LCM': {} steps are more than the original_inference_steps {} its timesteps are taken "
        "from (use at most {} steps, or another schedule)",
        steps, original_steps, original_steps);
  }
  const int64_t k = t / original_steps;
  std::vector<double> ts;
  // numpy: floor(linspace(0, original_steps, steps, endpoint=False)) indexes the descending grid.
  for (int64_t i = 0; i < steps; ++i) {
    const auto index = static_cast<int64_t>(
        std::floor(static_cast<double>(i) * static_cast<double>(original_steps) / static_cast<double>(steps)));
    ts.push_back(static_cast<double>((original_steps - index) * k - 1));
  }
  return ts;
}

LcmSampler::LcmSampler(std::string name, io::SchedulerConfig config, ScheduleType schedule)
    : Sampler(std::move(name), std::move(config)), schedule_(schedule) {
  reject_unsupported(config_, name_, {"thresholding", "use_beta_sigmas"});
  // LCMScheduler's default is no clipping (the SchedulerConfig default is DDIM's).
  clip_ = raw_or<bool>(config_, "clip_sample", false);
  clip_range_ = raw_or<double>(config_, "clip_sample_range", 1.0);
}

std::vector<double> LcmSampler::lcm_timesteps(int64_t steps) const {
  if (schedule_ == ScheduleType::Automatic || schedule_ == ScheduleType::ModelDefault) {
    return lcm_grid_timesteps(config_.num_train_timesteps, raw_or<int64_t>(config_, "original_inference_steps", 50),
                              steps);
  }
  if (sigma_family(config_) == SigmaFamily::Spaced) return integer_timesteps(config_, steps);
  const std::vector<double> train = train_sigmas(alphas_cumprod(config_));
  const std::vector<double> log_train = log_sigmas(train);
  std::vector<double> ts;
  for (double s : family_sigmas(config_, train.back(), train.front(), steps)) {
    ts.push_back(round_half_even(sigma_to_t(s, log_train)));
  }
  return ts;
}

void LcmSampler::build(int64_t steps, torch::Device device) {
  const torch::Tensor ac = alphas_cumprod(config_);
  const float final_alpha = config_.set_alpha_to_one ? 1.0f : ac[0].item<float>();
  timestep_values_ = lcm_timesteps(steps);
  sigmas_ = torch::empty({0}, torch::kFloat32);
  init_noise_sigma_ = 1.0;
  const auto scaling = static_cast<float>(raw_or<double>(config_, "timestep_scaling", 10.0));
  const float sigma_data = 0.5f;
  std::vector<float> table;
  std::vector<double> divisor, a, b;
  for (size_t i = 0; i < timestep_values_.size(); ++i) {
    const double t = timestep_values_[i];
    const double prev = i + 1 < timestep_values_.size() ? timestep_values_[i + 1] : t;
    const float at = alpha_at(ac, t, final_alpha), ap = alpha_at(ac, prev, final_alpha);
    const float sa = std::sqrt(at), sb = std::sqrt(1.0f - at);
    float cx = 1.0f, cm = -sb, div = sa;  // epsilon: (x - sqrt(1 - a) m) / sqrt(a)
    if (config_.prediction_type == "v_prediction") {
      cx = sa, cm = -sb, div = 1.0f;
    } else if (config_.prediction_type == "sample") {
      cx = 0.0f, cm = 1.0f, div = 1.0f;
    }
    // Boundary condition: c_skip = sd^2 / ((t s)^2 + sd^2), c_out = t s / sqrt((t s)^2 + sd^2).
    const float scaled = static_cast<float>(t) * scaling;
    const float c_skip = sigma_data * sigma_data / (scaled * scaled + sigma_data * sigma_data);
    const float c_out = scaled / std::sqrt(scaled * scaled + sigma_data * sigma_data);
    table.insert(table.end(), {cx, cm, div, c_skip, c_out, std::sqrt(ap), std::sqrt(1.0f - ap)});
    divisor.push_back(1.0);
    a.push_back(sa);
    b.push_back(sb);
  }
  coefs_ = device_table(table, 7, device);
  set_call_coefs(divisor, a, b);
}

torch::Tensor LcmSampler::update(const torch::Tensor& m, int64_t call, const torch::Tensor& x, NoiseSource& noise) {
  const torch::Tensor c = coefs_[call];
  torch::Tensor x0 = (c[0] * x + c[1] * m) / c[2];
  if (clip_) x0 = x0.clamp(-clip_range_, clip_range_);
  const torch::Tensor denoised = c[4] * x0 + c[3] * x;
  if (call == num_calls_ - 1) return denoised;
  return c[5] * denoised + c[6] * noise.draw(m);
}

}  // namespace poseforge::samplers
