// PoseForge PNGs: a picture saved with its generation parameters, and the parameters read back.
#pragma once

#include <filesystem>
#include <optional>

#include <QImage>

#include "core/pipeline/request.h"

namespace poseforge::ui {

// Writes `image` as PNG with text chunks "parameters" (Request::a1111_parameters(), read by A1111,
// ComfyUI and others) and "poseforge" (Request::to_json()). Throws poseforge::Error naming the file.
void save_result_png(const std::filesystem::path& path, const QImage& image, const pipeline::Request& request);

// The Request stored in a PoseForge PNG's "poseforge" chunk; nullopt when the file is a PNG
// without one. Throws poseforge::Error when the file is not a readable PNG or the JSON is invalid.
std::optional<pipeline::Request> read_result_png(const std::filesystem::path& path);

}  // namespace poseforge::ui
