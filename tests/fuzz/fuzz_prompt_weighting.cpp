// Fuzz harness: A1111 prompt weighting, then the weighted pieces laid out in token chunks (demo tokenizer).
#include <string>

#include "core/error.h"
#include "core/text/clip_tokenizer.h"
#include "core/text/prompt_chunks.h"
#include "core/text/prompt_weighting.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/harnesses.h"

int fuzz_prompt_weighting(const std::uint8_t* data, std::size_t size) {
  using namespace poseforge;
  const std::string prompt(reinterpret_cast<const char*>(data), size);
  for (const bool allow_break : {true, false}) {
    const auto pieces = text::parse_prompt_weights(prompt, allow_break);
    fuzz::check(!pieces.empty(), "no pieces");
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      fuzz::check(!pieces[i].is_break || (allow_break && pieces[i].text.empty()), "a BREAK piece with text");
      if (i > 0 && !pieces[i].is_break && !pieces[i - 1].is_break) {
        fuzz::check(pieces[i].weight != pieces[i - 1].weight, "neighbours of equal weight were not merged");
      }
    }
    if (prompt.find_first_of("\\()[]") == std::string::npos &&
        (!allow_break || prompt.find("BREAK") == std::string::npos)) {
      fuzz::check(pieces.size() == 1 && pieces[0].text == prompt && pieces[0].weight == 1.0,
                  "a prompt without brackets did not come back unchanged");
    }
    const auto& tok = fuzz::demo_tokenizer();
    for (const bool split_long : {true, false}) {
      try {
        const auto chunks = text::chunk_prompt(tok, pieces, split_long);
        fuzz::check(!chunks.empty() && (split_long || chunks.size() == 1), "wrong number of chunks");
        for (const auto& chunk : chunks) {
          fuzz::check(chunk.ids.size() == static_cast<std::size_t>(tok.max_length()), "a chunk is not max_length ids");
          fuzz::check(chunk.weights.size() == chunk.ids.size(), "a chunk's weights and ids differ in length");
        }
      } catch (const Error& e) {
        fuzz::note(e.what());
      }
    }
  }
  return 0;
}
