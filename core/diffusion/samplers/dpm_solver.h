// DPM-Solver++ ("DPM++ 2M", "DPM++ 2M Karras", "DPM++ 2M SDE", "DPM++ 2M SDE Karras", "DPM Single"): diffusers'
// DPMSolverMultistepScheduler and DPMSolverSinglestepScheduler, algorithm dpmsolver++ or
// sde-dpmsolver++, solver order 1 or 2, midpoint or heun solver type.
#pragma once

#include <vector>

#include "core/diffusion/samplers/sampler.h"

namespace poseforge::samplers {

class DpmSolverSampler : public Sampler {
 public:
  // singlestep: DPMSolverSinglestepScheduler (order pattern 1,2,1,2,...; its own linspace spacing).
  DpmSolverSampler(std::string name, io::SchedulerConfig config, bool singlestep);
  void reset() override;

 protected:
  void build(int64_t steps, torch::Device device) override;
  torch::Tensor update(const torch::Tensor& model_output, int64_t call, const torch::Tensor& x,
                       NoiseSource& noise) override;

 private:
  bool singlestep_;
  bool sde_;
  int order_;
  std::vector<int> order_list_;  // singlestep: the order of each step
  torch::Tensor coefs_;          // [calls, 11], see build()
  std::vector<torch::Tensor> outputs_;  // converted model outputs, newest last (at most 2)
  torch::Tensor stored_sample_;         // singlestep: the sample at the start of a 2-call step
};

}  // namespace poseforge::samplers
