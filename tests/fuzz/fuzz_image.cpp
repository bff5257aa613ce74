// Fuzz harness: image decoding (PNG, JPEG, WebP, BMP, TIFF, ... through OpenCV) to 8-bit RGB.
#include <cstdlib>

#include "core/error.h"
#include "core/io/image.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/harnesses.h"

int fuzz_image(const std::uint8_t* data, std::size_t size) {
  using namespace poseforge;
  const auto path = fuzz::write_scratch("in.img", data, size);
  try {
    const auto image = io::read_image_rgb(path);
    fuzz::check(image.channels == 3 && image.width > 0 && image.height > 0, "a decoded image with no pixels");
    fuzz::check(image.pixels.size() == static_cast<std::size_t>(image.width) * image.height * 3,
                "pixel buffer does not match the size");
    fuzz::note("image: " + std::to_string(image.width) + "x" + std::to_string(image.height));
  } catch (const Error& e) {
    fuzz::note(e.what());
  }
  return 0;
}
