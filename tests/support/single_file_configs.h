// The config folder a tiny single-file checkpoint loads with: the fixture folders' config.json files (and
// tokenizers, scheduler config) in the diffusers layout, as diffusers' from_single_file(config=...) takes.
#pragma once

#include <filesystem>

#include "tests/support/fixtures.h"

namespace poseforge::test {

// Writes <root>/{unet,vae,text_encoder,text_encoder_2}/config.json, <root>/tokenizer(_2)/ and
// <root>/scheduler/scheduler_config.json copied from the fixtures. Returns root.
inline std::filesystem::path write_single_file_configs(const std::filesystem::path& root) {
  namespace fs = std::filesystem;
  const std::pair<const char*, const char*> configs[] = {{"unet", "unet/unet"},
                                                         {"vae", "vae/vae"},
                                                         {"text_encoder", "text_encoders/text_encoder"},
                                                         {"text_encoder_2", "text_encoders/text_encoder_2"}};
  for (const auto& [component, folder] : configs) {
    fs::create_directories(root / component);
    fs::copy_file(fixture(std::string(folder) + "/config.json"), root / component / "config.json",
                  fs::copy_options::overwrite_existing);
  }
  for (const char* tok : {"tokenizer", "tokenizer_2"}) {
    fs::copy(fixture(std::string("tokenizer/") + tok), root / tok,
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
  fs::create_directories(root / "scheduler");
  fs::copy_file(fixture("pipeline/scheduler_config.json"), root / "scheduler" / "scheduler_config.json",
                fs::copy_options::overwrite_existing);
  return root;
}

}  // namespace poseforge::test
