// poseforge-bench: times UNet (+ ControlNet) forwards at a latent size with CFG batch 2, and checks the
// fixture models in float16 on CUDA against float32 on the CPU.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <torch/torch.h>

#include "bench/cuda_memory.h"
#include "bench/pipeline_bench.h"
#include "bench/profile_trace.h"
#include "bench/sdxl_configs.h"
#include "core/checkpoints/sdxl_base_configs.h"
#include "core/diffusion/autoencoder_kl.h"
#include "core/diffusion/controlnet.h"
#include "core/diffusion/layers.h"
#include "core/diffusion/model_loading.h"
#include "core/diffusion/unet_2d_condition.h"
#include "core/error.h"
#include "core/io/json_config.h"
#include "core/io/safetensors.h"
#include "core/layers/attention_backend.h"
#include "core/layers/fused_ops.h"
#include "core/pipeline/cuda_info.h"

#if defined(POSEFORGE_BENCH_CUDA)
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace fs = std::filesystem;
using namespace poseforge;
using namespace poseforge::diffusion;
using poseforge::bench::memory_report;
using poseforge::bench::reset_peak_memory;
using poseforge::bench::synchronize;

namespace {

const char* const kUsage = R"(usage:
  poseforge-bench speed  [--unet sdxl|DIR] [--controlnet none|sdxl|DIR] [--latent 128] [--batch 2]
                         [--steps 10] [--warmup 3] [--dtype fp16|bf16|fp32] [--device cuda|cpu]
                         [--ip-tokens 0] [--graph] [--channels-last] [--no-fused] [--cudnn deterministic|fast]
                         [--attention auto|flash|efficient|cudnn|math[,...]] [--profile TRACE.json]
      Builds the UNet (and ControlNet) from SDXL's config with random weights ("sdxl") or loads a
      diffusers folder, runs --steps forwards of [batch, 4, latent, latent] and prints the time per
      step and the peak CUDA memory. --graph captures one step as a CUDA graph and replays it;
      --channels-last stores conv weights and inputs channels-last (NHWC); --no-fused runs libtorch's
      GroupNorm, SiLU and GELU instead of our fused kernels (layers/fused_ops.h). --cudnn fast lets cuDNN
      pick the fastest algorithms (benchmark mode); the default is the app's deterministic setting.
      --attention times each listed kernel in turn on the same models; --profile writes a Kineto trace
      of up to 3 eager steps first (bench/trace_summary.py sums its GPU kernels by kind).
  poseforge-bench parity [--fixtures DIR] [--dtype fp16|bf16] [--device cuda|cpu]
      Runs the fixture UNet, ControlNet and VAE in --dtype on --device and in float32 on the CPU
      and prints max|a-b| / max|b| per output (and float32 vs the reference tensors).
  poseforge-bench pipeline (--models DIR | --make-demo DIR) [--size 1024] [--steps 20] [--dtype fp16|bf16|fp32]
                         [--device cuda|cpu] [--scheduler "DPM++ 2M Karras"] [--ip 0|1] [--guidance 6]
                         [--low-vram] [--full-preview-every 0] [--cudnn deterministic|fast]
                         [--runs 2] [--new-prompt] [--controlnet-scale 0.8] [--ip-scale 0.6]
                         [--no-graph] [--no-warm-up] [--no-taesd] [--memory auto|resident|balanced|low]
                         [--vae-dtype auto|float32] [--memory-phases] [--no-channels-last] [--no-fused]
                         [--lora FILE[:W][,FILE[:W]...]] [--attention auto|flash|efficient|cudnn|math]
                         [--full-preview-budget 0.08] [--step-preview-budget 0.02] [--preview-stream own|main]
                         [--preview-cost PAIRS] [--slider-runs N]
      Runs pipeline::Pipeline end to end (text encoders, ControlNet + UNet with CFG, sampler, VAE decode,
      async previews) on a model folder (ModelPaths::discover layout; --make-demo writes the tiny demo
      engine models there first) with a synthetic pose image and, with --ip 1, one synthetic image
      prompt. Prints the load time, each of --runs runs, seconds per step and the peak CUDA memory.
      --new-prompt gives every run its own prompt (and image prompt) so no run re-uses the caches.
      --no-graph runs the denoising calls eagerly (default on CUDA: replayed as CUDA graphs);
      --no-warm-up skips the load-time warm-up (default: every model once at --size); --no-taesd
      keeps the linear previews when the models folder has a TAESD-XL decoder. --memory and --vae-dtype:
      EngineOptions::memory / vae_dtype; --memory-phases logs the GPU memory peak of each stage (the
      final peak line is then the last stage's); --lora merges LoRAs (paths or names in loras/);
      --no-channels-last / --no-fused: EngineOptions::channels_last / fused_kernels off. Each run prints its previews (how many, how many full
      VAE decodes) and the time from its start to the first. Previews: EngineOptions::previews
      (--full-preview-every K, --no-taesd, the budgets: the most of the loop's time each kind may take, 0:
      as asked whatever they cost; --preview-stream main: between the steps instead of on their own
      stream). --preview-cost PAIRS then times PAIRS runs with previews against runs without (no progress
      callback) on the cached conditioning: the previews' cost a step. --slider-runs N then makes N runs,
      each after moving the ControlNet scale (every other one the IP-Adapter scale with --ip 1), and prints
      each run's time from its start to its first preview.
)";

struct Args {
  std::string mode;
  std::map<std::string, std::string> options;
  std::string get(const std::string& key, const std::string& fallback) const {
    auto it = options.find(key);
    return it == options.end() ? fallback : it->second;
  }
  std::int64_t get_int(const std::string& key, std::int64_t fallback) const {
    auto it = options.find(key);
    return it == options.end() ? fallback : std::stoll(it->second);
  }
  bool flag(const std::string& key) const { return options.count(key) != 0; }
};

Args parse(int argc, char** argv) {
  if (argc < 2) throw Error(std::string(kUsage));
  Args a;
  a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string key = argv[i];
    if (key.rfind("--", 0) != 0) throw Error("unexpected argument '{}'\n{}", key, kUsage);
    key = key.substr(2);
    if (key == "graph" || key == "channels-last" || key == "low-vram" || key == "new-prompt" || key == "no-graph" ||
        key == "no-warm-up" || key == "no-taesd" || key == "memory-phases" || key == "no-channels-last" ||
        key == "no-fused") {
      a.options[key] = "1";
    } else if (i + 1 < argc) {
      a.options[key] = argv[++i];
    } else {
      throw Error("option --{} needs a value", key);
    }
  }
  return a;
}

