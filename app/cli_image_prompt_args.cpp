// Image-prompt flags of `poseforge-cli generate`.
#include "app/cli_image_prompt_args.h"

#include <fmt/format.h>

#include "app/cli_generate_args.h"
#include "core/diffusion/ip_weight_type.h"

namespace poseforge::cli {

bool ImagePromptArgs::read(ArgReader& a) {
  if (a.is("--ip-image")) {
    images.push_back(parse_image_prompt_flag(a.value()));
    return true;
  }
  if (a.is("--ip-negative-image")) {
    negative = a.value();
    return true;
  }
  const bool per_prompt = a.is("--ip-type") || a.is("--ip-composition-weight") || a.is("--ip-start") ||
                          a.is("--ip-end") || a.is("--ip-mask");
  if (!per_prompt) return false;
  if (images.empty())
    throw UsageError(fmt::format("{} applies to the --ip-image before it; give one first", a.current()));
  auto& last = images.back();
  if (a.is("--ip-type")) {
    const auto text = a.value();
    try {
      last.type = diffusion::parse_ip_weight_type(text);
    } catch (const Error& e) {
      throw UsageError(fmt::format("--ip-type: {}", e.what()));
    }
  } else if (a.is("--ip-composition-weight")) {
    last.composition_weight = a.double_value();
  } else if (a.is("--ip-start")) {
    last.start = a.double_value();
  } else if (a.is("--ip-end")) {
    last.end = a.double_value();
  } else {
    last.mask = a.value();
  }
  return true;
}

void ImagePromptArgs::apply(pipeline::Request& request) const {
  if (!images.empty()) request.image_prompts = images;
  if (negative) request.ip_negative_image = *negative;
}

const char* image_prompt_usage() {
  return "           image prompts: [--ip-image PATH[:WEIGHT] [--ip-type standard|style|composition|\n"
         "           style_and_composition|strong_style] [--ip-composition-weight X] [--ip-start X] [--ip-end X]\n"
         "           [--ip-mask BLACK_WHITE.png]]... [--ip-negative-image PATH]\n"
         "              (each --ip-* flag sets the --ip-image before it; the mask's white part is where it acts)\n";
}

}  // namespace poseforge::cli
