// Pipeline: the engine boundary the CLI and the UI call: loads the models of a ModelPaths once,
// then generates pictures from a Request plus decoded inputs, reporting progress, cancellable.
// Engine-only (libtorch): no file decoding, no OpenCV; callers decode images and draw the pose.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/io/image.h"
#include "core/pipeline/model_paths.h"
#include "core/pipeline/request.h"
#include "core/pose/pose.h"

namespace poseforge::pipeline {

// The live previews: which, how often, and how much of the loop's time they may take.
struct PreviewOptions {
  // K > 0: a VAE decode of the latents as the preview every K steps at most (none at the last step: the
  // final picture follows it at once); the other steps get the step preview. 0: step previews only.
  int full_every = 0;
  bool taesd = true;  // step previews by the TAESD-XL decoder when the models have one (else the linear one)
  // The most of the denoising loop's time each kind may take: a kind whose measured cost (its time against a
  // step's, kept per size between runs) would take more is made less often than asked (full previews every
  // n >= K steps, step previews every n >= 1), never more often. 0: as asked, whatever it costs. A full
  // 1024x1024 VAE decode is about one step's time on a GPU, so 0.08 keeps it under the 10% the product
  // promises; the step previews are meant to cost nothing visible (2%). preview_pacer.h.
  double full_budget = 0.08;
  // Step previews are as asked by default: on the H200 their measured cost came out 17-73 ms for the
  // linear preview (the timing waits behind the queued steps), which paced them to 1-2 a run.
  double step_budget = 0.0;
  // CUDA: previews on a stream of their own, queued after the step's latents and running beside the
  // next steps, so a decode never holds the denoising up (full ones only with resident memory, where their
  // decode's memory can be cached beside the loop's). Off: on the loop's stream, between two steps.
  bool own_stream = true;
};

struct EngineOptions {
  std::string device = "auto";  // "auto" (CUDA when available, else CPU), "cpu", "cuda", "cuda:N"
  std::string dtype = "auto";   // "auto" (float16 on CUDA, float32 on CPU), "float32", "float16", "bfloat16"
  bool deterministic = true;    // same request + seed => same pixels on the same device (cuDNN deterministic)
  bool low_vram = false;        // memory "low" (kept for the settings and --low-vram)
  // GPU memory use: "resident" (every model stays on the GPU: fastest), "balanced" (the text and image
  // encoders wait in pinned host memory between encodes: about 2.7 GiB less for SDXL + IP-Adapter),
  // "low" (balanced, and the ControlNet off the GPU between runs, no CUDA graphs, the VAE decoded in
  // tiles), "minimal" (low, and only the running model of ControlNet and UNet on the GPU: each call
  // uploads them in turn), "auto" (resident on GPUs of 20 GiB or more, balanced from 14 GiB, low from
  // 11 GiB, else minimal). memory_mode.h.
  std::string memory = "auto";
  // The VAE where its config asks for float32 (force_upcast, SDXL's): "auto" runs it in bfloat16 on
  // GPUs that have it (half float32's memory and time; a NaN picture is still decoded again in float32),
  // "float32" as the config asks.
  std::string vae_dtype = "auto";
  // CUDA: the attention kernel scaled_dot_product_attention prefers (layers/attention_backend.h): "auto",
  // "flash", "efficient", "cudnn", "math". Process-wide: the last engine loaded decides.
  std::string attention = "auto";
  // CUDA: the UNet and ControlNet run in NHWC, cuDNN's own layout for float16 (their convolution weights
  // stored so, and the GroupNorm kernel keeps it: layers/fused_ops.h); off, cuDNN transposes around
  // every convolution.
  bool channels_last = true;
  // CUDA: GroupNorm + SiLU and GEGLU as one kernel each where the build has them (layers/fused_ops.h);
  // off, libtorch's separate operations. Process-wide: the last engine loaded decides.
  bool fused_kernels = true;
  bool log_memory = false;      // CUDA: log the GPU memory peak of each stage (resets the allocator's peak)
  bool long_prompts = true;     // > 75 tokens: 75-token chunks (off: truncate as diffusers)
  bool prompt_weighting = true; // A1111 (word:1.3) syntax
  bool cuda_graphs = true;      // CUDA build + device: each denoising call replays a graph per shape
  int warm_up_side = 1024;      // CUDA: load() runs every model once at side x side (0: no warm-up)
  PreviewOptions previews;      // the live previews (Pipeline::set_previews changes them between runs)
};

// Decoded inputs of one generation. The Request's paths are not read by the engine.
struct Inputs {
  io::Image control_image;  // OpenPose skeleton on black, RGB8, any size (resized to width x height)
  struct ImagePrompt {
    io::Image image;
    double weight = 1.0;
    // As the Request's ImagePrompt (type, composition weight, start/end); `mask` decoded (empty: none).
    diffusion::IpWeightType type = diffusion::IpWeightType::Standard;
    double composition_weight = 1.0;
    double start = 0.0, end = 1.0;
    io::Image mask;
  };
  std::vector<ImagePrompt> image_prompts;  // empty: no IP-Adapter for this run
  io::Image negative_image_prompt;         // empty: zeros (basic) / a zero image (Plus) on the negative side
  // The pose the control image was drawn from, when the caller has it (the app measures pose
  // adherence against it); the pipeline does not read it.
  std::optional<pose::Pose> pose;
  // Optional start latents [samples, 4, H/8, W/8] float32 (tests use the fixtures' initial_latents);
  // empty: drawn from the seed. They are multiplied by the sampler's init_noise_sigma.
  std::vector<float> initial_latents;
};

struct Progress {
  int sample = 0;            // batch item (0-based) when samples run one after another
  int samples = 1;
  int call = 0;              // model evaluations done / total (second-order samplers: 2 per step)
  int calls = 0;
  int step = 0;              // sampler steps done / total
  int steps = 0;
  double sigma = 0.0;        // noise level of the call just done
  double elapsed_s = 0.0;
  double seconds_per_step = 0.0;
  double eta_s = 0.0;
  std::optional<io::Image> preview;  // RGB8 preview of the current latents (may be absent)
  bool full_preview = false;         // the preview is a VAE decode (else a step preview: TAESD-XL or linear)
};
using ProgressFn = std::function<void(const Progress&)>;

struct Result {
  std::vector<io::Image> images;    // one per sample, width x height RGB8
  Request request;                  // as run: the seed resolved
  std::vector<std::int64_t> seeds;  // per sample
  std::vector<double> step_seconds; // per sampler step of the last sample
  std::vector<double> sigmas;       // the sampler's schedule (for plots)
  std::string device;               // e.g. "cuda:0 NVIDIA H100 80GB HBM3, float16"
  double total_seconds = 0.0;
  std::vector<std::string> notes;   // what the run recovered from (e.g. a NaN decode redone in float32)
};

// Thrown by generate() when the cancel flag was set; no partial result.
class Cancelled : public Error {
 public:
  Cancelled() : Error(std::string("generation cancelled")) {}
};

class Pipeline {
 public:
  // Checks `paths` up front (throws Error listing every missing part; OpenPose is the caller's and is
  // not checked, the IP-Adapter and image encoder only when paths.ip_adapter is set) and chooses the
  // device and dtype (Error for an unknown or unavailable one). Models load on first use (or load()).
  Pipeline(ModelPaths paths, EngineOptions options = {});
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Loads every model now. Throws Error naming the file/key that failed. Not thread-safe with generate().
  void load();
  bool loaded() const;