torch::Dtype parse_dtype(const std::string& s) {
  if (s == "fp16" || s == "float16") return torch::kFloat16;
  if (s == "bf16" || s == "bfloat16") return torch::kBFloat16;
  if (s == "fp32" || s == "float32") return torch::kFloat32;
  throw Error("unknown dtype '{}' (fp16, bf16, fp32)", s);
}

torch::Device parse_device(const std::string& s) {
  if (s == "cuda" && !torch::cuda::is_available()) throw Error("--device cuda: CUDA is not available");
  return torch::Device(s);
}

double count_parameters(torch::nn::Module& m) {
  double n = 0;
  for (const auto& p : m.parameters()) n += static_cast<double>(p.numel());
  return n;
}

UNet2DConditionModel make_unet(const std::string& spec, torch::Device device, torch::Dtype dtype) {
  if (spec != "sdxl") return load_unet(spec, device, dtype);
  UNet2DConditionModel unet(
      UNetConfig::from_json(checkpoints::sdxl_base_config("unet")));
  materialize(*unet, device, dtype);
  init_random(*unet);  // on the device: seconds for 2.6 B parameters on a GPU
  unet->eval();
  return unet;
}

std::optional<ControlNetModel> make_controlnet(const std::string& spec, torch::Device device, torch::Dtype dtype) {
  if (spec == "none") return std::nullopt;
  if (spec != "sdxl") return load_controlnet(spec, device, dtype);
  ControlNetModel cn(ControlNetConfig::from_json(io::JsonConfig(bench::sdxl_controlnet_config(), "sdxl controlnet")));
  materialize(*cn, device, dtype);
  init_random(*cn);
  cn->eval();
  return cn;
}

