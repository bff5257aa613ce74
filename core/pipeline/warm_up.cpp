// warm_up: one pass of every model on dummy inputs with the shapes of a side x side CFG request.
#include "core/pipeline/warm_up.h"

#include <torch/torch.h>

#include "core/pipeline/image_tensor.h"
#include "core/pipeline/model_parking.h"
#include "core/pipeline/step_graph.h"

namespace poseforge::pipeline {

void warm_up(ModelSet& m, StepGraphs* graphs, int side, MemoryMode mode) {
  const ParkPlan parked = park_plan(mode);
  const bool park_encoders = parked.encoders;
  const bool tiled_decode = parked.controlnet;  // low and minimal
  torch::NoGradGuard no_grad;
  const auto device = m.device;
  const auto f32 = torch::TensorOptions().dtype(torch::kFloat32).device(device);
  if (park_encoders) m.move_encoders(device);
  // 1. encoders, with the shapes a short prompt and one image prompt give (as PipelineEngine::run)
  auto text = m.prompt_encoder->encode("a photo", std::string("blurry"), {});
  torch::Tensor tokens;
  if (m.has_ip_adapter()) {
    io::Image image;
    image.width = image.height = 64;
    image.channels = 3;
    image.pixels.assign(64 * 64 * 3, 128);
    tokens = m.image_encoder->image_tokens_cfg({{image, 1.0}}, *m.ip_adapter).to(device, m.dtype);
  }
  if (park_encoders) m.move_encoders(torch::kCPU);
  // 2. one CFG call with the ControlNet acting (graph capture when graphs are given)
  const auto& c = m.unet->config();
  const std::int64_t h = side / 8, w = side / 8;
  CallInputs call;
  call.input = torch::randn({2, c.in_channels, h, w}, f32).to(m.dtype);
  call.cond.timestep = torch::full({}, 999.0, f32);
  call.cond.encoder_hidden_states = torch::cat({text.negative_prompt_embeds, text.prompt_embeds}).to(device, m.dtype);
  call.cond.text_embeds =
      torch::cat({text.negative_pooled_prompt_embeds, text.pooled_prompt_embeds}).to(device, m.dtype);
  const double s = side;
  call.cond.time_ids = torch::tensor({s, s, 0.0, 0.0, s, s}, torch::kFloat32).to(device).repeat({2, 1});
  call.cond.image_tokens = tokens;
  call.control = torch::zeros({1, 3, side, side}, f32).to(m.dtype).expand({2, -1, -1, -1});
  call.control_scale = torch::ones({}, f32);
  call.guidance = torch::full({}, 7.5, f32);
  torch::Tensor eps;
  if (parked.unet) {  // minimal: one model at a time, parked after
    const ParkDenoisersOnExit park_after(m, true, true);
    const ModelSwap swap = one_model_at_a_time(m);
    eps = denoise_call(m.unet, m.controlnet, call, &swap);
  } else if (parked.controlnet) {  // low: the ControlNet visits for the call
    m.move_controlnet(device);
    eps = denoise_call(m.unet, m.controlnet, call);
    m.move_controlnet(torch::kCPU);
  } else {
    eps = graphs ? graphs->run(m.unet, m.controlnet, call) : denoise_call(m.unet, m.controlnet, call);
  }
  // 3. the VAE decode of one latent and the cheap preview
  const auto latents = eps.narrow(0, 0, 1).contiguous();
  const auto z = m.vae->unscale_latents(latents.to(m.vae_dtype));
  decoded_to_unit_hwc_on_device(tiled_decode ? m.vae->decode_tiled(z) : m.vae->decode(z));
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

}  // namespace poseforge::pipeline
