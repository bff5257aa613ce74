// Noise-schedule helpers (betas, spacing, interpolation, Karras sigmas), matching diffusers' precision.
#include "core/diffusion/samplers/schedule.h"

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

#include "core/error.h"

namespace poseforge::samplers {
namespace {

// diffusers' betas_for_alpha_bar with the cosine transform (squaredcos_cap_v2), max beta 0.999.
std::vector<double> cosine_betas(int64_t n) {
  auto alpha_bar = [](double t) { return std::pow(std::cos((t + 0.008) / 1.008 * M_PI / 2), 2); };
  std::vector<double> betas;
  for (int64_t i = 0; i < n; ++i) {
    const double t1 = static_cast<double>(i) / n, t2 = static_cast<double>(i + 1) / n;
    betas.push_back(std::min(1 - alpha_bar(t2) / alpha_bar(t1), 0.999));
  }
  return betas;
}

// Zero terminal SNR (Lin et al. 2023, algorithm 1), float32 as diffusers.
torch::Tensor rescale_zero_terminal_snr(const torch::Tensor& betas) {
  torch::Tensor sqrt_ac = torch::cumprod(1.0 - betas, 0).sqrt();
  torch::Tensor first = sqrt_ac[0].clone(), last = sqrt_ac[-1].clone();
  sqrt_ac = (sqrt_ac - last) * (first / (first - last));
  torch::Tensor ac = sqrt_ac.pow(2);
  torch::Tensor alphas = torch::cat({ac.slice(0, 0, 1), ac.slice(0, 1) / ac.slice(0, 0, -1)});
  return 1 - alphas;
}

}  // namespace

torch::Tensor alphas_cumprod(const io::SchedulerConfig& c) {
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32);
  const int64_t n = c.num_train_timesteps;
  torch::Tensor betas;
  if (c.trained_betas) {
    betas = torch::tensor(*c.trained_betas, torch::TensorOptions().dtype(torch::kFloat64)).to(torch::kFloat32);
  } else if (c.beta_schedule == "linear") {
    betas = torch::linspace(c.beta_start, c.beta_end, n, f32);
  } else if (c.beta_schedule == "scaled_linear") {
    betas = torch::linspace(std::sqrt(c.beta_start), std::sqrt(c.beta_end), n, f32).pow(2);
  } else if (c.beta_schedule == "squaredcos_cap_v2") {
    betas = float_tensor(cosine_betas(n));
  } else {
    throw Error("scheduler config: beta_schedule '{}' is not supported", c.beta_schedule);
  }
  if (c.rescale_betas_zero_snr) betas = rescale_zero_terminal_snr(betas);
  torch::Tensor ac = torch::cumprod(1.0 - betas, 0);
  if (c.rescale_betas_zero_snr) ac[-1] = std::pow(2.0, -24);
  return ac;
}

std::vector<double> train_sigmas(const torch::Tensor& ac) {
  torch::Tensor s = ((1 - ac) / ac).pow(0.5).to(torch::kFloat64).contiguous();
  return std::vector<double>(s.data_ptr<double>(), s.data_ptr<double>() + s.numel());
}

std::vector<double> log_sigmas(const std::vector<double>& sigmas) {
  std::vector<double> out;
  for (double s : sigmas) out.push_back(static_cast<double>(std::log(static_cast<float>(s))));
  return out;
}

std::vector<double> linspace(double start, double stop, int64_t num) {
  std::vector<double> out;
  if (num <= 0) return out;
  if (num == 1) return {start};
  const double step = (stop - start) / static_cast<double>(num - 1);
  for (int64_t i = 0; i < num; ++i) out.push_back(static_cast<double>(i) * step + start);
  out.back() = stop;
  return out;
}

double round_half_even(double v) { return std::nearbyint(v); }

namespace {

// numpy.arange(start, 0, -step) for a positive float step.
std::vector<double> arange_down(double start, double step) {
  const auto n = static_cast<int64_t>(std::ceil((0.0 - start) / -step));
  std::vector<double> out;
  for (int64_t k = 0; k < n; ++k) out.push_back(start + static_cast<double>(k) * -step);
  return out;
}

}  // namespace

std::vector<double> spaced_timesteps(const io::SchedulerConfig& c, int64_t steps) {
  const int64_t t = c.num_train_timesteps;
  std::vector<double> ts;
  if (c.timestep_spacing == "linspace") {
    ts = to_float32(linspace(0, static_cast<double>(t - 1), steps));
    std::reverse(ts.begin(), ts.end());
  } else if (c.timestep_spacing == "leading") {
    const int64_t ratio = t / steps;
    for (int64_t i = steps - 1; i >= 0; --i) ts.push_back(static_cast<double>(i * ratio + c.steps_offset));
  } else if (c.timestep_spacing == "trailing") {
    for (double v : arange_down(static_cast<double>(t), static_cast<double>(t) / steps)) {
      ts.push_back(round_half_even(v) - 1);
    }
  } else {
    throw Error("scheduler config: timestep_spacing '{}' is not supported", c.timestep_spacing);
  }
  return ts;
}