int run_speed(const Args& args) {
  torch::NoGradGuard no_grad;
  const auto device = parse_device(args.get("device", torch::cuda::is_available() ? "cuda" : "cpu"));
  const auto dtype = parse_dtype(args.get("dtype", device.is_cuda() ? "fp16" : "fp32"));
  if (args.flag("graph") && !device.is_cuda()) throw Error("--graph needs --device cuda");
  const auto latent = args.get_int("latent", 128), batch = args.get_int("batch", 2);
  const auto steps = args.get_int("steps", 10), warmup = args.get_int("warmup", 3);
  const auto ip_tokens = args.get_int("ip-tokens", 0);
  if (steps < 1 || warmup < 0 || latent < 1 || batch < 1) throw Error("--steps, --latent and --batch must be >= 1");

  auto t0 = std::chrono::steady_clock::now();
  auto unet = make_unet(args.get("unet", "sdxl"), device, dtype);
  auto controlnet = make_controlnet(args.get("controlnet", "none"), device, dtype);
  synchronize(device);
  const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto& c = unet->config();
  fmt::print("UNet: {:.3f} B parameters", count_parameters(*unet) / 1e9);
  if (controlnet) fmt::print(", ControlNet: {:.3f} B", count_parameters(**controlnet) / 1e9);
  fmt::print(" ({}, {}; built in {:.1f} s)\n", device.str(), c10::toString(dtype), build_s);

  layers::use_fused_kernels(!args.flag("no-fused"));
  fmt::print("fused kernels: {}\n", layers::fused_kernels_on() ? "on" : "off");
  if (args.flag("channels-last")) {
    use_channels_last(*unet);
    if (controlnet) use_channels_last(**controlnet);
  }

  // Inputs: fixed shapes, on the device.
  const auto opts = torch::TensorOptions().device(device).dtype(dtype);
  const auto memory_format =
      args.flag("channels-last") ? torch::MemoryFormat::ChannelsLast : torch::MemoryFormat::Contiguous;
  const auto sample = torch::randn({batch, c.in_channels, latent, latent}, opts).contiguous(memory_format);
  UNetConditioning cond;
  cond.timestep = torch::full({batch}, 999.0, opts.dtype(torch::kFloat32));
  cond.encoder_hidden_states = torch::randn({batch, 77, c.cross_attention_dim[0]}, opts);
  if (c.has_text_time()) {
    cond.text_embeds =
        torch::randn({batch, c.projection_class_embeddings_input_dim - 6 * c.addition_time_embed_dim}, opts);
    const double px = static_cast<double>(latent * 8);
    cond.time_ids = torch::tensor({px, px, 0.0, 0.0, px, px}, opts.dtype(torch::kFloat32)).repeat({batch, 1});
  }
  if (ip_tokens > 0) {
    std::vector<std::pair<torch::Tensor, torch::Tensor>> layers;
    for (const auto& [name, layer] : unet->cross_attention_layers()) {
      const auto inner = layer->named_parameters()["to_k.weight"].size(0);
      layers.emplace_back(torch::randn({inner, c.cross_attention_dim[0]}, opts) * 0.02,
                          torch::randn({inner, c.cross_attention_dim[0]}, opts) * 0.02);
    }
    unet->set_ip_adapter(layers);
    cond.image_tokens = torch::randn({batch, ip_tokens, c.cross_attention_dim[0]}, opts);
  }
  const auto image = torch::rand({batch, 3, latent * 8, latent * 8}, opts).contiguous(memory_format);
  const auto scale = torch::ones({1}, opts);

  torch::Tensor out;
  auto step = [&] {
    if (controlnet) {
      auto residuals = (*controlnet)->forward(sample, cond, image, scale);
      out = unet->forward(sample, cond, &residuals);
    } else {
      out = unet->forward(sample, cond);
    }
  };
  for (std::int64_t i = 0; i < warmup; ++i) step();
  synchronize(device);
  reset_peak_memory(device);
  if (args.flag("profile")) {  // the eager steps' kernels (a graph replay hides them from the profiler)
    const auto path = args.get("profile", "");
    bench::profile_to_file(
        [&] {
          for (std::int64_t i = 0; i < std::min<std::int64_t>(steps, 3); ++i) step();
          synchronize(device);
        },
        path);
    fmt::print("profiled {} eager steps into {}\n", std::min<std::int64_t>(steps, 3), path);
  }

  // --attention a,b,...: each kernel in turn on the same models (a graph captured again for each).
  for (const auto& kernel : bench::comma_list(args.get("attention", "auto"))) {
    layers::apply_attention_backend(kernel);
    for (std::int64_t i = 0; i < warmup; ++i) step();
    std::function<void()> timed = step;
#if defined(POSEFORGE_BENCH_CUDA)
    std::unique_ptr<at::cuda::CUDAGraph> graph;
    if (args.flag("graph")) {
      graph = std::make_unique<at::cuda::CUDAGraph>();
      {
        auto stream = c10::cuda::getStreamFromPool();
        c10::cuda::CUDAStreamGuard guard(stream);
        step();  // warm up on the capture stream (per-stream library workspaces), as PyTorch advises
        stream.synchronize();
        graph->capture_begin();
        step();
        graph->capture_end();
      }
      synchronize(device);
      timed = [&] { graph->replay(); };
    }
#else
    if (args.flag("graph")) throw Error("--graph needs a CUDA libtorch");
#endif
    synchronize(device);
    auto start = std::chrono::steady_clock::now();
    for (std::int64_t i = 0; i < steps; ++i) timed();
    synchronize(device);
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fmt::print("latent {}x{} (image {}x{}), batch {}, {} steps, attention {} ({} first): {:.4f} s per step{}\n",
               latent, latent, latent * 8, latent * 8, batch, steps, kernel, layers::preferred_attention_backend(),
               total / steps, args.flag("graph") ? " (graph replay)" : " (eager)");
  }
  fmt::print("{}\n", memory_report(device));
  fmt::print("output {} finite: {}\n", io::format_shape(out.sizes()), torch::isfinite(out).all().item<bool>());
  return 0;
}

