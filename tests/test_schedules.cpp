// core/diffusion/samplers schedules (Uniform, Karras, Exponential, SGM Uniform, Model default) checked
// against their defining formulas, computed here in double from the fixture configs' beta schedules;
// every sampler on every schedule it supports.
#include <cmath>
#include <set>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/diffusion/samplers/sampler.h"
#include "core/diffusion/samplers/schedule_type.h"
#include "core/diffusion/samplers/scheduler_class.h"
#include "core/io/safetensors.h"
#include "tests/support/expect_error.h"
#include "tests/support/sampler_fixture.h"

using namespace poseforge;
using namespace poseforge::samplers;
using poseforge::test::expect_error;

namespace {

constexpr double kRel = 1e-4;  // float32 schedules against double formulas

using test::case_of_class;

// The step counts the fixture holds.
std::vector<int64_t> fixture_steps() {
  std::set<int64_t> steps;
  const nlohmann::json fixture = test::load_scheduler_results();
  for (const auto& r : fixture["results"]) steps.insert(r["steps"].get<int64_t>());
  return {steps.begin(), steps.end()};
}

// Training sigmas sqrt((1 - ac) / ac) in double, from the config's beta schedule.
std::vector<double> train_sigmas_of(const io::SchedulerConfig& c) {
  std::vector<double> out;
  for (double ac : test::reference_alphas_cumprod(c)) out.push_back(std::sqrt((1.0 - ac) / ac));
  return out;
}

// Linear interpolation of the training sigmas at a fractional timestep.
double sigma_at(const std::vector<double>& train, double t) {
  const auto lo = static_cast<size_t>(std::floor(t));
  if (lo + 1 >= train.size()) return train.back();
  return train[lo] + (t - static_cast<double>(lo)) * (train[lo + 1] - train[lo]);
}

std::vector<double> values(const torch::Tensor& t) {
  const torch::Tensor d = t.to(torch::kFloat64).contiguous();
  return {d.data_ptr<double>(), d.data_ptr<double>() + d.numel()};
}

void expect_rel(const std::vector<double>& actual, const std::vector<double>& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_NEAR(actual[i], expected[i], kRel * std::max(1.0, std::abs(expected[i]))) << what << " [" << i << "]";
  }
}

// Trailing timesteps: round(T - i T / N) - 1 (T - 1 first, evenly spaced to the end of the range).
std::vector<double> trailing(int64_t t, int64_t n) {
  std::vector<double> out;
  for (int64_t i = 0; i < n; ++i) out.push_back(std::nearbyint(t - static_cast<double>(i) * t / n) - 1);
  return out;
}

// The first `n` distinct timesteps in order (second-order samplers repeat theirs).
std::vector<double> distinct(const std::vector<double>& v, size_t n) {
  std::vector<double> out;
  for (double x : v) {
    if (out.empty() || out.back() != x) out.push_back(x);
  }
  out.resize(std::min(out.size(), n));
  return out;
}

}  // namespace

TEST(Schedules, NamesAndAliases) {
  for (const auto& name : schedule_names()) EXPECT_EQ(schedule_name(parse_schedule(name)), name);
  EXPECT_EQ(parse_schedule(""), ScheduleType::Automatic);
  EXPECT_EQ(parse_schedule("karras"), ScheduleType::Karras);
  EXPECT_EQ(parse_schedule("sgm_uniform"), ScheduleType::SgmUniform);
  EXPECT_EQ(parse_schedule("trailing"), ScheduleType::SgmUniform);
  EXPECT_EQ(parse_schedule("normal"), ScheduleType::Uniform);
  EXPECT_EQ(parse_schedule("model_default"), ScheduleType::ModelDefault);
  expect_error([] { parse_schedule("beta"); }, {"'beta'", "'SGM Uniform'", "'Model default'"});
}

TEST(Schedules, UniformIsEvenlySpacedOverTheTrainingRange) {
  const io::SchedulerConfig config = test::case_config(case_of_class("EulerDiscreteScheduler"));
  const auto train = train_sigmas_of(config);
  const auto t_max = static_cast<double>(config.num_train_timesteps - 1);
  for (int64_t n : fixture_steps()) {
    auto s = make_sampler("Euler", ScheduleType::Uniform, config);
    s->set_timesteps(n);
    std::vector<double> ts, sigmas;
    for (int64_t i = 0; i < n; ++i) {
      ts.push_back(n == 1 ? t_max : t_max * (1.0 - static_cast<double>(i) / static_cast<double>(n - 1)));
      sigmas.push_back(sigma_at(train, ts.back()));
    }
    expect_rel(values(s->timesteps()), ts, "Uniform timesteps");
    sigmas.push_back(0.0);
    expect_rel(values(s->sigmas()), sigmas, "Uniform sigmas");
    EXPECT_NEAR(s->init_noise_sigma(), sigmas.front(), kRel * sigmas.front());  // no +1: not leading
  }
}

