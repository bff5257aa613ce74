// DPM2 ("DPM2", "DPM2 Karras", "DPM2 a", "DPM2 a Karras"): diffusers' KDPM2DiscreteScheduler and
// KDPM2AncestralDiscreteScheduler; two model calls per step (the second at the interpolated sigma).
#pragma once

#include "core/diffusion/samplers/sampler.h"

namespace poseforge::samplers {

class Kdpm2Sampler : public Sampler {
 public:
  // ancestral: the second half steps to sigma_down and adds noise * sigma_up (one draw per step).
  Kdpm2Sampler(std::string name, io::SchedulerConfig config, bool ancestral);
  int model_calls_per_step() const override { return 2; }
  void reset() override;

 protected:
  void build(int64_t steps, torch::Device device) override;
  torch::Tensor update(const torch::Tensor& model_output, int64_t call, const torch::Tensor& x,
                       NoiseSource& noise) override;

 private:
  bool ancestral_;
  torch::Tensor coefs_;  // [calls, 5]: x0 skip, x0 out, derivative divisor, dt, sigma_up
  torch::Tensor first_sample_;
};

}  // namespace poseforge::samplers
