// PipelineEngine: device choice, validation, caches of the conditioning, and one generation's run.
#include "core/pipeline/pipeline_engine.h"

#include <algorithm>
#include <chrono>
#include <random>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include "core/diffusion/model_loading.h"
#include "core/diffusion/samplers/sampler.h"
#include "core/error.h"
#include "core/layers/attention_backend.h"
#include "core/layers/fused_ops.h"
#include "core/pipeline/cuda_info.h"
#include "core/pipeline/denoise_loop.h"
#include "core/pipeline/image_tensor.h"
#include "core/pipeline/ip_groups.h"
#include "core/pipeline/model_files.h"
#include "core/pipeline/model_parking.h"
#include "core/pipeline/sampler_name.h"
#include "core/pipeline/stage_error.h"
#include "core/pipeline/step_graph.h"
#include "core/pipeline/stream_stamp.h"
#include "core/pipeline/warm_up.h"

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

// Every mode but resident: the encoders are on the GPU for the lifetime of this object, parked in host
// memory after (also when encoding fails, so a failed run leaves the GPU as the next one expects it).
class EncodersOnDevice {
 public:
  EncodersOnDevice(ModelSet& models, bool active, torch::Device device) : models_(models), active_(active) {
    if (active_) models_.move_encoders(device);
  }
  ~EncodersOnDevice() {
    if (!active_) return;
    try {
      models_.move_encoders(torch::kCPU);
    } catch (const std::exception&) {
      // parking only fails without pinned host memory; the next run's move reports that
    }
  }
  EncodersOnDevice(const EncodersOnDevice&) = delete;
  EncodersOnDevice& operator=(const EncodersOnDevice&) = delete;

 private:
  ModelSet& models_;
  bool active_;
};

void check_preview_options(const PreviewOptions& o) {
  std::vector<std::string> bad;
  if (o.full_every < 0)
    bad.push_back(fmt::format("full preview interval {} (expected 0: none, or K >= 1 steps)", o.full_every));
  for (const auto& [name, budget] : {std::pair<const char*, double>{"full", o.full_budget}, {"step", o.step_budget}}) {
    if (!(budget >= 0.0 && budget <= 1.0))
      bad.push_back(
          fmt::format("{} preview budget {} (expected a share of the loop's time from 0 to 1)", name, budget));
  }
  if (bad.empty()) return;
  std::string msg = "invalid preview options:";
  for (const auto& b : bad) msg += "\n  - " + b;
  throw Error(msg);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

bool same_image(const io::Image& a, const io::Image& b) {
  return a.width == b.width && a.height == b.height && a.channels == b.channels && a.pixels == b.pixels;
}

}  // namespace

namespace {

// Image tokens of one set of image prompts: the images with their relative weights, and the negative.
struct TokensEntry {
  std::vector<std::pair<io::Image, double>> images;
  io::Image negative;
  torch::Tensor tokens;
};
constexpr std::size_t kTokenEntries = 8;  // image prompt groups kept (most recent first)

std::vector<std::pair<io::Image, double>> relative_weights(const std::vector<Inputs::ImagePrompt>& prompts) {
  double total = 0.0;
  for (const auto& p : prompts) total += p.weight;
  std::vector<std::pair<io::Image, double>> out;
  for (const auto& p : prompts) out.emplace_back(p.image, total > 0.0 ? p.weight / total : p.weight);
  return out;
}

}  // namespace

// Each cache holds the last entry (tokens: the last few groups): moving a slider re-uses it; a new
// prompt or image replaces it.
struct PipelineEngine::Caches {
  std::string prompt_key;
  std::optional<text::SdxlPromptEmbeddings> prompt;
  std::vector<TokensEntry> tokens;
  io::Image control_key;
  int control_width = 0, control_height = 0;
  torch::Tensor control;
  StepGraphs graphs;  // the denoising call per shape, kept for the models' lifetime
  PreviewCosts preview_costs;  // what each kind of preview and a step cost at each size (their pacing)
};

