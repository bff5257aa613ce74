// UniPC sampler: multistep predictor (UniP) with the corrector (UniC) applied at the next call.
#include "core/diffusion/samplers/unipc.h"

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

#include "core/diffusion/samplers/schedule.h"
#include "core/diffusion/samplers/sigma_space.h"
#include "core/diffusion/samplers/solver_coefs.h"
#include "core/error.h"

namespace poseforge::samplers {
namespace {

// x_t = a * x - b * m0 - c * residual; rk = (lambda_prev - lambda_s0) / h; b1 / b2: the
// right-hand side of the order-2 rho system.
struct UniCoefs {
  float a, b, c, rk, b1, b2;
};

UniCoefs uni_coefs(const DpmPoint& s0, const DpmPoint& prev, const DpmPoint& t, bool bh1) {
  const float h = t.lambda - s0.lambda;
  const float hh = -h;
  const float h_phi_1 = std::expm1(hh);
  const float b_h = bh1 ? hh : std::expm1(hh);
  float h_phi_k = h_phi_1 / hh - 1.0f;
  const float b1 = h_phi_k * 1.0f / b_h;
  h_phi_k = h_phi_k / hh - 1.0f / 2.0f;
  const float b2 = h_phi_k * 2.0f / b_h;
  return {t.sigma / s0.sigma, t.alpha * h_phi_1, t.alpha * b_h, (prev.lambda - s0.lambda) / h, b1, b2};
}

}  // namespace

UniPcSampler::UniPcSampler(std::string name, io::SchedulerConfig config) : Sampler(std::move(name), std::move(config)) {
  reject_unsupported(config_, name_, {"use_beta_sigmas", "use_flow_sigmas",
                                      "use_dynamic_shifting", "thresholding"});
  order_ = raw_or<int>(config_, "solver_order", 2);
  if (order_ < 1 || order_ > 2) {
    throw Error("scheduler config: solver_order {} is not supported by sampler '{}' (1 or 2)", order_, name_);
  }
  if (!raw_or<bool>(config_, "predict_x0", true)) {
    throw Error("scheduler config: 'predict_x0: false' is not supported by sampler '{}'", name_);
  }
  const auto type = raw_or<std::string>(config_, "solver_type", "bh2");
  if (type != "bh1" && type != "bh2") throw Error("scheduler config: solver_type '{}' is invalid (bh1 or bh2)", type);
  if (config_.raw.contains("solver_p") && !config_.raw["solver_p"].is_null()) {
    throw Error("scheduler config: solver_p is not supported by sampler '{}'", name_);
  }
  disable_corrector_ = raw_or<std::vector<int64_t>>(config_, "disable_corrector", {});
}

void UniPcSampler::reset() {
  Sampler::reset();
  outputs_.clear();
  last_sample_ = torch::Tensor();
  last_order_ = 1;
}

void UniPcSampler::build(int64_t steps, torch::Device device) {
  const std::vector<double> train = train_sigmas(alphas_cumprod(config_));
  std::vector<double> ts = multistep_timesteps(config_, steps, config_.num_train_timesteps);
  std::vector<double> sigmas;
  const SigmaFamily family = sigma_family(config_);
  if (family != SigmaFamily::Spaced) {
    sigmas = family_sigmas(config_, train.back(), train.front(), steps);
    const std::vector<double> log_train = log_sigmas(train);
    ts.clear();
    // diffusers rounds Karras timesteps; exponential ones are cut to int64.
    for (double s : sigmas) {
      const double v = sigma_to_t(s, log_train);
      ts.push_back(family == SigmaFamily::Karras ? round_half_even(v) : std::trunc(v));
    }
    sigmas.push_back(raw_or<std::string>(config_, "final_sigmas_type", "zero") == "sigma_min" ? sigmas.back() : 0.0);
  } else {
    sigmas = interp_sigmas(ts, train);
    sigmas.push_back(final_sigma(config_, train));
  }
  sigmas = set_step_schedule(sigmas, ts);
  init_noise_sigma_ = 1.0;

  const bool bh1 = raw_or<std::string>(config_, "solver_type", "bh2") == "bh1";
  std::vector<float> table;
  std::vector<double> divisor, a, b;
  for (int64_t i = 0; i < steps; ++i) {
    const auto point = [&](int64_t k) { return DpmPoint(static_cast<float>(sigmas[static_cast<size_t>(std::max<int64_t>(k, 0))])); };
    const DpmPoint s0 = point(i);
    const X0Conversion conv = x0_conversion(config_.prediction_type, s0);
    const UniCoefs p = uni_coefs(s0, point(i - 1), point(i + 1), bh1);
    // The corrector at call i refines the previous predictor (from i-1 to i).
    const UniCoefs c = uni_coefs(point(i - 1), point(i - 2), s0, bh1);
    // Order 2: [1 1; rk 1] rho = [b1; b2].
    const float det = 1.0f - c.rk;
    const float rho0 = (c.b1 - c.b2) / det, rho1 = (c.b2 - c.rk * c.b1) / det;
    table.insert(table.end(), {conv.cx, conv.cm, conv.div, p.a, p.b, p.c, p.rk, c.a, c.b, c.c, c.rk, 0.5f, rho0, rho1});
    divisor.push_back(1.0);
    a.push_back(s0.alpha);
    b.push_back(s0.sigma);
  }
  coefs_ = device_table(table, 14, device);
  set_call_coefs(divisor, a, b);
}

torch::Tensor UniPcSampler::update(const torch::Tensor& m, int64_t call, const torch::Tensor& x, NoiseSource&) {
  const torch::Tensor c = coefs_[call];
  const torch::Tensor converted = (c[0] * x + c[1] * m) / c[2];
  torch::Tensor sample = x;
  const bool corrector = calls_done_ > 0 && last_sample_.defined() &&
                         std::find(disable_corrector_.begin(), disable_corrector_.end(), call - 1) ==
                             disable_corrector_.end();
  if (corrector) {
    const torch::Tensor& m0 = outputs_.back();
    const torch::Tensor base = c[7] * last_sample_ - c[8] * m0;
    const torch::Tensor d1_t = converted - m0;
    if (last_order_ == 1) {
      sample = base - c[9] * (c[11] * d1_t);
    } else {
      const torch::Tensor d1 = (outputs_[outputs_.size() - 2] - m0) / c[10];
      sample = base - c[9] * (c[12] * d1 + c[13] * d1_t);
    }
  }
  outputs_.push_back(converted);
  if (outputs_.size() > 2) outputs_.erase(outputs_.begin());
  int order = order_;
  if (raw_or<bool>(config_, "lower_order_final", true)) order = std::min<int>(order, static_cast<int>(num_calls_ - call));
  order = std::min<int>(order, static_cast<int>(std::min<int64_t>(calls_done_, order_)) + 1);
  order = std::min<int>(order, static_cast<int>(outputs_.size()));
  last_order_ = order;
  last_sample_ = sample;
  const torch::Tensor base = c[3] * sample - c[4] * converted;
  if (order == 1) return base;
  const torch::Tensor d1 = (outputs_[0] - converted) / c[6];
  return base - c[5] * (0.5 * d1);
}

}  // namespace poseforge::samplers
