// The engine's settings as the app stores them (QSettings), and the devices torch reports; no Qt or torch here.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/pipeline/pipeline.h"

namespace poseforge::ui {

// QSettings keys.
constexpr const char* kModelsRootKey = "models/root";
constexpr const char* kDeviceKey = "engine/device";   // "auto", "cpu", "cuda:N"
constexpr const char* kDtypeKey = "engine/dtype";     // "auto", "float32", "float16", "bfloat16"
constexpr const char* kLowVramKey = "engine/low_vram";
constexpr const char* kMemoryKey = "engine/memory";

struct EngineSettings {
  std::filesystem::path models_root;
  pipeline::EngineOptions options;
};

// The stored settings; absent keys: default_models_root() and EngineOptions' defaults.
EngineSettings load_engine_settings();
void save_engine_settings(const EngineSettings& settings);

// A device the app can run on: `id` as EngineOptions::device takes it, `label` for people.
struct DeviceChoice {
  std::string id;
  std::string label;
};
// "auto", "cpu", then "cuda:N" for every GPU torch sees.
std::vector<DeviceChoice> available_devices();

// The precisions EngineOptions::dtype takes ("auto" first).
std::vector<std::string> available_dtypes();

}  // namespace poseforge::ui
