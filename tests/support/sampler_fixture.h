// Test helpers for the schedulers fixture: schedulers.json, a sampler built from a case's diffusers class
// and config (never from the case's name), and the fixture's stand-in model loop.
#pragma once

#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/diffusion/samplers/sampler.h"
#include "core/diffusion/samplers/scheduler_class.h"
#include "core/error.h"
#include "core/io/json_config.h"
#include "tests/support/fixtures.h"

namespace poseforge::test {

// schedulers.json as written by Python (it holds -Infinity, which is not JSON).
inline nlohmann::json load_scheduler_results() {
  std::ifstream in(fixture("schedulers/schedulers.json"));
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  for (size_t pos; (pos = s.find("-Infinity")) != std::string::npos;) s.replace(pos, 9, "-1e308");
  return nlohmann::json::parse(s);
}

// The first case of a diffusers class whose config asks for no sigma schedule of its own (no Karras,
// exponential or beta sigmas: what "Automatic" then means is the sampler's own), whatever the cases are
// named or in which order they come. None is a test failure (throws).
inline nlohmann::json case_of_class(const std::string& cls) {
  const nlohmann::json fixture = load_scheduler_results();
  for (const auto& r : fixture["results"]) {
    const auto& c = r.at("config");
    const auto on = [&c](const char* key) { return c.contains(key) && c[key].is_boolean() && c[key].get<bool>(); };
    if (r["class"] == cls && !on("use_karras_sigmas") && !on("use_exponential_sigmas") && !on("use_beta_sigmas"))
      return r;
  }
  ADD_FAILURE() << "the schedulers fixture has no case of class " << cls << " without a sigma schedule option";
  throw std::runtime_error("missing fixture case of class " + cls);
}

// A case's config with its diffusers class as _class_name.
inline io::SchedulerConfig case_config(const nlohmann::json& result) {
  nlohmann::json config = result.at("config");
  config["_class_name"] = result.at("class");
  return io::SchedulerConfig::from_json(io::JsonConfig(config, "schedulers.json"));
}

// Our sampler and schedule for a case's class + config; a class without one fails the test (throws).
inline samplers::SamplerChoice case_choice(const nlohmann::json& result) {
  try {
    return samplers::sampler_for_config(case_config(result));
  } catch (const Error& e) {
    ADD_FAILURE() << "fixture case '" << result.value("name", "") << "' (class " << result.at("class")
                  << "): no sampler for its class and config: " << e.what();
    throw;
  }
}

inline std::unique_ptr<samplers::Sampler> case_sampler(const nlohmann::json& result) {
  const samplers::SamplerChoice choice = case_choice(result);
  return samplers::make_sampler(choice.sampler, choice.schedule, case_config(result));
}

// alphas_cumprod in double from the config's beta schedule (linear or scaled_linear), computed here
// independently of the engine's float32 one.
inline std::vector<double> reference_alphas_cumprod(const io::SchedulerConfig& c) {
  const int64_t n = c.num_train_timesteps;
  std::vector<double> out;
  double ac = 1.0;
  for (int64_t i = 0; i < n; ++i) {
    const double f = n == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(n - 1);
    double beta = c.beta_start + f * (c.beta_end - c.beta_start);
    if (c.beta_schedule == "scaled_linear") {
      beta = std::pow(std::sqrt(c.beta_start) + f * (std::sqrt(c.beta_end) - std::sqrt(c.beta_start)), 2);
    }
    ac *= 1.0 - beta;
    out.push_back(ac);
  }
  return out;
}

// "<name>|<steps>|": the case's key prefix in trajectories.safetensors.
inline std::string case_key(const nlohmann::json& result) {
  return result.at("name").get<std::string>() + "|" + std::to_string(result.at("steps").get<int64_t>()) + "|";
}

// The fixture loop over `range`: eps = tanh(scale_model_input(x, t)) * 0.5 + 0.01 * (t / 1000).
struct LoopRun {
  std::vector<torch::Tensor> samples;
  int64_t model_calls = 0;
  int64_t noise_draws = 0;
};
template <typename Model>
LoopRun run_sampler(samplers::Sampler& s, torch::Tensor x, samplers::NoiseSource& noise, samplers::CallRange range,
                    Model model) {
  LoopRun run;
  for (int64_t i = range.begin; i < range.end; ++i) {
    const torch::Tensor eps = model(s, x, i);
    ++run.model_calls;
    x = s.step(eps, i, x, noise);
    run.samples.push_back(x);
  }
  run.noise_draws = noise.draws();
  return run;
}
inline torch::Tensor fixture_model(const samplers::Sampler& s, const torch::Tensor& x, int64_t i) {
  return torch::tanh(s.scale_model_input(x, i)) * 0.5 + 0.01 * (s.timesteps()[i] / 1000);
}
inline LoopRun run_fixture_loop(samplers::Sampler& s, torch::Tensor x, samplers::NoiseSource& noise,
                                samplers::CallRange range) {
  return run_sampler(s, std::move(x), noise, range, fixture_model);
}

}  // namespace poseforge::test
