// warm_up_run: the synthetic request PipelineEngine::load runs once on CUDA.
#include "core/pipeline/warm_up.h"

namespace poseforge::pipeline {
namespace {

io::Image grey(int side) {
  io::Image image;
  image.width = image.height = side;
  image.channels = 3;
  image.pixels.assign(static_cast<std::size_t>(side) * side * 3, 128);
  return image;
}

}  // namespace

WarmUpRun warm_up_run(int side, bool with_image_prompt) {
  WarmUpRun w;
  Request& r = w.request;
  r.width = r.height = side;
  r.steps = 2;
  r.guidance_scale = 7.5;  // CFG: the batch of 2 nearly every run has
  r.seed = 0;
  r.prompt = "a photo";
  r.negative_prompt = "blurry";
  r.pose_image = "(warm-up)";
  w.inputs.control_image = grey(64);  // resized to side x side like any pose image
  if (with_image_prompt) w.inputs.image_prompts.push_back({grey(64), 1.0});
  return w;
}

}  // namespace poseforge::pipeline
