// DemoEngine: seeded noise cleared by a real sampler's sigma schedule, with real step timing.
#include "ui/generation/demo_engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include "core/error.h"
#include "ui/generation/sampler_schedule.h"

namespace poseforge::ui {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A smooth colour field: random colours on a coarse grid, bilinearly interpolated.
std::vector<float> colour_field(int width, int height, std::mt19937& rng) {
  const int cell = 160;
  const int gw = width / cell + 2, gh = height / cell + 2;
  std::uniform_real_distribution<float> uniform(30.0f, 225.0f);
  std::vector<float> grid(static_cast<std::size_t>(gw) * gh * 3);
  for (auto& v : grid) v = uniform(rng);
  std::vector<float> out(static_cast<std::size_t>(width) * height * 3);
  for (int y = 0; y < height; ++y) {
    const float gy = static_cast<float>(y) / cell;
    const int y0 = static_cast<int>(gy);
    const float fy = gy - y0;
    for (int x = 0; x < width; ++x) {
      const float gx = static_cast<float>(x) / cell;
      const int x0 = static_cast<int>(gx);
      const float fx = gx - x0;
      for (int c = 0; c < 3; ++c) {
        auto at = [&](int yy, int xx) { return grid[(static_cast<std::size_t>(yy) * gw + xx) * 3 + c]; };
        const float top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx;
        const float bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx;
        out[(static_cast<std::size_t>(y) * width + x) * 3 + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

// field + noise * amount, as an RGB image.
io::Image blend(const std::vector<float>& field, const std::vector<float>& noise, float amount, int w, int h) {
  io::Image image;
  image.width = w;
  image.height = h;
  image.channels = 3;
  image.pixels.resize(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    image.pixels[i] = static_cast<std::uint8_t>(std::clamp(field[i] + noise[i] * amount, 0.0f, 255.0f));
  }
  return image;
}

std::int64_t resolve_seed(std::int64_t seed) {
  if (seed >= 0) return seed;
  std::random_device device;
  return static_cast<std::int64_t>(device() & 0xffffffffu);
}

}  // namespace

DemoEngine::DemoEngine(DemoEngineOptions options) : options_(std::move(options)) {}

EngineInfo DemoEngine::info() const {
  EngineInfo info;
  info.name = "demo engine";
  info.device = "CPU";
  info.model_state = "no model loaded (demo engine: pictures are seeded noise, not model outputs)";
  info.demo = true;
  info.badge = "demo engine: not a model output";
  return info;
}

GenerationResult DemoEngine::generate(const pipeline::Request& request, const pipeline::Inputs& /*inputs*/,
                                      const ProgressFn& progress,
                                      const std::atomic<bool>& cancel) {
  // 1. Validate the settings; the demo needs no pose, so a missing one is not a problem here.
  pipeline::Request checked = request;
  if (checked.pose_image.empty() && checked.pose_json.empty()) checked.pose_json = "(not used by the demo engine)";
  checked.validate();

  GenerationResult result;
  result.request = request;
  result.request.seed = resolve_seed(request.seed);
  result.note = "demo engine: not a model output";
  result.pose_message = "no pose adherence: the demo engine has no model";

  // 2. The sampler's schedule: one sigma per step (the noise level the step starts from), then 0.
  result.sigmas = step_sigmas(request.scheduler, request.steps, options_.scheduler, request.schedule);
  const double sigma_max = std::max(result.sigmas.front(), 1e-6);

  // 3. Seeded pictures: a colour field per sample, one Gaussian noise field shared by the preview.
  const int w = request.width, h = request.height;
  std::mt19937 rng(static_cast<std::uint32_t>(result.request.seed));
  std::vector<std::vector<float>> fields;
  for (int s = 0; s < request.samples; ++s) fields.push_back(colour_field(w, h, rng));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> noise(fields.front().size());
  for (auto& v : noise) v = normal(rng);

  // 4. The loop: the noise amount follows sigma / (sqrt(1 + sigma^2)), the scale of noise in a
  // sample at that level, relative to the first step's.
  auto noise_amount = [&](double sigma) {
    const double max_level = sigma_max / std::sqrt(1.0 + sigma_max * sigma_max);
    return static_cast<float>(110.0 * (sigma / std::sqrt(1.0 + sigma * sigma)) / max_level);
  };
  const auto start = Clock::now();
  for (int i = 0; i < request.steps; ++i) {
    if (cancel.load()) {
      result.cancelled = true;
      return result;
    }
    const auto step_start = Clock::now();
    const auto delay_end = step_start + std::chrono::milliseconds(options_.step_delay_ms);
    while (Clock::now() < delay_end && !cancel.load()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    Progress p;
    p.step = i + 1;
    p.total = request.steps;
    p.sigma = result.sigmas[i + 1];
    p.preview = blend(fields.front(), noise, noise_amount(p.sigma), w, h);
    result.step_seconds.push_back(seconds_since(step_start));
    p.seconds_per_step = result.step_seconds.back();
    p.elapsed_s = seconds_since(start);
    p.eta_s = p.elapsed_s / p.step * (p.total - p.step);
    if (progress) progress(p);
  }
  for (const auto& field : fields) result.images.push_back(blend(field, noise, 0.0f, w, h));
  return result;
}

}  // namespace poseforge::ui
