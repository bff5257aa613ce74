// ModelSet loading: text encoders, UNet (+ IP-Adapter layers), ControlNet, VAE, scheduler, image encoder.
#include "core/pipeline/model_set.h"

#include <future>
#include <optional>

#include <fmt/format.h>

#include "core/error.h"
#include "core/pipeline/cuda_info.h"

namespace poseforge::pipeline {
namespace {

// Runs `load`, prefixing any error with the component's name and path.
template <typename Fn>
auto load_part(const char* what, const std::filesystem::path& path, Fn&& load) {
  try {
    return load();
  } catch (...) {
    rethrow_with_context(fmt::format("loading {} '{}'", what, path.string()));
  }
}

// A load started on its own thread; get() returns its result or rethrows its error.
template <typename T>
struct Parallel {
  std::shared_future<T> done;
  T get() { return done.get(); }
};

template <typename Fn>
auto in_parallel(Fn&& fn) {
  using T = decltype(fn());
  return Parallel<T>{std::async(std::launch::async, std::forward<Fn>(fn)).share()};
}

}  // namespace

ModelSet ModelSet::load(const ModelPaths& paths, torch::Device device, torch::Dtype dtype,
                        torch::Device encoders_device) {
  const SdxlComponents parts = paths.sdxl_parts();
  ModelSet m;
  m.device = device;
  m.dtype = dtype;
  // The components load in parallel, each straight from its mapped file into its device tensors
  // (page faults, dtype conversion and host-to-device copies of several files overlap).
  auto text_encoder = in_parallel([&] {
    return load_part("text encoder", parts.text_encoder,
                     [&] { return text::load_clip_text_model(parts.text_encoder, encoders_device, dtype); });
  });
  auto text_encoder_2 = in_parallel([&] {
    return load_part("text encoder 2", parts.text_encoder_2,
                     [&] { return text::load_clip_text_model(parts.text_encoder_2, encoders_device, dtype); });
  });
  auto unet = in_parallel([&] { return diffusion::load_unet(parts.unet, device, dtype); });
  auto controlnet = in_parallel([&] { return diffusion::load_controlnet(paths.controlnet, device, dtype); });
  auto vae = in_parallel([&] { return diffusion::load_autoencoder_kl(parts.vae, device, dtype); });
  const bool ip = !paths.ip_adapter.empty();
  auto image_encoder = in_parallel([&] {
    return ip ? std::optional<vision::ImagePromptEncoder>(load_part(
                    "image encoder", paths.image_encoder,
                    [&] { return vision::ImagePromptEncoder::load(paths.image_encoder, encoders_device, dtype); }))
              : std::nullopt;
  });
  auto ip_adapter = in_parallel([&] {
    return ip ? std::optional<vision::IpAdapter>(
                    load_part("IP-Adapter", paths.ip_adapter,
                              [&] { return vision::load_ip_adapter(paths.ip_adapter, device, dtype); }))
              : std::nullopt;
  });
  // Every load finishes before the first error is rethrown (no thread outlives this call).
  text_encoder.done.wait(), text_encoder_2.done.wait(), unet.done.wait(), controlnet.done.wait();
  vae.done.wait(), image_encoder.done.wait(), ip_adapter.done.wait();
  // 1. text: two tokenizers + encoders
  m.text_encoder = text_encoder.get();
  m.text_encoder_2 = text_encoder_2.get();
  m.prompt_encoder.emplace(load_part("tokenizers", parts.tokenizer, [&] {
    return text::SdxlPromptEncoder(text::ClipTokenizer(parts.tokenizer), m.text_encoder,
                                   text::ClipTokenizer(parts.tokenizer_2), m.text_encoder_2);
  }));
  // 2. denoising models and the scheduler config (their loaders name the folder)
  m.unet = unet.get();
  m.controlnet = controlnet.get();
  m.vae = vae.get();
  m.vae_dtype = diffusion::vae_dtype(m.vae->config(), dtype);
  m.scheduler = load_part("scheduler config", parts.scheduler_config,
                          [&] { return io::SchedulerConfig::load(parts.scheduler_config); });
  // 3. IP-Adapter: image encoder + projection, attention layers attached to the UNet
  if (ip) {
    m.image_encoder = image_encoder.get();
    m.ip_adapter = ip_adapter.get();
    load_part("IP-Adapter", paths.ip_adapter, [&] {
      m.unet->set_ip_adapter(m.ip_adapter->attention_weights());  // checks layer count and shapes
      return 0;
    });
  }
  // 4. the TAESD-XL preview decoder (a few MB) when the models folder has one
  if (!paths.taesd.empty()) m.taesd = diffusion::load_tiny_decoder(paths.taesd, device, dtype);
  return m;
}

void ModelSet::move_encoders(torch::Device target) {
  text_encoder->to(target);
  text_encoder_2->to(target);
  if (image_encoder) {
    auto encoder = image_encoder->encoder();
    encoder->to(target);
  }
  // Off the GPU: hand the freed blocks back, or the caching allocator keeps them reserved for us.
  if (!target.is_cuda() && device.is_cuda()) release_cached_gpu_memory(device);
}

}  // namespace poseforge::pipeline
