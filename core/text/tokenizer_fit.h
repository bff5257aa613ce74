// Load-time consistency of a tokenizer and its CLIP text encoder (ids within the embedding rows,
// sequences within the position embeddings), so a mismatched pair fails when loading, not mid-run.
#pragma once

#include <string>

#include "core/text/clip_text_config.h"
#include "core/text/clip_tokenizer.h"

namespace poseforge::text {

// Throws Error naming the tokenizer folder and `encoder_name` when the tokenizer can produce an id
// outside [0, config.vocab_size) (the encoder's token_embedding rows) or frames sequences longer than
// config.max_position_embeddings.
void check_tokenizer_fits(const ClipTokenizer& tokenizer, const ClipTextConfig& config,
                          const std::string& encoder_name);

}  // namespace poseforge::text
