// `poseforge-cli generate` flags for image-prompt control: type, composition weight, start/end and mask
// of the --ip-image before them, and the negative image prompt.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/cli_args.h"
#include "core/pipeline/request.h"

namespace poseforge::cli {

// The image-prompt flags read so far.
struct ImagePromptArgs {
  std::vector<pipeline::ImagePrompt> images;  // --ip-image PATH[:WEIGHT], each with its own flags after it
  std::optional<std::string> negative;        // --ip-negative-image PATH

  // Reads the current flag when it is one of --ip-image, --ip-type, --ip-composition-weight,
  // --ip-start, --ip-end, --ip-mask, --ip-negative-image; false for any other flag. UsageError for a
  // per-prompt flag with no --ip-image before it, or a type that is not known.
  bool read(ArgReader& a);
  // The images (when any were given) and the negative replace the request's.
  void apply(pipeline::Request& request) const;
};

// The usage lines of those flags.
const char* image_prompt_usage();

}  // namespace poseforge::cli