TEST(Schedules, SgmUniformIsTrailingInEverySamplerThatSpacesTimesteps) {
  const io::SchedulerConfig config = test::case_config(case_of_class("EulerDiscreteScheduler"));
  const auto train = train_sigmas_of(config);
  for (int64_t n : fixture_steps()) {
    const std::vector<double> expected = trailing(config.num_train_timesteps, n);
    for (const auto& name : {"Euler", "Euler a", "LMS", "Heun", "DDIM", "DPM++ 2M", "UniPC", "LCM"}) {
      auto s = make_sampler(name, ScheduleType::SgmUniform, config);
      s->set_timesteps(n);
      EXPECT_EQ(distinct(values(s->timesteps()), static_cast<size_t>(n)), expected) << name << " " << n;
    }
    auto euler = make_sampler("Euler", ScheduleType::SgmUniform, config);
    euler->set_timesteps(n);
    std::vector<double> sigmas;
    for (double t : expected) sigmas.push_back(train[static_cast<size_t>(t)]);
    sigmas.push_back(0.0);
    expect_rel(values(euler->sigmas()), sigmas, "SGM Uniform sigmas");
  }
}

// Karras: sigma^(1/7) evenly spaced; Exponential: log sigma evenly spaced; both between the family's
// sigma_max and sigma_min: the config's spaced timesteps' for the sigma-space samplers (leading here:
// t = (N - 1) * (T / N) + offset down to offset), the whole training range for DPM-Solver and UniPC.
TEST(Schedules, KarrasAndExponentialFollowTheirFormulasInEveryFamily) {
  // The formulas below are for leading spacing: this test sets it rather than assume the fixture's.
  io::SchedulerConfig config = test::case_config(case_of_class("EulerDiscreteScheduler"));
  config.timestep_spacing = "leading";
  config.raw["timestep_spacing"] = "leading";
  const auto train = train_sigmas_of(config);
  const int64_t t = config.num_train_timesteps;
  for (int64_t n : fixture_steps()) {
    if (n < 2) continue;
    for (const auto& name : {"Euler", "Euler a", "Heun", "LMS", "DPM2", "DPM++ 2M", "UniPC"}) {
      const bool solver = std::string(name) == "DPM++ 2M" || std::string(name) == "UniPC";
      const double hi = solver ? train.back() : train[static_cast<size_t>((n - 1) * (t / n) + config.steps_offset)];
      const double lo = solver ? train.front() : train[static_cast<size_t>(config.steps_offset)];
      for (ScheduleType type : {ScheduleType::Karras, ScheduleType::Exponential}) {
        const std::string what = std::string(name) + " " + schedule_name(type) + " " + std::to_string(n);
        auto s = make_sampler(name, type, config);
        s->set_timesteps(n);
        std::vector<double> expected;
        for (int64_t i = 0; i < n; ++i) {
          const double f = static_cast<double>(i) / static_cast<double>(n - 1);
          expected.push_back(
              type == ScheduleType::Karras
                  ? std::pow(std::pow(hi, 1 / 7.0) + f * (std::pow(lo, 1 / 7.0) - std::pow(hi, 1 / 7.0)), 7)
                  : std::exp(std::log(hi) + f * (std::log(lo) - std::log(hi))));
        }
        // Each step's sigma: sigmas()[0, 2, 4, ...] for the second-order samplers (which repeat them).
        std::vector<double> steps_sigmas = values(s->sigmas());
        if (s->model_calls_per_step() == 2) {
          std::vector<double> firsts{steps_sigmas[0]};
          for (size_t k = 1; k + 1 < steps_sigmas.size() && firsts.size() < static_cast<size_t>(n); k += 2)
            firsts.push_back(steps_sigmas[k]);
          steps_sigmas = firsts;
        }
        steps_sigmas.resize(static_cast<size_t>(n));
        expect_rel(steps_sigmas, expected, what);
        const auto ts = values(s->timesteps());
        for (size_t i = 1; i < ts.size(); ++i) EXPECT_LE(ts[i], ts[i - 1]) << what;
        EXPECT_LE(ts.front(), static_cast<double>(t - 1)) << what;
        EXPECT_GE(ts.back(), 0.0) << what;
      }
    }
  }
}

