// Fuzz harness: one config.json-style file read by every config reader (UNet, ControlNet, VAE, CLIP text and
// vision, scheduler, image processor) and as a preset.
#include <functional>

#include "core/diffusion/autoencoder_kl.h"
#include "core/diffusion/controlnet.h"
#include "core/diffusion/unet_config.h"
#include "core/error.h"
#include "core/io/image_processor_config.h"
#include "core/io/json_config.h"
#include "core/io/scheduler_config.h"
#include "core/presets/preset.h"
#include "core/text/clip_text_config.h"
#include "core/vision/clip_vision_config.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/harnesses.h"

namespace {

using namespace poseforge;

void expect_value_or_error(const char* what, const std::function<void()>& read) {
  try {
    read();
    fuzz::note(std::string("config: reads as ") + what);
  } catch (const Error& e) {
    fuzz::note(e.what());
  }
}

}  // namespace

int fuzz_config(const std::uint8_t* data, std::size_t size) {
  const auto path = fuzz::write_scratch("config.json", data, size);
  std::optional<io::JsonConfig> config;
  try {
    config = io::JsonConfig::load(path);
  } catch (const Error& e) {
    fuzz::note(e.what());
    return 0;
  }
  const io::JsonConfig& c = *config;
  expect_value_or_error("UNetConfig (with up blocks)", [&] { diffusion::UNetConfig::from_json(c, true); });
  expect_value_or_error("UNetConfig (down blocks only)", [&] { diffusion::UNetConfig::from_json(c, false); });
  expect_value_or_error("ControlNetConfig", [&] { diffusion::ControlNetConfig::from_json(c); });
  expect_value_or_error("AutoencoderKLConfig", [&] { diffusion::AutoencoderKLConfig::from_json(c); });
  expect_value_or_error("ClipTextConfig", [&] { text::ClipTextConfig::from_json(c); });
  expect_value_or_error("ClipVisionConfig", [&] { vision::ClipVisionConfig::from_json(c); });
  expect_value_or_error("SchedulerConfig", [&] { io::SchedulerConfig::from_json(c); });
  expect_value_or_error("ImageProcessorConfig", [&] { io::ImageProcessorConfig::from_json(c); });
  expect_value_or_error("Preset", [&] {
    const auto preset = presets::Preset::from_json(c.json(), "fuzz preset");
    // A preset that reads must write and read back the same.
    const auto again = presets::Preset::from_json(preset.to_json(), "fuzz preset (round trip)");
    fuzz::check(again.to_json() == preset.to_json(), "preset changed in a JSON round trip");
  });
  return 0;
}
