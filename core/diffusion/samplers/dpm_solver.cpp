// DPM-Solver++ multistep and singlestep samplers.
#include "core/diffusion/samplers/dpm_solver.h"

#include <cmath>
#include <limits>

#include <torch/torch.h>

#include "core/diffusion/samplers/schedule.h"
#include "core/diffusion/samplers/sigma_space.h"
#include "core/diffusion/samplers/solver_coefs.h"
#include "core/error.h"

namespace poseforge::samplers {

DpmSolverSampler::DpmSolverSampler(std::string name, io::SchedulerConfig config, bool singlestep)
    : Sampler(std::move(name), std::move(config)), singlestep_(singlestep) {
  reject_unsupported(config_, name_, {"use_beta_sigmas", "use_lu_lambdas",
                                      "use_flow_sigmas", "use_dynamic_shifting", "thresholding"});
  const auto algorithm = raw_or<std::string>(config_, "algorithm_type", "dpmsolver++");
  if (algorithm != "dpmsolver++" && algorithm != "sde-dpmsolver++") {
    throw Error("scheduler config: algorithm_type '{}' is not supported by sampler '{}' (dpmsolver++, "
                "sde-dpmsolver++)", algorithm, name_);
  }
  sde_ = algorithm == "sde-dpmsolver++";
  order_ = raw_or<int>(config_, "solver_order", 2);
  if (order_ < 1 || order_ > 2) {
    throw Error("scheduler config: solver_order {} is not supported by sampler '{}' (1 or 2)", order_, name_);
  }
  const auto solver_type = raw_or<std::string>(config_, "solver_type", "midpoint");
  if (solver_type != "midpoint" && solver_type != "heun") {
    throw Error("scheduler config: solver_type '{}' is invalid (midpoint or heun)", solver_type);
  }
  if (!raw_or<std::string>(config_, "variance_type", "").empty()) {
    throw Error("scheduler config: variance_type is not supported by sampler '{}'", name_);
  }
}

void DpmSolverSampler::reset() {
  Sampler::reset();
  outputs_.clear();
  stored_sample_ = torch::Tensor();
}

void DpmSolverSampler::build(int64_t steps, torch::Device device) {
  const torch::Tensor ac = alphas_cumprod(config_);
  const std::vector<double> train = train_sigmas(ac);
  const std::vector<double> log_train = log_sigmas(train);
  const int64_t t = config_.num_train_timesteps;

  // lambda_min_clipped cuts the schedule where lambda(t) = log(alpha_t / sigma_t) falls below it.
  const auto clip = raw_or<double>(config_, "lambda_min_clipped", -std::numeric_limits<double>::infinity());
  int64_t clipped = 0;
  for (double s : train) clipped += -std::log(s) < clip ? 1 : 0;

  std::vector<double> ts;
  if (singlestep_) {
    const auto v = linspace(0, static_cast<double>(t - 1 - clipped), steps + 1);
    for (int64_t i = steps; i >= 1; --i) ts.push_back(round_half_even(v[static_cast<size_t>(i)]));
  } else {
    ts = multistep_timesteps(config_, steps, t - clipped);
  }
  std::vector<double> sigmas;
  const SigmaFamily family = sigma_family(config_);
  if (family != SigmaFamily::Spaced) {
    sigmas = family_sigmas(config_, train.back(), train.front(), steps);
    ts.clear();
    // diffusers rounds Karras timesteps (not multistep's for squaredcos_cap_v2), then stores int64.
    const bool round = family == SigmaFamily::Karras && (singlestep_ || config_.beta_schedule != "squaredcos_cap_v2");
    for (double s : sigmas) {
      const double v = sigma_to_t(s, log_train);
      ts.push_back(round ? round_half_even(v) : std::trunc(v));
    }
  } else {
    sigmas = interp_sigmas(ts, train);
  }
  sigmas.push_back(final_sigma(config_, train));
  sigmas = set_step_schedule(sigmas, ts);
  init_noise_sigma_ = 1.0;

  const auto solver_type = raw_or<std::string>(config_, "solver_type", "midpoint");
  std::vector<float> table;
  std::vector<double> divisor, a, b;
  for (int64_t i = 0; i < steps; ++i) {
    const auto sig = [&](int64_t k) { return static_cast<float>(sigmas[static_cast<size_t>(std::max<int64_t>(k, 0))]); };
    const DpmPoint s0(sig(i)), target(sig(i + 1));
    const X0Conversion conv = x0_conversion(config_.prediction_type, s0);
    const DpmCoefs first = dpm_first_order(s0, target, sde_);
    // Second order: multistep from s0 with s1 = the previous point; singlestep from s1 (its stored sample).
    const DpmPoint s1(sig(i - 1));
    const DpmCoefs second = dpm_second_order(singlestep_ ? s1 : s0, s0, s1, target, sde_, solver_type == "heun");
    table.insert(table.end(), {conv.cx, conv.cm, conv.div, first.a, first.b, first.e, second.a, second.b,
                               second.c, second.e, second.inv_r0});
    divisor.push_back(1.0);
    a.push_back(s0.alpha);
    b.push_back(s0.sigma);
  }
  coefs_ = device_table(table, 11, device);
  set_call_coefs(divisor, a, b);

  if (singlestep_) {
    const bool lower_final = raw_or<bool>(config_, "lower_order_final", false) ||
                             raw_or<std::string>(config_, "final_sigmas_type", "zero") == "zero" ||
                             steps % order_ != 0;
    // diffusers' get_order_list: 1, 2, 1, 2, ... ending on a first-order step.
    order_list_.clear();
    for (int64_t i = 0; i < steps; ++i) order_list_.push_back(order_ == 2 ? static_cast<int>(i % 2) + 1 : 1);
    if (lower_final) order_list_.back() = 1;
  }
}

torch::Tensor DpmSolverSampler::update(const torch::Tensor& m, int64_t call, const torch::Tensor& x,
                                       NoiseSource& noise) {
  const torch::Tensor c = coefs_[call];
  const torch::Tensor x0 = (c[0] * x + c[1] * m) / c[2];
  outputs_.push_back(x0);
  if (outputs_.size() > 2) outputs_.erase(outputs_.begin());
  const torch::Tensor eps = sde_ ? noise.draw(m) : torch::Tensor();
  const auto finish = [&](torch::Tensor out, const torch::Tensor& e) { return sde_ ? out + e * eps : out; };

  int order = 1;
  if (singlestep_) {
    order = std::min<int>(order_list_[static_cast<size_t>(call)], static_cast<int>(outputs_.size()));
  } else {
    const int64_t n = num_calls_;
    const bool lower_final =
        call == n - 1 && (raw_or<bool>(config_, "euler_at_final", false) ||
                          (raw_or<bool>(config_, "lower_order_final", true) && n < 15) ||
                          raw_or<std::string>(config_, "final_sigmas_type", "zero") == "zero");
    order = (order_ == 1 || calls_done_ < 1 || lower_final) ? 1 : 2;
  }
  if (order == 1) {
    if (singlestep_) stored_sample_ = x;
    return finish(c[3] * x + c[4] * x0, c[5]);
  }
  const torch::Tensor& m0 = outputs_[1];
  const torch::Tensor& m1 = outputs_[0];
  const torch::Tensor d1 = c[10] * (m0 - m1);
  if (singlestep_) {
    if (!stored_sample_.defined()) throw Error("sampler '{}': second-order step without its first half", name_);
    return finish(c[6] * stored_sample_ + c[7] * m1 + c[8] * d1, c[9]);
  }
  return finish(c[6] * x + c[7] * m0 + c[8] * d1, c[9]);
}

}  // namespace poseforge::samplers