TEST(Schedules, EverySamplerRunsOnEveryScheduleItSupportsAndNamesTheOnesItDoesNot) {
  const nlohmann::json euler = case_of_class("EulerDiscreteScheduler");
  const io::SchedulerConfig config = test::case_config(euler);
  io::SafetensorsFile traj(test::fixture("schedulers/trajectories.safetensors"));
  const torch::Tensor x = traj.tensor(test::case_key(euler) + "x0");
  for (const auto& name : sampler_names()) {
    for (const auto& schedule : schedule_names()) {
      const ScheduleType type = parse_schedule(schedule);
      if (type == ScheduleType::ModelDefault) continue;
      // DDIM and PNDM step between timesteps only; DPM Single spaces its timesteps its own (uniform) way.
      const bool timesteps_only = name == "DDIM" || name == "PNDM";
      const bool rejected = (timesteps_only && (type == ScheduleType::Karras || type == ScheduleType::Exponential)) ||
                            (name == "DPM Single" && type == ScheduleType::SgmUniform);
      if (rejected) {
        expect_error([&] { make_sampler(name, type, config); }, {"'" + schedule + "'", "'" + name + "'"});
        continue;
      }
      SCOPED_TRACE(name + " on " + schedule);
      auto s = make_sampler(name, type, config);
      s->set_timesteps(4);
      const auto sig = s->call_sigmas();
      ASSERT_EQ(static_cast<int64_t>(sig.size()), s->num_calls());
      for (size_t i = 1; i < sig.size(); ++i) EXPECT_LE(sig[i], sig[i - 1] * (1 + 1e-6)) << "call " << i;
      GeneratorNoise noise(5);
      const test::LoopRun run = test::run_fixture_loop(*s, x * s->init_noise_sigma(), noise, {0, s->num_calls()});
      EXPECT_TRUE(torch::isfinite(run.samples.back()).all().item<bool>());
    }
  }
}

TEST(Schedules, KarrasNamesAreKarrasOnAutomaticAndAnExplicitScheduleWins) {
  const io::SchedulerConfig config = test::case_config(case_of_class("EulerDiscreteScheduler"));
  const auto timesteps = [&](const std::string& name, ScheduleType type) {
    auto s = make_sampler(name, type, config);
    s->set_timesteps(5);
    return values(s->timesteps());
  };
  EXPECT_EQ(timesteps("Euler Karras", ScheduleType::Automatic), timesteps("Euler", ScheduleType::Karras));
  EXPECT_EQ(timesteps("DPM++ 2M Karras", ScheduleType::Automatic), timesteps("DPM++ 2M", ScheduleType::Karras));
  EXPECT_EQ(timesteps("Euler Karras", ScheduleType::SgmUniform), timesteps("Euler", ScheduleType::SgmUniform));
  EXPECT_NE(timesteps("Euler", ScheduleType::Automatic), timesteps("Euler", ScheduleType::Karras));
}

// SDXL-Turbo's folder: Euler Ancestral with trailing timesteps (the fixture's Euler a config, spacing
// trailing). Model default runs that class and config whatever sampler is chosen.
TEST(Schedules, ModelDefaultRunsTheFoldersClassAndConfig) {
  const nlohmann::json euler_a = case_of_class("EulerAncestralDiscreteScheduler");
  io::SchedulerConfig turbo = test::case_config(euler_a);
  turbo.timestep_spacing = "trailing";
  turbo.raw["timestep_spacing"] = "trailing";
  auto model_default = make_sampler("DDIM", ScheduleType::ModelDefault, turbo);
  EXPECT_EQ(model_default->name(), "Euler a");
  model_default->set_timesteps(4);
  EXPECT_EQ(values(model_default->timesteps()), trailing(turbo.num_train_timesteps, 4));
  auto chosen = make_sampler("Euler a", ScheduleType::SgmUniform, test::case_config(euler_a));
  chosen->set_timesteps(4);
  const torch::Tensor x = torch::randn({1, 4, 6, 5}, torch::TensorOptions().dtype(torch::kFloat32));
  GeneratorNoise a(11), b(11);
  const auto first = test::run_fixture_loop(*model_default, x, a, {0, 4});
  const auto second = test::run_fixture_loop(*chosen, x, b, {0, 4});
  EXPECT_TRUE(torch::equal(first.samples.back(), second.samples.back()));

  io::SchedulerConfig flow = turbo;
  flow.class_name = "FlowMatchEulerDiscreteScheduler";
  expect_error([&] { make_sampler("Euler", ScheduleType::ModelDefault, flow); },
               {"'FlowMatchEulerDiscreteScheduler'", "EulerAncestralDiscreteScheduler", "LCMScheduler"});
  io::SchedulerConfig sde = test::case_config(case_of_class("DPMSolverMultistepScheduler"));
  sde.raw["algorithm_type"] = "sde-dpmsolver++";
  EXPECT_EQ(sampler_for_config(sde).sampler, "DPM++ 2M SDE");
  sde.raw["algorithm_type"] = "dpmsolver";
  expect_error([&] { sampler_for_config(sde); }, {"algorithm_type 'dpmsolver'"});
}
