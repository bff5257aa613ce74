// LCM ("LCM"): diffusers' LCMScheduler, the consistency sampler of Latent Consistency Models, LCM-LoRA and
// DMD2: each step predicts the clean sample with the boundary-condition scalings and re-noises it to the
// next timestep with fresh noise (no noise after the last step).
#pragma once

#include "core/diffusion/samplers/sampler.h"
#include "core/diffusion/samplers/schedule_type.h"

namespace poseforge::samplers {

class LcmSampler : public Sampler {
 public:
  // schedule Automatic: LCM's own timesteps (`steps` of the original_inference_steps grid, as diffusers);
  // Uniform / SGM Uniform: the config's timestep_spacing (DMD2's 999, 749, 499, 249 is SGM Uniform at 4
  // steps); Karras / Exponential: the timesteps of those sigmas, rounded.
  LcmSampler(std::string name, io::SchedulerConfig config, ScheduleType schedule);

 protected:
  void build(int64_t steps, torch::Device device) override;
  torch::Tensor update(const torch::Tensor& model_output, int64_t call, const torch::Tensor& x,
                       NoiseSource& noise) override;

 private:
  std::vector<double> lcm_timesteps(int64_t steps) const;

  ScheduleType schedule_;
  bool clip_;
  double clip_range_;
  // [calls, 7]: cx, cm, div (x0 = (cx * x + cm * model_output) / div), c_skip, c_out, sqrt(a_next),
  // sqrt(1 - a_next)
  torch::Tensor coefs_;
};

// LCM's timesteps: of the grid k-1, 2k-1, ..., T-1 (k = T / original_steps), `steps` entries evenly spaced
// by index from the top. Throws poseforge::Error when steps exceed original_steps.
std::vector<double> lcm_grid_timesteps(int64_t num_train_timesteps, int64_t original_steps, int64_t steps);

}  // namespace poseforge::samplers
