// Fuzz harness: the text chunks of a PNG (tEXt, zTXt, iTXt through libpng) and what the app reads from them:
// our "poseforge" request JSON, A1111/Forge's "parameters" and ComfyUI's "prompt"/"workflow", each parsed and
// mapped onto a Request, and the whole restore the app runs when a PNG is dropped on it.
#include <map>
#include <string>

#include "core/error.h"
#include "core/io/png_io.h"
#include "core/pipeline/request.h"
#include "core/presets/a1111_parameters.h"
#include "core/presets/comfyui_workflow.h"
#include "core/presets/png_restore.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/harnesses.h"

int fuzz_png_text(const std::uint8_t* data, std::size_t size) {
  using namespace poseforge;
  const auto path = fuzz::write_scratch("in.png", data, size);
  std::map<std::string, std::string> text;
  try {
    text = io::read_png_text(path);
  } catch (const Error& e) {
    fuzz::note(e.what());
    return 0;
  }
  fuzz::note("png: " + std::to_string(text.size()) + " text chunks");
  // What ui/results/png_metadata.cpp does with the "poseforge" chunk.
  if (const auto it = text.find("poseforge"); it != text.end()) {
    nlohmann::json json;
    try {
      json = nlohmann::json::parse(it->second);
    } catch (const nlohmann::json::exception&) {
      return 0;  // png_metadata.cpp turns this into an Error naming the file
    }
    try {
      (void)pipeline::Request::from_json(json).to_json().dump();
    } catch (const Error& e) {
      fuzz::note(e.what());
    }
  }
  const auto mapped = [](const presets::ForeignParameters& parameters) {
    pipeline::Request request;
    const auto report = presets::apply_foreign_parameters(parameters, request);
    fuzz::check(!report.message().empty(), "a restore report with no message");
    (void)request.to_json().dump();
  };
  if (const auto it = text.find("parameters"); it != text.end()) {
    try {
      mapped(presets::parse_a1111_parameters(it->second));
    } catch (const Error& e) {
      fuzz::note(e.what());
    }
  }
  const auto prompt = text.find("prompt");
  const auto workflow = text.find("workflow");
  if (prompt != text.end() || workflow != text.end()) {
    const auto json_of = [&](const auto& it) {
      if (it == text.end()) return nlohmann::json();
      return nlohmann::json::parse(it->second, nullptr, /*allow_exceptions=*/false);
    };
    const auto prompt_json = json_of(prompt);
    const auto workflow_json = json_of(workflow);
    if (!prompt_json.is_discarded() && !workflow_json.is_discarded()) {
      try {
        mapped(presets::parse_comfyui(prompt_json, workflow_json));
      } catch (const Error& e) {
        fuzz::note(e.what());
      }
      try {
        if (!workflow_json.is_null()) (void)presets::comfyui_prompt_from_workflow(workflow_json).dump();
      } catch (const Error& e) {
        fuzz::note(e.what());
      }
    }
  }
  // What the app does with a dropped PNG: every reader in turn, on top of a default request.
  try {
    if (const auto restored = presets::restore_from_png(path)) (void)restored->request.to_json().dump();
  } catch (const Error& e) {
    fuzz::note(e.what());
  }
  return 0;
}
