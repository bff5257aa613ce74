// Engine settings in QSettings; the device list from torch.
#include "ui/settings/engine_settings.h"

#include <fmt/format.h>

#include <QSettings>
#include <QString>

// libtorch names a member slots(); Qt's keyword macro (from the precompiled <QtWidgets>) must not see it.
#pragma push_macro("slots")
#undef slots
#include <torch/cuda.h>

#include "core/pipeline/cuda_info.h"
#pragma pop_macro("slots")

namespace poseforge::ui {

EngineSettings load_engine_settings() {
  QSettings settings;
  EngineSettings out;
  out.models_root = settings.contains(kModelsRootKey)
                        ? std::filesystem::path(settings.value(kModelsRootKey).toString().toStdString())
                        : pipeline::default_models_root();
  out.options.device = settings.value(kDeviceKey, QString::fromStdString(out.options.device)).toString().toStdString();
  out.options.dtype = settings.value(kDtypeKey, QString::fromStdString(out.options.dtype)).toString().toStdString();
  out.options.low_vram = settings.value(kLowVramKey, out.options.low_vram).toBool();
  out.options.memory = settings.value(kMemoryKey, QString::fromStdString(out.options.memory)).toString().toStdString();
  return out;
}

void save_engine_settings(const EngineSettings& s) {
  QSettings settings;
  settings.setValue(kModelsRootKey, QString::fromStdString(s.models_root.string()));
  settings.setValue(kDeviceKey, QString::fromStdString(s.options.device));
  settings.setValue(kDtypeKey, QString::fromStdString(s.options.dtype));
  settings.setValue(kLowVramKey, s.options.low_vram);
  settings.setValue(kMemoryKey, QString::fromStdString(s.options.memory));
}

std::vector<DeviceChoice> available_devices() {
  std::vector<DeviceChoice> out = {{"auto", "Auto (CUDA when available, else CPU)"}, {"cpu", "CPU"}};
  const int gpus = torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
  for (int i = 0; i < gpus; ++i) {
    const auto name = pipeline::gpu_name(torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(i)));
    out.push_back(
        {fmt::format("cuda:{}", i), name.empty() ? fmt::format("CUDA {}", i) : fmt::format("CUDA {}: {}", i, name)});
  }
  return out;
}

std::vector<std::string> available_dtypes() {
  return {"auto", "float32", "float16", "bfloat16"};
}

}  // namespace poseforge::ui
