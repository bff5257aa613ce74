// core/diffusion/samplers: parity with diffusers' schedulers (schedulers.json, trajectories.safetensors)
// for every case in the fixture, each sampler built from the case's diffusers class and config; error
// cases; denoise ranges.
#include <cmath>
#include <map>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/diffusion/samplers/sampler.h"
#include "core/diffusion/samplers/schedule.h"
#include "core/error.h"
#include "core/io/json_config.h"
#include "core/io/safetensors.h"
#include "tests/support/expect_error.h"
#include "tests/support/fixtures.h"
#include "tests/support/parity.h"
#include "tests/support/sampler_fixture.h"

using namespace poseforge;
using poseforge::test::case_sampler;
using poseforge::test::expect_error;
using poseforge::test::run_fixture_loop;
using namespace poseforge::samplers;

namespace {

constexpr double kTolerance = 1e-5;

torch::Tensor vec(const nlohmann::json& v) {
  return torch::tensor(v.get<std::vector<double>>(), torch::kFloat64).to(torch::kFloat32);
}

}  // namespace

TEST(Samplers, ParityWithDiffusersForEveryFixtureCase) {
  const nlohmann::json fixture = test::load_scheduler_results();
  io::SafetensorsFile traj(test::fixture("schedulers/trajectories.safetensors"));
  std::map<std::string, double> worst;
  ASSERT_FALSE(fixture["results"].empty());
  for (const auto& r : fixture["results"]) {
    const auto steps = r["steps"].get<int64_t>();
    const std::string key = test::case_key(r);
    SCOPED_TRACE(key + " class " + r["class"].get<std::string>());
    auto sampler = case_sampler(r);
    sampler->set_timesteps(steps);
    const SamplerChoice choice = test::case_choice(r);
    auto& w = worst[r["class"].get<std::string>() + " -> " + choice.sampler + " on " + schedule_name(choice.schedule)];
    const auto track = [&](const std::string& what, const torch::Tensor& a, const torch::Tensor& e) {
      EXPECT_TRUE(test::check_close(key + what, a, e, kTolerance));
      if (a.sizes() == e.sizes() && e.numel() > 0) w = std::max(w, test::parity_stats(a, e).rel);
    };
    track("timesteps", sampler->timesteps(), vec(r["timesteps"]));
    track("sigmas", sampler->sigmas(), vec(r["sigmas"]));
    EXPECT_NEAR(sampler->init_noise_sigma(), r["init_noise_sigma"].get<double>(),
                kTolerance * r["init_noise_sigma"].get<double>());
    EXPECT_EQ(sampler->num_calls(), r["num_model_calls"].get<int64_t>());

    std::vector<torch::Tensor> noise;
    for (int64_t i = 0; traj.contains(key + "noise" + std::to_string(i)); ++i) {
      noise.push_back(traj.tensor(key + "noise" + std::to_string(i)));
    }
    ReplayNoise replay(noise);
    test::LoopRun run = run_fixture_loop(*sampler, traj.tensor(key + "x0"), replay, {0, sampler->num_calls()});
    EXPECT_EQ(run.model_calls, r["num_model_calls"].get<int64_t>());
    EXPECT_EQ(run.noise_draws, r["num_noise_draws"].get<int64_t>());
    for (size_t i = 0; i < run.samples.size(); ++i) {
      const std::string step = key + "step" + std::to_string(i);
      ASSERT_TRUE(traj.contains(step));
      track("step" + std::to_string(i), run.samples[i], traj.tensor(step));
    }
    EXPECT_FALSE(traj.contains(key + "step" + std::to_string(run.samples.size())));
  }
  for (const auto& [name, rel] : worst) std::cout << "worst relative error  " << name << ": " << rel << "\n";
}

TEST(Samplers, ResetReplaysTheSameTrajectory) {
  const nlohmann::json fixture = test::load_scheduler_results();
  io::SafetensorsFile traj(test::fixture("schedulers/trajectories.safetensors"));
  for (const auto& r : fixture["results"]) {
    const std::string key = test::case_key(r);
    auto sampler = case_sampler(r);
    sampler->set_timesteps(r["steps"].get<int64_t>());
    GeneratorNoise a(7), b(7);
    const torch::Tensor x = traj.tensor(key + "x0");
    test::LoopRun first = run_fixture_loop(*sampler, x, a, {0, sampler->num_calls()});
    sampler->reset();
    test::LoopRun second = run_fixture_loop(*sampler, x, b, {0, sampler->num_calls()});
    EXPECT_TRUE(torch::equal(first.samples.back(), second.samples.back())) << key;
    EXPECT_EQ(first.noise_draws, r["num_noise_draws"].get<int64_t>()) << key;
  }
}

