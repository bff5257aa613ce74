// The fixture pipeline (params.json's runs) as a Request + decoded Inputs, for tests that run the engine.
// Header-only: it reads images with OpenCV (poseforge_core), which the support library does not link.
#pragma once

#include <string>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "core/io/image.h"
#include "core/io/safetensors.h"
#include "core/pipeline/pipeline.h"
#include "tests/support/fixtures.h"
#include "tests/support/pipeline_fixtures.h"  // engine_fixture_paths, fixture_request, fixture_expected_file

namespace poseforge::test {

inline pipeline::EngineOptions fixture_cpu_float32() {
  pipeline::EngineOptions o;
  o.device = "cpu";
  o.dtype = "float32";
  return o;
}

// `o` with the previews made as asked whatever they cost (no pacing by measured time): for tests that
// count them.
inline pipeline::EngineOptions unpaced(pipeline::EngineOptions o) {
  o.previews.full_budget = o.previews.step_budget = 0.0;
  return o;
}

// Request + decoded inputs of params.json's run `index`, with the reference's initial_latents.
struct FixturePipelineRun {
  nlohmann::json params;
  pipeline::Request request;
  pipeline::Inputs inputs;
  std::string expected_file;
  std::string adapter_file;
};

inline FixturePipelineRun fixture_pipeline_run(std::size_t index) {
  FixturePipelineRun r;
  r.params = fixture_json("pipeline/params.json")["runs"].at(index);
  const auto& p = r.params;
  r.adapter_file = p["ip_adapter"].get<std::string>();
  r.request = fixture_request(p);
  r.request.pose_image = fixture("pipeline/" + p["pose"].get<std::string>()).string();
  const auto ip_path = fixture("pipeline/" + p["ip_image"].get<std::string>());
  r.request.image_prompts.push_back({ip_path.string(), 1.0});
  r.inputs.control_image = io::read_image_rgb(r.request.pose_image);
  r.inputs.image_prompts.push_back({io::read_image_rgb(ip_path), 1.0});
  r.expected_file = fixture_expected_file(p);
  io::SafetensorsFile expected(fixture(r.expected_file));
  const auto latents = expected.tensor("initial_latents").to(torch::kFloat32).contiguous();
  r.inputs.initial_latents.assign(latents.data_ptr<float>(), latents.data_ptr<float>() + latents.numel());
  return r;
}

}  // namespace poseforge::test