// --- parity -------------------------------------------------------------------------------------

fs::path fixtures_root(const Args& args) {
  if (args.flag("fixtures")) return args.get("fixtures", "");
  if (const char* env = std::getenv("POSEFORGE_FIXTURES")) return env;
  for (fs::path p : {fs::path("shared/fixtures"), fs::path("../shared/fixtures"),
                     fs::path(POSEFORGE_SOURCE_DIR) / "../shared/fixtures"}) {
    if (fs::is_directory(p)) return p;
  }
  throw Error("no fixtures folder: pass --fixtures DIR or set POSEFORGE_FIXTURES");
}

double relative_error(const torch::Tensor& a, const torch::Tensor& b) {
  auto x = a.to(torch::kCPU, torch::kFloat64), y = b.to(torch::kCPU, torch::kFloat64);
  const double ref = y.abs().max().item<double>();
  const double diff = (x - y).abs().max().item<double>();
  return ref > 0 ? diff / ref : diff;
}

void report(const std::string& name, const torch::Tensor& low, const torch::Tensor& f32,
            const torch::Tensor& expected) {
  fmt::print("  {:<28} {:>12.3e} {:>14.3e}\n", name, relative_error(low, f32), relative_error(f32, expected));
}

int run_parity(const Args& args) {
  torch::NoGradGuard no_grad;
  const auto device = parse_device(args.get("device", torch::cuda::is_available() ? "cuda" : "cpu"));
  const auto dtype = parse_dtype(args.get("dtype", "fp16"));
  const auto root = fixtures_root(args);
  fmt::print("fixtures {}; {} {} vs CPU float32 (max|a-b| / max|b|)\n", root.string(), device.str(),
             c10::toString(dtype));
  fmt::print("  {:<28} {:>12} {:>14}\n", "output", "low vs f32", "f32 vs ref");

  const auto e = io::SafetensorsFile(root / "unet/expected.safetensors").tensors();
  auto inputs = [&](torch::Device d) {
    UNetConditioning c;
    c.timestep = e.at("timestep").to(d);
    c.encoder_hidden_states = e.at("encoder_hidden_states").to(d);
    c.text_embeds = e.at("text_embeds").to(d);
    c.time_ids = e.at("time_ids").to(d);
    return c;
  };
  struct Run {
    torch::Tensor out, out_cn, out_t500;
    ControlNetResiduals residuals;
  };
  auto run = [&](torch::Device d, torch::Dtype t) {
    auto unet = load_unet(root / "unet/unet", d, t);
    auto cn = load_controlnet(root / "unet/controlnet", d, t);
    const auto sample = e.at("sample").to(d);
    auto cond = inputs(d);
    Run r;
    r.out = unet->forward(sample, cond);
    r.residuals = cn->forward(sample, cond, e.at("controlnet_cond").to(d), e.at("conditioning_scale").to(d));
    r.out_cn = unet->forward(sample, cond, &r.residuals);
    cond.timestep = torch::full({}, 500.0, torch::TensorOptions().device(d));
    r.out_t500 = unet->forward(sample, cond);
    return r;
  };
  const auto low = run(device, dtype);
  const auto f32 = run(torch::kCPU, torch::kFloat32);
  report("unet_out", low.out, f32.out, e.at("unet_out"));
  report("unet_out_t500", low.out_t500, f32.out_t500, e.at("unet_out_t500"));
  report("unet_out_with_controlnet", low.out_cn, f32.out_cn, e.at("unet_out_with_controlnet"));
  for (std::size_t i = 0; i < f32.residuals.down.size(); ++i) {
    const auto name = fmt::format("controlnet_down_{}", i);
    report(name, low.residuals.down[i], f32.residuals.down[i], e.at(name));
  }
  report("controlnet_mid", low.residuals.mid, f32.residuals.mid, e.at("controlnet_mid"));

  const auto v = io::SafetensorsFile(root / "vae/expected.safetensors").tensors();
  auto vae_f32 = load_autoencoder_kl(root / "vae/vae", torch::kCPU, torch::kFloat32);
  // The raw dtype, and the one force_upcast picks (what the pipeline runs) when it differs.
  std::vector<torch::Dtype> vae_types{dtype};
  if (vae_dtype(vae_f32->config(), dtype) != dtype) vae_types.push_back(vae_dtype(vae_f32->config(), dtype));
  for (const auto vae_type : vae_types) {
    auto vae_low = load_autoencoder_kl(root / "vae/vae", device, torch::kFloat32);
    vae_low->to(vae_type);
    const auto tag = std::string(" (") + c10::toString(vae_type) + ")";
    report("decoded" + tag, vae_low->decode(v.at("latents").to(device)), vae_f32->decode(v.at("latents")),
           v.at("decoded"));
    const auto pl = vae_low->encode(v.at("image").to(device)), pf = vae_f32->encode(v.at("image"));
    report("posterior_mean" + tag, pl.mean, pf.mean, v.at("posterior_mean"));
    report("posterior_logvar" + tag, pl.logvar, pf.logvar, v.at("posterior_logvar"));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const auto args = parse(argc, argv);
    const std::string cudnn = args.get("cudnn", "deterministic");
    if (cudnn != "deterministic" && cudnn != "fast") throw Error("--cudnn must be deterministic or fast, not '{}'", cudnn);
    at::globalContext().setDeterministicCuDNN(cudnn == "deterministic");
    at::globalContext().setBenchmarkCuDNN(cudnn == "fast");
    if (args.mode == "speed") return run_speed(args);
    if (args.mode == "parity") return run_parity(args);
    if (args.mode == "pipeline") return bench::run_pipeline_bench(args.options);
    std::cerr << kUsage;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "poseforge-bench: " << e.what() << "\n";
    return 1;
  }
}
