// DPM2 / DPM2 ancestral samplers.
#include "core/diffusion/samplers/kdpm2.h"

#include <cmath>

#include <torch/torch.h>

#include "core/diffusion/samplers/heun.h"
#include "core/diffusion/samplers/schedule.h"
#include "core/diffusion/samplers/sigma_space.h"
#include "core/error.h"

namespace poseforge::samplers {
namespace {

// exp(lerp(log a, log b, 0.5)) in float32 as torch computes it (0 when either is 0).
float log_midpoint(float a, float b) {
  if (a <= 0 || b <= 0) return 0.0f;
  const float la = std::log(a), lb = std::log(b);
  return std::exp(lb - (lb - la) * 0.5f);
}

// [v0, v1, v1, ..., vN, vN, vN]: diffusers' cat([v[:1], v[1:].repeat_interleave(2), v[-1:]]).
std::vector<double> interleave(const std::vector<double>& v) {
  std::vector<double> out = repeat_after_first(v);
  out.push_back(v.back());
  return out;
}

}  // namespace

Kdpm2Sampler::Kdpm2Sampler(std::string name, io::SchedulerConfig config, bool ancestral)
    : Sampler(std::move(name), std::move(config)), ancestral_(ancestral) {
  reject_unsupported(config_, name_, {"use_beta_sigmas"});
  if (config_.prediction_type == "sample") {
    throw Error("scheduler config: prediction_type 'sample' is not supported by sampler '{}'", name_);
  }
}

void Kdpm2Sampler::reset() {
  Sampler::reset();
  first_sample_ = torch::Tensor();
}

void Kdpm2Sampler::build(int64_t steps, torch::Device device) {
  DiscreteSigmas s = discrete_sigmas(config_, steps);
  if (sigma_family(config_) == SigmaFamily::Karras) {  // diffusers rounds Karras timesteps only
    for (double& t : s.timesteps) t = round_half_even(t);
  }
  std::vector<double> base = s.sigmas;  // N + 1 with the final 0
  base.push_back(0.0);
  base = to_float32(base);
  const auto n = static_cast<int64_t>(base.size());
  std::vector<double> interpol(base.size(), 0.0), up(base.size(), 0.0), down(base.size(), 0.0);
  for (int64_t j = 0; j < n; ++j) {
    const auto sj = static_cast<float>(base[static_cast<size_t>(j)]);
    if (ancestral_) {
      const float next = j + 1 < n ? static_cast<float>(base[static_cast<size_t>(j + 1)]) : 0.0f;
      const float u = std::sqrt(next * next * (sj * sj - next * next) / (sj * sj));
      const float d = j + 1 < n ? std::sqrt(next * next - u * u) : 0.0f;
      up[static_cast<size_t>(j)] = u;
      down[static_cast<size_t>(j)] = d;
      interpol[static_cast<size_t>(j)] = j < n - 2 ? log_midpoint(sj, d) : 0.0f;
    } else {
      interpol[static_cast<size_t>(j)] = j > 0 ? log_midpoint(sj, static_cast<float>(base[static_cast<size_t>(j - 1)])) : 0.0f;
    }
  }
  // Timesteps: t0, then per step the interpolated point's timestep and the next step's.
  std::vector<double> ts{s.timesteps.front()};
  for (int64_t k = 1; k < steps; ++k) {
    const double ti = sigma_to_t(interpol[static_cast<size_t>(ancestral_ ? k - 1 : k)], s.log_train_sigmas);
    ts.insert(ts.end(), {ti, s.timesteps[static_cast<size_t>(k)]});
  }
  timestep_values_ = to_float32(ts);
  const std::vector<double> sig = interleave(base), ip = interleave(interpol), upi = interleave(up),
                            downi = interleave(down);
  sigmas_ = float_tensor(sig);
  init_noise_sigma_ = sigma_init_noise(config_, sig);

  std::vector<float> table;
  std::vector<double> divisor, a, b;
  for (int64_t i = 0; i < 2 * steps - 1; ++i) {
    const auto at = [](const std::vector<double>& v, int64_t k) { return static_cast<float>(v[static_cast<size_t>(k)]); };
    const bool first = i % 2 == 0;
    const float sigma = first ? at(sig, i) : at(sig, i - 1);
    float interp = 0, dt = 0, u = 0, input = 0;
    if (ancestral_) {
      interp = first ? at(ip, i) : at(ip, i - 1);
      dt = first ? interp - sigma : at(downi, i - 1) - sigma;
      u = first ? 0.0f : at(upi, i - 1);
      input = first ? at(sig, i) : at(ip, i - 1);
    } else {
      interp = first ? at(ip, i + 1) : at(ip, i);
      dt = first ? interp - sigma : at(sig, i) - sigma;
      input = first ? at(sig, i) : at(ip, i);
    }
    const X0Coefs x0 = x0_coefs(config_.prediction_type, first ? sigma : interp);
    table.insert(table.end(), {x0.skip, x0.out, first ? sigma : interp, dt, u});
    divisor.push_back(input_divisor(input));
    a.push_back(1.0);
    b.push_back(input);
  }
  coefs_ = device_table(table, 5, device);
  set_call_coefs(divisor, a, b);
}

torch::Tensor Kdpm2Sampler::update(const torch::Tensor& m, int64_t call, const torch::Tensor& x, NoiseSource& noise) {
  const torch::Tensor c = coefs_[call];
  const torch::Tensor x0 = predicted_x0(c, x, m);
  const torch::Tensor derivative = (x - x0) / c[2];
  if (call % 2 == 0) {
    first_sample_ = x;
    return x + derivative * c[3];
  }
  if (!first_sample_.defined()) throw Error("sampler '{}': call {} is the second half of a step never begun", name_, call);
  torch::Tensor out = first_sample_ + derivative * c[3];
  first_sample_ = torch::Tensor();
  if (ancestral_) out = out + noise.draw(m) * c[4];
  return out;
}

}  // namespace poseforge::samplers