PipelineEngine::PipelineEngine(ModelPaths paths, EngineOptions options)
    : paths_(std::move(paths)), options_(std::move(options)), caches_(std::make_shared<Caches>()) {
  paths_.validate(/*need_ip_adapter=*/!paths_.ip_adapter.empty(), /*need_openpose=*/false);
  device_ = choose_device(options_.device);
  dtype_ = choose_dtype(options_.dtype, device_);
  memory_ = choose_memory_mode(options_.memory, options_.low_vram, device_.is_cuda(), gpu_total_memory(device_));
  if (options_.vae_dtype != "auto" && options_.vae_dtype != "float32")
    throw Error("VAE dtype '{}' is not valid (auto, float32)", options_.vae_dtype);
  layers::check_attention_backend(options_.attention, /*choice_needed=*/device_.is_cuda());
  check_preview_options(options_.previews);
}

void PipelineEngine::set_previews(const PreviewOptions& previews) {
  check_preview_options(previews);
  options_.previews = previews;
}

void PipelineEngine::load() {
  if (models_) return;
  const auto start = std::chrono::steady_clock::now();
  const ParkPlan plan = park_plan(memory_.mode);
  const bool channels_last = device_.is_cuda() && options_.channels_last;
  models_.emplace(run_stage(fmt::format("loading the models ({} onto {})", paths_.sdxl.string(), device_.str()),
                            [&] { return ModelSet::load(paths_, device_, dtype_, plan, channels_last); }));
  ModelSet& m = *models_;
  // SDXL's VAE asks for float32 (float16 overflows); bfloat16 has float32's range at half the memory.
  if (device_.is_cuda() && m.vae_dtype == torch::kFloat32 && dtype_ != torch::kFloat32 &&
      m.vae->config().force_upcast && options_.vae_dtype == "auto" && gpu_has_bfloat16(device_)) {
    m.vae->to(torch::kBFloat16);
    m.vae_dtype = torch::kBFloat16;
  }
  if (device_.is_cuda()) {
    layers::apply_attention_backend(options_.attention);
    spdlog::info("attention: {} ({} first)", options_.attention, layers::preferred_attention_backend());
    layers::use_fused_kernels(options_.fused_kernels);
    spdlog::info("fused GroupNorm and GEGLU kernels: {}", layers::fused_kernels_on() ? "on"
                                                           : layers::fused_kernels_built() ? "off"
                                                                                           : "not in this build");
  }
  spdlog::info("models loaded in {:.2f} s; memory mode {} ({}); VAE in {}", seconds_since(start),
               memory_mode_name(memory_.mode), memory_.reason, dtype_name(m.vae_dtype));
  if (device_.is_cuda() && options_.warm_up_side > 0) {
    const auto warm = std::chrono::steady_clock::now();
    const WarmUpRun w = warm_up_run(options_.warm_up_side, m.has_ip_adapter());
    try {
      run(w.request, w.inputs, [](const Progress&) {});  // a progress callback: the previews warm up too
      spdlog::info("warm-up at {0}x{0} in {1:.2f} s", options_.warm_up_side, seconds_since(warm));
    } catch (const std::exception& e) {  // the models are loaded: smaller runs may still fit
      spdlog::warn("warm-up at {0}x{0} failed ({1}); the first generation will take longer", options_.warm_up_side,
                   e.what());
    }
  }
}

StepGraphs* PipelineEngine::graphs() {
  // Low and minimal memory move the ControlNet's weights: a graph would replay their old addresses.
  return options_.cuda_graphs && !park_plan(memory_.mode).controlnet && StepGraphs::supported(device_)
             ? &caches_->graphs
             : nullptr;
}

ModelSet& PipelineEngine::models() {
  load();
  return *models_;
}