std::vector<double> multistep_timesteps(const io::SchedulerConfig& c, int64_t steps, int64_t last) {
  std::vector<double> ts;
  if (c.timestep_spacing == "linspace") {
    auto v = linspace(0, static_cast<double>(last - 1), steps + 1);
    for (int64_t i = steps; i >= 1; --i) ts.push_back(round_half_even(v[static_cast<size_t>(i)]));
  } else if (c.timestep_spacing == "leading") {
    const int64_t ratio = last / (steps + 1);
    for (int64_t i = steps; i >= 1; --i) ts.push_back(static_cast<double>(i * ratio + c.steps_offset));
  } else if (c.timestep_spacing == "trailing") {
    for (double v : arange_down(static_cast<double>(last), static_cast<double>(c.num_train_timesteps) / steps)) {
      ts.push_back(round_half_even(v) - 1);
    }
  } else {
    throw Error("scheduler config: timestep_spacing '{}' is not supported", c.timestep_spacing);
  }
  return ts;
}

std::vector<double> interp_sigmas(const std::vector<double>& x, const std::vector<double>& fp) {
  std::vector<double> out;
  const auto n = static_cast<int64_t>(fp.size());
  for (double v : x) {
    if (v <= 0) {
      out.push_back(fp.front());
    } else if (v >= static_cast<double>(n - 1)) {
      out.push_back(fp.back());
    } else {
      const auto j = static_cast<int64_t>(std::floor(v));
      const double lo = fp[static_cast<size_t>(j)], hi = fp[static_cast<size_t>(j + 1)];
      out.push_back(v == static_cast<double>(j) ? lo : (hi - lo) * (v - static_cast<double>(j)) + lo);
    }
  }
  return out;
}

std::vector<double> karras_sigmas(const io::SchedulerConfig& c, double sigma_max, double sigma_min,
                                  int64_t steps) {
  sigma_min = raw_or<double>(c, "sigma_min", sigma_min);
  sigma_max = raw_or<double>(c, "sigma_max", sigma_max);
  const double rho = 7.0;
  const double min_inv = std::pow(sigma_min, 1 / rho), max_inv = std::pow(sigma_max, 1 / rho);
  std::vector<double> out;
  for (double r : linspace(0, 1, steps)) out.push_back(std::pow(max_inv + r * (min_inv - max_inv), rho));
  return out;
}

std::vector<double> exponential_sigmas(const io::SchedulerConfig& c, double sigma_max, double sigma_min,
                                       int64_t steps) {
  sigma_min = raw_or<double>(c, "sigma_min", sigma_min);
  sigma_max = raw_or<double>(c, "sigma_max", sigma_max);
  std::vector<double> out;
  for (double l : linspace(std::log(sigma_max), std::log(sigma_min), steps)) out.push_back(std::exp(l));
  return out;
}

SigmaFamily sigma_family(const io::SchedulerConfig& c) {
  const bool exponential = raw_or<bool>(c, "use_exponential_sigmas", false);
  if (c.use_karras_sigmas && exponential) {
    throw Error("scheduler config: use_karras_sigmas and use_exponential_sigmas are both true (pick one schedule)");
  }
  if (c.use_karras_sigmas) return SigmaFamily::Karras;
  return exponential ? SigmaFamily::Exponential : SigmaFamily::Spaced;
}

std::vector<double> family_sigmas(const io::SchedulerConfig& c, double sigma_max, double sigma_min, int64_t steps) {
  switch (sigma_family(c)) {
    case SigmaFamily::Karras:
      return karras_sigmas(c, sigma_max, sigma_min, steps);
    case SigmaFamily::Exponential:
      return exponential_sigmas(c, sigma_max, sigma_min, steps);
    case SigmaFamily::Spaced:
      break;
  }
  throw Error("family_sigmas: the config asks for no Karras or exponential sigmas");
}

double sigma_to_t(double sigma, const std::vector<double>& log_sigmas) {
  const double log_sigma = std::log(std::max(sigma, 1e-10));
  const auto n = static_cast<int64_t>(log_sigmas.size());
  // low: the last index whose log-sigma is <= log_sigma (0 when none), at most n - 2.
  int64_t low = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (log_sigma - log_sigmas[static_cast<size_t>(i)] >= 0) low = i;
  }
  low = std::min(low, n - 2);
  const double lo = log_sigmas[static_cast<size_t>(low)], hi = log_sigmas[static_cast<size_t>(low + 1)];
  const double w = std::clamp((lo - log_sigma) / (lo - hi), 0.0, 1.0);
  return (1 - w) * static_cast<double>(low) + w * static_cast<double>(low + 1);
}

std::vector<double> to_float32(std::vector<double> v) {
  for (double& x : v) x = static_cast<double>(static_cast<float>(x));
  return v;
}

torch::Tensor float_tensor(const std::vector<double>& v) {
  return torch::tensor(v, torch::TensorOptions().dtype(torch::kFloat64)).to(torch::kFloat32);
}

torch::Tensor float_table(const std::vector<float>& values, int64_t cols) {
  const auto rows = static_cast<int64_t>(values.size()) / cols;
  return torch::tensor(values, torch::TensorOptions().dtype(torch::kFloat32)).reshape({rows, cols});
}

void reject_unsupported(const io::SchedulerConfig& c, const std::string& sampler,
                        const std::vector<std::string>& bool_keys) {
  for (const auto& key : bool_keys) {
    if (raw_or<bool>(c, key, false)) {
      throw Error("scheduler config: '{}: true' is not supported by sampler '{}'", key, sampler);
    }
  }
}

}  // namespace poseforge::samplers
