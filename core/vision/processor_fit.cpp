// CLIP image preprocessing sized to the vision encoder, and the check that a given one fits it.
#include "core/vision/processor_fit.h"

#include "core/error.h"

namespace poseforge::vision {

io::ImageProcessorConfig default_processor_config(const ClipVisionConfig& vision) {
  io::ImageProcessorConfig p;
  p.shortest_edge = vision.image_size;
  p.crop_height = p.crop_width = vision.image_size;
  return p;
}

void check_processor_fits(const io::ImageProcessorConfig& processor, const ClipVisionConfig& vision,
                          const std::string& where) {
  if (!processor.do_center_crop) {
    throw Error(
        "'{}': do_center_crop is false, but the vision encoder needs {}x{} pictures (image_size): "
        "set do_center_crop to true with crop_size {}",
        where, vision.image_size, vision.image_size, vision.image_size);
  }
  if (processor.crop_width != vision.image_size || processor.crop_height != vision.image_size) {
    throw Error(
        "'{}': crop_size is {}x{}, but the vision encoder's image_size is {} (its config.json): the "
        "preprocessor and the image encoder do not belong together",
        where, processor.crop_width, processor.crop_height, vision.image_size);
  }
}

}  // namespace poseforge::vision