TEST(Samplers, SecondOrderSamplersReportTwoCallsPerStep) {
  const nlohmann::json fixture = test::load_scheduler_results();
  for (const auto& r : fixture["results"]) {
    auto sampler = case_sampler(r);
    const auto steps = r["steps"].get<int64_t>();
    sampler->set_timesteps(steps);
    const int per_step = sampler->model_calls_per_step();
    // Second-order: 2N - 1 calls (the last step is first order); others one call a step (PNDM: + 1).
    if (per_step == 2) {
      EXPECT_EQ(sampler->num_calls(), 2 * steps - 1) << r["name"];
    } else {
      EXPECT_LE(sampler->num_calls(), steps + 1) << r["name"];
    }
    EXPECT_EQ(static_cast<int64_t>(sampler->call_sigmas().size()), sampler->num_calls());
  }
}

TEST(Samplers, DenoiseRangeRunsASubRange) {
  const nlohmann::json fixture = test::load_scheduler_results();
  // The fixture cases give the configs; the step counts are this test's own (a fixture case of one step
  // has no half to split off).
  for (const auto& r : fixture["results"]) {
    for (const int64_t steps : {int64_t{4}, int64_t{7}, int64_t{10}}) {
      SCOPED_TRACE(std::to_string(steps) + " steps");
      auto sampler = case_sampler(r);
      sampler->set_timesteps(steps);
      const CallRange all = sampler->denoise_range(0.0, 1.0);
      EXPECT_EQ(all.begin, 0);
      EXPECT_EQ(all.end, sampler->num_calls());
      const CallRange head = sampler->denoise_range(0.0, 0.5);
      const CallRange tail = sampler->denoise_range(0.5, 1.0);
      EXPECT_GT(head.end, 0);
      EXPECT_LT(head.end, sampler->num_calls());
      EXPECT_EQ(tail.end, sampler->num_calls());
      if (sampler->model_calls_per_step() == 2) {
        EXPECT_EQ(tail.begin % 2, 0) << r["name"];
      }
      // The tail runs from fresh state (image-to-image): noised input at its first call.
      const torch::Tensor x0 = torch::zeros({1, 4, 6, 5});
      const torch::Tensor noisy = sampler->add_noise(x0, torch::ones({1, 4, 6, 5}), tail.begin);
      GeneratorNoise noise(3);
      test::LoopRun run = run_fixture_loop(*sampler, noisy, noise, tail);
      EXPECT_TRUE(torch::isfinite(run.samples.back()).all().item<bool>()) << r["name"];
      expect_error([&] { sampler->denoise_range(0.6, 0.4); }, {"0.6", "0.4"});
    }
  }
}

TEST(Samplers, UnknownNamesAndInvalidStepCountsAreErrors) {
  // A plain Euler config (not whichever case comes first: another class's options do not fit every sampler).
  const io::SchedulerConfig config = test::case_config(test::case_of_class("EulerDiscreteScheduler"));
  expect_error([&] { make_sampler("Euler b", config); }, {"'Euler b'", "Euler a", "DPM++ 2M SDE Karras", "UniPC"});
  for (const auto& name : sampler_names()) {
    auto s = make_sampler(name, config);
    for (int64_t bad : {int64_t{0}, int64_t{-3}, int64_t{config.num_train_timesteps + 1}}) {
      expect_error([&] { s->set_timesteps(bad); }, {name, std::to_string(bad), "1.."});
    }
    NoNoise none;
    expect_error([&] { s->step(torch::zeros({1}), 0, torch::zeros({1}), none); }, {"before set_timesteps"});
    s->set_timesteps(3);
    expect_error([&] { s->step(torch::zeros({1}), s->num_calls(), torch::zeros({1}), none); }, {"outside"});
  }
}

TEST(Samplers, ReplayNoiseChecksCountAndShape) {
  ReplayNoise replay({torch::zeros({2})});
  expect_error([&] { replay.draw(torch::zeros({3})); }, {"shape"});
  EXPECT_EQ(replay.draw(torch::zeros({2})).numel(), 2);
  expect_error([&] { replay.draw(torch::zeros({2})); }, {"draw 2"});
  GeneratorNoise a(42), b(42);
  EXPECT_TRUE(torch::equal(a.draw(torch::zeros({8})), b.draw(torch::zeros({8}))));
}


