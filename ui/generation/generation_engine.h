// GenerationEngine: the narrow boundary the desktop app's worker calls to make pictures (plain structs, no Qt).
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/io/image.h"
#include "core/pipeline/pipeline.h"
#include "core/pipeline/request.h"
#include "core/pose/pose.h"

namespace poseforge::ui {

// What the app shows about an engine in the toolbar and status bar.
struct EngineInfo {
  std::string name;         // "demo engine", "SDXL pipeline"
  std::string device;       // "CUDA 0 (NVIDIA H100)", "CPU"
  std::string model_state;  // "no model loaded", "SDXL base + ControlNet + IP-Adapter loaded"
  std::string memory;       // "VRAM 7.9 / 80 GiB" (in use / total); empty when not known
  bool demo = false;        // true: results are not model outputs and are labelled so
  std::string badge;        // the label shown over the picture when `demo`
};

// One denoising step done.
struct Progress {
  int step = 0;                      // 1-based: steps done so far
  int total = 0;                     // steps in this run
  double elapsed_s = 0.0;            // since generate() started
  double seconds_per_step = 0.0;     // of the step just done
  double eta_s = 0.0;                // estimated seconds left
  double sigma = 0.0;                // noise level the sampler reached at this step
  std::optional<io::Image> preview;  // the picture so far (may be smaller than the result)
};
using ProgressFn = std::function<void(const Progress&)>;

struct GenerationResult {
  std::vector<io::Image> images;         // `request.samples` images; empty when cancelled
  pipeline::Request request;             // what was run, with the random seed resolved
  std::vector<double> step_seconds;      // wall time of each step done
  std::vector<double> sigmas;            // the sampler's schedule for this run (one per step, then 0)
  std::optional<double> pose_adherence;  // 0..1 when the engine measured it
  std::string pose_message;              // what the score means, or why there is none
  std::optional<pose::Pose> detected_pose;  // the pose found in the (first) result, when measured
  std::string note;                      // shown with the result (e.g. "demo engine: not a model output")
  bool cancelled = false;                // the cancel flag stopped the run
};

// An engine makes the pictures of a Request from its decoded inputs (the control image of the pose
// being edited and that pose, the image prompts' pixels: taken on the UI thread when the run is asked for, so later
// edits do not change a run in flight). generate() is called from the app's worker thread, one
// call at a time (not re-entrant); it must call `progress` after every step (from the calling
// thread), check `cancel` at least once a step and return promptly with `cancelled = true` when it is
// set, and throw poseforge::Error (a message a user can act on) when the request cannot be run.
// info() may be called from the UI thread at any time, also during generate().
class GenerationEngine {
 public:
  virtual ~GenerationEngine() = default;
  virtual EngineInfo info() const = 0;
  virtual GenerationResult generate(const pipeline::Request& request, const pipeline::Inputs& inputs,
                                    const ProgressFn& progress, const std::atomic<bool>& cancel) = 0;
};

}  // namespace poseforge::ui