std::string PipelineEngine::device_description() const {
  const std::string gpu = gpu_name(device_);
  // The memory mode only where models can move (on the CPU every mode is resident).
  const std::string memory = device_.is_cuda() ? fmt::format(", memory {}", memory_mode_name(memory_.mode)) : "";
  return fmt::format("{}{}{}, {}{}", device_.str(), gpu.empty() ? "" : " ", gpu, dtype_name(dtype_), memory);
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
  if (!inputs.negative_image_prompt.empty() && inputs.image_prompts.empty()) {
    out.push_back("a negative image prompt was given without any image prompt");
  }
  try {  // the checkpoint, VAE and LoRAs exist (names looked up in the models folder)
    resolve_loras(request, with_request_models(paths_, request));
  } catch (const Error& e) {
    out.push_back(e.what());
  }
  for (std::size_t i = 0; i < inputs.image_prompts.size(); ++i) {
    const auto& p = inputs.image_prompts[i];
    if (p.image.empty()) out.push_back(fmt::format("image prompt {} is an empty image", i + 1));
    if (!(p.weight > 0.0)) out.push_back(fmt::format("image prompt {} has weight {}, expected > 0", i + 1, p.weight));
    if (!(p.composition_weight >= 0.0)) {
      out.push_back(
          fmt::format("image prompt {} has composition weight {}, expected >= 0", i + 1, p.composition_weight));
    }
    if (!(p.start >= 0.0 && p.start < p.end && p.end <= 1.0)) {
      out.push_back(
          fmt::format("image prompt {}: start {} / end {}: expected 0 <= start < end <= 1", i + 1, p.start, p.end));
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
  text::SdxlPromptOptions opts;
  opts.long_prompts = options_.long_prompts;
  opts.weighting = options_.prompt_weighting;
  const auto parts = paths_.sdxl_parts();
  auto e = run_model_stage(fmt::format("encoding the prompt (text encoders '{}', '{}')", parts.text_encoder.string(),
                                       parts.text_encoder_2.string()),
                           [&] {
                             const EncodersOnDevice on_device(m, park_plan(memory_.mode).encoders, device_);
                             auto out = m.prompt_encoder->encode(
                                 prompt, negative.empty() ? std::nullopt : std::optional<std::string>(negative), opts);
                             for (auto* t : {&out.prompt_embeds, &out.pooled_prompt_embeds, &out.negative_prompt_embeds,
                                             &out.negative_pooled_prompt_embeds}) {
                               *t = t->to(device_, dtype_);
                             }
                             return out;
                           });
  caches_->prompt_key.clear();  // stays invalid if an exception interrupts the update
  caches_->prompt = std::move(e);
  caches_->prompt_key = key;
  return *caches_->prompt;
}

torch::Tensor PipelineEngine::image_tokens(const std::vector<Inputs::ImagePrompt>& prompts, const io::Image& negative) {
  auto& entries = caches_->tokens;
  const auto key = relative_weights(prompts);
  const auto hit = std::find_if(entries.begin(), entries.end(), [&](const TokensEntry& e) {
    return same_image(e.negative, negative) && e.images.size() == key.size() &&
           std::equal(key.begin(), key.end(), e.images.begin(), [](const auto& a, const auto& b) {
             return a.second == b.second && same_image(a.first, b.first);
           });
  });
  if (hit != entries.end()) {
    std::rotate(entries.begin(), hit, hit + 1);  // most recent first
    return entries.front().tokens;
  }
  ModelSet& m = models();
  if (!m.has_ip_adapter()) throw Error("image prompts were given but no IP-Adapter is loaded");
  torch::NoGradGuard no_grad;
  std::vector<vision::ImagePrompt> list;
  for (const auto& p : prompts) list.push_back({p.image, p.weight});
  torch::Tensor tokens = run_model_stage(
      fmt::format("encoding the image prompts (image encoder '{}', IP-Adapter '{}')", paths_.image_encoder.string(),
                  paths_.ip_adapter.string()),
      [&] {
        const EncodersOnDevice on_device(m, park_plan(memory_.mode).encoders, device_);
        return m.image_encoder->image_tokens_cfg(list, *m.ip_adapter, negative.empty() ? nullptr : &negative)
            .to(device_, dtype_);
      });
  entries.insert(entries.begin(), TokensEntry{key, negative, tokens});
  if (entries.size() > kTokenEntries) entries.pop_back();
  return entries.front().tokens;
}

torch::Tensor PipelineEngine::control_tensor(const io::Image& image, int width, int height) {
  auto& c = *caches_;
  if (c.control.defined() && c.control_width == width && c.control_height == height &&
      same_image(c.control_key, image)) {
    return c.control;
  }
  c.control = torch::Tensor();
  const auto t = run_stage("preparing the control image",
                           [&] { return control_image_tensor(image, width, height).to(device_, dtype_); });
  c.control_key = image;
  c.control_width = width;
  c.control_height = height;
  c.control = t;
  return c.control;
}

EngineOutput PipelineEngine::run(const Request& request, const Inputs& inputs, const ProgressFn& progress,
                                 const std::atomic<bool>* cancel, bool keep_step_latents) {
  try {
    return run_stages(request, inputs, progress, cancel, keep_step_latents);
  } catch (...) {
    // What a failed run allocated goes back to the driver, so the next run (or low-VRAM mode) has room.
    if (device_.is_cuda()) release_cached_gpu_memory(device_);
    rethrow_as_stage_error("generating");
  }
}

EngineOutput PipelineEngine::run_stages(const Request& request, const Inputs& inputs, const ProgressFn& progress,
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
    caches_ = std::make_shared<Caches>();  // and the step graphs of the old weights
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
  // image prompts: groups by type/start/end/mask, each with its cached tokens (the loop sets the
  // per-call scales); the layers' own scale is the IP-Adapter scale
  std::optional<IpLoopConditioning> ip;
  sampler->set_timesteps(request.steps, device_);
  if (!inputs.image_prompts.empty()) {
    auto tokens = [&](const std::vector<Inputs::ImagePrompt>& members) {
      return image_tokens(members, inputs.negative_image_prompt);
    };
    ip.emplace(inputs.image_prompts, tokens, m.unet, sampler->num_calls(), setup.cfg, latent_shape[2], latent_shape[3],
               request.width, request.height, device_, dtype_);
    setup.cond.ip_groups = ip->groups();
    setup.ip = &*ip;
    m.unet->set_ip_adapter_scale(torch::tensor(request.ip_adapter_scale, torch::kFloat32));
  }
  setup.control = control_tensor(inputs.control_image, request.width, request.height).expand({batch, -1, -1, -1});
  setup.guidance =
      torch::full({}, request.guidance_scale, torch::TensorOptions().dtype(torch::kFloat32).device(device_));
  setup.controlnet_scale = request.controlnet_scale;
  setup.control_start = request.control_start;
  setup.control_end = request.control_end;
  setup.graphs = graphs();
  setup.previews = options_.previews;
  setup.preview_costs = &caches_->preview_costs;
  // Low memory: the ControlNet is on the GPU for the denoising only (parked before the decode); minimal:
  // ControlNet and UNet take turns on the GPU, and both leave before the decode.
  const ParkPlan parked = park_plan(memory_.mode);
  const bool park_controlnet = parked.controlnet && !parked.unet;
  setup.tiled_decode = parked.controlnet && device_.is_cuda();
  if (options_.previews.own_stream) {
    // Step previews (TAESD-XL, linear) need little memory: beside the loop in every mode. A full decode's
    // activations (about 2.5 GiB at 1024x1024 in bfloat16) stay cached for that stream apart from the loop's
    // and the final decode's: only where memory is plentiful (resident); elsewhere between the steps.
    setup.step_preview_stream = preview_stream(device_);
    if (memory_.mode == MemoryMode::Resident) setup.full_preview_stream = setup.step_preview_stream;
  }
  const ParkDenoisersOnExit denoisers_parked_after(m, parked.controlnet, parked.unet);
  const ModelSwap swap = one_model_at_a_time(m);
  if (parked.unet) setup.swap = &swap;
  const auto memory_note = [this](const char* stage) {
    if (options_.log_memory && device_.is_cuda()) spdlog::info("GPU memory, {}: {}", stage, gpu_memory_phase(device_));
  };
  memory_note("conditioning (prompt, image prompts, control image)");
  setup.after_denoising = [&m, &memory_note, parked] {
    memory_note("denoising");
    if (parked.controlnet) m.move_controlnet(torch::kCPU);
    if (parked.unet) m.move_unet(torch::kCPU);
  };

  // 3. seeds and start latents, then the loop per sample
  std::int64_t seed = request.seed;
  if (seed < 0) seed = static_cast<std::int64_t>(std::random_device{}() & 0x7fffffffu);
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
    if (park_controlnet) m.move_controlnet(device_);  // for this sample's denoising only
    auto result = run_model_stage(
        fmt::format("denoising and decoding sample {} (UNet '{}', ControlNet '{}', VAE '{}')", s + 1,
                    paths_.sdxl_parts().unet.string(), paths_.controlnet.string(), paths_.sdxl_parts().vae.string()),
        [&] { return loop.run(latents, noise, s, request.samples, keep_step_latents); });
    memory_note("VAE decode");
    images.push_back(result.image);
    for (auto& note : result.notes) out.notes.push_back(std::move(note));
    out.step_seconds = std::move(result.step_seconds);
    out.unet_batches = std::move(result.unet_batches);
    out.controlnet_batches = std::move(result.controlnet_batches);
    if (keep_step_latents) out.step_latents.push_back(std::move(result.step_latents));
  }
  out.images = torch::cat(images);
  return out;
}

}  // namespace poseforge::pipeline
