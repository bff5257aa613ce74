// LMS sampler: coefficients are exact integrals of the Lagrange basis over [sigma_i, sigma_i+1].
#include "core/diffusion/samplers/lms.h"

#include <algorithm>

#include <torch/torch.h>

#include "core/diffusion/samplers/schedule.h"
#include "core/diffusion/samplers/sigma_space.h"
#include "core/error.h"

namespace poseforge::samplers {
namespace {

// Integral over [sigmas[i], sigmas[i+1]] of the Lagrange basis polynomial k of the points
// sigmas[i], sigmas[i-1], ..., sigmas[i-order+1] (degree < 4: 4-point Gauss-Legendre is exact).
double lms_coefficient(const std::vector<double>& sigmas, int64_t order, int64_t i, int64_t k) {
  const auto s = [&](int64_t j) { return sigmas[static_cast<size_t>(i - j)]; };
  const auto basis = [&](double tau) {
    double prod = 1.0;
    for (int64_t j = 0; j < order; ++j) {
      if (j != k) prod *= (tau - s(j)) / (s(k) - s(j));
    }
    return prod;
  };
  static const double nodes[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
  static const double weights[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};
  const double lo = sigmas[static_cast<size_t>(i)], hi = sigmas[static_cast<size_t>(i + 1)];
  double sum = 0;
  for (int q = 0; q < 4; ++q) sum += weights[q] * basis(0.5 * (hi - lo) * nodes[q] + 0.5 * (hi + lo));
  return 0.5 * (hi - lo) * sum;
}

}  // namespace

LmsSampler::LmsSampler(std::string name, io::SchedulerConfig config) : Sampler(std::move(name), std::move(config)) {
  reject_unsupported(config_, name_, {"use_beta_sigmas"});
}

void LmsSampler::reset() {
  Sampler::reset();
  derivatives_.clear();
}

void LmsSampler::build(int64_t steps, torch::Device device) {
  DiscreteSigmas s = discrete_sigmas(config_, steps);
  std::vector<double> sigmas = s.sigmas;
  sigmas.push_back(0.0);
  sigmas = set_step_schedule(sigmas, to_float32(s.timesteps));
  init_noise_sigma_ = sigma_init_noise(config_, sigmas);

  std::vector<float> table;
  std::vector<double> divisor, a, b;
  for (int64_t i = 0; i < steps; ++i) {
    const auto sigma = static_cast<float>(sigmas[static_cast<size_t>(i)]);
    const X0Coefs x0 = x0_coefs(config_.prediction_type, sigma);
    table.insert(table.end(), {x0.skip, x0.out, sigma});
    for (int64_t order = 1; order <= kOrder; ++order) {
      for (int64_t k = 0; k < order; ++k) {
        table.push_back(order <= i + 1 ? static_cast<float>(lms_coefficient(sigmas, order, i, k)) : 0.0f);
      }
    }
    divisor.push_back(input_divisor(sigma));
    a.push_back(1.0);
    b.push_back(sigma);
  }
  coefs_ = device_table(table, 3 + 10, device);
  set_call_coefs(divisor, a, b);
}

torch::Tensor LmsSampler::update(const torch::Tensor& m, int64_t call, const torch::Tensor& x, NoiseSource&) {
  const torch::Tensor c = coefs_[call];
  const torch::Tensor x0 = predicted_x0(c, x, m);
  derivatives_.push_back((x - x0) / c[2]);
  if (derivatives_.size() > kOrder) derivatives_.erase(derivatives_.begin());
  const int64_t order = std::min<int64_t>({call + 1, kOrder, static_cast<int64_t>(derivatives_.size())});
  const int64_t first = 3 + order * (order - 1) / 2;  // this order's coefficients in the row
  torch::Tensor sum = c[first] * derivatives_.back();
  for (int64_t k = 1; k < order; ++k) sum = sum + c[first + k] * derivatives_[derivatives_.size() - 1 - k];
  return x + sum;
}

}  // namespace poseforge::samplers
