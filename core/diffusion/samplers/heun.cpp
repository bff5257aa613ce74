// Heun sampler (second order, two model calls per step).
#include "core/diffusion/samplers/heun.h"

#include <torch/torch.h>

#include "core/diffusion/samplers/schedule.h"
#include "core/diffusion/samplers/sigma_space.h"
#include "core/error.h"

namespace poseforge::samplers {

std::vector<double> repeat_after_first(const std::vector<double>& v) {
  std::vector<double> out{v.front()};
  for (size_t i = 1; i < v.size(); ++i) out.insert(out.end(), {v[i], v[i]});
  return out;
}

HeunSampler::HeunSampler(std::string name, io::SchedulerConfig config) : Sampler(std::move(name), std::move(config)) {
  reject_unsupported(config_, name_, {"use_beta_sigmas"});
}

void HeunSampler::reset() {
  Sampler::reset();
  first_derivative_ = first_sample_ = first_dt_ = torch::Tensor();
}

void HeunSampler::build(int64_t steps, torch::Device device) {
  DiscreteSigmas s = discrete_sigmas(config_, steps);
  std::vector<double> base = s.sigmas;
  base.push_back(0.0);
  base = to_float32(base);
  // sigmas: [s0, s1, s1, ..., s_{N-1}, s_{N-1}, 0]; timesteps: [t0, t1, t1, ..., t_{N-1}, t_{N-1}].
  std::vector<double> sigmas = repeat_after_first(std::vector<double>(base.begin(), base.end() - 1));
  sigmas.push_back(0.0);
  sigmas_ = float_tensor(sigmas);
  timestep_values_ = to_float32(repeat_after_first(s.timesteps));
  init_noise_sigma_ = sigma_init_noise(config_, sigmas);

  std::vector<float> table;
  std::vector<double> divisor, a, b;
  for (int64_t i = 0; i < 2 * steps - 1; ++i) {
    const auto at = [&](int64_t k) { return static_cast<float>(sigmas[static_cast<size_t>(k)]); };
    const bool first = i % 2 == 0;
    const float sigma = first ? at(i) : at(i - 1), next = first ? at(i + 1) : at(i);
    const X0Coefs x0 = x0_coefs(config_.prediction_type, first ? sigma : next);
    table.insert(table.end(), {x0.skip, x0.out, first ? sigma : next, next - sigma});
    divisor.push_back(input_divisor(at(i)));
    a.push_back(1.0);
    b.push_back(at(i));
  }
  coefs_ = device_table(table, 4, device);
  set_call_coefs(divisor, a, b);
}

torch::Tensor HeunSampler::update(const torch::Tensor& m, int64_t call, const torch::Tensor& x, NoiseSource&) {
  const torch::Tensor c = coefs_[call];
  torch::Tensor x0 = predicted_x0(c, x, m);
  if (raw_or<bool>(config_, "clip_sample", false)) {
    const auto range = raw_or<double>(config_, "clip_sample_range", 1.0);
    x0 = x0.clamp(-range, range);
  }
  const torch::Tensor derivative = (x - x0) / c[2];
  if (call % 2 == 0) {
    first_derivative_ = derivative;
    first_dt_ = c[3];
    first_sample_ = x;
    return x + derivative * c[3];
  }
  if (!first_sample_.defined()) throw Error("sampler '{}': call {} is the second half of a step never begun", name_, call);
  const torch::Tensor mean = (first_derivative_ + derivative) / 2;
  torch::Tensor out = first_sample_ + mean * first_dt_;
  first_derivative_ = first_sample_ = first_dt_ = torch::Tensor();
  return out;
}

}  // namespace poseforge::samplers
