// Sampler: the one interface every sampler (Euler, DPM++, DDIM, Heun, LMS, DPM2, PNDM, UniPC, LCM) offers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <torch/types.h>

#include "core/diffusion/samplers/noise_source.h"
#include "core/diffusion/samplers/schedule_type.h"
#include "core/io/scheduler_config.h"

namespace poseforge::samplers {

// A sub-range [begin, end) of a schedule's model calls.
struct CallRange {
  int64_t begin = 0;
  int64_t end = 0;
};

// A sampler as diffusers' schedulers run it: set_timesteps(N) fixes a schedule of num_calls() model
// calls (N, or 2N-1 for second-order samplers, N+1 for PNDM); the loop then, for call i,
//   input = scale_model_input(x, i); eps = model(input, timesteps()[i]); x = step(eps, i, x, noise).
// The sample starts as noise * init_noise_sigma(). Stateful (multistep history): one per generation,
// not thread-safe. step() does no host sync: its per-call scalars live in device tensors made by
// set_timesteps, and all branching is on the call index. The sample may be float32/16/bf16 on any
// device; the update runs in float32 and returns the model output's dtype.
class Sampler {
 public:
  Sampler(std::string name, io::SchedulerConfig config);
  virtual ~Sampler() = default;
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  const std::string& name() const { return name_; }
  const io::SchedulerConfig& config() const { return config_; }

  // Builds the schedule for `steps` denoising steps with per-call scalars on `device`, and resets the
  // state. Throws poseforge::Error for steps outside 1..num_train_timesteps.
  void set_timesteps(int64_t steps, torch::Device device = torch::kCPU);
  int64_t steps() const { return steps_; }
  // Timestep value the model gets at each call: [num_calls] float32 on the device.
  const torch::Tensor& timesteps() const { return timesteps_; }
  int64_t num_calls() const { return num_calls_; }
  // diffusers' `scheduler.sigmas` (float32, CPU; empty for DDIM and PNDM, which have none).
  const torch::Tensor& sigmas() const { return sigmas_; }
  // The noise level (sigma = sqrt((1 - alpha_bar) / alpha_bar)) the model sees at each call, for
  // plotting and progress displays.
  std::vector<double> call_sigmas() const;
  double init_noise_sigma() const { return init_noise_sigma_; }
  // Model evaluations per denoising step (2 for Heun and DPM2): for progress bars and benchmarks.
  virtual int model_calls_per_step() const { return 1; }

  // The model input at call `call` (x divided by sqrt(sigma^2 + 1) for sigma-space samplers).
  torch::Tensor scale_model_input(const torch::Tensor& x, int64_t call) const;
  // One update with the model output of call `call`; returns the new sample.
  torch::Tensor step(const torch::Tensor& model_output, int64_t call, const torch::Tensor& x, NoiseSource& noise);
  // Forgets the multistep history (called by set_timesteps; call it before re-running a schedule).
  virtual void reset() { calls_done_ = 0; }

  // Noises a clean sample to the level of call `call`: a * x0 + b * noise (image-to-image).
  torch::Tensor add_noise(const torch::Tensor& x0, const torch::Tensor& noise, int64_t call) const;
  // The calls that run when denoising only from `start` to `end` (fractions of the schedule, 0..1;
  // 0 and 1 = everything), by diffusers' SDXL rules (denoising_start / denoising_end): a call runs
  // when its timestep is below round((1 - start) * T) and at or above round((1 - end) * T); a range
  // never starts inside a second-order step. Throws poseforge::Error for fractions outside [0, 1] or
  // start >= end.
  CallRange denoise_range(double start, double end) const;

 protected:
  // Family hook: fills timesteps_ (double, per call), sigmas_, init_noise_sigma_, call_coefs_ and the
  // family's own per-call tables (CPU; the base moves call_coefs_ to the device, families move theirs).
  virtual void build(int64_t steps, torch::Device device) = 0;
  // Family hook: the update. `call` is validated; `calls_done_` counts steps since reset().
  virtual torch::Tensor update(const torch::Tensor& model_output, int64_t call, const torch::Tensor& x,
                               NoiseSource& noise) = 0;

  // Stores the schedule of a family whose calls are its steps: `sigmas` (steps + 1 values, the final
  // one included) rounded to float32 as diffusers' tensors are, and the per-step timesteps as given.
  // Returns the rounded sigmas, which the family's tables are built from.
  std::vector<double> set_step_schedule(std::vector<double> sigmas, std::vector<double> timesteps);

  // Per call: [input divisor, add_noise a, add_noise b]. Set by build() on the CPU.
  void set_call_coefs(const std::vector<double>& input_divisor, const std::vector<double>& noise_a,
                      const std::vector<double>& noise_b);

  std::string name_;
  io::SchedulerConfig config_;
  int64_t steps_ = 0;
  int64_t num_calls_ = 0;
  int64_t calls_done_ = 0;
  std::vector<double> timestep_values_;
  torch::Tensor timesteps_;
  torch::Tensor sigmas_;
  torch::Tensor call_coefs_;  // [num_calls, 3] float32 on the device
  std::vector<double> call_sigmas_;
  double init_noise_sigma_ = 1.0;

 private:
  void check_call(int64_t call, const char* what) const;
};

// The sampler names users pick from (A1111 / ComfyUI / Segmind spelling).
const std::vector<std::string>& sampler_names();

// Makes a sampler by name, with `config` (e.g. SDXL's scheduler_config.json) and the name's implied
// settings (Karras sigmas, SDE, solver order). Throws poseforge::Error naming the value and listing
// the valid names for an unknown name, or naming the key for unsupported config options.
std::unique_ptr<Sampler> make_sampler(const std::string& name, const io::SchedulerConfig& config);
// The same on a schedule: Automatic is the name's (Karras for the "... Karras" names) or else the config's;
// Uniform, Karras, Exponential and SGM Uniform set the config's schedule keys (apply_schedule);
// ModelDefault ignores `name` and runs config.class_name's sampler (sampler_for_config). A schedule the
// sampler cannot run on (Karras for DDIM, SGM Uniform for DPM Single) is an Error naming both.
std::unique_ptr<Sampler> make_sampler(const std::string& name, ScheduleType schedule,
                                      const io::SchedulerConfig& config);

}  // namespace poseforge::samplers