// LCMScheduler's definition (diffusers' scheduling_lcm.py): timesteps from the original_inference_steps
// grid; each step x0 from epsilon, denoised = c_out * x0 + c_skip * x with the boundary scalings of
// t * timestep_scaling (sigma_data 0.5), then re-noised to the next timestep except after the last.
TEST(Samplers, LcmFollowsItsDefinitionStepByStep) {
  io::SchedulerConfig config = test::case_config(test::case_of_class("EulerDiscreteScheduler"));
  config.class_name = "LCMScheduler";
  const std::vector<double> ac = test::reference_alphas_cumprod(config);
  const int64_t t_train = config.num_train_timesteps;
  const auto original = raw_or<int64_t>(config, "original_inference_steps", 50);
  const int64_t k = t_train / original;
  for (int64_t n : {int64_t{1}, int64_t{2}, int64_t{4}, int64_t{7}, original}) {
    SCOPED_TRACE("LCM " + std::to_string(n));
    auto s = make_sampler(sampler_for_config(config).sampler, config);
    s->set_timesteps(n);
    ASSERT_EQ(s->num_calls(), n);
    std::vector<double> expected;
    for (int64_t i = 0; i < n; ++i) {
      expected.push_back(static_cast<double>((original - (i * original) / n) * k - 1));
    }
    const torch::Tensor want_timesteps = torch::tensor(expected, torch::kFloat64).to(torch::kFloat32);
    EXPECT_TRUE(test::check_close("timesteps", s->timesteps(), want_timesteps, 0));
    EXPECT_EQ(s->init_noise_sigma(), 1.0);
    torch::Tensor x = torch::randn({1, 4, 6, 5}, torch::kFloat64).to(torch::kFloat32);
    GeneratorNoise draws(9);
    std::vector<torch::Tensor> noise = draws.draw_ahead(x, n - 1);
    ReplayNoise replay(noise);
    for (int64_t i = 0; i < n; ++i) {
      EXPECT_TRUE(torch::equal(s->scale_model_input(x, i), x));
      const torch::Tensor m = test::fixture_model(*s, x, i);
      const double at = ac[static_cast<size_t>(expected[static_cast<size_t>(i)])];
      const double ct = expected[static_cast<size_t>(i)] * raw_or<double>(config, "timestep_scaling", 10.0);
      const double c_skip = 0.25 / (ct * ct + 0.25), c_out = ct / std::sqrt(ct * ct + 0.25);
      const torch::Tensor xd = x.to(torch::kFloat64), md = m.to(torch::kFloat64);
      const torch::Tensor denoised = c_out * (xd - std::sqrt(1 - at) * md) / std::sqrt(at) + c_skip * xd;
      torch::Tensor want = denoised;
      if (i + 1 < n) {
        const double ap = ac[static_cast<size_t>(expected[static_cast<size_t>(i + 1)])];
        want = std::sqrt(ap) * denoised + std::sqrt(1 - ap) * noise[static_cast<size_t>(i)].to(torch::kFloat64);
      }
      x = s->step(m, i, x, replay);
      EXPECT_TRUE(test::check_close("step" + std::to_string(i), x, want.to(torch::kFloat32), kTolerance));
    }
    EXPECT_EQ(replay.draws(), n - 1);
  }
  auto s = make_sampler("LCM", config);
  expect_error([&] { s->set_timesteps(original + 1); }, {"original_inference_steps", std::to_string(original)});
}

// v_prediction in every sampler: a model answering v = alpha * eps - sigma_t * x0 (the v of the epsilon
// model's own prediction, at each call's noise level) gives the epsilon model's trajectory. PNDM is left
// out: like diffusers it averages the raw outputs before converting v, which is not the same sum.
TEST(Samplers, VPredictionGivesTheEpsilonTrajectoryInEverySampler) {
  const io::SchedulerConfig eps_config = test::case_config(test::case_of_class("EulerDiscreteScheduler"));
  io::SchedulerConfig v_config = eps_config;
  v_config.prediction_type = "v_prediction";
  v_config.raw["prediction_type"] = "v_prediction";
  const torch::Tensor x = torch::randn({1, 4, 6, 5}, torch::kFloat64).to(torch::kFloat32);
  for (const auto& name : sampler_names()) {
    if (name == "PNDM") continue;
    SCOPED_TRACE(name);
    auto eps_sampler = make_sampler(name, eps_config);
    auto v_sampler = make_sampler(name, v_config);
    eps_sampler->set_timesteps(5);
    v_sampler->set_timesteps(5);
    const auto v_model = [](const Sampler& s, const torch::Tensor& sample, int64_t i) {
      const torch::Tensor xv = s.scale_model_input(sample, i);
      const torch::Tensor eps = test::fixture_model(s, sample, i);
      const double sigma = s.call_sigmas()[static_cast<size_t>(i)];
      const double alpha = 1 / std::sqrt(1 + sigma * sigma), sigma_t = sigma * alpha;
      const torch::Tensor x0 = (xv - sigma_t * eps) / alpha;
      return alpha * eps - sigma_t * x0;
    };
    GeneratorNoise a(3), b(3);
    const torch::Tensor start = x * eps_sampler->init_noise_sigma();
    const auto want = test::run_fixture_loop(*eps_sampler, start, a, {0, eps_sampler->num_calls()});
    const auto got = test::run_sampler(*v_sampler, start, b, {0, v_sampler->num_calls()}, v_model);
    EXPECT_TRUE(test::check_close("final sample", got.samples.back(), want.samples.back(), 1e-4));
  }
}
