// PipelineEngine: device choice, validation, caches of the conditioning, and one generation's run.
#include "core/pipeline/pipeline_engine.h"

#include <algorithm>
#include <random>

#include <fmt/format.h>
#include <torch/torch.h>

#include "core/diffusion/samplers/sampler.h"
#include "core/error.h"
#include "core/pipeline/cuda_info.h"
#include "core/pipeline/denoise_loop.h"
#include "core/pipeline/image_tensor.h"
#include "core/pipeline/model_files.h"
#include "core/pipeline/sampler_name.h"

namespace poseforge::pipeline {
namespace {

torch::Device choose_device(const std::string& name) {
  if (name == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  torch::Device device = torch::kCPU;
  try {
    device = torch::Device(name);
  } catch (const std::exception&) {
    throw Error("device '{}' is not valid (auto, cpu, cuda, cuda:N)", name);
  }
  if (device.is_cuda() && !torch::cuda::is_available()) throw Error("device '{}': CUDA is not available", name);
  if (!device.is_cpu() && !device.is_cuda())
    throw Error("device '{}' is not supported (auto, cpu, cuda, cuda:N)", name);
  if (device.is_cuda() && !device.has_index()) device = torch::Device(torch::kCUDA, 0);
  return device;
}

torch::Dtype choose_dtype(const std::string& name, const torch::Device& device) {
  if (name == "auto") return device.is_cuda() ? torch::kFloat16 : torch::kFloat32;
  if (name == "float32" || name == "fp32") return torch::kFloat32;
  if (name == "bfloat16" || name == "bf16") return torch::kBFloat16;
  if (name == "float16" || name == "fp16" || name == "half") {
    if (device.is_cpu()) throw Error("dtype '{}' is not supported on the CPU (use float32 or bfloat16)", name);
    return torch::kFloat16;
  }
  throw Error("dtype '{}' is not valid (auto, float32, float16, bfloat16)", name);
}

const char* dtype_name(torch::Dtype dtype) {
  switch (dtype) {
    case torch::kFloat16: return "float16";
    case torch::kBFloat16: return "bfloat16";
    default: return "float32";
  }
}

bool same_image(const io::Image& a, const io::Image& b) {
  return a.width == b.width && a.height == b.height && a.channels == b.channels && a.pixels == b.pixels;
}

}  // namespace

// Each cache holds the last entry: moving a slider re-uses it; a new prompt or image replaces it.
struct PipelineEngine::Caches {
  std::string prompt_key;
  std::optional<text::SdxlPromptEmbeddings> prompt;
  std::vector<Inputs::ImagePrompt> tokens_key;
  torch::Tensor tokens;
  io::Image control_key;
  int control_width = 0, control_height = 0;
  torch::Tensor control;
};

PipelineEngine::PipelineEngine(ModelPaths paths, EngineOptions options)
    : paths_(std::move(paths)), options_(std::move(options)), caches_(std::make_shared<Caches>()) {
  paths_.validate(/*need_ip_adapter=*/!paths_.ip_adapter.empty(), /*need_openpose=*/false);
  device_ = choose_device(options_.device);
  dtype_ = choose_dtype(options_.dtype, device_);
}

void PipelineEngine::load() {
  if (models_) return;
  const torch::Device encoders = options_.low_vram ? torch::Device(torch::kCPU) : device_;
  models_.emplace(ModelSet::load(paths_, device_, dtype_, encoders));
}

ModelSet& PipelineEngine::models() {
  load();
  return *models_;
}

std::string PipelineEngine::device_description() const {
  const std::string gpu = gpu_name(device_);
  return fmt::format("{}{}{}, {}", device_.str(), gpu.empty() ? "" : " ", gpu, dtype_name(dtype_));
}

std::vector<std::string> PipelineEngine::problems(const Request& request, const Inputs& inputs) const {
  // The engine gets the pose as a decoded control image; the request's paths are the caller's.
  Request checked = request;
  if (checked.pose_image.empty() && checked.pose_json.empty() && !inputs.control_image.empty()) {
    checked.pose_image = "(decoded control image)";
  }
  auto out = checked.problems();
  for (auto& p : sampler_problems(checked.scheduler, checked.schedule)) out.push_back(std::move(p));
  if (inputs.control_image.empty()) out.push_back("no control image: the pose image was not given to the engine");
  if (!inputs.image_prompts.empty() && paths_.ip_adapter.empty()) {
    out.push_back("image prompts were given but no IP-Adapter is configured (see models/README.md)");
  }
  try {  // the checkpoint, VAE and LoRAs exist (names looked up in the models folder)
    resolve_loras(request, with_request_models(paths_, request));
  } catch (const Error& e) {
    out.push_back(e.what());
  }
  for (std::size_t i = 0; i < inputs.image_prompts.size(); ++i) {
    if (inputs.image_prompts[i].image.empty()) out.push_back(fmt::format("image prompt {} is an empty image", i + 1));
    if (!(inputs.image_prompts[i].weight > 0.0)) {
      out.push_back(fmt::format("image prompt {} has weight {}, expected > 0", i + 1, inputs.image_prompts[i].weight));
    }
  }
  return out;
}

const text::SdxlPromptEmbeddings& PipelineEngine::prompt_embeddings(const std::string& prompt,
                                                                    const std::string& negative) {
  const std::string key = fmt::format("{}\x1f{}\x1f{}{}", prompt, negative, options_.long_prompts ? 1 : 0,
                                      options_.prompt_weighting ? 1 : 0);
  if (caches_->prompt && caches_->prompt_key == key) return *caches_->prompt;
  ModelSet& m = models();
  torch::NoGradGuard no_grad;
  if (options_.low_vram) m.move_encoders(device_);
  text::SdxlPromptOptions opts;
  opts.long_prompts = options_.long_prompts;
  opts.weighting = options_.prompt_weighting;
  auto e =
      m.prompt_encoder->encode(prompt, negative.empty() ? std::nullopt : std::optional<std::string>(negative), opts);
  if (options_.low_vram) m.move_encoders(torch::kCPU);
  for (auto* t :
       {&e.prompt_embeds, &e.pooled_prompt_embeds, &e.negative_prompt_embeds, &e.negative_pooled_prompt_embeds}) {
    *t = t->to(device_, dtype_);
  }
  caches_->prompt_key.clear();  // stays invalid if an exception interrupts the update
  caches_->prompt = std::move(e);
  caches_->prompt_key = key;
  return *caches_->prompt;
}

torch::Tensor PipelineEngine::image_tokens(const std::vector<Inputs::ImagePrompt>& prompts) {
  auto& c = *caches_;
  const bool hit = c.tokens.defined() && c.tokens_key.size() == prompts.size() &&
                   std::equal(prompts.begin(), prompts.end(), c.tokens_key.begin(), [](const auto& a, const auto& b) {
                     return a.weight == b.weight && same_image(a.image, b.image);
                   });
  if (hit) return c.tokens;
  ModelSet& m = models();
  if (!m.has_ip_adapter()) throw Error("image prompts were given but no IP-Adapter is loaded");
  torch::NoGradGuard no_grad;
  std::vector<vision::ImagePrompt> list;
  for (const auto& p : prompts) list.push_back({p.image, p.weight});
  if (options_.low_vram) m.move_encoders(device_);
  torch::Tensor tokens = m.image_encoder->image_tokens_cfg(list, *m.ip_adapter);
  if (options_.low_vram) m.move_encoders(torch::kCPU);
  c.tokens = torch::Tensor();
  c.tokens_key = prompts;
  c.tokens = tokens.to(device_, dtype_);
  return c.tokens;
}

torch::Tensor PipelineEngine::control_tensor(const io::Image& image, int width, int height) {
  auto& c = *caches_;
  if (c.control.defined() && c.control_width == width && c.control_height == height &&
      same_image(c.control_key, image)) {
    return c.control;
  }
  c.control = torch::Tensor();
  const auto t = control_image_tensor(image, width, height).to(device_, dtype_);
  c.control_key = image;
  c.control_width = width;
  c.control_height = height;
  c.control = t;
  return c.control;
}

EngineOutput PipelineEngine::run(const Request& request, const Inputs& inputs, const ProgressFn& progress,
                                 const std::atomic<bool>* cancel, bool keep_step_latents) {
  // 1. validate before any model runs
  if (auto list = problems(request, inputs); !list.empty()) {
    std::string msg = "invalid request:";
    for (const auto& p : list) msg += "\n  - " + p;
    throw Error(msg);
  }
  if (ModelPaths wanted = with_request_models(paths_, request);  // another checkpoint or VAE: reload
      wanted.checkpoint != paths_.checkpoint || wanted.vae_file != paths_.vae_file) {
    wanted.validate(!wanted.ip_adapter.empty(), false);
    models_.reset();
    *caches_ = Caches{};
    paths_ = std::move(wanted);
  }
  ModelSet& m = models();
  if (m.apply_loras(resolve_loras(request, paths_))) caches_->prompt.reset();  // text encoders changed
  const auto latent_channels = m.unet->config().in_channels;
  const auto factor = m.vae->config().downscale_factor();
  if (request.width % factor != 0 || request.height % factor != 0) {
    throw Error("invalid request: width {} / height {} must be multiples of the VAE's factor {}", request.width,
                request.height, factor);
  }
  const std::vector<std::int64_t> latent_shape = {1, latent_channels, request.height / factor, request.width / factor};
  const auto per_sample = latent_shape[1] * latent_shape[2] * latent_shape[3];
  if (!inputs.initial_latents.empty() &&
      static_cast<std::int64_t>(inputs.initial_latents.size()) != request.samples * per_sample) {
    throw Error("invalid request: initial_latents has {} values, expected samples x {} x {} x {} = {}",
                inputs.initial_latents.size(), latent_shape[1], latent_shape[2], latent_shape[3],
                request.samples * per_sample);
  }
  auto sampler = samplers::make_sampler(canonical_sampler_name(request.scheduler),
                                        samplers::parse_schedule(request.schedule), m.scheduler);

  if (device_.is_cuda()) {
    // Deterministic: fixed cuDNN algorithms (same pixels run to run). Off: cuDNN picks the fastest
    // algorithm per shape (benchmark mode), which may differ between runs.
    at::globalContext().setDeterministicCuDNN(options_.deterministic);
    at::globalContext().setBenchmarkCuDNN(!options_.deterministic);
  }
  torch::NoGradGuard no_grad;

  // 2. conditioning (cached parts) for one batch of 2 (negative, positive) or 1 without CFG
  LoopSetup setup;
  setup.cfg = request.guidance_scale > 1.0;
  const auto& text = prompt_embeddings(extract_lora_tags(request.prompt).prompt, request.negative_prompt);
  setup.cond.encoder_hidden_states =
      setup.cfg ? torch::cat({text.negative_prompt_embeds, text.prompt_embeds}) : text.prompt_embeds;
  setup.cond.text_embeds = setup.cfg ? torch::cat({text.negative_pooled_prompt_embeds, text.pooled_prompt_embeds})
                                     : text.pooled_prompt_embeds;
  const double h = request.height, w = request.width;
  const std::int64_t batch = setup.cfg ? 2 : 1;
  setup.cond.time_ids = torch::tensor({h, w, 0.0, 0.0, h, w}, torch::kFloat32).to(device_).repeat({batch, 1});
  if (!inputs.image_prompts.empty()) {
    const auto tokens = image_tokens(inputs.image_prompts);
    setup.cond.image_tokens = setup.cfg ? tokens : tokens.narrow(0, 1, 1);
    m.unet->set_ip_adapter_scale(torch::tensor(request.ip_adapter_scale, torch::kFloat32));
  }
  setup.control = control_tensor(inputs.control_image, request.width, request.height).expand({batch, -1, -1, -1});
  setup.guidance =
      torch::full({}, request.guidance_scale, torch::TensorOptions().dtype(torch::kFloat32).device(device_));
  setup.controlnet_scale = request.controlnet_scale;
  setup.control_start = request.control_start;
  setup.control_end = request.control_end;
  setup.full_preview_every = options_.full_preview_every;

  // 3. seeds and start latents, then the loop per sample
  std::int64_t seed = request.seed;
  if (seed < 0) seed = static_cast<std::int64_t>(std::random_device{}() & 0x7fffffffu);
  sampler->set_timesteps(request.steps, device_);
  EngineOutput out;
  out.sigmas = sampler->call_sigmas();
  std::vector<torch::Tensor> images;
  DenoiseLoop loop(m, *sampler, setup, progress, cancel);
  for (int s = 0; s < request.samples; ++s) {
    out.seeds.push_back(seed + s);
    samplers::GeneratorNoise noise(static_cast<std::uint64_t>(seed + s));
    torch::Tensor latents;
    if (inputs.initial_latents.empty()) {
      latents = noise.draw(torch::empty(latent_shape, torch::kFloat32));
    } else {
      latents = torch::from_blob(const_cast<float*>(inputs.initial_latents.data()) + s * per_sample, latent_shape,
                                 torch::kFloat32)
                    .clone();
    }
    latents = latents.to(device_) * sampler->init_noise_sigma();
    auto result = loop.run(latents, noise, s, request.samples, keep_step_latents);
    images.push_back(result.image);
    out.step_seconds = std::move(result.step_seconds);
    out.unet_batches = std::move(result.unet_batches);
    out.controlnet_batches = std::move(result.controlnet_batches);
    if (keep_step_latents) out.step_latents.push_back(std::move(result.step_latents));
  }
  out.images = torch::cat(images);
  return out;
}

}  // namespace poseforge::pipeline
