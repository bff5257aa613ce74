// PoseForge PNGs through io::write_png / io::read_png_text.
#include "ui/results/png_metadata.h"

#include <fmt/format.h>

#include "core/error.h"
#include "core/io/json_text.h"
#include "core/io/png_io.h"
#include "ui/common/image_convert.h"

namespace poseforge::ui {

void save_result_png(const std::filesystem::path& path, const QImage& image, const pipeline::Request& request) {
  if (image.isNull()) throw Error("cannot save '{}': there is no picture", path.string());
  io::write_png(path, to_rgb_image(image),
                {{"parameters", request.a1111_parameters()}, {"poseforge", io::json_text(request.to_json(), 2)}});
}

std::optional<pipeline::Request> read_result_png(const std::filesystem::path& path) {
  const auto text = io::read_png_text(path);
  const auto it = text.find("poseforge");
  if (it == text.end()) return std::nullopt;
  try {
    return pipeline::Request::from_json(nlohmann::json::parse(it->second));
  } catch (const nlohmann::json::exception& e) {
    throw Error("file '{}': its 'poseforge' text is not valid JSON: {}", path.string(), e.what());
  } catch (...) {
    rethrow_with_context(fmt::format("file '{}', 'poseforge' text", path.string()));
  }
}

}  // namespace poseforge::ui
