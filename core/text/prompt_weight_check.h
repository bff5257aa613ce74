// Limits on A1111 prompt weights: "(a:1e30)", "(a:nan)", "(a:inf)" and weights that nesting multiplies
// past the limit are refused with a message, before any model runs (they would only make garbage).
#pragma once

#include <string>
#include <vector>

#include "core/text/prompt_weighting.h"

namespace poseforge::text {

// The largest magnitude a piece's effective weight (nested brackets multiply) may have. A1111 takes any
// finite number; beyond about 2 the picture already breaks up, beyond 10 it is noise.
constexpr double kMaxPromptWeight = 10.0;

// One message per problem of `prompt`'s weights, naming `field` ("prompt", "negative_prompt") and the
// text: a weight written as something other than a plain decimal ("1e30", "nan", "inf", "0x10": A1111
// would read the whole bracket as literal text, which is never what was meant) and effective weights
// that are not finite or beyond +-kMaxPromptWeight. Empty when the prompt is fine.
std::vector<std::string> prompt_weight_problems(const std::string& field, const std::string& prompt,
                                                bool allow_break = true);

// Throws Error with the first problem among already parsed `pieces` (effective weights only).
void check_prompt_weights(const std::string& field, const std::vector<WeightedText>& pieces);

}  // namespace poseforge::text
