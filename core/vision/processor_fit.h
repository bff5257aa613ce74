// The CLIP image preprocessing a vision encoder needs: defaults sized to its config when a folder has no
// preprocessor_config.json (h94's models/image_encoder), and a load-time check that the crop fits.
#pragma once

#include <string>

#include "core/io/image_processor_config.h"
#include "core/vision/clip_vision_config.h"

namespace poseforge::vision {

// transformers' CLIPImageProcessor defaults with size.shortest_edge and crop_size set to image_size.
io::ImageProcessorConfig default_processor_config(const ClipVisionConfig& vision);

// Throws Error naming `where` (the preprocessor_config.json) when the processor's output is not the
// image_size x image_size square the vision encoder's position embeddings are made for.
void check_processor_fits(const io::ImageProcessorConfig& processor, const ClipVisionConfig& vision,
                          const std::string& where);

}  // namespace poseforge::vision
