// Load-time consistency of a tokenizer and its CLIP text encoder.
#include "core/text/tokenizer_fit.h"

#include "core/error.h"

namespace poseforge::text {

void check_tokenizer_fits(const ClipTokenizer& tokenizer, const ClipTextConfig& config,
                          const std::string& encoder_name) {
  const std::string folder = tokenizer.folder().string();
  if (tokenizer.min_id() < 0 || tokenizer.max_id() >= config.vocab_size) {
    throw Error(
        "tokenizer '{}' has token ids from {} to {}, but {} has {} token embedding rows (vocab_size in its "
        "config.json): the tokenizer and the text encoder do not belong together",
        folder, tokenizer.min_id(), tokenizer.max_id(), encoder_name, config.vocab_size);
  }
  if (tokenizer.max_length() > config.max_position_embeddings) {
    throw Error(
        "tokenizer '{}' frames {} tokens (model_max_length), but {} has {} position embeddings "
        "(max_position_embeddings in its config.json)",
        folder, tokenizer.max_length(), encoder_name, config.max_position_embeddings);
  }
}

}  // namespace poseforge::text