  // Runs one request (validated first, before any model loads: Error listing its problems; the
  // scheduler name is matched case-insensitively, with diffusers/A1111 aliases). Samples run one after
  // another; sample s uses seed + s (a CPU generator, so the same seed gives the same start latents on
  // every device). An empty negative_prompt means none (zeros, as diffusers' SDXL). Re-uses cached prompt
  // embeddings, image tokens and control tensors when only other settings changed. `progress` is
  // called on the calling thread after each model call, once the device has done it (on a GPU the host
  // queues at most two calls ahead of it), with a preview on the steps PreviewOptions gives one; `cancel`
  // is checked between calls (a set flag stops within two model calls and throws Cancelled). One
  // generate() at a time per Pipeline.
  // Every failure is a poseforge::Error naming the stage and model (a libtorch error never escapes);
  // out of memory is an OutOfMemory (core/pipeline/stage_error.h) and leaves the models usable.
  Result generate(const Request& request, const Inputs& inputs, const ProgressFn& progress = {},
                  const std::atomic<bool>* cancel = nullptr);

  // The live previews of later runs (EngineOptions::previews); their measured costs are kept. Not
  // thread-safe with generate().
  void set_previews(const PreviewOptions& previews);

  // "cuda:0 NVIDIA H100 80GB HBM3, float16" or "cpu, float32".
  std::string device_description() const;
  const ModelPaths& paths() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace poseforge::pipeline
